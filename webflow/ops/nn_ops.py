"""Activations and softmax, composed from primitives (no kernels of their own)."""

from webflow.ops import math_ops
from webflow.ops.dispatch import convert_to_tensor_for, normalize_axes, require_float
from webflow.ops.array_ops import stop_gradient


def relu(features, name=None):
    """max(features, 0); the gradient at 0 is 0, as in TF.

    >>> import webflow as tf
    >>> tf.nn.relu([-1.0, 0.0, 2.0]).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    x = convert_to_tensor_for("relu", features, arg="features")
    return math_ops.maximum(x, 0)


def _shifted_logits(op, logits, axis):
    x = convert_to_tensor_for(op, logits, arg="logits")
    require_float(op, x, "logits")
    (axis,) = normalize_axes(op, axis, x.shape.rank) if x.shape.rank else (None,)
    if axis is None:
        raise ValueError(f"{op}: logits must have rank >= 1; received a scalar")
    # NOTE: subtracting the max keeps exp() from overflowing; the max is a
    # constant shift, so no gradient needs to flow through it.
    shift = stop_gradient(math_ops.reduce_max(x, axis, keepdims=True))
    return math_ops.subtract(x, shift), axis


def softmax(logits, axis=-1, name=None):
    """exp(logits) normalized to sum to 1 along ``axis``; stable for large logits.

    >>> import webflow as tf
    >>> tf.nn.softmax([0.0, 0.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    z, axis = _shifted_logits("softmax", logits, axis)
    e = math_ops.exp(z)
    return math_ops.divide(e, math_ops.reduce_sum(e, axis, keepdims=True))


def log_softmax(logits, axis=-1, name=None):
    """logits - log(sum(exp(logits))) along ``axis``; stable for large logits."""
    z, axis = _shifted_logits("log_softmax", logits, axis)
    return math_ops.subtract(z, math_ops.log(math_ops.reduce_sum(math_ops.exp(z), axis, keepdims=True)))


sigmoid = math_ops.sigmoid
tanh = math_ops.tanh
