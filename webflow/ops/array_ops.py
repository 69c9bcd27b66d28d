"""Shape, creation, movement and indexing ops.

Primitives (a kernel and a gradient rule each): reshape, transpose,
broadcast_to, strided_slice, concat, gather, unsorted_segment_sum. Everything
else here (slice, __getitem__, reverse, split, stack, tile, pad, one_hot,
expand_dims, squeeze, ...) is composed from them and needs no rule.
"""

import builtins
import math

import numpy as np

from webflow import autodiff, backends, dtypes
from webflow.graph import tracing
from webflow.ops.dispatch import apply, broadcast_shape, convert_to_tensor_for
from webflow.tensor import Tensor, Variable, _host_array, convert_to_tensor

newaxis = None


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
        known = math.prod(d for d in dims if d != -1)
        if known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} into {tuple(dims)}")
        dims[dims.index(-1)] = size // known
    dims = tuple(dims)
    if math.prod(dims) != size:
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
    perm = tuple(builtins.range(rank))[::-1] if perm is None else tuple(int(p) % max(rank, 1) for p in perm)
    if sorted(perm) != list(builtins.range(rank)):
        raise ValueError(f"transpose: perm must be a permutation of 0..{rank - 1}; received {perm}")
    if perm == tuple(builtins.range(rank)):
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
    if isinstance(value, (Tensor, Variable)):
        value = convert_to_tensor_for("fill", value, arg="value")
        array, dtype = value.numpy(), value.dtype
    else:  # a host value: no trip to the device and back (optimizer slots are filled this way)
        array, dtype = _host_array(value, None, "fill")
    if array.ndim != 0:
        raise ValueError(f"fill: value must be a scalar; received shape {tuple(array.shape)}")
    return _filled(dims, array, dtype)


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


# --- movement and indexing ----------------------------------------------------------


def _axis(op, axis, rank, arg="axis"):
    """One axis in [-rank, rank) as a non-negative int, or a ValueError naming the op."""
    if isinstance(axis, Tensor):
        axis = axis.numpy().item()
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -rank <= axis < rank:
        raise ValueError(f"{op}: {arg} {axis!r} is out of range for a tensor of rank {rank}")
    return int(axis) % rank


def _ints(op, values, arg):
    """A list of Python ints from a list, NumPy array or int32 tensor."""
    if isinstance(values, Tensor):
        values = values.numpy()
    array = np.asarray(values)
    if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
        raise TypeError(f"{op}: {arg} must be integers; received {values!r}")
    return array.astype(np.int64)


def _strided_slice(x, begin, size, strides):
    """The primitive: along axis d, the values begin[d] + k * strides[d] for
    0 <= k < size[d]. Callers resolve every index, so all of them are in range."""
    begin, size, strides = tuple(begin), tuple(size), tuple(strides)
    if size == tuple(x.shape) and all(s == 1 for s in strides):
        return x
    return apply("strided_slice", [x], size, x.dtype, begin=begin, size=size, strides=strides)


def _slice_axis(x, axis, begin, size, stride=1):
    """``size`` values along one axis from ``begin`` in steps of ``stride``; other axes whole."""
    begins, sizes, strides = [0] * x.shape.rank, list(x.shape), [1] * x.shape.rank
    begins[axis], sizes[axis], strides[axis] = begin, size, stride
    return _strided_slice(x, begins, sizes, strides)


def _pad_axis(x, axis, before, after, value=0):
    """``x`` with ``before``/``after`` values filled in along ``axis``."""
    paddings = [(0, 0)] * x.shape.rank
    paddings[axis] = (before, after)
    return _pad(x, paddings, convert_to_tensor(value, x.dtype))


def _pad(x, paddings, value):
    """The primitive: ``x`` with paddings[d] = (before, after) cells of the scalar tensor
    ``value`` along each axis d. NOTE: a primitive, not a concat of filled pieces per
    axis: on WebGL one pass instead of a fill and a concat pass per padded axis (a
    [1024, 1024] tensor padded on both axes: 65 -> 10 ms)."""
    paddings = tuple((int(a), int(b)) for a, b in paddings)
    if not any(a or b for a, b in paddings):
        return x
    shape = tuple(d + a + b for d, (a, b) in zip(x.shape, paddings))
    return apply("pad", [x, value], shape, x.dtype, paddings=paddings)


