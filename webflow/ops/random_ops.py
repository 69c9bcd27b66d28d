"""Seeded random tensors.

Numbers are drawn on the host with NumPy's Philox generator and uploaded, so
the same seeds give the same numbers on every backend. As in TF: with a
global seed (``set_seed``) and/or an op seed, a program's sequence of random
tensors is reproducible; repeated calls with the same op seed still differ.
"""

import numpy as np

from webflow import backends, dtypes
from webflow.graph import tracing
from webflow.ops.array_ops import _shape_arg
from webflow.tensor import Tensor

_global_seed = None
_calls = {}  # op seed -> how many times it has been used since set_seed


def set_seed(seed):
    """Set the global seed; resets every op seed's sequence."""
    global _global_seed
    _global_seed = None if seed is None else int(seed)
    _calls.clear()


def _generator(seed):
    if seed is None and _global_seed is None:
        return np.random.default_rng()
    key = -1 if seed is None else int(seed)
    count = _calls.get(key, 0)
    _calls[key] = count + 1
    words = [(_global_seed or 0) & 0xFFFFFFFF, key & 0xFFFFFFFF, count]
    return np.random.Generator(np.random.Philox(words))


def _upload(op, shape, values, dtype):
    backend = backends.get_backend()
    array = np.asarray(values, dtype=dtype.as_numpy_dtype, order="C").reshape(shape)
    return Tensor(backend.from_numpy(array), backend, shape, dtype)


