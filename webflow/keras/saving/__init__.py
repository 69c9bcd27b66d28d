"""Save and load models (``tf.keras.models.load_model``, ``model.save``, ``save_weights``).

The native format is TensorFlow.js's Layers format, so webflow and TF.js models are
interchangeable: ``model.json`` holds ``modelTopology`` (the Keras architecture),
``weightsManifest`` (each weight's name, shape, dtype and quantization) and the names of
binary shards that hold the weights, little-endian, back to back.

Targets:
    a folder path          model.json and its shards (atomic: model.json is replaced last)
    "path/name.json"       the same, with model.json named name.json
    "model.keras"          a Keras 3 .keras file (needs h5py; see keras_file)
    "http(s)://.../model.json"   load only (urllib on CPython, a synchronous request in the page)
    "indexeddb://name"     the browser's IndexedDB, in TF.js's database (browser only; awaitable)
    "downloads://name"     the browser downloads name.json and name.weights.bin (browser only)

IndexedDB is asynchronous, so in the page ``model.save("indexeddb://m")``,
``load_model("indexeddb://m")``, ``list_models()`` and ``remove_model(...)`` return awaitables:
``await`` them in code run with ``pyodide.runPythonAsync`` (the page's runPython does).

Loading never runs code from the file: the architecture is read as data, and only layer
classes in webflow's table (or ``custom_objects``) are built. A file that is damaged or does
not match (truncated or missing shards, byte counts or shapes that differ from the manifest, a
weight path that leaves the model's folder, an unsupported format) raises a clear error, and
nothing is loaded into an existing model.

>>> import os, tempfile
>>> import webflow as tf
>>> model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
>>> folder = os.path.join(tempfile.mkdtemp(), "my_model")
>>> model.save(folder)
>>> restored = tf.keras.models.load_model(folder)
>>> x = tf.ones([1, 3])
>>> bool((restored.predict(x) == model.predict(x)).all())
True
"""

import json

import numpy as np

from webflow.keras.saving import storage, topology
from webflow.keras.saving import weights as weights_module

FORMAT_VERSION = 1  # of what webflow writes in userDefinedMetadata.webflow; a newer one is refused
GENERATED_BY = "webflow 0.1.0"


def _where(function, target):
    return f"{function}({str(target)!r})"


# --- artifacts --------------------------------------------------------------------------------


def _artifacts(model, quantize, where, with_topology=True):
    """(model.json as a dict, with one manifest group whose paths the target fills in; the weight bytes)."""
    weights_module.check_quantize(where, quantize)
    named = topology.named_weights(model)
    specs, data = weights_module.encode([(name, v.numpy()) for name, v in named], quantize)
    model_json = {"format": "layers-model", "generatedBy": GENERATED_BY, "convertedBy": None,
                  "userDefinedMetadata": {"webflow": {"format_version": FORMAT_VERSION}},
                  "weightsManifest": [{"paths": [], "weights": specs}]}
    if with_topology:
        model_json = {"modelTopology": topology.to_topology(model, "tfjs"), **model_json}
    return model_json, data


def _parse_model_json(raw, where):
    try:
        model_json = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{where}: model.json is not valid JSON ({error})") from None
    if not isinstance(model_json, dict):
        raise ValueError(f"{where}: model.json must hold an object; received {type(model_json).__name__}")
    fmt = model_json.get("format")
    if fmt == "graph-model":
        raise ValueError(f"{where}: this is a TF.js graph model (converted from a SavedModel); webflow loads "
                         "Layers models (format 'layers-model')")
    if fmt not in (None, "layers-model", "webflow-weights"):
        raise ValueError(f"{where}: unsupported format {fmt!r}; expected 'layers-model'")
    meta = (model_json.get("userDefinedMetadata") or {}).get("webflow") or {}
    version = meta.get("format_version", 1) if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(f"{where}: unsupported webflow format version {version!r}; this webflow reads versions "
                         f"1..{FORMAT_VERSION} (a newer webflow saved it?)")
    keras_version = (model_json.get("modelTopology") or {}).get("keras_version", "")
    if isinstance(keras_version, str) and keras_version[:2] in ("0.", "1."):
        raise ValueError(f"{where}: the topology was written by Keras {keras_version}; webflow reads Keras 2 "
                         "and 3 and TF.js topologies")
    return model_json


