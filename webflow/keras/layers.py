"""Layers (``tf.keras.layers``): ``build`` creates weights, ``call`` uses ops,
``get_config`` returns the constructor arguments.

A layer builds itself on its first call, from the input's shape. Called on
KerasTensors (``tf.keras.Input`` and what layers return for them) a layer
records a node of the functional API instead of computing values.
"""

import inspect
import itertools

from webflow import dtypes, nest, ops
from webflow.keras import activations, initializers
from webflow.ops import random_ops
from webflow.tensor import Tensor, TensorShape, Variable

_counters = {}


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
        from webflow.keras.losses import _snake

        self.name = name or _unique_name(_snake(type(self).__name__))
        self.trainable = trainable
        self.built = False
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self._weights = []
        self._takes_training = "training" in inspect.signature(self.call).parameters

    def add_weight(self, name=None, shape=(), initializer="glorot_uniform", trainable=True, dtype="float32"):
        """Create a Variable owned by this layer."""
        value = initializers.get(initializer)(tuple(shape), dtype)
        var = Variable(value, trainable=trainable, name=f"{self.name}/{name or 'weight'}")
        self._weights.append(var)
        return var

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
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        if int(units) < 1:
            raise ValueError(f"Dense: units must be a positive integer; received {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: Dense needs inputs of rank >= 2 (batch, features); received shape {input_shape}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer)
        self.bias = self.add_weight("bias", (self.units,), self.bias_initializer) if self.use_bias else None
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
                "use_bias": self.use_bias}


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