def _pad_grad(g, inputs, out, paddings):
    # NOTE: constant_values gets no gradient, as in TF.
    x = inputs[0]
    return (_strided_slice(g, [a for a, _ in paddings], tuple(x.shape), [1] * x.shape.rank), None)


def _strided_slice_grad(g, inputs, out, begin, size, strides):
    # NOTE: the transpose of a strided read, composed from primitives: per axis,
    # reverse a negative step, interleave zeros for a step > 1, then zero-pad.
    shape = tuple(inputs[0].shape)
    if 0 in size:
        return (zeros(shape, inputs[0].dtype),)
    begin, end = list(begin), [0] * len(shape)  # the zero padding each axis needs, added at the end in one pad
    for d, (b, n, s, dim) in enumerate(zip(begin, size, strides, shape)):
        if s < 0:
            g = _slice_axis(g, d, n - 1, n, -1)
            b, s = b + s * (n - 1), -s
        if s > 1:
            spread = list(g.shape)
            spread[d] = n * s
            g = reshape(_pad_axis(expand_dims(g, d + 1), d + 1, 0, s - 1), spread)
            g = _slice_axis(g, d, 0, (n - 1) * s + 1)
        begin[d], end[d] = b, dim - b - g.shape[d]
    return (_pad(g, list(zip(begin, end)), convert_to_tensor(0, g.dtype)),)


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, name=None):
    """``input_[begin[0]:end[0]:strides[0], ...]`` with TF's masks: bit i of a mask
    changes what entry i of begin, end and strides means.

    Args:
        begin, end, strides: equal-length lists of ints (strides non-zero; default 1s).
            Python slice rules: negative values count from the end, out-of-range
            bounds are clipped. Axes past the entries are taken whole.
        begin_mask / end_mask: bit i set: begin[i] / end[i] is ignored and the
            widest range is used (as an omitted start / stop in ``x[:e]``).
        ellipsis_mask: bit i set (at most one bit): entry i is ``...``, the
            axes no other entry names.
        new_axis_mask: bit i set: entry i inserts an axis of size 1 (``tf.newaxis``).
        shrink_axis_mask: bit i set: begin[i] is an index; the axis is dropped.
        Precedence per entry, as in TF: ellipsis, then new axis, then shrink.

    Raises:
        ValueError: lengths that differ, a zero stride, a negative mask, more than one
            ellipsis bit.
        IndexError: a shrink index out of range.

    >>> import webflow as tf
    >>> tf.strided_slice(tf.range(10), [8], [1], [-3]).numpy()
    array([8, 5, 2], dtype=int32)
    >>> x = tf.reshape(tf.range(24), [2, 3, 4])
    >>> tf.strided_slice(x, [0, 1], [0, 0], [1, 1], begin_mask=1, end_mask=1, shrink_axis_mask=2).numpy()  # x[:, 1]
    array([[ 4,  5,  6,  7],
           [16, 17, 18, 19]], dtype=int32)
    >>> tf.strided_slice(x, [0, 0, 1], [0, 0, 3], [1, 1, 1], ellipsis_mask=1, new_axis_mask=2).shape
    TensorShape([2, 3, 1, 2])
    """
    op = "strided_slice"
    begin, end = _ints(op, begin, "begin"), _ints(op, end, "end")
    strides = np.ones(len(begin), np.int64) if strides is None else _ints(op, strides, "strides")
    if not begin.ndim == end.ndim == strides.ndim == 1 or not len(begin) == len(end) == len(strides):
        raise ValueError(f"{op}: begin, end and strides must be lists of the same length; "
                         f"received lengths {len(begin)}, {len(end)}, {len(strides)}")
    masks = {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
             "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask}
    for arg, mask in masks.items():
        if isinstance(mask, bool) or not isinstance(mask, (int, np.integer)) or mask < 0:
            raise ValueError(f"{op}: {arg} must be a non-negative int (a bit mask); received {mask!r}")
    bit = lambda mask, i: (int(mask) >> i) & 1  # noqa: E731
    if builtins.sum(bit(ellipsis_mask, i) for i in builtins.range(len(begin))) > 1:
        raise ValueError(f"{op}: ellipsis_mask may have at most one bit set; received {ellipsis_mask} "
                         f"({bin(int(ellipsis_mask))})")
    key = []
    for i, (b, e, s) in enumerate(zip(begin.tolist(), end.tolist(), strides.tolist())):
        if bit(ellipsis_mask, i):
            key.append(Ellipsis)
        elif bit(new_axis_mask, i):
            key.append(None)
        elif bit(shrink_axis_mask, i):
            key.append(b)
        else:
            if s == 0:
                raise ValueError(f"{op}: strides must be non-zero; received strides={strides.tolist()}")
            key.append(builtins.slice(None if bit(begin_mask, i) else b, None if bit(end_mask, i) else e, s))
    x = convert_to_tensor_for(op, input_, arg="input_")
    named = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    if named > x.shape.rank:
        raise ValueError(f"{op}: begin has {named} entries that index axes (not new axes or the ellipsis), "
                         f"more than the input's rank {x.shape.rank}; received begin={begin.tolist()}, "
                         f"input shape {tuple(x.shape)}")
    try:
        return getitem(x, tuple(key))
    except IndexError as e:
        raise IndexError(f"{op}: {str(e).replace('__getitem__: ', '')} (shrink_axis_mask)") from None


def getitem(tensor, key):
    """``tensor[key]``: ints, slices (any step, negative indices), ``...`` and
    ``tf.newaxis`` (None), as in NumPy basic indexing. One strided read.

    Raises:
        IndexError: an int index out of range, too many indices, or two
            ellipses (IndexError, not ValueError: Python's iteration over
            ``tensor[0], tensor[1], ...`` stops on it).
        TypeError: an index that is not an int, slice, ``...`` or None.

    >>> import webflow as tf
    >>> x = tf.reshape(tf.range(6), [2, 3])
    >>> x[-1, ::-2].numpy()
    array([5, 3], dtype=int32)
    >>> x[:, None, 1].shape
    TensorShape([2, 1])
    """
    x = convert_to_tensor(tensor)
    rank = x.shape.rank
    items = list(key) if isinstance(key, tuple) else [key]
    if builtins.sum(1 for k in items if k is Ellipsis) > 1:
        raise IndexError("__getitem__: an index can hold at most one ellipsis ('...')")
    used = builtins.sum(1 for k in items if k is not None and k is not Ellipsis)
    if used > rank:
        raise IndexError(f"__getitem__: too many indices for a tensor of rank {rank}; received {key!r}")
    if Ellipsis in items:
        at = items.index(Ellipsis)
        items[at:at + 1] = [builtins.slice(None)] * (rank - used)
    else:
        items += [builtins.slice(None)] * (rank - used)
    begin, size, strides, out_shape, d = [], [], [], [], 0
    for k in items:
        if k is None:
            out_shape.append(1)
            continue
        dim = x.shape[d]
        if isinstance(k, builtins.slice):
            try:
                start, stop, step = builtins.slice(*(None if v is None else _index(v, d) for v in (k.start, k.stop, k.step))).indices(dim)
            except ValueError as e:
                raise ValueError(f"__getitem__: {e}") from None
            n = len(builtins.range(start, stop, step))
            begin.append(start if n else 0), size.append(n), strides.append(step), out_shape.append(n)
        else:
            i = _index(k, d)
            if not -dim <= i < dim:
                raise IndexError(f"__getitem__: index {i} is out of range for axis {d} of size {dim}")
            begin.append(i % dim), size.append(1), strides.append(1)
        d += 1
    return reshape(_strided_slice(x, begin, size, strides), out_shape)


def _index(k, axis):
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer, Tensor)):
        raise TypeError(f"__getitem__: indices must be ints, slices, '...' or tf.newaxis; "
                        f"received {type(k).__name__} {k!r:.40} for axis {axis}")
    return int(k.__index__())


