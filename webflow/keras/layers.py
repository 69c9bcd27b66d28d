"""Layers (``tf.keras.layers``): ``build`` creates weights, ``call`` uses ops,
``get_config`` returns the constructor arguments.

A layer builds itself on its first call, from the input's shape. Called on
KerasTensors (``tf.keras.Input`` and what layers return for them) a layer
records a node of the functional API instead of computing values. Images are
channels_last (NHWC), as TF's default; ``data_format="channels_first"`` is
refused with a clear error. ``serialize(layer)`` / ``deserialize(config)``
turn a layer into ``{"class_name", "config"}`` and back.
"""

import inspect
import itertools
import re

from webflow import dtypes, nest, ops
from webflow.keras import activations, initializers, regularizers
from webflow.ops import array_ops, conv_ops, math_ops, nn_ops, random_ops
from webflow.graph import tracing
from webflow.tensor import Tensor, TensorShape, Variable

_counters = {}


def _snake(name):
    """Keras's default layer names: Conv2D -> conv2d, BatchNormalization -> batch_normalization."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


# Initializer names Keras accepts beyond initializers.ALIASES (Embedding's default is "uniform").
_INITIALIZER_NAMES = {"uniform": initializers.RandomUniform, "normal": initializers.RandomNormal}


def _initializer(identifier):
    """An initializer from a name, an instance, or a serialized {"class_name", "config"} dict."""
    if isinstance(identifier, dict):
        classes = {c.__name__: c for c in initializers.ALIASES.values()}
        if identifier.get("class_name") not in classes:
            raise ValueError(f"initializers: unknown initializer {identifier!r}; expected one of {sorted(classes)}")
        return classes[identifier["class_name"]](**identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in _INITIALIZER_NAMES:
        return _INITIALIZER_NAMES[identifier]()
    return initializers.get(identifier)


def _serialize_initializer(identifier):
    """A name stays a name; an Initializer becomes {"class_name", "config"}."""
    if isinstance(identifier, initializers.Initializer):
        return {"class_name": type(identifier).__name__, "config": identifier.get_config()}
    return identifier


def _unique_name(prefix):
    counter = _counters.setdefault(prefix, itertools.count())
    n = next(counter)
    return prefix if n == 0 else f"{prefix}_{n}"


# --- symbolic tensors (the functional API) -------------------------------------------------


class KerasTensor:
    """A symbolic tensor: the shape (None where any size goes, usually the batch) and
    dtype of a value that does not exist yet, and the node that will produce it.

    >>> import webflow as tf
    >>> x = tf.keras.Input((4,), name="features")
    >>> x
    <KerasTensor shape=(None, 4), dtype=float32, name='features'>
    >>> tf.keras.layers.Dense(3)(x).shape
    TensorShape([None, 3])
    """

    def __init__(self, shape, dtype, node, index=0, name=None):
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.node, self.index = node, index  # outputs[index] of node
        self.name = name or node.layer.name

    @property
    def ndim(self):
        return len(self.shape)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"KerasTensor {self.name!r} is symbolic and has no values; compute with layers "
                        "(a Layer subclass whose call uses tf ops), then build a tf.keras.Model")

    def __repr__(self):
        return f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype.name}, name={self.name!r}>"


class Node:
    """One call of ``layer`` on KerasTensors: ``args`` (their structure), ``kwargs``, ``outputs`` (flat)."""

    def __init__(self, layer, args, kwargs, output_specs):
        self.layer, self.args, self.kwargs = layer, args, kwargs
        self.inputs = [] if args is None else nest.flatten(args)
        name = layer.name
        self.outputs = [KerasTensor(shape, dtype, self, i, name if i == 0 else f"{name}_{i}")
                        for i, (shape, dtype) in enumerate(output_specs)]
        layer._inbound_nodes = layer._inbound_nodes + (self,)


def _symbolic_call(layer, inputs, kwargs):
    """Record ``layer(inputs)`` on KerasTensors; returns KerasTensors shaped like its outputs.

    The layer is built from the symbolic shapes, then run on zeros twice, with 2 and with 3
    wherever a dimension is None: output dimensions that follow are None, the rest are fixed.
    """
    leaves = nest.flatten(inputs)
    if not all(isinstance(leaf, KerasTensor) for leaf in leaves):
        kinds = sorted({type(leaf).__name__ for leaf in leaves})
        raise TypeError(f"{layer.name}: inputs must be all KerasTensors or all values; received {kinds}")
    if not layer.built:
        layer.build(tuple(leaves[0].shape) if isinstance(inputs, KerasTensor) else [tuple(t.shape) for t in leaves])
        layer.built = True
    structure, runs = None, []
    for size in (2, 3) if any(None in t.shape for t in leaves) else (2,):
        zeros = nest.pack_sequence_as(inputs, [ops.zeros([size if d is None else d for d in t.shape], t.dtype)
                                               for t in leaves])
        structure = layer(zeros, **{"training": False, **kwargs})
        runs.append(nest.flatten(structure))
    specs = [(tuple(d if all(o.shape[i] == d for o in outs) else None for i, d in enumerate(outs[0].shape)),
              outs[0].dtype) for outs in zip(*runs)]
    return nest.pack_sequence_as(structure, Node(layer, inputs, kwargs, specs).outputs)


class Layer:
    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self.name = name or _unique_name(_snake(type(self).__name__))
        self.trainable = trainable
        self.built = False
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self._weights = []
        self._regularizers = []  # (variable, regularizer) pairs: the penalties in self.losses
        self._takes_training = "training" in inspect.signature(self.call).parameters

    def add_weight(self, name=None, shape=(), initializer="glorot_uniform", trainable=True, dtype="float32",
                   regularizer=None):
        """Create a Variable owned by this layer; ``regularizer`` adds its penalty to ``losses``."""
        with tracing.init_scope():  # a layer built inside tf.function gets its weights eagerly
            value = _initializer(initializer)(tuple(shape), dtype)
            var = Variable(value, trainable=trainable, name=f"{self.name}/{name or 'weight'}")
        self._weights.append(var)
        if regularizer is not None:
            self._regularizers.append((var, regularizers.get(regularizer)))
        return var

    @property
    def losses(self):
        """Regularization penalties (scalar Tensors), computed now from the current weights of
        this layer and of the layers it holds (a model's layers, or layers kept as attributes)."""
        penalties, seen, queue = [], set(), [self]
        while queue:
            layer = queue.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            penalties += [regularizer(var) for var, regularizer in getattr(layer, "_regularizers", ())]
            queue += layer._sublayers()
        return penalties

    def _sublayers(self):
        if isinstance(getattr(type(self), "layers", None), property):  # models list their layers
            return list(self.layers)
        found = []
        for value in vars(self).values():
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, Layer) and item is not self:
                    found.append(item)
        return found

    def build(self, input_shape):
        self.built = True

    def call(self, inputs):
        return inputs

    _inbound_nodes = ()  # this layer's calls on KerasTensors (functional API), oldest first

    @property
    def output_shape(self):
        """The output shape of the layer's first call on KerasTensors (None before one); a list for several."""
        if not self._inbound_nodes:
            return None
        shapes = [tuple(t.shape) for t in self._inbound_nodes[0].outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def __call__(self, inputs, training=None, **kwargs):
        """Build on the first call, then ``call``; on KerasTensors, record a node and return KerasTensors."""
        if isinstance(inputs, KerasTensor) or (isinstance(inputs, (list, tuple, dict)) and any(
                isinstance(leaf, KerasTensor) for leaf in nest.flatten(inputs))):
            return _symbolic_call(self, inputs, kwargs if training is None else {**kwargs, "training": training})
        inputs = ops.convert_to_tensor(inputs) if not isinstance(inputs, (Tensor, list, tuple, dict)) else inputs
        if not self.built:
            self.build(tuple(inputs.shape) if isinstance(inputs, Tensor)
                       else [tuple(x.shape) for x in nest.flatten(inputs)])
            self.built = True
        return self.call(inputs, training=training, **kwargs) if self._takes_training else self.call(inputs, **kwargs)

    @property
    def weights(self):
        return list(self._weights)

    @property
    def trainable_weights(self):
        return [w for w in self._weights if w.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [w for w in self._weights if not (w.trainable and self.trainable)]

    trainable_variables = trainable_weights

    def count_params(self):
        return sum(w.shape.num_elements() for w in self._weights)

    def get_weights(self):
        return [w.numpy() for w in self._weights]

    def set_weights(self, values):
        if len(values) != len(self._weights):
            raise ValueError(f"{self.name}.set_weights: expected {len(self._weights)} arrays; received {len(values)}")
        for w, v in zip(self._weights, values):
            w.assign(v)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class InputLayer(Layer):
    """The entry of a model: its ``output`` is the KerasTensor ``tf.keras.Input`` returns.

    Args:
        shape: the shape of one example (without the batch axis); None where any size goes.
        batch_size: a fixed batch size, or None for any.
        dtype: the dtype of the input ("float32", or "int32" for indices).
        batch_shape: (batch_size, *shape) in one tuple, instead of shape and batch_size.

    Raises:
        ValueError: a shape that is not a tuple of positive ints (or None).
    """

    def __init__(self, shape=None, batch_size=None, dtype="float32", name=None, batch_shape=None, input_shape=None,
                 **kwargs):
        shape = input_shape if shape is None else shape
        if batch_shape is not None:
            batch_size, shape = batch_shape[0], batch_shape[1:]
        if shape is None or not all(d is None or (isinstance(d, int) and d > 0) for d in _dims(shape)):
            raise ValueError(f"Input: shape must be a tuple of positive ints or None, without the batch axis; "
                             f"received {shape!r}")
        super().__init__(name=name, input_shape=_dims(shape), **kwargs)
        self.dtype = dtypes.as_dtype(dtype)
        self.batch_size = batch_size
        self.built = True
        self.output = Node(self, None, {}, [((batch_size, *self.input_shape_arg), self.dtype)]).outputs[0]

    def get_config(self):
        return {"name": self.name, "batch_shape": tuple(self.output.shape), "dtype": self.dtype.name}


def _dims(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def Input(shape=None, batch_size=None, name=None, dtype="float32", batch_shape=None):
    """A symbolic input: build a model by calling layers on it, then ``tf.keras.Model(inputs, outputs)``.

    Also the first entry of a Sequential: ``Sequential([Input((784,)), Dense(10)])``.

    >>> import webflow as tf
    >>> a, b = tf.keras.Input((3,), name="a"), tf.keras.Input((2,), name="b")
    >>> model = tf.keras.Model([a, b], [tf.keras.layers.Dense(1)(a), tf.keras.layers.Dense(4)(b)])
    >>> [o.shape for o in model.predict([tf.zeros([5, 3]), tf.zeros([5, 2])])]
    [(5, 1), (5, 4)]
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape).output


class Dense(Layer):
    """activation(inputs @ kernel + bias), on the last axis.

    >>> import webflow as tf
    >>> layer = tf.keras.layers.Dense(3)
    >>> layer(tf.zeros([2, 5])).shape, layer.count_params()
    (TensorShape([2, 3]), 18)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if int(units) < 1:
            raise ValueError(f"Dense: units must be a positive integer; received {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: Dense needs inputs of rank >= 2 (batch, features); received shape {input_shape}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", (self.units,), self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: expected inputs with {self.kernel.shape[0]} features on the last axis; "
                f"received shape {tuple(inputs.shape)}"
            )
        lead = tuple(inputs.shape[:-1])
        x = ops.reshape(inputs, (-1, inputs.shape[-1])) if len(lead) != 1 else inputs
        y = ops.matmul(x, self.kernel)
        if self.bias is not None:
            y = ops.add(y, self.bias)
        y = ops.reshape(y, lead + (self.units,)) if len(lead) != 1 else y
        return self.activation(y)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, **_weight_config(self, "kernel", "bias")}


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class ReLU(Layer):
    def call(self, inputs):
        return ops.relu(inputs)


class Softmax(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.softmax(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Flatten(Layer):
    """[batch, ...] -> [batch, product of the rest]."""

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], -1) if inputs.shape.rank > 1 else (-1, 1))


class Reshape(Layer):
    """[batch, ...] -> [batch, *target_shape] (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Dropout(Layer):
    """Zero a fraction ``rate`` of the inputs while training (scaling the rest); identity otherwise."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1); received {rate}")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return random_ops.dropout(inputs, self.rate, self.noise_shape, self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


# --- argument checks shared by the layers below -------------------------------------------


def _weight_config(layer, *prefixes):
    """The ``{prefix}_initializer`` and ``{prefix}_regularizer`` entries of a config."""
    config = {}
    for prefix in prefixes:
        config[f"{prefix}_initializer"] = _serialize_initializer(getattr(layer, f"{prefix}_initializer"))
        config[f"{prefix}_regularizer"] = regularizers.serialize(getattr(layer, f"{prefix}_regularizer"))
    return config


def _tuple(cls, arg, value, n):
    """An int or n ints -> a tuple of n positive ints (Keras's kernel_size, strides, dilation_rate)."""
    try:
        values = (int(value),) * n if isinstance(value, int) else tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{cls}: {arg} must be an int or a tuple of {n} ints; received {value!r}") from None
    if len(values) != n or any(v < 1 for v in values):
        raise ValueError(f"{cls}: {arg} must be a positive int or a tuple of {n} positive ints; received {value!r}")
    return values


def _padding(cls, value, allowed=("valid", "same")):
    """Keras's padding names, case-insensitive, lower-cased."""
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"{cls}: padding must be one of {', '.join(repr(a) for a in allowed)}; received {value!r}")
    return value.lower()


