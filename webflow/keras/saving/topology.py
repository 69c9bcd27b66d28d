"""Model architectures in the two Keras dialects webflow reads and writes.

- ``"tfjs"``: the ``modelTopology`` of TensorFlow.js's Layers format (Keras 2 style):
  ``batch_input_shape`` on the first layer of a Sequential, inbound nodes as
  ``[[layer, node, tensor, kwargs], ...]``, initializers and regularizers as
  ``{class_name, config}`` (regularizers as ``L1L2``, the one TF.js knows),
  LeakyReLU's slope as ``alpha``.
- ``"keras3"``: the ``config.json`` of a Keras 3 ``.keras`` file: ``module`` and
  ``registered_name`` on every object, dtype policies, InputLayer entries with
  ``batch_shape``, inbound nodes as ``{"args": [...], "kwargs": {...}}`` over
  ``__keras_tensor__`` references, ``build_config`` per layer.

Reading accepts both (and Keras 2's own JSON). Only names are read: a class is
looked up in webflow's explicit table (``models.LAYER_CLASSES`` plus
``custom_objects``), never imported or evaluated; an unknown class is an error
naming it. Keys webflow has no use for are dropped only when they hold their
do-nothing value (a constraint of None, ``sparse=False``, ...); anything else is
an error naming the layer and the key, so nothing is silently computed differently.

>>> import webflow as tf
>>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="out")])
>>> topology = to_topology(model, "tfjs")
>>> topology["config"]["layers"][0]["config"]["batch_input_shape"]
[None, 3]
>>> type(from_topology(topology, "example")).__name__
'Sequential'
"""

from webflow import nest
from webflow.keras import initializers
from webflow.keras import layers as layers_module
from webflow.keras import models, regularizers
from webflow.keras.layers import InputLayer

TFJS_VERSION = "tfjs-layers 4.22.0"  # the TF.js whose loader these topologies are tested against

# Initializers webflow has, by their Keras class name. Others (VarianceScaling, GlorotNormal, Orthogonal...)
# are read as GlorotUniform: an initializer only draws fresh weights, and a loaded model's weights come
# from the file.
_INITIALIZERS = {cls.__name__: cls for cls in initializers.ALIASES.values()}

# Keys webflow's layers do not take, dropped on reading when they hold the value that does nothing.
_INERT = {"sparse": False, "ragged": False, "optional": False, "quantization_config": None, "synchronized": False,
          "renorm": False, "renorm_clipping": None, "input_length": None, "lora_rank": None, "lora_alpha": None,
          "rms_scaling": False, "batch_size": None, "activity_regularizer": None}
_INERT_BY_CLASS = {"ReLU": {"max_value": None, "negative_slope": 0.0, "threshold": 0.0},
                   "Flatten": {"data_format": "channels_last"}}
# Keys with webflow's default value that TF.js's layers do not know (they are left out of a "tfjs" topology).
_TFJS_DEFAULTS = {"groups": 1, "output_padding": None, "keepdims": False}


def _error(where, message):
    return ValueError(f"{where}: {message}")


# --- writing ----------------------------------------------------------------------------------


def to_topology(model, dialect):
    """The model's architecture as a "tfjs" modelTopology or a "keras3" config.json object.

    Raises:
        ValueError: a subclassed model (its ``call`` is Python code, not a config), or an unbuilt one.
    """
    entry = _model_entry(model, dialect, "save")
    if dialect == "tfjs":
        entry.update(keras_version=TFJS_VERSION, backend="tensor_flow.js")
    else:
        entry.update(compile_config=None)
    return entry