def slice(input_, begin, size, name=None):
    """``size[d]`` values from ``begin[d]`` along every axis; a size of -1 means to the end.

    >>> import webflow as tf
    >>> tf.slice(tf.reshape(tf.range(12), [3, 4]), [1, 1], [-1, 2]).numpy()
    array([[ 5,  6],
           [ 9, 10]], dtype=int32)
    """
    x = convert_to_tensor_for("slice", input_, arg="input_")
    begin, size = _ints("slice", begin, "begin"), _ints("slice", size, "size")
    shape = tuple(x.shape)
    if len(begin) != len(shape) or len(size) != len(shape):
        raise ValueError(f"slice: begin and size must have one entry per axis ({len(shape)}); "
                         f"received begin={begin.tolist()}, size={size.tolist()}")
    size = np.where(size == -1, np.array(shape, np.int64) - begin, size)
    if np.any(begin < 0) or np.any(size < 0) or np.any(begin + size > np.array(shape, np.int64)):
        raise ValueError(f"slice: begin and size must select inside the shape {shape}; "
                         f"received begin={begin.tolist()}, size={size.tolist()}")
    return _strided_slice(x, begin.tolist(), size.tolist(), [1] * len(shape))


def reverse(tensor, axis, name=None):
    """Reverse the order of values along each axis in ``axis``.

    >>> import webflow as tf
    >>> tf.reverse([[1, 2, 3]], [-1]).numpy()
    array([[3, 2, 1]], dtype=int32)
    """
    x = convert_to_tensor_for("reverse", tensor, arg="tensor")
    axes = [_axis("reverse", a, x.shape.rank) for a in _ints("reverse", axis, "axis").reshape(-1).tolist()]
    begin, strides = [0] * x.shape.rank, [1] * x.shape.rank
    for a in set(axes):
        begin[a], strides[a] = builtins.max(x.shape[a] - 1, 0), -1
    return _strided_slice(x, begin, x.shape, strides)


