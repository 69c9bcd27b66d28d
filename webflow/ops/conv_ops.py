"""Convolution and pooling over NHWC images (filters HWIO, as in TF).

Three convolution primitives share one set of attributes (strides, dilations,
explicit pads (top, bottom, left, right) and ``groups``, the number of channel
groups): ``conv2d``, ``conv2d_transpose`` (the gradient of conv2d with respect
to its input) and ``conv2d_backprop_filter`` (with respect to its filter). Each
is the gradient of the other two, so three rules close the family under
differentiation. Depthwise convolution is conv2d with one group per input
channel; average pooling is a depthwise convolution with a filter of ones
divided by the number of valid cells; conv1d is conv2d on a height-1 image.
Max pooling is its own primitive, with ``max_pool2d_grad`` as its gradient.

Padding "SAME" pads so that the output has ceil(size / stride) cells, with the
odd cell of padding at the bottom/right, as in TF.
"""

import numpy as np

from webflow import autodiff
from webflow.ops import array_ops, math_ops
from webflow.ops.dispatch import apply, convert_to_tensor_for, require_float
from webflow.tensor import constant


def _pair(op, arg, value):
    """An int, or a list of 1, 2 or 4 ints (NHWC: the N and C entries must be 1) -> (h, w)."""
    try:
        values = [int(value)] if isinstance(value, (int, np.integer)) else [int(v) for v in value]
    except (TypeError, ValueError):
        raise TypeError(f"{op}: {arg} must be an int or a list of 1, 2 or 4 ints; received {value!r}") from None
    if len(values) == 4 and values[0] == values[3] == 1:
        values = values[1:3]
    if len(values) not in (1, 2) or any(v < 1 for v in values):
        raise ValueError(f"{op}: {arg} must be a positive int or a list of 1, 2 or 4 positive ints "
                         f"(with 1 for N and C); received {value!r}")
    return (values[0], values[-1])