def _read_weights(model_json, source, where):
    """{weight name: array} from the manifest, after checking every group's byte count."""
    manifest = model_json.get("weightsManifest")
    if not isinstance(manifest, list) or not all(isinstance(g, dict) for g in manifest):
        raise ValueError(f"{where}: model.json needs a weightsManifest list of groups; received {manifest!r:.100}")
    specs, chunks = [], []
    for group in manifest:
        group_specs, paths = group.get("weights"), group.get("paths")
        if not isinstance(group_specs, list) or not isinstance(paths, list):
            raise ValueError(f"{where}: each weightsManifest group needs lists 'paths' and 'weights'")
        expected = sum(weights_module.spec_bytes(spec, where) for spec in group_specs)
        if isinstance(source, storage.BytesSource):
            chunks.append(source.data)
        else:
            data = b""
            for path in paths:
                data += source.read(storage.check_relative(where, path), expected - len(data))
                if len(data) > expected:
                    break
            if len(data) != expected:
                problem = "truncated (or a shard is missing)" if len(data) < expected else "longer than its manifest"
                raise ValueError(f"{where}: the weights in {paths} are {problem}: the manifest describes "
                                 f"{expected} bytes; the files hold {'more than ' if len(data) > expected else ''}"
                                 f"{len(data)} bytes")
            chunks.append(data)
        specs += group_specs
    return weights_module.decode(specs, b"".join(chunks), where)


def assign_weights(model, values, where, strict=True):
    """Check every weight of the model against values (names, shapes), then assign them all.

    Raises:
        ValueError: a weight missing from values, a value for no weight (when strict), or a shape
            or dtype that differs; the model is left unchanged.
    """
    named = topology.named_weights(model)
    missing = [name for name, _ in named if name not in values]
    unexpected = sorted(set(values) - {name for name, _ in named})
    if missing or (strict and unexpected):
        raise ValueError(f"{where}: the file's weights do not match the model's: missing {missing}, "
                         f"unexpected {unexpected}")
    for name, variable in named:
        value = values[name]
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"{where}: weight {name!r} has shape {tuple(value.shape)} in the file; the model "
                             f"expects {tuple(variable.shape)}")
        if (value.dtype.kind == "f") != variable.dtype.is_floating:
            raise ValueError(f"{where}: weight {name!r} has dtype {value.dtype} in the file; the model expects "
                             f"{variable.dtype.name}")
    for name, variable in named:  # NOTE: only after every check passed: never half-loaded
        variable.assign(np.asarray(values[name], variable.dtype.name if variable.dtype.name != "bool" else bool))


# --- public API -------------------------------------------------------------------------------


def save_model(model, target, quantize=None, overwrite=True):
    """Save the architecture and weights of ``model`` (``model.save(target)`` calls this).

    Args:
        target: a folder, "path/name.json", "name.keras" (Keras 3), "indexeddb://name" or
            "downloads://name" (see the module docstring).
        quantize: None (float32), "float16", or "uint8"/"uint16" (affine per tensor, as TF.js's
            converter); weights are dequantized to float32 when loaded.
        overwrite: if False, refuse to replace an existing model at a folder or file target.

    Returns:
        None; for indexeddb:// an awaitable that completes when the transaction has.

    Raises:
        ValueError: a subclassed or unbuilt model, a layer class the format cannot name, a bad
            quantize, a browser target on CPython.
    """
    where = _where("save", target)
    kind = storage.scheme(target)
    if kind == "http":
        raise ValueError(f"{where}: http(s) URLs can only be loaded from; save to a folder and serve it")
    if kind == "path" and str(target).endswith(".keras"):
        from webflow.keras.saving import keras_file

        weights_module.check_quantize(where, quantize)
        if quantize:
            raise ValueError(f"{where}: quantize applies to the TF.js format; a .keras file holds float32")
        return keras_file.export_keras(model, target, overwrite)
    if kind == "path" and str(target).endswith((".h5", ".hdf5")):
        raise ValueError(f"{where}: the legacy Keras 2 HDF5 format is not supported; save to a folder (TF.js "
                         "format) or to a .keras file")
    model_json, data = _artifacts(model, quantize, where)
    if kind == "path":
        folder, json_name = storage.directory_paths(target)
        if not overwrite and storage.os.path.exists(storage.os.path.join(folder, json_name)):
            raise FileExistsError(f"{where}: a model is already saved there and overwrite=False")
        storage.write_directory(target, model_json, data)
        return None
    storage.require_browser(where, target)
    if kind == "downloads":
        storage.trigger_download(str(target)[len("downloads://"):] or "model", model_json, data)
        return None
    return _schedule(_save_indexeddb(where, target, model_json, data))