def concat(values, axis, name=None):
    """Join tensors along an existing axis; all other dimensions must match.

    Raises:
        ValueError: no values, scalars, or shapes that differ off ``axis``.
        TypeError: values of different dtypes.

    >>> import webflow as tf
    >>> tf.concat([[[1, 2]], [[3, 4], [5, 6]]], axis=0).shape
    TensorShape([3, 2])
    """
    if isinstance(values, (Tensor, np.ndarray)) or not len(values):
        raise ValueError(f"concat: values must be a non-empty list of tensors; received {values!r:.60}")
    tensors = [convert_to_tensor_for("concat", v, arg=f"values[{i}]") for i, v in enumerate(values)]
    first, rank = tensors[0], tensors[0].shape.rank
    if rank == 0:
        raise ValueError("concat: cannot concatenate scalars (rank 0); use tf.stack")
    axis = _axis("concat", axis, rank)
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not first.dtype:
            raise TypeError(f"concat: all values must have the same dtype; "
                            f"received values[0].dtype={first.dtype.name}, values[{i}].dtype={t.dtype.name}")
        if t.shape.rank != rank or any(a != b for d, (a, b) in enumerate(zip(t.shape, first.shape)) if d != axis):
            raise ValueError(f"concat: shapes must match except along axis {axis}; "
                             f"received values[0].shape={tuple(first.shape)}, values[{i}].shape={tuple(t.shape)}")
    if len(tensors) == 1:
        return first
    shape = list(first.shape)
    shape[axis] = builtins.sum(t.shape[axis] for t in tensors)
    return apply("concat", tensors, tuple(shape), first.dtype, axis=axis)


def _concat_grad(g, inputs, out, axis):
    grads, start = [], 0
    for t in inputs:
        grads.append(_slice_axis(g, axis, start, t.shape[axis]))
        start += t.shape[axis]
    return tuple(grads)


def stack(values, axis=0, name=None):
    """Join same-shaped tensors along a new axis.

    >>> import webflow as tf
    >>> tf.stack([[1, 2], [3, 4]], axis=1).numpy()
    array([[1, 3],
           [2, 4]], dtype=int32)
    """
    if isinstance(values, (Tensor, np.ndarray)) or not len(values):
        raise ValueError(f"stack: values must be a non-empty list of tensors; received {values!r:.60}")
    tensors = [convert_to_tensor_for("stack", v, arg=f"values[{i}]") for i, v in enumerate(values)]
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise ValueError(f"stack: all values must have the same shape; "
                             f"received values[0].shape={tuple(tensors[0].shape)}, values[{i}].shape={tuple(t.shape)}")
    axis = _axis("stack", axis, tensors[0].shape.rank + 1)
    return concat([expand_dims(t, axis) for t in tensors], axis)


