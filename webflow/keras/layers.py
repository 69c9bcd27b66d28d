"""Layers (``tf.keras.layers``): ``build`` creates weights, ``call`` uses ops,
``get_config`` returns the constructor arguments.

A layer builds itself on its first call, from the input's shape.
"""

import inspect
import itertools

from webflow import ops
from webflow.keras import activations, initializers
from webflow.ops import random_ops
from webflow.tensor import Tensor, Variable

_counters = {}


def _unique_name(prefix):
    counter = _counters.setdefault(prefix, itertools.count())
    n = next(counter)
    return prefix if n == 0 else f"{prefix}_{n}"


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

    def __call__(self, inputs, training=None):
        inputs = ops.convert_to_tensor(inputs) if not isinstance(inputs, (Tensor, list, tuple)) else inputs
        if not self.built:
            self.build(tuple(inputs.shape) if isinstance(inputs, Tensor) else [tuple(x.shape) for x in inputs])
            self.built = True
        return self.call(inputs, training=training) if self._takes_training else self.call(inputs)

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
    """Declares the input shape (without the batch dimension); ``Input(shape)`` makes one."""

    def __init__(self, shape=None, name=None, **kwargs):
        super().__init__(name=name, input_shape=shape, **kwargs)

    def get_config(self):
        return {**super().get_config(), "shape": self.input_shape_arg}


def Input(shape, name=None, dtype=None):
    """The input of a Sequential model: ``Sequential([Input((784,)), Dense(10)])``."""
    return InputLayer(shape=tuple(shape), name=name)


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