def _channels_last(cls, data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{cls}: only data_format='channels_last' (NHWC) is supported; received {data_format!r}")
    return "channels_last"


def _positive(cls, arg, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{cls}: {arg} must be a positive integer; received {value!r}")
    return value


def _float(x):
    """Integer inputs (uint8 images, say) are cast to float32, as Keras casts to its compute dtype."""
    return x if x.dtype.is_floating else ops.cast(x, "float32")


def _check_input(layer, inputs, rank, layout, channels=None, what="channels"):
    """Rank and, once built, the channel count on the last axis, named in the error."""
    shape = tuple(inputs.shape)
    if len(shape) != rank:
        raise ValueError(f"{layer.name}: {type(layer).__name__} expects inputs of rank {rank} {layout}; "
                         f"received shape {shape}")
    if channels is not None and shape[-1] != channels:
        raise ValueError(f"{layer.name}: {type(layer).__name__} was built for inputs with {channels} {what} on the "
                         f"last axis; received shape {shape}")


def _check_shape(layer, input_shape, rank, layout):
    if len(input_shape) != rank:
        raise ValueError(f"{layer.name}: {type(layer).__name__} expects inputs of rank {rank} {layout}; "
                         f"received shape {tuple(input_shape)}")


# --- convolution ---------------------------------------------------------------------------


class _Conv(Layer):
    """What Conv1D, Conv2D and Conv2DTranspose share: the arguments, the bias, the activation."""

    rank = 2
    layout = "(batch, height, width, channels)"
    paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.filters = _positive(cls, "filters", filters)
        self.kernel_size = _tuple(cls, "kernel_size", kernel_size, self.rank)
        self.strides = _tuple(cls, "strides", strides, self.rank)
        self.padding = _padding(cls, padding, self.paddings)
        self.data_format = _channels_last(cls, data_format)
        self.dilation_rate = _tuple(cls, "dilation_rate", dilation_rate, self.rank)
        self.groups = _positive(cls, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(f"{cls}: filters must be divisible by groups; received filters={filters}, groups={groups}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def _kernel_shape(self, channels):
        return (*self.kernel_size, channels // self.groups, self.filters)

    def build(self, input_shape):
        _check_shape(self, input_shape, self.rank + 2, self.layout)
        channels = input_shape[-1]
        if channels % self.groups:
            raise ValueError(f"{self.name}: the input's channels must be divisible by groups={self.groups}; "
                             f"received shape {tuple(input_shape)}")
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None
        self.input_channels = channels
        self.built = True

    def call(self, inputs):
        _check_input(self, inputs, self.rank + 2, self.layout, self.input_channels)
        x = _float(inputs)
        if self.groups == 1:
            y = self._convolve(x, self.kernel)
        else:
            # NOTE: one convolution per group, outputs side by side (the conv op's own groups are not public).
            xs = array_ops.split(x, self.groups, axis=-1)
            ks = array_ops.split(self.kernel, self.groups, axis=-1)
            y = array_ops.concat([self._convolve(xg, kg) for xg, kg in zip(xs, ks)], axis=-1)
        if self.bias is not None:
            y = ops.add(y, self.bias)
        return self.activation(y)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **_weight_config(self, "kernel", "bias")}


class Conv2D(_Conv):
    """2-D convolution over (batch, height, width, channels) images, plus bias and activation.

    Args:
        filters: output channels.
        kernel_size, strides, dilation_rate: an int or a pair (height, width).
        padding: "valid" (no padding) or "same" (output size ceil(input / stride)); any case.
        groups: split the channels into this many independent convolutions.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer: as in Dense.

    The kernel has shape (kernel_h, kernel_w, in_channels // groups, filters).

    >>> import webflow as tf
    >>> layer = tf.keras.layers.Conv2D(8, 3, padding="same")
    >>> layer(tf.zeros([2, 28, 28, 1])).shape, layer.count_params()
    (TensorShape([2, 28, 28, 8]), 80)
    """

    def _convolve(self, x, kernel):
        return conv_ops.conv2d(x, kernel, self.strides, self.padding.upper(), dilations=self.dilation_rate)


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels) sequences; padding may also be "causal"
    (pad only on the left, so step t sees steps <= t).

    >>> import webflow as tf
    >>> tf.keras.layers.Conv1D(4, 3, padding="causal")(tf.zeros([2, 10, 3])).shape
    TensorShape([2, 10, 4])
    """

    rank = 1
    layout = "(batch, steps, channels)"
    paddings = ("valid", "same", "causal")

    def _convolve(self, x, kernel):
        (k,), (d,) = self.kernel_size, self.dilation_rate
        padding = [(k - 1) * d, 0] if self.padding == "causal" else self.padding.upper()
        return conv_ops.conv1d(x, kernel, self.strides[0], padding, dilations=d)


def _transposed_size(size, kernel, stride, dilation, padding, output_padding):
    """The output length of a transposed convolution, as Keras computes it."""
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        return size * stride + (max(kernel - stride, 0) if padding == "valid" else 0)
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


class Conv2DTranspose(_Conv):
    """The transpose of Conv2D (a "deconvolution"): upsamples by ``strides``.

    The kernel has shape (kernel_h, kernel_w, filters, in_channels). With
    padding "same" the output is input * strides; with "valid" it is
    input * strides + max(kernel - strides, 0); ``output_padding`` (each < its
    stride) picks among the sizes that map back to the same input.

    >>> import webflow as tf
    >>> tf.keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same")(tf.zeros([1, 5, 5, 2])).shape
    TensorShape([1, 10, 10, 4])
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         **kwargs)
        self.output_padding = None
        if output_padding is not None:
            try:
                pads = (int(output_padding),) * 2 if isinstance(output_padding, int) else tuple(
                    int(p) for p in output_padding)
            except (TypeError, ValueError):
                pads = ()
            if len(pads) != 2 or any(not 0 <= p < s for p, s in zip(pads, self.strides)):
                raise ValueError(f"Conv2DTranspose: output_padding must be an int or a pair, each in "
                                 f"[0, stride) for strides={self.strides}; received {output_padding!r}")
            self.output_padding = pads

    def _kernel_shape(self, channels):
        return (*self.kernel_size, self.filters, channels)

    def _convolve(self, x, kernel):
        pads = self.output_padding or (None, None)
        size = [_transposed_size(n, k, s, d, self.padding, p) for n, k, s, d, p in
                zip(x.shape[1:3], self.kernel_size, self.strides, self.dilation_rate, pads)]
        return conv_ops.conv2d_transpose(x, kernel, [x.shape[0], *size, self.filters], self.strides,
                                         self.padding.upper(), dilations=self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        return {**config, "output_padding": self.output_padding}


class DepthwiseConv2D(Layer):
    """Each input channel convolved with its own ``depth_multiplier`` filters.

    The kernel has shape (kernel_h, kernel_w, in_channels, depth_multiplier);
    the output has in_channels * depth_multiplier channels.

    >>> import webflow as tf
    >>> layer = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2)
    >>> layer(tf.zeros([1, 7, 7, 3])).shape, layer.count_params()
    (TensorShape([1, 5, 5, 6]), 60)
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        cls = "DepthwiseConv2D"
        self.kernel_size = _tuple(cls, "kernel_size", kernel_size, 2)
        self.strides = _tuple(cls, "strides", strides, 2)
        self.padding = _padding(cls, padding)
        self.depth_multiplier = _positive(cls, "depth_multiplier", depth_multiplier)
        self.data_format = _channels_last(cls, data_format)
        self.dilation_rate = _tuple(cls, "dilation_rate", dilation_rate, 2)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer, self.bias_initializer = depthwise_initializer, bias_initializer
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def build(self, input_shape):
        _check_shape(self, input_shape, 4, "(batch, height, width, channels)")
        channels = input_shape[-1]
        self.kernel = self.add_weight("kernel", (*self.kernel_size, channels, self.depth_multiplier),
                                      self.depthwise_initializer, regularizer=self.depthwise_regularizer)
        self.bias = self.add_weight("bias", (channels * self.depth_multiplier,), self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None
        self.input_channels = channels
        self.built = True

    def call(self, inputs):
        _check_input(self, inputs, 4, "(batch, height, width, channels)", self.input_channels)
        y = conv_ops.depthwise_conv2d(_float(inputs), self.kernel, self.strides, self.padding.upper(),
                                      dilations=self.dilation_rate)
        if self.bias is not None:
            y = ops.add(y, self.bias)
        return self.activation(y)

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "depth_multiplier": self.depth_multiplier, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, **_weight_config(self, "depthwise", "bias")}


# --- pooling ---------------------------------------------------------------------------------


class _Pooling2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.pool_size = _tuple(cls, "pool_size", pool_size, 2)
        self.strides = self.pool_size if strides is None else _tuple(cls, "strides", strides, 2)
        self.padding = _padding(cls, padding)
        self.data_format = _channels_last(cls, data_format)

    def build(self, input_shape):
        _check_shape(self, input_shape, 4, "(batch, height, width, channels)")
        self.built = True

    def call(self, inputs):
        _check_input(self, inputs, 4, "(batch, height, width, channels)")
        return self._pool(_float(inputs), self.pool_size, self.strides, self.padding.upper())

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling2D(_Pooling2D):
    """The maximum of each ``pool_size`` window (strides default to pool_size).

    >>> import webflow as tf
    >>> tf.keras.layers.MaxPooling2D()(tf.zeros([1, 5, 5, 3])).shape
    TensorShape([1, 2, 2, 3])
    """

    _pool = staticmethod(conv_ops.max_pool2d)


class AveragePooling2D(_Pooling2D):
    """The mean of each ``pool_size`` window; with "same" padding, of its cells inside the image.

    >>> import webflow as tf
    >>> tf.keras.layers.AveragePooling2D(3, strides=1, padding="same")(tf.ones([1, 4, 4, 1])).numpy()[0, 0, 0]
    array([1.], dtype=float32)
    """

    _pool = staticmethod(conv_ops.avg_pool2d)


class _GlobalPooling2D(Layer):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _channels_last(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)

    def build(self, input_shape):
        _check_shape(self, input_shape, 4, "(batch, height, width, channels)")
        self.built = True

    def call(self, inputs):
        _check_input(self, inputs, 4, "(batch, height, width, channels)")
        return self._reduce(_float(inputs), axis=[1, 2], keepdims=self.keepdims)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean over height and width: (batch, h, w, c) -> (batch, c), or (batch, 1, 1, c) with keepdims.

    >>> import webflow as tf
    >>> tf.keras.layers.GlobalAveragePooling2D()(tf.ones([2, 3, 3, 4])).shape
    TensorShape([2, 4])
    """

    _reduce = staticmethod(math_ops.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The maximum over height and width: (batch, h, w, c) -> (batch, c)."""

    _reduce = staticmethod(math_ops.reduce_max)


# --- normalization ---------------------------------------------------------------------------


def _axes(layer, axis, rank):
    """axis (an int or a list) -> sorted non-negative axes, none of them the batch axis."""
    values = [axis] if isinstance(axis, int) else list(axis)
    if not values or any(not isinstance(a, int) or not -rank <= a < rank for a in values):
        raise ValueError(f"{layer.name}: axis {axis!r} is out of range for inputs of rank {rank}")
    values = sorted({a % rank for a in values})
    if values[0] == 0:
        raise ValueError(f"{layer.name}: axis {axis!r} names the batch axis; normalize over feature axes")
    return values


class _Normalization(Layer):
    """Shared by BatchNormalization and LayerNormalization: axes, gamma and beta."""

    def _build_affine(self, input_shape):
        self.axes = _axes(self, self.axis, len(input_shape))
        self.input_rank = len(input_shape)
        self.param_shape = tuple(input_shape[a] for a in self.axes)
        self.gamma = self.add_weight("gamma", self.param_shape, self.gamma_initializer,
                                     regularizer=self.gamma_regularizer) if self.scale else None
        self.beta = self.add_weight("beta", self.param_shape, self.beta_initializer,
                                    regularizer=self.beta_regularizer) if self.center else None

    def _check(self, inputs):
        shape = tuple(inputs.shape)
        if len(shape) != self.input_rank or tuple(shape[a] for a in self.axes) != self.param_shape:
            raise ValueError(f"{self.name}: {type(self).__name__} was built for inputs of rank {self.input_rank} "
                             f"with sizes {self.param_shape} on axes {self.axes}; received shape {shape}")

    def _broadcast(self, value):
        """A per-feature vector reshaped to broadcast against the input (a no-op for axis=-1)."""
        if value is None or self.axes == [self.input_rank - 1]:
            return value
        shape = [1] * self.input_rank
        for a in self.axes:
            shape[a] = self.param_shape[self.axes.index(a)]
        return array_ops.reshape(value, shape)


class BatchNormalization(_Normalization):
    """Normalize each feature with the batch's statistics while training, and with
    moving averages of them at inference.

    Training (``training=True`` and the layer trainable):
    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` over the batch's mean
    and variance, and ``moving = moving * momentum + batch * (1 - momentum)``
    for both moving statistics (non-trainable weights). Otherwise the moving
    statistics replace the batch's and nothing is updated.

    >>> import webflow as tf
    >>> layer = tf.keras.layers.BatchNormalization()
    >>> y = layer(tf.constant([[1.0], [3.0]]), training=True)
    >>> [w.name for w in layer.weights], layer.moving_mean.numpy()
    (['batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', \
'batch_normalization/moving_variance'], array([0.02], dtype=float32))
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1]; received {momentum!r}")
        if not epsilon > 0:
            raise ValueError(f"BatchNormalization: epsilon must be positive; received {epsilon!r}")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)

    def build(self, input_shape):
        self._build_affine(input_shape)
        self.moving_mean = self.add_weight("moving_mean", self.param_shape, self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", self.param_shape,
                                               self.moving_variance_initializer, trainable=False)
        self.built = True

    def call(self, inputs, training=None):
        self._check(inputs)
        x = _float(inputs)
        if training and self.trainable:
            reduced = [a for a in range(self.input_rank) if a not in self.axes]
            mean, variance = nn_ops.moments(x, reduced)
            # NOTE: the update is a plain assignment; the tape does not see it (Variable.assign stops gradients).
            keep = self.momentum
            self.moving_mean.assign(ops.add(ops.multiply(self.moving_mean, keep), ops.multiply(mean, 1 - keep)))
            self.moving_variance.assign(ops.add(ops.multiply(self.moving_variance, keep),
                                                ops.multiply(variance, 1 - keep)))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        b = self._broadcast
        return nn_ops.batch_normalization(x, b(mean), b(variance), b(self.beta), b(self.gamma), self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                **_weight_config(self, "beta", "gamma"),
                "moving_mean_initializer": _serialize_initializer(self.moving_mean_initializer),
                "moving_variance_initializer": _serialize_initializer(self.moving_variance_initializer)}


class LayerNormalization(_Normalization):
    """Normalize each example over ``axis`` (the features), then scale by gamma and shift by beta.

    >>> import webflow as tf
    >>> tf.keras.layers.LayerNormalization(epsilon=0.0)(tf.constant([[1.0, 3.0]])).numpy()
    array([[-1.,  1.]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if not epsilon >= 0:
            raise ValueError(f"LayerNormalization: epsilon must be non-negative; received {epsilon!r}")
        self.axis, self.epsilon = axis, float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)

    def build(self, input_shape):
        self._build_affine(input_shape)
        self.built = True

    def call(self, inputs):
        self._check(inputs)
        x = _float(inputs)
        mean, variance = nn_ops.moments(x, self.axes, keepdims=True)
        b = self._broadcast
        return nn_ops.batch_normalization(x, mean, variance, b(self.beta), b(self.gamma), self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, **_weight_config(self, "beta", "gamma")}


# --- embedding, activations, preprocessing --------------------------------------------------


class Embedding(Layer):
    """Integer ids (any shape) -> rows of a trainable (input_dim, output_dim) table.

    Float inputs are truncated to int32, as Keras casts them. An id outside
    [0, input_dim) raises a ValueError before the lookup runs.

    >>> import webflow as tf
    >>> layer = tf.keras.layers.Embedding(10, 4)
    >>> layer(tf.constant([[1, 2, 3]])).shape, layer.count_params()
    (TensorShape([1, 3, 4]), 40)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = _positive("Embedding", "input_dim", input_dim)
        self.output_dim = _positive("Embedding", "output_dim", output_dim)
        if mask_zero:
            raise ValueError("Embedding: mask_zero=True is not supported (webflow has no masking); "
                             "received mask_zero=True")
        self.mask_zero = False
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, regularizer=self.embeddings_regularizer)
        self.built = True

    def call(self, inputs):
        ids = inputs if inputs.dtype.is_integer else ops.cast(inputs, "int32")
        try:
            return array_ops.embedding_lookup(self.embeddings, ids)
        except ValueError as error:  # NOTE: the lookup checks the ids (one readback); say which layer it was
            raise ValueError(f"{self.name}: Embedding ids must be in [0, input_dim={self.input_dim}); "
                             f"{error}") from None

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "mask_zero": self.mask_zero, **_weight_config(self, "embeddings")}


class LeakyReLU(Layer):
    """x where positive, ``negative_slope * x`` elsewhere (``alpha``, the Keras 2 name, is accepted).

    >>> import webflow as tf
    >>> tf.keras.layers.LeakyReLU(negative_slope=0.5)(tf.constant([-2.0, 3.0])).numpy()
    array([-1.,  3.], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, alpha=None, **kwargs):
        super().__init__(**kwargs)
        slope = negative_slope if alpha is None else alpha
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not slope >= 0:
            raise ValueError(f"LeakyReLU: negative_slope must be a non-negative number; received {slope!r}")
        self.negative_slope = float(slope)

    def call(self, inputs):
        return nn_ops.leaky_relu(_float(inputs), self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class Rescaling(Layer):
    """``inputs * scale + offset`` in float32: ``Rescaling(1 / 255)`` maps uint8 pixels to [0, 1].

    >>> import webflow as tf
    >>> tf.keras.layers.Rescaling(1 / 127.5, offset=-1)(tf.constant([0, 255])).numpy()
    array([-1.,  1.], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("scale", scale), ("offset", offset)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Rescaling: {arg} must be a number; received {value!r}")
        self.scale, self.offset = float(scale), float(offset)

    def call(self, inputs):
        y = ops.multiply(_float(inputs), self.scale)
        return ops.add(y, self.offset) if self.offset else y

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


# --- merging ------------------------------------------------------------------------------------


def _is_shape_list(input_shape):
    return isinstance(input_shape, (list, tuple)) and len(input_shape) > 0 and all(
        isinstance(s, (list, tuple)) for s in input_shape)


class _Merge(Layer):
    """A layer whose ``call`` takes a list of tensors."""

    min_inputs = 1

    def _shapes(self, input_shape):
        if not _is_shape_list(input_shape):
            raise ValueError(f"{self.name}: {type(self).__name__} must be called on a list of tensors; "
                             f"received one input of shape {tuple(input_shape)}")
        if len(input_shape) < self.min_inputs:
            raise ValueError(f"{self.name}: {type(self).__name__} needs at least {self.min_inputs} inputs; "
                             f"received {len(input_shape)}")
        return [tuple(s) for s in input_shape]

    def build(self, input_shape):
        self._check_shapes(self._shapes(input_shape))
        self.built = True

    def call(self, inputs):
        if isinstance(inputs, Tensor) or not isinstance(inputs, (list, tuple)):
            shape = tuple(getattr(inputs, "shape", ()))
            raise ValueError(f"{self.name}: {type(self).__name__} must be called on a list of tensors; "
                             f"received one input of shape {shape}")
        tensors = [ops.convert_to_tensor(x) for x in inputs]
        self._check_shapes(self._shapes([tuple(t.shape) for t in tensors]))
        return self._merge(tensors)

    def _check_shapes(self, shapes):
        """Elementwise merges: the shapes must broadcast together (size-1 axes stretch)."""
        rank = max(len(s) for s in shapes)
        for axis in range(1, rank + 1):
            sizes = {s[-axis] for s in shapes if len(s) >= axis} - {1}
            if len(sizes) > 1:
                raise ValueError(f"{self.name}: {type(self).__name__} needs inputs of the same shape (or "
                                 f"broadcastable); received shapes {shapes}")

    def _merge(self, tensors):
        out = tensors[0]
        for t in tensors[1:]:
            out = self._combine(out, t)
        return out


class Add(_Merge):
    """The elementwise sum of a list of tensors.

    >>> import webflow as tf
    >>> tf.keras.layers.Add()([tf.ones([2, 3]), tf.ones([2, 3])]).numpy()[0]
    array([2., 2., 2.], dtype=float32)
    """

    _combine = staticmethod(ops.add)


class Subtract(_Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    min_inputs = 2

    def _check_shapes(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"{self.name}: Subtract needs exactly 2 inputs; received {len(shapes)}")
        super()._check_shapes(shapes)

    _combine = staticmethod(ops.subtract)


class Multiply(_Merge):
    """The elementwise product of a list of tensors."""

    _combine = staticmethod(ops.multiply)


class Maximum(_Merge):
    """The elementwise maximum of a list of tensors."""

    _combine = staticmethod(ops.maximum)


class Minimum(_Merge):
    """The elementwise minimum of a list of tensors."""

    _combine = staticmethod(ops.minimum)


class Average(_Merge):
    """The elementwise mean of a list of tensors."""

    _combine = staticmethod(ops.add)

    def _merge(self, tensors):
        return ops.multiply(super()._merge(tensors), 1.0 / len(tensors))


class Concatenate(_Merge):
    """A list of tensors joined along ``axis`` (the other axes must match).

    >>> import webflow as tf
    >>> tf.keras.layers.Concatenate()([tf.ones([2, 3]), tf.zeros([2, 1])]).shape
    TensorShape([2, 4])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"Concatenate: axis must be an int; received {axis!r}")
        self.axis = axis

    def _check_shapes(self, shapes):
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ValueError(f"{self.name}: Concatenate needs inputs of one rank with axis={self.axis} inside it; "
                             f"received shapes {shapes}")
        axis = self.axis % rank
        if any(s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:] for s in shapes):
            raise ValueError(f"{self.name}: Concatenate needs inputs whose shapes match except on axis {self.axis}; "
                             f"received shapes {shapes}")

    def _merge(self, tensors):
        return array_ops.concat(tensors, self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


# --- serialization ------------------------------------------------------------------------------

# Every layer class by its name: what deserialize (and model configs) may build. Explicit, not scanned.
LAYER_CLASSES = {cls.__name__: cls for cls in [
    InputLayer, Dense, Activation, ReLU, Softmax, Flatten, Reshape, Dropout,
    Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
    MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
    BatchNormalization, LayerNormalization, Embedding, LeakyReLU, Rescaling,
    Add, Subtract, Multiply, Maximum, Minimum, Average, Concatenate,
]}
# Keras's short aliases.
LAYER_CLASSES.update(MaxPool2D=MaxPooling2D, AvgPool2D=AveragePooling2D, GlobalAvgPool2D=GlobalAveragePooling2D,
                     GlobalMaxPool2D=GlobalMaxPooling2D, Convolution2D=Conv2D, Convolution1D=Conv1D)
MaxPool2D, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D = (MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
                                                          GlobalMaxPooling2D)


def serialize(layer):
    """``{"class_name": ..., "config": layer.get_config()}``.

    >>> import webflow as tf
    >>> tf.keras.layers.serialize(tf.keras.layers.Rescaling(0.5, name="half"))
    {'class_name': 'Rescaling', 'config': {'name': 'half', 'trainable': True, 'scale': 0.5, 'offset': 0.0}}
    """
    if not isinstance(layer, Layer):
        raise TypeError(f"layers.serialize: expected a Layer; received {type(layer).__name__}")
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """A new (unbuilt) layer from ``serialize``'s dict; ``custom_objects`` adds classes by name.

    Raises:
        ValueError: not a {"class_name", "config"} dict, or an unknown class name.

    >>> import webflow as tf
    >>> layer = tf.keras.layers.deserialize({"class_name": "Dense", "config": {"units": 3}})
    >>> type(layer).__name__, layer.units
    ('Dense', 3)
    """
    if not isinstance(config, dict) or "class_name" not in config or not isinstance(config.get("config"), dict):
        raise ValueError(f'layers.deserialize: expected {{"class_name": ..., "config": {{...}}}}; received {config!r}')
    classes = {**LAYER_CLASSES, **(custom_objects or {})}
    cls = classes.get(config["class_name"])
    if cls is None:
        raise ValueError(f"layers.deserialize: unknown layer class {config['class_name']!r}; "
                         f"expected one of {sorted(classes)}")
    return cls.from_config(dict(config["config"]))