async def _save_indexeddb(where, target, model_json, data):
    from pyodide.ffi import to_js

    name = storage.indexeddb_name(where, target)
    await storage.indexeddb().save(name, json.dumps(model_json["modelTopology"]),
                                   json.dumps(model_json["weightsManifest"][0]["weights"]), to_js(data),
                                   GENERATED_BY)


def _schedule(coroutine):
    """Start the coroutine now (a save goes ahead even if nobody awaits it); return its task."""
    import asyncio

    return asyncio.ensure_future(coroutine)


def _source(where, target):
    kind = storage.scheme(target)
    if kind == "http":
        return storage.HttpSource(where, str(target))
    if kind == "downloads":
        raise ValueError(f"{where}: downloads:// can only be saved to; load the downloaded files from a folder")
    return storage.DirectorySource(where, target)


def load_model(source, custom_objects=None, compile=True):
    """A model from ``source`` (a folder, a model.json path or URL, a .keras file, "indexeddb://name").

    Args:
        custom_objects: {class name: class} for layer classes of your own.
        compile: accepted for Keras compatibility; the file holds no training configuration, so
            compile the model again before fit.

    Returns:
        the model (for indexeddb:// an awaitable of it).

    Raises:
        FileNotFoundError: no model or a missing weights file at source.
        ValueError: an unknown layer class (named), a damaged or mismatched file (see the module).
    """
    where = _where("load_model", source)
    if storage.scheme(source) == "path" and str(source).endswith(".keras"):
        from webflow.keras.saving import keras_file

        return keras_file.import_keras(source, custom_objects)
    if storage.scheme(source) == "indexeddb":
        storage.require_browser(where, source)
        return _schedule(_load_indexeddb(where, source, custom_objects))
    return _model_from(_source(where, source), where, custom_objects)


def _model_from(source, where, custom_objects):
    model_json = _parse_model_json(source.model_json(), where)
    if "modelTopology" not in model_json:
        raise ValueError(f"{where}: model.json has no modelTopology (weights only?); build the model and use "
                         "model.load_weights")
    values = _read_weights(model_json, source, where)
    model = topology.from_topology(model_json["modelTopology"], where, custom_objects)
    assign_weights(model, values, where)
    return model


async def _indexeddb_source(where, target):
    name = storage.indexeddb_name(where, target)
    record = await storage.indexeddb().load(name)
    if record is None:
        raise FileNotFoundError(f"{where}: no model named {name!r} in IndexedDB (see list_models())")
    return storage.BytesSource(where, record.modelJson, record.data.to_bytes())


async def _load_indexeddb(where, target, custom_objects):
    return _model_from(await _indexeddb_source(where, target), where, custom_objects)


def save_weights(model, target, quantize=None):
    """Save only the weights: a model.json with a weightsManifest and no modelTopology, plus shards.

    Raises:
        ValueError: a target other than a folder or a .json path.
    """
    where = _where("save_weights", target)
    if storage.scheme(target) != "path" or str(target).endswith((".keras", ".h5")):
        raise ValueError(f"{where}: save_weights writes to a folder or a path ending in .json; received {target!r}")
    model_json, data = _artifacts(model, quantize, where, with_topology=False)
    model_json["format"] = "webflow-weights"
    storage.write_directory(target, model_json, data)


def load_weights(model, source):
    """Load weights saved by save_weights (or a model's save) into ``model``, all or nothing.

    Raises:
        ValueError: names, shapes or byte counts that do not match; the model is left unchanged.
    """
    where = _where("load_weights", source)
    source_obj = _source(where, source)
    values = _read_weights(_parse_model_json(source_obj.model_json(), where), source_obj, where)
    assign_weights(model, values, where)


def list_models():
    """Awaitable: {"indexeddb://name": {dateSaved, modelTopologyBytes, weightDataBytes, ...}} (browser only)."""
    storage.require_browser("list_models()", "indexeddb://")

    async def listing():
        pairs = json.loads(await storage.indexeddb().list())
        return {f"indexeddb://{path}": info for path, info in pairs}

    return _schedule(listing())


def remove_model(target):
    """Awaitable: delete "indexeddb://name" (both of its records, in one transaction).

    Raises (when awaited):
        FileNotFoundError: no model of that name.
    """
    where = _where("remove_model", target)
    if storage.scheme(target) != "indexeddb":
        raise ValueError(f"{where}: remove_model deletes indexeddb:// models; received {target!r}")
    storage.require_browser(where, target)
    name = storage.indexeddb_name(where, target)

    async def removal():
        if not await storage.indexeddb().remove(name):
            raise FileNotFoundError(f"{where}: no model named {name!r} in IndexedDB")

    return _schedule(removal())