def _pads(op, padding, size, kernel, strides, dilations, explicit=True):
    """Padding "SAME", "VALID" or explicit pairs -> (top, bottom, left, right)."""
    if isinstance(padding, str) and padding.upper() in ("SAME", "VALID"):
        if padding.upper() == "VALID":
            return (0, 0, 0, 0)
        pads = []
        for n, k, s, d in zip(size, kernel, strides, dilations):
            total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
            pads += [total // 2, total - total // 2]  # NOTE: the odd cell goes after, as in TF
        return tuple(pads)
    pairs = None
    if explicit and not isinstance(padding, str):
        try:
            pairs = [tuple(int(p) for p in pair) for pair in padding]
        except (TypeError, ValueError):
            pairs = None
    if pairs is not None and len(pairs) == 4 and pairs[0] == pairs[3] == (0, 0):
        pairs = pairs[1:3]
    if pairs is None or len(pairs) != 2 or any(len(p) != 2 or min(p) < 0 for p in pairs):
        expected = '"SAME", "VALID" or explicit [[top, bottom], [left, right]]' if explicit else '"SAME" or "VALID"'
        raise ValueError(f"{op}: padding must be {expected}; received {padding!r}")
    return pairs[0] + pairs[1]


def _out_size(size, kernel, stride, dilation, lo, hi):
    return (size + lo + hi - (kernel - 1) * dilation - 1) // stride + 1


def _out_shape(op, x_shape, kernel, channels, strides, dilations, pads):
    n, h, w, _ = x_shape
    oh = _out_size(h, kernel[0], strides[0], dilations[0], *pads[:2])
    ow = _out_size(w, kernel[1], strides[1], dilations[1], *pads[2:])
    if oh < 1 or ow < 1:
        raise ValueError(f"{op}: the window (kernel {tuple(kernel)}, dilations {dilations}) is larger than the "
                         f"padded input; received input shape {tuple(x_shape)}, pads {pads}")
    return (n, oh, ow, channels)


def _image(op, value, arg="input"):
    x = convert_to_tensor_for(op, value, arg=arg)
    require_float(op, x, arg)
    if x.shape.rank != 4:
        raise ValueError(f"{op}: {arg} must be rank 4 (NHWC); received shape {tuple(x.shape)}")
    return x


def _filter(op, value, arg, channels, axis):
    w = convert_to_tensor_for(op, value, arg=arg)
    require_float(op, w, arg)
    if w.shape.rank != 4:
        raise ValueError(f"{op}: {arg} must be rank 4 (HWIO); received shape {tuple(w.shape)}")
    if w.shape[axis] != channels:
        raise ValueError(f"{op}: {arg}.shape[{axis}] must equal the input's channels ({channels}); "
                         f"received {arg}.shape={tuple(w.shape)}")
    return w


def _conv(x, w, strides, dilations, pads, groups, op="conv2d"):
    shape = _out_shape(op, tuple(x.shape), tuple(w.shape[:2]), w.shape[3], strides, dilations, pads)
    return apply("conv2d", [x, w], shape, x.dtype, strides=strides, dilations=dilations, pads=pads, groups=groups)


def _conv_transpose(dy, w, input_shape, strides, dilations, pads, groups):
    return apply("conv2d_transpose", [dy, w], input_shape, dy.dtype, input_shape=input_shape,
                 strides=strides, dilations=dilations, pads=pads, groups=groups)


def _backprop_filter(x, dy, filter_shape, strides, dilations, pads, groups):
    return apply("conv2d_backprop_filter", [x, dy], filter_shape, x.dtype, filter_shape=filter_shape,
                 strides=strides, dilations=dilations, pads=pads, groups=groups)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution (cross-correlation, as in TF) of NHWC images with HWIO filters.

    Args:
        input: [batch, height, width, in_channels], float32.
        filters: [filter_height, filter_width, in_channels, out_channels].
        strides, dilations: an int or a list of 1, 2 or 4 ints.
        padding: "SAME", "VALID", or explicit [[top, bottom], [left, right]]
            (or four pairs, NHWC, with [0, 0] for N and C).

    Returns:
        [batch, out_height, out_width, out_channels].

    Raises:
        ValueError: wrong ranks, channels that differ, bad strides or padding.

    >>> import webflow as tf
    >>> tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), 1, "VALID").numpy()[0, :, :, 0]
    array([[4., 4.],
           [4., 4.]], dtype=float32)
    """
    op = "conv2d"
    if data_format != "NHWC":
        raise ValueError(f"{op}: data_format must be 'NHWC'; received {data_format!r}")
    x = _image(op, input)
    w = _filter(op, filters, "filters", x.shape[3], 2)
    strides, dilations = _pair(op, "strides", strides), _pair(op, "dilations", 1 if dilations is None else dilations)
    pads = _pads(op, padding, tuple(x.shape[1:3]), tuple(w.shape[:2]), strides, dilations)
    return _conv(x, w, strides, dilations, pads, 1)


def _conv2d_grad(g, inputs, out, strides, dilations, pads, groups, needed=(True, True)):
    x, w = inputs
    return (_conv_transpose(g, w, tuple(x.shape), strides, dilations, pads, groups) if needed[0] else None,
            _backprop_filter(x, g, tuple(w.shape), strides, dilations, pads, groups) if needed[1] else None)


_conv2d_grad.skips_unneeded = True  # autodiff passes `needed` (see GradientTape._backward)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",
                     dilations=None, name=None):
    """The transpose (gradient) of conv2d: maps conv2d's output shape back to ``output_shape``.

    Args:
        input: [batch, height, width, in_channels].
        filters: [filter_height, filter_width, out_channels, in_channels].
        output_shape: [batch, out_height, out_width, out_channels]; conv2d of this
            shape with the same strides and padding must give input's shape.

    >>> import webflow as tf
    >>> tf.nn.conv2d_transpose(tf.ones([1, 2, 2, 1]), tf.ones([2, 2, 1, 1]), [1, 4, 4, 1], 2).shape
    TensorShape([1, 4, 4, 1])
    """
    op = "conv2d_transpose"
    if data_format != "NHWC":
        raise ValueError(f"{op}: data_format must be 'NHWC'; received {data_format!r}")
    dy = _image(op, input)
    w = _filter(op, filters, "filters", dy.shape[3], 3)
    shape = tuple(int(d) for d in (output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape))
    if len(shape) != 4 or shape[0] != dy.shape[0] or shape[3] != w.shape[2] or min(shape) < 1:
        raise ValueError(f"{op}: output_shape must be [batch, height, width, filters.shape[2]] = "
                         f"[{dy.shape[0]}, h, w, {w.shape[2]}]; received {shape}")
    strides, dilations = _pair(op, "strides", strides), _pair(op, "dilations", 1 if dilations is None else dilations)
    pads = _pads(op, padding, shape[1:3], tuple(w.shape[:2]), strides, dilations)
    expected = _out_shape(op, shape, tuple(w.shape[:2]), w.shape[3], strides, dilations, pads)
    if expected != tuple(dy.shape):
        raise ValueError(f"{op}: conv2d of output_shape {shape} gives shape {expected}, "
                         f"not the input's; received input.shape={tuple(dy.shape)}")
    return _conv_transpose(dy, w, shape, strides, dilations, pads, 1)


def _conv2d_transpose_grad(g, inputs, out, input_shape, strides, dilations, pads, groups):
    dy, w = inputs
    return (_conv(g, w, strides, dilations, pads, groups),
            _backprop_filter(g, dy, tuple(w.shape), strides, dilations, pads, groups))


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, dilations=None, name=None):
    """The gradient of conv2d with respect to its filter (TF's tf.compat.v1.nn.conv2d_backprop_filter).

    >>> import webflow as tf
    >>> tf.nn.conv2d_backprop_filter(tf.ones([1, 3, 3, 1]), [2, 2, 1, 1], tf.ones([1, 2, 2, 1]), 1, "VALID").shape
    TensorShape([2, 2, 1, 1])
    """
    op = "conv2d_backprop_filter"
    x = _image(op, input)
    dy = _image(op, out_backprop, "out_backprop")
    shape = tuple(int(d) for d in filter_sizes)
    if len(shape) != 4 or shape[2] != x.shape[3] or shape[3] != dy.shape[3] or min(shape) < 1:
        raise ValueError(f"{op}: filter_sizes must be [h, w, {x.shape[3]}, {dy.shape[3]}]; received {shape}")
    strides, dilations = _pair(op, "strides", strides), _pair(op, "dilations", 1 if dilations is None else dilations)
    pads = _pads(op, padding, tuple(x.shape[1:3]), shape[:2], strides, dilations)
    expected = _out_shape(op, tuple(x.shape), shape[:2], shape[3], strides, dilations, pads)
    if expected != tuple(dy.shape):
        raise ValueError(f"{op}: out_backprop must have shape {expected}; received {tuple(dy.shape)}")
    return _backprop_filter(x, dy, shape, strides, dilations, pads, 1)


def _conv2d_backprop_filter_grad(g, inputs, out, filter_shape, strides, dilations, pads, groups):
    x, dy = inputs
    return (_conv_transpose(dy, g, tuple(x.shape), strides, dilations, pads, groups),
            _conv(x, g, strides, dilations, pads, groups))


def depthwise_conv2d(input, filter, strides, padding, data_format="NHWC", dilations=None, name=None):
    """Each input channel convolved with its own ``multiplier`` filters.

    Args:
        input: [batch, height, width, channels].
        filter: [filter_height, filter_width, channels, multiplier].

    Returns:
        [batch, out_height, out_width, channels * multiplier]; output channel
        c * multiplier + m comes from input channel c.

    >>> import webflow as tf
    >>> tf.nn.depthwise_conv2d(tf.ones([1, 3, 3, 2]), tf.ones([3, 3, 2, 1]), 1, "SAME").numpy()[0, 0, 0]
    array([4., 4.], dtype=float32)
    """
    op = "depthwise_conv2d"
    if data_format != "NHWC":
        raise ValueError(f"{op}: data_format must be 'NHWC'; received {data_format!r}")
    x = _image(op, input)
    w = _filter(op, filter, "filter", x.shape[3], 2)
    strides, dilations = _pair(op, "strides", strides), _pair(op, "dilations", 1 if dilations is None else dilations)
    pads = _pads(op, padding, tuple(x.shape[1:3]), tuple(w.shape[:2]), strides, dilations)
    kh, kw, c, m = w.shape
    # NOTE: HW(C)(M) in flat order is HW 1 (C*M): one group per input channel.
    return _conv(x, array_ops.reshape(w, [kh, kw, 1, c * m]), strides, dilations, pads, c, op)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of [batch, width, in_channels] with [width, in_channels, out_channels] filters.

    >>> import webflow as tf
    >>> tf.nn.conv1d(tf.ones([1, 5, 1]), tf.ones([3, 1, 2]), 1, "VALID").shape
    TensorShape([1, 3, 2])
    """
    op = "conv1d"
    if data_format != "NWC":
        raise ValueError(f"{op}: data_format must be 'NWC'; received {data_format!r}")
    x = convert_to_tensor_for(op, input, arg="input")
    w = convert_to_tensor_for(op, filters, arg="filters")
    if x.shape.rank != 3 or w.shape.rank != 3:
        raise ValueError(f"{op}: input must be rank 3 (NWC) and filters rank 3 (WIO); "
                         f"received input.shape={tuple(x.shape)}, filters.shape={tuple(w.shape)}")
    n, width, c = x.shape
    pads = padding if isinstance(padding, str) else [[0, 0], padding]
    y = conv2d(array_ops.reshape(x, [n, 1, width, c]), array_ops.reshape(w, [1, *w.shape]),
               _pair(op, "stride", stride)[1], pads, dilations=1 if dilations is None else _pair(op, "dilations", dilations)[1])
    return array_ops.reshape(y, [n, y.shape[2], y.shape[3]])


def _pool_args(op, input, ksize, strides, padding):
    x = _image(op, input)
    ksize, strides = _pair(op, "ksize", ksize), _pair(op, "strides", strides)
    pads = _pads(op, padding, tuple(x.shape[1:3]), ksize, strides, (1, 1), explicit=False)
    return x, ksize, strides, pads


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The maximum of each ``ksize`` window; padding cells never win.

    >>> import webflow as tf
    >>> tf.nn.max_pool2d(tf.reshape([float(i) for i in range(16)], [1, 4, 4, 1]), 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    x, ksize, strides, pads = _pool_args("max_pool2d", input, ksize, strides, padding)
    shape = _out_shape("max_pool2d", tuple(x.shape), ksize, x.shape[3], strides, (1, 1), pads)
    return apply("max_pool2d", [x], shape, x.dtype, ksize=ksize, strides=strides, pads=pads)


def _max_pool_backprop(x, g, ksize, strides, pads):
    return apply("max_pool2d_grad", [x, g], tuple(x.shape), x.dtype, ksize=ksize, strides=strides, pads=pads)


def _max_pool2d_grad(g, inputs, out, ksize, strides, pads):
    return (_max_pool_backprop(inputs[0], g, ksize, strides, pads),)


def max_pool2d_grad(input, grad, ksize, strides, padding, name=None):
    """The gradient of max_pool2d: each window's ``grad`` goes to the first
    (row-major) position of its maximum, as in TF; ties do not share it."""
    x, ksize, strides, pads = _pool_args("max_pool2d_grad", input, ksize, strides, padding)
    g = _image("max_pool2d_grad", grad, "grad")
    expected = _out_shape("max_pool2d_grad", tuple(x.shape), ksize, x.shape[3], strides, (1, 1), pads)
    if tuple(g.shape) != expected:
        raise ValueError(f"max_pool2d_grad: grad must have max_pool2d's output shape {expected}; received {tuple(g.shape)}")
    return _max_pool_backprop(x, g, ksize, strides, pads)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """The mean of each ``ksize`` window over its valid (unpadded) cells, as in TF.

    >>> import webflow as tf
    >>> tf.nn.avg_pool2d(tf.ones([1, 3, 3, 1]), 2, 2, "SAME").numpy()[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """
    x, ksize, strides, pads = _pool_args("avg_pool2d", input, ksize, strides, padding)
    channels = x.shape[3]
    ones = constant(np.ones((*ksize, 1, channels), np.float32))
    counts = [_valid_counts(n, k, s, *p) for n, k, s, p in zip(x.shape[1:3], ksize, strides, (pads[:2], pads[2:]))]
    scale = constant((1.0 / np.multiply.outer(*counts))[:, :, None].astype(np.float32))

    # NOTE: its own gradient, the transposed convolution of dy / counts with the constant
    # filter of ones. Through the forward ops, the tape would also compute the gradient
    # with respect to that filter (a grouped filter gradient, the costliest convolution
    # kernel) only to drop it.
    @autodiff.custom_gradient
    def pool(x):
        def grad(dy):
            return _conv_transpose(math_ops.multiply(dy, scale), ones, tuple(x.shape), strides, (1, 1), pads, channels)
        return math_ops.multiply(_conv(x, ones, strides, (1, 1), pads, channels, "avg_pool2d"), scale), grad

    return pool(x)


def _valid_counts(size, kernel, stride, lo, hi):
    """How many of each window's cells along one axis lie inside the image."""
    starts = np.arange(_out_size(size, kernel, stride, 1, lo, hi)) * stride - lo
    return np.minimum(starts + kernel, size) - np.maximum(starts, 0)


GRADIENTS = {
    "conv2d": _conv2d_grad,
    "conv2d_transpose": _conv2d_transpose_grad,
    "conv2d_backprop_filter": _conv2d_backprop_filter_grad,
    "max_pool2d": _max_pool2d_grad,
    "max_pool2d_grad": None,
}