def _model_entry(model, dialect, where):
    if isinstance(model, models.Sequential):
        if model.inputs is None:
            raise _error(where, f"model {model.name!r} is not built; give it an input shape "
                                "(tf.keras.Input first, or build(input_shape)) before saving")
        layers = [_layer_entry(layer, dialect) for layer in model.layers]
        input_layer = model.input.node.layer
        if dialect == "tfjs":
            # NOTE: TF.js puts the input shape on the first layer, whose dtype is also its weights'
            # dtype: it stays float32 (an int32 Input feeding an Embedding is read back as float32 ids,
            # which Embedding casts).
            layers[0]["config"].update(batch_input_shape=list(model.input.shape), dtype="float32")
        else:
            layers.insert(0, _layer_entry(input_layer, dialect))
        config = {"name": model.name, "trainable": model.trainable, "layers": layers}
        if dialect == "keras3":
            config.update(dtype=_policy(), build_input_shape=list(model.input.shape))
            return _keras3_object("keras", "Sequential", config, build_config={"input_shape": list(model.input.shape)})
        return {"class_name": "Sequential", "config": config}
    if model._graph is None:
        raise _error(where, f"model {model.name!r} is a subclassed Model: its architecture is Python code, which "
                            "the format cannot hold; save its weights with save_weights, or build it with the "
                            "functional API or Sequential")
    graph = model._graph
    layers = []
    for layer in graph.layers:
        entry = _layer_entry(layer, dialect)
        nodes = [] if isinstance(layer, InputLayer) else graph.nodes_of(layer)
        if dialect == "tfjs":
            entry["inbound_nodes"] = [[[*_history(graph, t), _jsonable(node.kwargs)] for t in node.inputs]
                                      for node in nodes]
        else:
            entry["inbound_nodes"] = [{"args": [nest.map_structure(lambda t: _keras_tensor(graph, t), node.args)],
                                       "kwargs": _jsonable(node.kwargs)} for node in nodes]
        layers.append({"name": layer.name, **entry})
    inputs = [_history(graph, t) for t in graph.inputs]
    outputs = [_history(graph, t) for t in graph.outputs]
    config = {"name": model.name, "trainable": model.trainable, "layers": layers}
    if dialect == "tfjs":
        return {"class_name": "Model", "config": {**config, "input_layers": inputs, "output_layers": outputs}}
    single = (lambda refs: refs[0] if len(refs) == 1 else refs)
    return _keras3_object("keras.src.models.functional", "Functional",
                          {**config, "input_layers": single(inputs), "output_layers": single(outputs)})


def _history(graph, t):
    return [t.node.layer.name, graph.node_index(t.node), t.index]


def _keras_tensor(graph, t):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(t.shape), "dtype": t.dtype.name, "keras_history": _history(graph, t)}}


def _jsonable(kwargs):
    return {k: v for k, v in kwargs.items() if isinstance(v, (bool, int, float, str, type(None)))}


def _keras3_object(module, class_name, config, **extra):
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None, **extra}


def _policy():
    return _keras3_object("keras", "DTypePolicy", {"name": "float32"})


def _layer_entry(layer, dialect):
    if isinstance(layer, models.Model):
        return _model_entry(layer, dialect, "save")
    class_name = type(layer).__name__
    if class_name not in models.LAYER_CLASSES:
        raise _error("save", f"layer {layer.name!r} is of class {class_name}, which is not a built-in layer; "
                             "the file could not be loaded without it (use save_weights for custom layers)")
    config = {}
    for key, value in layer.get_config().items():
        if key.endswith("_initializer"):
            value = _initializer_out(layer, key, value, dialect)
        elif key.endswith("_regularizer"):
            value = _regularizer_out(value, dialect)
        config[key] = value
    if isinstance(layer, InputLayer):
        shape_key = "batch_input_shape" if dialect == "tfjs" else "batch_shape"
        config = {shape_key: list(config["batch_shape"]), "dtype": config["dtype"], "sparse": False,
                  "name": config["name"]}
        return {"class_name": "InputLayer", "config": config} if dialect == "tfjs" else \
            _keras3_object("keras.layers", "InputLayer", config)
    if dialect == "tfjs":
        config["dtype"] = "float32"
        if class_name == "LeakyReLU":
            config["alpha"] = config.pop("negative_slope")
        for key, default in _TFJS_DEFAULTS.items():
            if key in config and config[key] == default:
                del config[key]
        return {"class_name": class_name, "config": config}
    config["dtype"] = _policy()
    extra = {}
    if layer._inbound_nodes:
        shapes = [list(t.shape) for t in layer._inbound_nodes[0].inputs]
        extra["build_config"] = {"input_shape": shapes[0] if len(shapes) == 1 else shapes}
    return _keras3_object("keras.layers", class_name, config, **extra)


def _initializer_out(layer, key, value, dialect):
    try:
        initializer = layers_module._initializer(value)
    except ValueError as error:
        raise _error("save", f"layer {layer.name!r}: {key}: {error}") from None
    if not isinstance(initializer, initializers.Initializer):
        raise _error("save", f"layer {layer.name!r}: {key} is a function, which the format cannot hold; "
                             "use an initializer name or a tf.keras.initializers class")
    entry = {"class_name": type(initializer).__name__, "config": initializer.get_config()}
    return entry if dialect == "tfjs" else _keras3_object("keras.initializers", **entry)


