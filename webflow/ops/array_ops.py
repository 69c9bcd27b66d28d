"""Shape and creation ops: reshape, transpose, broadcast_to, fill and friends."""

import numpy as np

from webflow import autodiff, backends, dtypes
from webflow.ops.dispatch import apply, broadcast_shape, convert_to_tensor_for
from webflow.tensor import Tensor, convert_to_tensor


def _shape_arg(op, shape):
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be a sequence of ints; received {shape!r}") from None
    return dims


def reshape(tensor, shape, name=None):
    """Same values in a new shape; one dimension may be -1 (inferred).

    Raises:
        ValueError: when the element counts differ.

    >>> import webflow as tf
    >>> tf.reshape([1, 2, 3, 4, 5, 6], [2, -1]).shape
    TensorShape([2, 3])
    """
    x = convert_to_tensor_for("reshape", tensor, arg="tensor")
    dims = list(_shape_arg("reshape", shape))
    size = x.shape.num_elements()
    if dims.count(-1) > 1 or any(d < -1 for d in dims):
        raise ValueError(f"reshape: shape may hold at most one -1 and no other negatives; received {tuple(dims)}")
    if -1 in dims:
        known = int(np.prod([d for d in dims if d != -1]))
        if known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} into {tuple(dims)}")
        dims[dims.index(-1)] = size // known
    dims = tuple(dims)
    if int(np.prod(dims)) != size:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} ({size} elements) into {dims}"
        )
    if dims == tuple(x.shape):
        return x
    return apply("reshape", [x], dims, x.dtype, shape=dims)


def _reshape_grad(g, inputs, out, shape):
    return (reshape(g, inputs[0].shape),)


def transpose(a, perm=None, name=None):
    """Permute axes; ``perm`` defaults to reversing them.

    >>> import webflow as tf
    >>> tf.transpose(tf.zeros([2, 3, 4]), [2, 0, 1]).shape
    TensorShape([4, 2, 3])
    """
    x = convert_to_tensor_for("transpose", a, arg="a")
    rank = x.shape.rank
    perm = tuple(range(rank))[::-1] if perm is None else tuple(int(p) % max(rank, 1) for p in perm)
    if sorted(perm) != list(range(rank)):
        raise ValueError(f"transpose: perm must be a permutation of 0..{rank - 1}; received {perm}")
    if perm == tuple(range(rank)):
        return x
    return apply("transpose", [x], tuple(x.shape[p] for p in perm), x.dtype, perm=perm)


def _transpose_grad(g, inputs, out, perm):
    return (transpose(g, tuple(np.argsort(perm).tolist())),)


def broadcast_to(input, shape, name=None):
    """Repeat ``input`` along broadcast axes to ``shape`` (NumPy rules)."""
    x = convert_to_tensor_for("broadcast_to", input, arg="input")
    shape = _shape_arg("broadcast_to", shape)
    if len(shape) < x.shape.rank or broadcast_shape("broadcast_to", x.shape, shape) != shape:
        raise ValueError(f"broadcast_to: cannot broadcast shape {tuple(x.shape)} to {shape}")
    if shape == tuple(x.shape):
        return x
    return apply("broadcast_to", [x], shape, x.dtype, shape=shape)


def _broadcast_to_grad(g, inputs, out, shape):
    from webflow.ops.math_ops import unbroadcast

    return (unbroadcast(g, inputs[0].shape),)


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (its dtype inferred)."""
    dims = _shape_arg("fill", dims)
    if any(d < 0 for d in dims):
        raise ValueError(f"fill: dims must be non-negative; received {dims}")
    value = convert_to_tensor_for("fill", value, arg="value")
    if value.shape.rank != 0:
        raise ValueError(f"fill: value must be a scalar; received shape {tuple(value.shape)}")
    return _filled(dims, value.numpy(), value.dtype)


def _filled(shape, value, dtype):
    # NOTE: creation ops have no inputs, so apply() would record nothing; they
    # call the backend directly.
    backend = backends.get_backend()
    return Tensor(backend.fill(shape, value, dtype), backend, shape, dtype)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros.

    >>> import webflow as tf
    >>> tf.zeros([2]).numpy()
    array([0., 0.], dtype=float32)
    """
    return _filled(_shape_arg("zeros", shape), 0, dtypes.as_dtype(dtype))


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones."""
    return _filled(_shape_arg("ones", shape), 1, dtypes.as_dtype(dtype))


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and by default the dtype) of ``input``."""
    x = convert_to_tensor(input)
    return _filled(tuple(x.shape), 0, dtypes.as_dtype(dtype) if dtype else x.dtype)


def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and by default the dtype) of ``input``."""
    x = convert_to_tensor(input)
    return _filled(tuple(x.shape), 1, dtypes.as_dtype(dtype) if dtype else x.dtype)


def stop_gradient(input, name=None):
    """The same values, seen by GradientTape as a constant.

    >>> import webflow as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * tf.stop_gradient(x)
    >>> float(tape.gradient(y, x))
    3.0
    """
    x = convert_to_tensor(input)
    # NOTE: a new Tensor sharing the (immutable) handle; not recorded, so no
    # gradient flows through it.
    return Tensor(x._handle, x._backend, x.shape, x.dtype)


def identity(input, name=None):
    """The same values; gradients pass through."""
    x = convert_to_tensor(input)
    out = Tensor(x._handle, x._backend, x.shape, x.dtype)  # no kernel: handles are immutable
    autodiff.record("identity", [x], out, {})
    return out


def _identity_grad(g, inputs, out):
    return (g,)


def shape(input, name=None):
    """The shape as an int32 tensor."""
    return convert_to_tensor(list(convert_to_tensor(input).shape), dtype=dtypes.int32)


def rank(input, name=None):
    return convert_to_tensor(convert_to_tensor(input).shape.rank, dtype=dtypes.int32)


def size(input, name=None):
    return convert_to_tensor(convert_to_tensor(input).shape.num_elements(), dtype=dtypes.int32)


GRADIENTS = {
    "identity": _identity_grad,
    "reshape": _reshape_grad,
    "transpose": _transpose_grad,
    "broadcast_to": _broadcast_to_grad,
}
