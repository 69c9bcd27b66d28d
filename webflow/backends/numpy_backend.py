"""The reference backend: every kernel is a NumPy call.

This is the specification the WebGL kernels are tested against. Handles are
NumPy arrays that are never written after creation, so views are safe.
"""

import numpy as np

from webflow.backends.base import Backend


def _float_errors_ignored(fn):
    # NOTE: inf/NaN results are values, not errors (log(0) = -inf, 0/0 = nan), as in TF.
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    return wrapper


def _sigmoid(x):
    # NOTE: exp of -|x| only, so large |x| never overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def _relu(x):
    # NOTE: NaN stays NaN (np.maximum propagates it), as in TF.
    return np.maximum(x, np.zeros((), x.dtype))


def _shifted(x, axis):
    """x - max(x) along axis: exp of it never overflows. The max of a row holding
    NaN or +inf is NaN or +inf, which makes the whole row NaN, as in TF."""
    return x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)


class NumpyBackend(Backend):
    name = "numpy"

    def from_numpy(self, array):
        return array

    def to_numpy(self, handle, dtype):
        return np.array(handle, copy=True)

    def memory(self):
        # NOTE: NumPy memory is owned by the garbage collector; nothing to count here.
        return {"backend": self.name, "num_tensors": None, "num_bytes": None}

    def fill(self, shape, value, dtype):
        return np.full(shape, value, dtype=dtype.as_numpy_dtype)

    negative = staticmethod(np.negative)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)
    exp = staticmethod(_float_errors_ignored(np.exp))
    log = staticmethod(_float_errors_ignored(np.log))
    sqrt = staticmethod(_float_errors_ignored(np.sqrt))
    tanh = staticmethod(np.tanh)
    sigmoid = staticmethod(_float_errors_ignored(_sigmoid))
    relu = staticmethod(_relu)

    add = staticmethod(np.add)
    subtract = staticmethod(np.subtract)
    multiply = staticmethod(np.multiply)
    divide = staticmethod(_float_errors_ignored(np.divide))
    pow = staticmethod(_float_errors_ignored(np.power))
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)

    equal = staticmethod(np.equal)
    not_equal = staticmethod(np.not_equal)
    less = staticmethod(np.less)
    less_equal = staticmethod(np.less_equal)
    greater = staticmethod(np.greater)
    greater_equal = staticmethod(np.greater_equal)

    def where(self, condition, x, y):
        return np.where(condition, x, y)

    def cast(self, x, dtype):
        return x.astype(dtype.as_numpy_dtype)

    def matmul(self, a, b, transpose_a, transpose_b):
        if transpose_a:
            a = np.swapaxes(a, -1, -2)
        if transpose_b:
            b = np.swapaxes(b, -1, -2)
        return np.matmul(a, b)

    @_float_errors_ignored
    def softmax(self, x, axis):
        e = np.exp(_shifted(x, axis))
        return e / np.sum(e, axis=axis, keepdims=True)

    @_float_errors_ignored
    def log_softmax(self, x, axis):
        z = _shifted(x, axis)
        return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))

    def reduce_sum(self, x, axes):
        return np.sum(x, axis=axes, dtype=x.dtype)

    def reduce_max(self, x, axes):
        # NOTE: the max over nothing is the dtype's lowest value (-inf), as in TF.
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min if x.dtype.kind == "i" else False
        return np.max(x, axis=axes, initial=lowest)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def transpose(self, x, perm):
        return np.transpose(x, perm)

    def broadcast_to(self, x, shape):
        return np.broadcast_to(x, shape)