def _regularizer_out(value, dialect):
    if value is None:
        return None
    if dialect == "tfjs":  # TF.js knows L1L2 only (its l1() and l2() make one)
        config = value["config"]
        return {"class_name": "L1L2", "config": {"l1": config.get("l1", 0.0), "l2": config.get("l2", 0.0)}}
    return _keras3_object("keras.regularizers", value["class_name"], value["config"])


# --- reading ----------------------------------------------------------------------------------


def from_topology(topology, where, custom_objects=None):
    """A new webflow model (fresh weights) from a TF.js modelTopology or a Keras config.

    Raises:
        ValueError: not a {class_name, config} object, an unknown layer class (named), or a
            setting webflow does not support (named with its layer).
    """
    if isinstance(topology, dict) and "model_config" in topology:  # Keras 2's model.to_json() wrapper
        topology = topology["model_config"]
    if not isinstance(topology, dict) or "class_name" not in topology or "config" not in topology:
        raise _error(where, "modelTopology must be an object with class_name and config; received "
                            f"{_short(topology)}")
    if topology["class_name"] not in ("Sequential", "Model", "Functional"):
        raise _error(where, f"the topology must describe a Sequential or functional model; received class "
                            f"{topology['class_name']!r}")
    entry = _entry_in(topology, where, custom_objects or {})
    try:
        return models._deserialize_layer(entry, custom_objects)
    except (TypeError, ValueError, KeyError) as error:
        raise _error(where, f"could not build the model: {error}") from None


def _short(value):
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def _entry_in(entry, where, custom_objects):
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str) or "config" not in entry:
        raise _error(where, f"a layer must be an object with class_name and config; received {_short(entry)}")
    class_name, config = entry["class_name"], entry["config"]
    if class_name == "Sequential":
        return {"class_name": "Sequential", "config": _sequential_in(config, where, custom_objects)}
    if class_name in ("Model", "Functional"):
        return {"class_name": "Functional", "config": _functional_in(config, where, custom_objects)}
    if class_name not in models.LAYER_CLASSES and class_name not in custom_objects:
        raise _error(where, f"unknown layer class {class_name!r}; webflow builds only its own layers "
                            f"({', '.join(sorted(models.LAYER_CLASSES))}) or classes passed in custom_objects")
    if not isinstance(config, dict):
        raise _error(where, f"layer class {class_name}: config must be an object; received {_short(config)}")
    if class_name in custom_objects:
        return {"class_name": class_name, "config": config}
    return {"class_name": class_name, "config": _layer_config_in(class_name, config, where)}


def _sequential_in(config, where, custom_objects):
    entries = config["layers"] if isinstance(config, dict) else config  # old Keras: a bare list
    if not isinstance(entries, list) or not entries:
        raise _error(where, "a Sequential needs a non-empty list of layers")
    layers = [_entry_in(e, where, custom_objects) for e in entries]
    first = layers[0]["config"]
    if layers[0]["class_name"] != "InputLayer" and "input_shape" in first:
        # NOTE: a batch_input_shape on the first layer (TF.js, Keras 2) becomes an Input, as Keras does.
        shape = first.pop("input_shape")
        dtype = first.pop("input_dtype", "float32")
        layers.insert(0, {"class_name": "InputLayer", "config": {"batch_shape": [None, *shape], "dtype": dtype}})
    for layer in layers:
        layer["config"].pop("input_dtype", None)
    name = config.get("name") if isinstance(config, dict) else None
    return {"name": name, "trainable": config.get("trainable", True) if isinstance(config, dict) else True,
            "layers": layers}


def _functional_in(config, where, custom_objects):
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise _error(where, "a functional model's config needs a list of layers")
    layers = []
    for raw in config["layers"]:
        entry = _entry_in(raw, where, custom_objects)
        entry["config"].pop("input_dtype", None)
        name = raw.get("name", entry["config"].get("name"))
        entry["config"]["name"] = name
        nodes = raw.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise _error(where, f"layer {name!r}: inbound_nodes must be a list; received {_short(nodes)}")
        layers.append({**entry, "name": name, "inbound_nodes": [_node_in(n, name, where) for n in nodes]})
    return {"name": config.get("name"), "trainable": config.get("trainable", True), "layers": layers,
            "input_layers": _refs_in(config.get("input_layers"), "input_layers", where),
            "output_layers": _refs_in(config.get("output_layers"), "output_layers", where)}


def _ref(history, where):
    if (not isinstance(history, list) or len(history) < 3 or not isinstance(history[0], str)
            or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in history[1:3])):
        raise _error(where, f"a tensor reference must be [layer name, node index, tensor index]; received "
                            f"{_short(history)}")
    return {"keras_history": list(history[:3])}


