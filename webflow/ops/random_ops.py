"""Seeded random tensors.

Numbers are drawn on the host with NumPy's Philox generator and uploaded, so
the same seeds give the same numbers on every backend. As in TF: with a
global seed (``set_seed``) and/or an op seed, a program's sequence of random
tensors is reproducible; repeated calls with the same op seed still differ.
"""

import numpy as np

from webflow import backends, dtypes
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
        return _upload("random.uniform", shape, rng.integers(minval, maxval, size=shape), dtype)
    if not dtype.is_floating:
        raise TypeError(f"random.uniform: dtype must be float32 or int32; received {dtype.name}")
    maxval = 1.0 if maxval is None else maxval
    return _upload("random.uniform", shape, rng.uniform(minval, maxval, size=shape), dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples with the given mean and standard deviation."""
    shape = _shape_arg("random.normal", shape)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"random.normal: dtype must be float32; received {dtype.name}")
    return _upload("random.normal", shape, _generator(seed).normal(mean, stddev, size=shape), dtype)
