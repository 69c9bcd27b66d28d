"""The reference backend: every kernel is a NumPy call.

This is the specification the WebGL kernels are tested against. Handles are
NumPy arrays that are never written after creation, so views are safe.
"""

import math

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


# NOTE: NumPy has no erf; math.erf is exact to float64, and this is the reference.
_erf64 = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    return np.asarray(_erf64(x), dtype=x.dtype)
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

    def reduce_sum(self, x, axes, divisor=1):
        total = np.sum(x, axis=axes, dtype=x.dtype)
        return total if divisor == 1 else np.divide(total, x.dtype.type(divisor), dtype=x.dtype)

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

    # --- math ops: elementwise, reductions and scans ---------------------------------

    log1p = staticmethod(_float_errors_ignored(np.log1p))
    expm1 = staticmethod(_float_errors_ignored(np.expm1))
    erf = staticmethod(_erf)
    sin = staticmethod(_float_errors_ignored(np.sin))
    cos = staticmethod(_float_errors_ignored(np.cos))
    floor = staticmethod(np.floor)
    ceil = staticmethod(np.ceil)
    round = staticmethod(np.round)  # halves to even
    floormod = staticmethod(_float_errors_ignored(np.mod))
    floordiv = staticmethod(_float_errors_ignored(np.floor_divide))

    def reduce_prod(self, x, axes):
        return np.prod(x, axis=axes, dtype=x.dtype)

    def argmax(self, x, axis):
        return np.argmax(x, axis=axis).astype(np.int32)

    def cumsum(self, x, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = np.cumsum(x, axis=axis, dtype=x.dtype)
        if exclusive:
            # NOTE: shift by one along axis: a leading 0, the last sum dropped.
            out = np.concatenate([np.zeros_like(np.take(out, [0], axis)), np.delete(out, -1, axis)], axis)
        return np.flip(out, axis) if reverse else out

    # --- movement and indexing ---------------------------------------------------------

    def strided_slice(self, x, begin, size, strides):
        index = []
        for b, n, s in zip(begin, size, strides):
            stop = b + s * n
            index.append(slice(0, 0) if n == 0 else slice(b, stop if stop >= 0 else None, s))
        return x[tuple(index)]

    def concat(self, *xs, axis):
        return np.concatenate(xs, axis=axis)

    def pad(self, x, value, paddings):
        return np.pad(x, paddings, constant_values=value)

    def gather(self, params, indices, axis, batch_dims):
        if batch_dims == 0:
            return np.take(params, indices, axis=axis)
        # NOTE: batch b of params gathers with batch b of indices; loop over the flattened batch.
        batch = params.shape[:batch_dims]
        p = params.reshape((-1,) + params.shape[batch_dims:])
        i = indices.reshape((-1,) + indices.shape[batch_dims:])
        out = [np.take(pb, ib, axis=axis - batch_dims) for pb, ib in zip(p, i)]
        return np.stack(out).reshape(batch + out[0].shape) if out else np.zeros(
            params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:], params.dtype)

    def unsorted_segment_sum(self, data, segment_ids, num_segments):
        out = np.zeros((num_segments,) + data.shape[segment_ids.ndim:], dtype=data.dtype)
        np.add.at(out, segment_ids, data)
        return out

    # --- convolution and pooling ------------------------------------------------------------

    def conv2d(self, x, w, strides, dilations, pads, groups):
        kh, kw, cin, cout = w.shape
        patches = _windows(_pad(x, pads, 0), (kh, kw), strides, dilations)
        n, oh, ow = patches.shape[:3]
        patches = patches.reshape(n, oh, ow, kh, kw, groups, cin)
        out = np.einsum("nhwijgc,ijcgo->nhwgo", patches, w.reshape(kh, kw, cin, groups, cout // groups))
        return out.reshape(n, oh, ow, cout).astype(x.dtype)

    def conv2d_transpose(self, dy, w, input_shape, strides, dilations, pads, groups):
        kh, kw, cin, cout = w.shape
        n, oh, ow, _ = dy.shape
        (sh, sw), (dh, dw) = strides, dilations
        top, bottom, left, right = pads
        padded = np.zeros((n, input_shape[1] + top + bottom, input_shape[2] + left + right, groups, cin), dy.dtype)
        grouped_dy = dy.reshape(n, oh, ow, groups, cout // groups)
        grouped_w = w.reshape(kh, kw, cin, groups, cout // groups)
        for i in range(kh):
            for j in range(kw):
                # NOTE: every output cell read input cell (i*dh + h*sh, j*dw + w*sw) with weight w[i, j].
                padded[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw] += np.einsum(
                    "nhwgo,cgo->nhwgc", grouped_dy, grouped_w[i, j])
        cropped = padded[:, top:top + input_shape[1], left:left + input_shape[2]]
        return np.ascontiguousarray(cropped.reshape(input_shape))

    def conv2d_backprop_filter(self, x, dy, filter_shape, strides, dilations, pads, groups):
        kh, kw, cin, cout = filter_shape
        patches = _windows(_pad(x, pads, 0), (kh, kw), strides, dilations)
        n, oh, ow = dy.shape[:3]
        patches = patches.reshape(n, oh, ow, kh, kw, groups, cin)
        out = np.einsum("nhwijgc,nhwgo->ijcgo", patches, dy.reshape(n, oh, ow, groups, cout // groups))
        return out.reshape(filter_shape).astype(x.dtype)

    def max_pool2d(self, x, ksize, strides, pads):
        patches = _windows(_pad(x, pads, -np.inf), ksize, strides, (1, 1))
        return patches.max(axis=(3, 4))

    def max_pool2d_grad(self, x, dy, ksize, strides, pads):
        patches = _windows(_pad(x, pads, -np.inf), ksize, strides, (1, 1))
        n, oh, ow, kh, kw, c = patches.shape
        first = patches.reshape(n, oh, ow, kh * kw, c).argmax(axis=3)  # NOTE: argmax picks the first maximum
        rows = np.arange(oh)[:, None, None] * strides[0] + first // kw
        cols = np.arange(ow)[:, None] * strides[1] + first % kw
        padded = np.zeros((n, x.shape[1] + pads[0] + pads[1], x.shape[2] + pads[2] + pads[3], c), x.dtype)
        batch, channel = np.arange(n)[:, None, None, None], np.arange(c)
        np.add.at(padded, (batch, rows, cols, channel), dy)
        return padded[:, pads[0]:pads[0] + x.shape[1], pads[2]:pads[2] + x.shape[2]].copy()


def _pad(x, pads, value):
    top, bottom, left, right = pads
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def _windows(x, kernel, strides, dilations):
    """A [n, out_h, out_w, kh, kw, c] view of every window of a padded NHWC x (no copy)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    n, h, w, c = x.shape
    oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]), writeable=False)
