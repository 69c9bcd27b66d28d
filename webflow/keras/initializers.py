"""Weight initializers (``tf.keras.initializers``), drawn like ``tf.random`` (seeded)."""

import math

from webflow import dtypes
from webflow.ops import array_ops, random_ops


class Initializer:
    def __call__(self, shape, dtype=dtypes.float32):
        raise NotImplementedError

    def get_config(self):
        return {}


class Zeros(Initializer):
    def __call__(self, shape, dtype=dtypes.float32):
        return array_ops.zeros(shape, dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype=dtypes.float32):
        return array_ops.ones(shape, dtype)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=dtypes.float32):
        return random_ops.normal(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=dtypes.float32):
        return random_ops.uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _fans(shape):
    """(fan_in, fan_out) as Keras computes them: a conv kernel's receptive field multiplies both."""
    if len(shape) < 2:
        size = shape[0] if shape else 1
        return size, size
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class GlorotUniform(Initializer):
    """Uniform in +-sqrt(6 / (fan_in + fan_out)): Keras's default for kernels."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=dtypes.float32):
        fan_in, fan_out = _fans(tuple(shape))
        limit = math.sqrt(6.0 / max(1, fan_in + fan_out))
        return random_ops.uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(Initializer):
    """Truncated normal with stddev sqrt(2 / fan_in) (corrected for the truncation, as Keras)."""

    def __init__(self, seed=None):
        self.seed = seed

    def __call__(self, shape, dtype=dtypes.float32):
        fan_in, _ = _fans(tuple(shape))
        # NOTE: 0.8796 is the stddev of a unit normal truncated at +-2.
        stddev = math.sqrt(2.0 / max(1, fan_in)) / 0.87962566103423978
        return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)

    def get_config(self):
        return {"seed": self.seed}


ALIASES = {"zeros": Zeros, "ones": Ones, "glorot_uniform": GlorotUniform, "he_normal": HeNormal,
           "random_normal": RandomNormal, "random_uniform": RandomUniform}


def get(identifier):
    """An initializer from an instance, a class name or an alias ("glorot_uniform")."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        cls = ALIASES.get(identifier) or {c.__name__: c for c in ALIASES.values()}.get(identifier)
        if cls is not None:
            return cls()
    if callable(identifier):
        return identifier
    raise ValueError(f"initializers.get: unknown initializer {identifier!r}; expected one of {sorted(ALIASES)}")