def unstack(value, num=None, axis=0, name=None):
    """The list of slices along ``axis`` (which is removed).

    >>> import webflow as tf
    >>> [t.numpy().tolist() for t in tf.unstack([[1, 2], [3, 4]], axis=1)]
    [[1, 3], [2, 4]]
    """
    x = convert_to_tensor_for("unstack", value, arg="value")
    if x.shape.rank == 0:
        raise ValueError("unstack: value must have rank >= 1; received a scalar")
    axis = _axis("unstack", axis, x.shape.rank)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack: num must equal the size of axis {axis}; received num={num}, shape {tuple(x.shape)}")
    return [squeeze(_slice_axis(x, axis, i, 1), [axis]) for i in builtins.range(x.shape[axis])]


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """Split along ``axis`` into equal parts (an int) or parts of the given
    sizes (a list, one entry of which may be -1 for the rest).

    Raises:
        ValueError: an int that does not divide the axis, or sizes that do
            not add up to it.

    >>> import webflow as tf
    >>> [t.shape[0] for t in tf.split(tf.zeros([7]), [2, -1, 1])]
    [2, 4, 1]
    """
    x = convert_to_tensor_for("split", value, arg="value")
    if x.shape.rank == 0:
        raise ValueError("split: value must have rank >= 1; received a scalar")
    axis = _axis("split", axis, x.shape.rank)
    dim = x.shape[axis]
    if isinstance(num_or_size_splits, (int, np.integer)):
        k = int(num_or_size_splits)
        if k <= 0 or dim % k:
            raise ValueError(f"split: {k} equal parts do not divide axis {axis} of size {dim}")
        sizes = [dim // k] * k
    else:
        sizes = _ints("split", num_or_size_splits, "num_or_size_splits").reshape(-1).tolist()
        if sizes.count(-1) == 1 and builtins.all(s >= 0 for s in sizes if s != -1):
            sizes[sizes.index(-1)] = dim - builtins.sum(s for s in sizes if s != -1)
        if builtins.any(s < 0 for s in sizes) or builtins.sum(sizes) != dim:
            raise ValueError(f"split: sizes must be non-negative (one may be -1) and add up to axis {axis} "
                             f"of size {dim}; received {list(num_or_size_splits)}")
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return [_slice_axis(x, axis, start, n) for start, n in zip(starts, sizes)]


def expand_dims(input, axis, name=None):
    """Insert a dimension of size 1 at ``axis`` (in [-rank - 1, rank]).

    >>> import webflow as tf
    >>> tf.expand_dims(tf.zeros([2, 3]), -1).shape
    TensorShape([2, 3, 1])
    """
    x = convert_to_tensor_for("expand_dims", input, arg="input")
    axis = _axis("expand_dims", axis, x.shape.rank + 1)
    shape = list(x.shape)
    shape.insert(axis, 1)
    return reshape(x, shape)


def squeeze(input, axis=None, name=None):
    """Remove dimensions of size 1 (all of them, or those in ``axis``).

    Raises:
        ValueError: an axis in ``axis`` whose size is not 1.

    >>> import webflow as tf
    >>> tf.squeeze(tf.zeros([1, 2, 1]), [0]).shape
    TensorShape([2, 1])
    """
    x = convert_to_tensor_for("squeeze", input, arg="input")
    shape = tuple(x.shape)
    if axis is None:
        axes = [d for d, n in enumerate(shape) if n == 1]
    else:
        axes = [_axis("squeeze", a, len(shape)) for a in _ints("squeeze", axis, "axis").reshape(-1).tolist()]
    for a in axes:
        if shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of shape {shape} has size {shape[a]}, not 1")
    return reshape(x, [n for d, n in enumerate(shape) if d not in axes])


def tile(input, multiples, name=None):
    """Repeat the whole tensor ``multiples[d]`` times along each axis d.

    Composed as reshape -> broadcast_to -> reshape: a new axis of size
    multiples[d] in front of each tiled axis is broadcast, then merged.

    >>> import webflow as tf
    >>> tf.tile([[1, 2]], [2, 2]).numpy()
    array([[1, 2, 1, 2],
           [1, 2, 1, 2]], dtype=int32)
    """
    x = convert_to_tensor_for("tile", input, arg="input")
    multiples = _ints("tile", multiples, "multiples").reshape(-1).tolist()
    if len(multiples) != x.shape.rank or builtins.any(m < 0 for m in multiples):
        raise ValueError(f"tile: multiples must hold one non-negative int per axis ({x.shape.rank}); received {multiples}")
    spread, target = [], []
    for d, m in zip(x.shape, multiples):
        if m != 1:
            spread.append(1), target.append(m)
        spread.append(d), target.append(d)
    tiled = broadcast_to(reshape(x, spread), target)
    return reshape(tiled, [d * m for d, m in zip(x.shape, multiples)])


PAD_MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad ``paddings[d] = [before, after]`` values along each axis d.

    CONSTANT fills ``constant_values``; REFLECT mirrors without repeating the
    edge (before, after <= dim - 1); SYMMETRIC mirrors with it (<= dim).
    CONSTANT is the primitive ``pad``; REFLECT and SYMMETRIC are composed per
    padded axis as one concat of reversed slices, so their gradient comes from
    concat's and strided_slice's.

    >>> import webflow as tf
    >>> tf.pad([1, 2, 3], [[2, 1]], "REFLECT").numpy()
    array([3, 2, 1, 2, 3, 2], dtype=int32)
    """
    x = convert_to_tensor_for("pad", tensor, arg="tensor")
    shape = tuple(x.shape)
    widths = _ints("pad", paddings, "paddings")
    if widths.shape != (len(shape), 2) or np.any(widths < 0):
        raise ValueError(f"pad: paddings must be non-negative with shape ({len(shape)}, 2) for a tensor of shape "
                         f"{shape}; received {widths.tolist()}")
    mode = str(mode).upper()
    if mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(PAD_MODES)}; received {mode!r}")
    value = convert_to_tensor_for("pad", constant_values, x.dtype, arg="constant_values")
    if value.shape.rank != 0:
        raise ValueError(f"pad: constant_values must be a scalar; received shape {tuple(value.shape)}")
    edge = 1 if mode == "REFLECT" else 0  # REFLECT skips the edge value itself
    for d, (before, after) in enumerate(widths.tolist()):
        if mode != "CONSTANT" and builtins.max(before, after) > shape[d] - edge:
            raise ValueError(f"pad: {mode} padding of axis {d} must be at most {shape[d] - edge} "
                             f"(the size {shape[d]}{' - 1' if edge else ''}); received {[before, after]}")
    if mode == "CONSTANT":
        return _pad(x, widths.tolist(), value)
    for d, (before, after) in enumerate(widths.tolist()):
        dim = shape[d]
        left = _slice_axis(x, d, before - 1 + edge, before, -1) if before else None
        right = _slice_axis(x, d, dim - 1 - edge, after, -1) if after else None
        parts = [p for p in (left, x, right) if p is not None]
        x = x if len(parts) == 1 else concat(parts, d)
    return x


def _check_indices(op, indices, limit, arg):
    """Every index in [0, limit), or a ValueError. NOTE: on WebGL this reads the
    indices back to Python (one sync readback; small next to an embedding table)."""
    shape = tuple(indices.shape)

    def check(values):
        values = values.reshape(-1)
        bad = np.flatnonzero((values < 0) | (values >= limit))
        if bad.size:
            where = np.unravel_index(bad[0], shape)
            raise ValueError(f"{op}: {arg}{list(map(int, where))} = {values[bad[0]]} is not in [0, {limit})")

    # NOTE: inside tf.function the check runs on every call (on the host array when indices is an argument).
    tracing.host_check(indices, check)


def _gather(params, indices, axis, batch_dims):
    shape = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]
    return apply("gather", [params, indices], tuple(shape), params.dtype, axis=axis, batch_dims=batch_dims)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None, _op="gather"):
    """Values of ``params`` at ``indices`` along ``axis``; the output shape is
    params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:].
    With ``batch_dims`` b, the first b axes of params and indices are matched.

    Raises:
        ValueError: an index outside [0, params.shape[axis]) (checked before
            any kernel runs: on WebGL the indices are read back), an axis out
            of range, or batch dimensions that differ.
        TypeError: indices that are not int32.

    >>> import webflow as tf
    >>> tf.gather([[1, 2], [3, 4], [5, 6]], [2, 0, 2]).numpy().tolist()
    [[5, 6], [1, 2], [5, 6]]
    """
    p = convert_to_tensor_for(_op, params, arg="params")
    ids = convert_to_tensor_for(_op, indices, dtypes.int32, arg="indices")
    if not ids.dtype.is_integer:
        raise TypeError(f"{_op}: indices must be int32; received dtype {ids.dtype.name}")
    if p.shape.rank == 0:
        raise ValueError(f"{_op}: params must have rank >= 1; received a scalar")
    if not -ids.shape.rank <= batch_dims <= ids.shape.rank:
        raise ValueError(f"{_op}: batch_dims {batch_dims} is out of range for indices of rank {ids.shape.rank}")
    batch_dims = batch_dims + ids.shape.rank if batch_dims < 0 else batch_dims
    axis = _axis(_op, batch_dims if axis is None else axis, p.shape.rank)
    if axis < batch_dims or p.shape[:batch_dims] != ids.shape[:batch_dims]:
        raise ValueError(f"{_op}: with batch_dims={batch_dims}, axis must be >= batch_dims and the first batch_dims "
                         f"dimensions must match; received axis={axis}, params.shape={tuple(p.shape)}, "
                         f"indices.shape={tuple(ids.shape)}")
    _check_indices(_op, ids, p.shape[axis], "indices")
    return _gather(p, ids, axis, batch_dims)


def _gather_grad(g, inputs, out, axis, batch_dims):
    # NOTE: duplicate indices must add up, so the gradient is a segment sum:
    # g as rows [batch * index, outer * inner] summed into rows [batch * axis_size, ...].
    params, indices = inputs
    shape = tuple(params.shape)
    b, o, a = math.prod(shape[:batch_dims]), math.prod(shape[batch_dims:axis]), shape[axis]
    i, n = math.prod(shape[axis + 1:]), math.prod(indices.shape[batch_dims:])
    rows = reshape(g, [b, o, n, i])
    if o > 1:
        rows = transpose(rows, [0, 2, 1, 3])
    ids = reshape(indices, [b, n])
    if b > 1:
        ids = ids + convert_to_tensor(np.arange(b, dtype=np.int32)[:, None] * a)
    summed = reshape(_segment_sum(reshape(rows, [b * n, o * i]), reshape(ids, [b * n]), b * a), [b, a, o, i])
    if o > 1:
        summed = transpose(summed, [0, 2, 1, 3])
    return reshape(summed, shape), None


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of the table ``params`` for each id: ``gather(params, ids)``.

    >>> import webflow as tf
    >>> tf.nn.embedding_lookup([[0.0, 1.0], [2.0, 3.0]], [[1], [0]]).shape
    TensorShape([2, 1, 2])
    """
    if isinstance(params, (list, tuple)) and len(params) == 1 and isinstance(params[0], Tensor):
        params = params[0]
    if max_norm is not None:
        raise ValueError(f"embedding_lookup: max_norm is not supported; received {max_norm!r}")
    return gather(params, ids, _op="embedding_lookup")