def _refs_in(value, key, where):
    """[name, node, tensor] or a list of them (or a dict of them) -> webflow refs; one ref stays one."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        return _ref(value, where)
    if isinstance(value, dict):
        return {k: _ref(v, where) for k, v in value.items()}
    if not isinstance(value, list) or not value:
        raise _error(where, f"{key} must list [layer name, node index, tensor index] references; received "
                            f"{_short(value)}")
    refs = [_ref(v, where) for v in value]
    return refs[0] if len(refs) == 1 else refs


def _node_in(node, layer_name, where):
    if isinstance(node, dict):  # Keras 3: {"args": [structure of __keras_tensor__], "kwargs": {...}}
        args = node.get("args")
        if not isinstance(args, list) or len(args) != 1:
            raise _error(where, f"layer {layer_name!r}: a node must have exactly one positional argument (the "
                                f"inputs); received {_short(args)}")
        kwargs = node.get("kwargs") or {}
        return {"args": _keras_tensors_in(args[0], layer_name, where),
                "kwargs": {k: v for k, v in kwargs.items() if v is not None}}
    if not isinstance(node, list) or not node:  # Keras 2 / TF.js: [[name, node, tensor, kwargs], ...]
        raise _error(where, f"layer {layer_name!r}: an inbound node must be a non-empty list; received "
                            f"{_short(node)}")
    refs = [_ref(entry, where) for entry in node]
    kwargs = node[0][3] if len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    return {"args": refs[0] if len(refs) == 1 else refs, "kwargs": {k: v for k, v in kwargs.items() if v is not None}}


def _keras_tensors_in(structure, layer_name, where):
    if isinstance(structure, dict) and structure.get("class_name") == "__keras_tensor__":
        return _ref(structure.get("config", {}).get("keras_history"), where)
    if isinstance(structure, list):
        return [_keras_tensors_in(item, layer_name, where) for item in structure]
    if isinstance(structure, dict):
        return {k: _keras_tensors_in(v, layer_name, where) for k, v in structure.items()}
    raise _error(where, f"layer {layer_name!r}: a node's inputs must be Keras tensor references; received "
                        f"{_short(structure)}")


def _dtype_name(value):
    if isinstance(value, dict):  # a Keras 3 DTypePolicy
        return (value.get("config") or {}).get("name")
    return value


def _layer_config_in(class_name, config, where):
    """A Keras layer config as the arguments webflow's layer takes (see the module docstring)."""
    name = config.get("name", "?")
    inert = {**_INERT, **_INERT_BY_CLASS.get(class_name, {})}
    if not config.get("renorm"):
        inert["renorm_momentum"] = config.get("renorm_momentum")
    out = {}
    for key, value in config.items():
        if key == "dtype":
            dtype = _dtype_name(value)
            if class_name == "InputLayer" or "batch_input_shape" in config:
                out["dtype" if class_name == "InputLayer" else "input_dtype"] = dtype or "float32"
            elif dtype not in (None, "float32"):
                raise _error(where, f"layer {name!r} ({class_name}) computes in {dtype}; webflow's layers "
                                    "compute in float32")
        elif key in ("batch_input_shape", "batch_shape"):
            if class_name == "InputLayer":
                out["batch_shape"] = value
            elif value is not None:
                out["input_shape"] = list(value)[1:]
        elif key.endswith("_constraint"):
            if value is not None:
                raise _error(where, f"layer {name!r} ({class_name}) has {key}={_short(value)}; webflow has no "
                                    "weight constraints")
        elif key in inert:
            if value != inert[key] and not (value is None and inert[key] is False):
                raise _error(where, f"layer {name!r} ({class_name}) sets {key}={_short(value)}, which webflow does "
                                    f"not support (only {inert[key]!r})")
        elif key.endswith("_initializer"):
            out[key] = _initializer_in(value)
        elif key.endswith("_regularizer"):
            out[key] = _regularizer_in(value, name, key, where)
        elif key == "activation" and not isinstance(value, (str, type(None))):
            raise _error(where, f"layer {name!r} ({class_name}) has activation {_short(value)}; expected the "
                                "name of a built-in activation")
        else:
            out[key] = value
    if class_name == "LeakyReLU" and "alpha" in out:
        out["negative_slope"] = out.pop("alpha")
    return out