def _drawn(op, shape, dtype, draw):
    """The tensor of ``draw()``'s values: drawn now, or on every call of a tf.function (a host node),
    so a traced dropout gets a new mask each step."""
    return tracing.host_values(lambda: [draw()], [(shape, dtype)], op)[0]


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats).

    Raises:
        ValueError: int32 without maxval, or maxval <= minval for int32.

    >>> import webflow as tf
    >>> tf.random.uniform([2, 3], seed=1).shape
    TensorShape([2, 3])
    """
    shape = _shape_arg("random.uniform", shape)
    dtype = dtypes.as_dtype(dtype)
    rng = _generator(seed)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("random.uniform: maxval is required for dtype int32")
        if maxval <= minval:
            raise ValueError(f"random.uniform: need minval < maxval; received minval={minval}, maxval={maxval}")
        return _drawn("random.uniform", shape, dtype, lambda: rng.integers(minval, maxval, size=shape))
    if not dtype.is_floating:
        raise TypeError(f"random.uniform: dtype must be float32 or int32; received {dtype.name}")
    maxval = 1.0 if maxval is None else maxval
    return _drawn("random.uniform", shape, dtype, lambda: rng.uniform(minval, maxval, size=shape))


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples with the given mean and standard deviation."""
    shape = _shape_arg("random.normal", shape)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"random.normal: dtype must be float32; received {dtype.name}")
    rng = _generator(seed)
    return _drawn("random.normal", shape, dtype, lambda: rng.normal(mean, stddev, size=shape))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn until they lie within two standard deviations of the mean.

    >>> import webflow as tf
    >>> x = tf.random.truncated_normal([1000], seed=3).numpy()
    >>> bool(abs(x).max() <= 2.0)
    True
    """
    shape = _shape_arg("random.truncated_normal", shape)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"random.truncated_normal: dtype must be float32; received {dtype.name}")
    rng = _generator(seed)

    def draw():
        values = rng.standard_normal(size=shape)
        outside = np.abs(values) > 2.0
        while outside.any():  # about 4.6% of draws per round
            values[outside] = rng.standard_normal(size=int(outside.sum()))
            outside = np.abs(values) > 2.0
        return mean + stddev * values

    return _drawn("random.truncated_normal", shape, dtype, draw)


def categorical(logits, num_samples, dtype=dtypes.int32, seed=None, name=None):
    """Draw ``num_samples`` class indices per row of ``logits`` [batch, classes].

    The result is int32 (webflow has no int64, TF's default here).

    NOTE: the logits are read back to the host (one transfer) so that the
    same seed draws the same classes on every backend.

    Raises:
        ValueError: logits not of rank 2, no classes, or num_samples < 0.

    >>> import webflow as tf
    >>> tf.random.categorical([[0.0, -1e9], [-1e9, 0.0]], 3, seed=1).numpy()
    array([[0, 0, 0],
           [1, 1, 1]], dtype=int32)
    """
    from webflow.ops.dispatch import convert_to_tensor_for, require_float

    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer:
        raise TypeError(f"random.categorical: dtype must be int32; received {dtype.name}")
    x = convert_to_tensor_for("random.categorical", logits, dtypes.float32, "logits")
    require_float("random.categorical", x, "logits")
    if x.shape.rank != 2 or x.shape[1] == 0:
        raise ValueError(
            f"random.categorical: logits must have shape [batch, classes] with classes >= 1; received shape {tuple(x.shape)}"
        )
    num_samples = int(num_samples)
    if num_samples < 0:
        raise ValueError(f"random.categorical: num_samples must be >= 0; received {num_samples}")
    z = x.numpy().astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    cdf = np.cumsum(np.exp(z), axis=1)
    u = _generator(seed).uniform(size=(z.shape[0], num_samples)) * cdf[:, -1:]
    samples = np.stack([np.searchsorted(row, draws, side="right") for row, draws in zip(cdf, u)]) if z.shape[0] else u
    samples = np.minimum(samples, z.shape[1] - 1)
    return _upload("random.categorical", (z.shape[0], num_samples), samples, dtype)


def shuffle(value, seed=None, name=None):
    """``value`` with its first axis randomly permuted (not differentiable, as in TF).

    NOTE: the values pass through the host (read back, permuted, uploaded).

    >>> import webflow as tf
    >>> sorted(tf.random.shuffle([1, 2, 3, 4], seed=5).numpy().tolist())
    [1, 2, 3, 4]
    """
    from webflow.ops.dispatch import convert_to_tensor_for

    x = convert_to_tensor_for("random.shuffle", value, arg="value")
    if x.shape.rank == 0:
        raise ValueError("random.shuffle: value must have rank >= 1; received a scalar")
    order = _generator(seed).permutation(x.shape[0])
    return _upload("random.shuffle", tuple(x.shape), x.numpy()[order], x.dtype)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each value with probability ``rate`` and scale the rest by 1 / (1 - rate).

    The mask is drawn like ``uniform`` (same seed, same mask on every backend);
    ``noise_shape`` (broadcastable to x's shape) shares one draw along its 1-axes.

    Raises:
        ValueError: rate outside [0, 1), or a noise_shape that does not broadcast.

    >>> import webflow as tf
    >>> y = tf.nn.dropout(tf.ones([1000]), rate=0.5, seed=1).numpy()
    >>> sorted(set(y.tolist())), bool(300 < (y == 0).sum() < 700)
    ([0.0, 2.0], True)
    """
    from webflow.ops import math_ops
    from webflow.ops.dispatch import convert_to_tensor_for, require_float

    x = convert_to_tensor_for("dropout", x)
    require_float("dropout", x)
    rate = float(rate)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be in [0, 1); received {rate}")
    shape = tuple(x.shape) if noise_shape is None else _shape_arg("dropout", noise_shape)
    if len(shape) != x.shape.rank or any(n not in (1, d) for n, d in zip(shape, x.shape)):
        raise ValueError(f"dropout: noise_shape {shape} does not broadcast to x.shape {tuple(x.shape)}")
    if rate == 0.0:
        return x
    rng = _generator(seed)
    mask = _drawn("dropout", shape, x.dtype, lambda: (rng.uniform(size=shape) >= rate) / (1.0 - rate))
    return math_ops.multiply(x, mask)