def _segment_sum(data, ids, num_segments):
    shape = (num_segments,) + tuple(data.shape[ids.shape.rank:])
    return apply("unsorted_segment_sum", [data, ids], shape, data.dtype, num_segments=num_segments)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sum the slices ``data[j]`` into output row ``segment_ids[j]``; rows no id
    names are 0. segment_ids.shape must be a prefix of data.shape.

    NOTE: TF drops negative ids; here every id must be in [0, num_segments)
    (checked before dispatch, a readback on WebGL).

    >>> import webflow as tf
    >>> tf.math.unsorted_segment_sum([1.0, 2.0, 4.0], [1, 1, 0], 3).numpy()
    array([4., 3., 0.], dtype=float32)
    """
    op = "unsorted_segment_sum"
    x = convert_to_tensor_for(op, data, arg="data")
    ids = convert_to_tensor_for(op, segment_ids, dtypes.int32, arg="segment_ids")
    if x.dtype.is_bool or not ids.dtype.is_integer:
        raise TypeError(f"{op}: data must be float32 or int32 and segment_ids int32; "
                        f"received {x.dtype.name} and {ids.dtype.name}")
    if tuple(x.shape[:ids.shape.rank]) != tuple(ids.shape):
        raise ValueError(f"{op}: segment_ids.shape must be a prefix of data.shape; "
                         f"received data.shape={tuple(x.shape)}, segment_ids.shape={tuple(ids.shape)}")
    num = _ints(op, num_segments, "num_segments").reshape(-1)
    if num.size != 1 or num[0] < 0:
        raise ValueError(f"{op}: num_segments must be a non-negative int; received {num_segments!r}")
    _check_indices(op, ids, int(num[0]), "segment_ids")
    return _segment_sum(x, ids, int(num[0]))


def _unsorted_segment_sum_grad(g, inputs, out, num_segments):
    return _gather(g, inputs[1], 0, 0), None


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``on_value`` where the new axis' position equals the index, else ``off_value``;
    indices outside [0, depth) give a row of ``off_value``.

    >>> import webflow as tf
    >>> tf.one_hot([2, 0], 3).numpy()
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    ids = convert_to_tensor_for("one_hot", indices, dtypes.int32, arg="indices")
    if not ids.dtype.is_integer:
        raise TypeError(f"one_hot: indices must be int32; received dtype {ids.dtype.name}")
    depth = int(depth)
    if depth < 0:
        raise ValueError(f"one_hot: depth must be non-negative; received {depth}")
    axis = ids.shape.rank if axis is None or axis == -1 else _axis("one_hot", axis, ids.shape.rank + 1)
    dtype = dtypes.as_dtype(dtype) if dtype else on_value.dtype if isinstance(on_value, Tensor) else dtypes.float32
    on = convert_to_tensor_for("one_hot", 1 if on_value is None else on_value, dtype, arg="on_value")
    off = convert_to_tensor_for("one_hot", 0 if off_value is None else off_value, dtype, arg="off_value")
    positions = [1] * (ids.shape.rank + 1)
    positions[axis] = depth
    from webflow.ops.math_ops import equal, where

    hit = equal(expand_dims(ids, axis), reshape(np.arange(depth, dtype=np.int32), positions))
    return where(hit, on, off)


def range(start, limit=None, delta=1, dtype=None, name=None):
    """``start, start + delta, ...`` up to (not including) ``limit``; with one
    argument, 0 .. start. int32 unless an argument is a float or ``dtype`` says.

    >>> import webflow as tf
    >>> tf.range(1, 2, 0.25).numpy()
    array([1.  , 1.25, 1.5 , 1.75], dtype=float32)
    """
    if limit is None:
        start, limit = 0, start
    values = [v.numpy().item() if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    if delta == 0 or not builtins.all(isinstance(v, (int, float, np.number)) for v in values):
        raise ValueError(f"range: start, limit and delta must be numbers, delta nonzero; received {values}")
    floating = builtins.any(isinstance(v, (float, np.floating)) for v in values)
    dtype = dtypes.as_dtype(dtype) if dtype else dtypes.float32 if floating else dtypes.int32
    start, limit, delta = values
    n = builtins.max(0, math.ceil((limit - start) / delta))
    return convert_to_tensor(np.asarray(start + np.arange(n) * delta, dtype=dtype.as_numpy_dtype))


def linspace(start, stop, num, name=None):
    """``num`` evenly spaced float32 values from ``start`` to ``stop`` inclusive.

    >>> import webflow as tf
    >>> tf.linspace(0.0, 1.0, 5).numpy()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    num = int(num)
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative; received {num}")
    start, stop = (float(v) for v in (start, stop))
    return convert_to_tensor(np.linspace(start, stop, num, dtype=np.float64).astype(np.float32))


GRADIENTS = {
    "identity": _identity_grad,
    "reshape": _reshape_grad,
    "transpose": _transpose_grad,
    "broadcast_to": _broadcast_to_grad,
    "strided_slice": _strided_slice_grad,
    "concat": _concat_grad,
    "pad": _pad_grad,
    "gather": _gather_grad,
    "unsorted_segment_sum": _unsorted_segment_sum_grad,
}