def _initializer_in(value):
    if isinstance(value, str):
        return value if value in initializers.ALIASES or value in layers_module._INITIALIZER_NAMES \
            else "glorot_uniform"
    if not isinstance(value, dict):
        return "glorot_uniform"
    cls = _INITIALIZERS.get(value.get("class_name"))
    if cls is None:
        return "glorot_uniform"
    config = value.get("config") or {}
    accepted = cls().get_config()  # the arguments it takes, by name
    return {"class_name": cls.__name__, "config": {k: v for k, v in config.items() if k in accepted}}


def _regularizer_in(value, layer_name, key, where):
    if value is None:
        return None
    if isinstance(value, str) and value in regularizers.ALIASES:
        return value
    if isinstance(value, dict) and value.get("class_name") in regularizers.ALIASES:
        config = value.get("config") or {}
        cls = regularizers.ALIASES[value["class_name"]]
        if cls is regularizers.L1L2 and not config.get("l1"):  # TF.js writes l2() as L1L2(l1=0)
            return {"class_name": "L2", "config": {"l2": config.get("l2", 0.0)}}
        if cls is regularizers.L1L2 and not config.get("l2"):
            return {"class_name": "L1", "config": {"l1": config.get("l1", 0.0)}}
        return {"class_name": cls.__name__, "config": {k: v for k, v in config.items() if k in ("l1", "l2")}}
    raise _error(where, f"layer {layer_name!r}: {key} {_short(value)} is not a regularizer webflow has "
                        f"({', '.join(sorted(set(regularizers.ALIASES)))})")


# --- weights ----------------------------------------------------------------------------------


# Weights whose Keras/TF.js name differs from the attribute webflow's layer uses.
_WEIGHT_NAMES = {("DepthwiseConv2D", "kernel"): "depthwise_kernel"}


def named_weights(model):
    """[(TF.js weight name, Variable)] for every weight of the model: "<layer name>/<weight>", nested
    models' layers included (as TF.js names them).

    Raises:
        ValueError: two weights with one name (two layers named alike).
    """
    out, seen = [], {}
    for layer, variable, short in _layer_weights(model):
        name = f"{layer.name}/{short}"
        if name in seen:
            raise _error("save", f"two weights are named {name!r}; give the layers distinct names")
        seen[name] = variable
        out.append((name, variable))
    return out


def _layer_weights(model):
    for layer in model.layers:
        if isinstance(layer, models.Model):
            yield from _layer_weights(layer)
            continue
        for variable in layer.weights:
            short = variable.name.rsplit("/", 1)[-1]
            yield layer, variable, _WEIGHT_NAMES.get((type(layer).__name__, short), short)


def keras_weight_groups(model):
    """[(h5 group path, layer)] as Keras 3's model.weights.h5 holds them: "layers/<class in snake
    case, numbered _1, _2 within the model>", in the order of Keras's ``model.layers`` (nested
    models' layers under their own path)."""
    return list(_keras_groups(model, ""))


def _keras_groups(model, prefix):
    used = {}
    for layer in keras_layers(model):
        base = layers_module._snake(models._class_name(layer))
        used[base] = used.get(base, -1) + 1
        path = f"{prefix}layers/{base}" + (f"_{used[base]}" if used[base] else "")
        if isinstance(layer, models.Model):
            yield from _keras_groups(layer, path + "/")
        else:
            yield path, layer


def keras_layers(model):
    """The model's layers in the order Keras 3's ``model.layers`` lists them.

    A Sequential: as added, without its InputLayer. A functional model: by depth from the
    inputs (deepest first), ties in the order a depth-first walk from the outputs first meets
    them, as Keras's functional graph orders its operations (the weights file numbers layers of
    one class in this order).
    """
    if isinstance(model, models.Sequential):
        return list(model.layers)
    graph = model._graph
    order, first_seen, finished = [], {}, set()
    for t in graph.outputs:
        _keras_walk(t.node, order, first_seen, finished)
    node_depth, layer_depth = {}, {}
    in_graph = {id(node) for node in order}
    for node in reversed(order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        for t in node.inputs:
            if id(t.node) in in_graph:
                node_depth[id(t.node)] = max(depth + 1, node_depth.get(id(t.node), 0))
    layers = list({id(node.layer): node.layer for node in order}.values())
    return sorted(layers, key=lambda layer: (-layer_depth[id(layer)], first_seen[id(layer)]))


# NOTE: module-level recursion, not a closure (a closure that calls itself is a reference cycle).
def _keras_walk(node, order, first_seen, finished):
    if id(node) in finished:
        return
    first_seen.setdefault(id(node.layer), len(first_seen))
    for t in node.inputs:
        _keras_walk(t.node, order, first_seen, finished)
    finished.add(id(node))
    order.append(node)
