"""Activations and softmax.

relu, softmax and log_softmax are primitives (their gradient rules sit below
them and are listed in GRADIENTS); sigmoid and tanh come from math_ops.
"""

from webflow.ops import array_ops, math_ops
from webflow.ops.dispatch import apply, convert_to_tensor_for, normalize_axes, require_float


def relu(features, name=None):
    """max(features, 0); NaN stays NaN, and the gradient at 0 is 0, as in TF.

    NOTE: a primitive rather than maximum(features, 0): one input read per
    value instead of two (the scalar 0 is a second texture on WebGL).

    >>> import webflow as tf
    >>> tf.nn.relu([-1.0, 0.0, 2.0]).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    x = convert_to_tensor_for("relu", features, arg="features")
    if x.dtype.is_bool:
        raise TypeError("relu: features must be float32 or int32; received dtype bool")
    return apply("relu", [x], x.shape, x.dtype)


def _relu_grad(g, inputs, out):
    # NOTE: relu'(0) = 0, as in TF.
    return (math_ops.where(math_ops.greater(inputs[0], 0), g, array_ops.zeros_like(g)),)


def _softmax_family(op, logits, axis):
    x = convert_to_tensor_for(op, logits, arg="logits")
    require_float(op, x, "logits")
    if x.shape.rank == 0:
        raise ValueError(f"{op}: logits must have rank >= 1; received a scalar")
    if not isinstance(axis, int):
        raise TypeError(f"{op}: axis must be an int; received {axis!r}")
    (axis,) = normalize_axes(op, axis, x.shape.rank)
    return apply(op, [x], x.shape, x.dtype, axis=axis)


def softmax(logits, axis=-1, name=None):
    """exp(logits) normalized to sum to 1 along ``axis``; stable for large logits.

    A row holding NaN or +inf, or only -inf, comes out all NaN, as in TF.

    Args:
      logits: a float32 tensor of rank >= 1.
      axis: the axis to normalize along (negative counts from the end).

    Returns:
      A tensor of the shape of ``logits``.

    Raises:
      TypeError: logits not float32, or axis not an int. ValueError: a scalar, or axis out of range.

    >>> import webflow as tf
    >>> tf.nn.softmax([0.0, 0.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    return _softmax_family("softmax", logits, axis)


def log_softmax(logits, axis=-1, name=None):
    """logits - log(sum(exp(logits))) along ``axis``; stable for large logits.

    Arguments, result and errors as for softmax.

    >>> import webflow as tf
    >>> tf.nn.log_softmax([0.0, 0.0]).numpy()
    array([-0.6931472, -0.6931472], dtype=float32)
    """
    return _softmax_family("log_softmax", logits, axis)


def _softmax_grad(g, inputs, out, axis):
    return (math_ops.multiply(out, math_ops.subtract(g, math_ops.reduce_sum(math_ops.multiply(g, out), axis, keepdims=True))),)


def _log_softmax_grad(g, inputs, out, axis):
    return (math_ops.subtract(g, math_ops.multiply(math_ops.exp(out), math_ops.reduce_sum(g, axis, keepdims=True))),)


sigmoid = math_ops.sigmoid
tanh = math_ops.tanh

GRADIENTS = {
    "relu": _relu_grad,
    "softmax": _softmax_grad,
    "log_softmax": _log_softmax_grad,
}
