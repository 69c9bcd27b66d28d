"""Activations, softmax, moments, batch normalization and cross-entropy losses.

relu, softmax and log_softmax are primitives (their gradient rules sit below
them and are listed in GRADIENTS); sigmoid and tanh come from math_ops; the
rest is composed from primitives (no kernels of their own).
"""

import math

import numpy as np

from webflow import autodiff, dtypes
from webflow.graph import tracing
from webflow.ops import array_ops, math_ops
from webflow.ops.dispatch import apply, broadcast_shape, convert_to_tensor_for, normalize_axes, operands, require_float
from webflow.tensor import Tensor


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
    # NOTE: relu'(0) = 0, as in TF. Read from the output (relu(x) > 0 exactly where x > 0), as TF's
    # ReluGrad does: the input need not be kept, and in a graph the input's producer (a layer's
    # product) keeps a single reader, so fusion can take it into the activation's kernel.
    return (math_ops.where(math_ops.greater(out, 0), g, array_ops.zeros_like(g)),)


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
    out = _softmax_family("softmax", logits, axis)
    if getattr(out._backend, "symbolic", False) and out._handle.attrs["axis"] == out.shape.rank - 1:
        # NOTE: as TF's Keras does in a graph (the output's op is Softmax), its cross-entropies
        # read the logits instead: log_softmax is stable, and the step has fewer kernels.
        out._logits = logits if isinstance(logits, Tensor) else None
    return out


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


# --- more activations ------------------------------------------------------------------


def _features(op, features):
    x = convert_to_tensor_for(op, features, arg="features")
    require_float(op, x, "features")
    return x


def relu6(features, name=None):
    """min(max(features, 0), 6).

    >>> import webflow as tf
    >>> tf.nn.relu6([-1.0, 3.0, 8.0]).numpy()
    array([0., 3., 6.], dtype=float32)
    """
    x = _features("relu6", features)
    return math_ops.minimum(math_ops.maximum(x, 0.0), 6.0)


def leaky_relu(features, alpha=0.2, name=None):
    """features where positive, alpha * features elsewhere."""
    x = _features("leaky_relu", features)
    return math_ops.where(math_ops.greater(x, 0.0), x, math_ops.multiply(x, float(alpha)))


def _elu(x, alpha):
    # NOTE: expm1 of min(x, 0): the unused branch must stay finite, or its
    # inf * 0 gradient for large x would turn into NaN through where().
    negative_part = math_ops.multiply(math_ops.expm1(math_ops.minimum(x, 0.0)), alpha)
    return math_ops.where(math_ops.greater(x, 0.0), x, negative_part)


def elu(features, name=None):
    """features where positive, exp(features) - 1 elsewhere.

    >>> import webflow as tf
    >>> tf.nn.elu([1.0, 0.0]).numpy()
    array([1., 0.], dtype=float32)
    """
    return _elu(_features("elu", features), 1.0)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(features, name=None):
    """Scaled ELU with the self-normalizing constants (scale 1.0507, alpha 1.6733)."""
    return math_ops.multiply(_elu(_features("selu", features), SELU_ALPHA), SELU_SCALE)


def gelu(features, approximate=False, name=None):
    """x * P(X <= x) for a standard normal X: exact with erf, or the tanh approximation.

    >>> import webflow as tf
    >>> round(float(tf.nn.gelu(1.0)), 5)
    0.84134
    """
    x = _features("gelu", features)
    if approximate:
        cube = math_ops.multiply(math_ops.multiply(x, x), x)
        inner = math_ops.multiply(math_ops.add(x, math_ops.multiply(cube, 0.044715)), math.sqrt(2 / math.pi))
        return math_ops.multiply(math_ops.multiply(x, 0.5), math_ops.add(math_ops.tanh(inner), 1.0))
    cdf = math_ops.add(math_ops.erf(math_ops.multiply(x, 1 / math.sqrt(2))), 1.0)
    return math_ops.multiply(math_ops.multiply(x, 0.5), cdf)


def silu(features, beta=1.0, name=None):
    """features * sigmoid(beta * features) (also called swish)."""
    x = _features("silu", features)
    return math_ops.multiply(x, math_ops.sigmoid(math_ops.multiply(x, float(beta))))


swish = silu


def softplus(features, name=None):
    """log(1 + exp(features)), finite for large |features|.

    >>> import webflow as tf
    >>> tf.nn.softplus([-1000.0, 0.0, 1000.0]).numpy()
    array([0.000000e+00, 6.931472e-01, 1.000000e+03], dtype=float32)
    """
    x = _features("softplus", features)
    # NOTE: max(x, 0) + log1p(exp(-|x|)) never overflows. Both parts are written
    # with where(x >= 0) so that at x = 0 the gradient is sigmoid(0) = 0.5, as in
    # TF (maximum and abs would each give 0 there).
    zeros = array_ops.zeros_like(x)
    nonnegative = math_ops.greater_equal(x, 0.0)
    positive_part = math_ops.where(nonnegative, x, zeros)
    minus_abs = math_ops.where(nonnegative, math_ops.negative(x), x)
    return math_ops.add(positive_part, math_ops.log1p(math_ops.exp(minus_abs)))


def softsign(features, name=None):
    """features / (1 + |features|)."""
    x = _features("softsign", features)
    return math_ops.divide(x, math_ops.add(math_ops.abs(x), 1.0))


# --- normalization ------------------------------------------------------------------------


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and (population) variance of ``x`` over ``axes``.

    Returns:
        (mean, variance), with the axes removed unless ``keepdims``.

    >>> import webflow as tf
    >>> mean, variance = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> float(mean), float(variance)
    (2.5, 1.25)
    """
    x = convert_to_tensor_for("moments", x)
    require_float("moments", x)
    axes = normalize_axes("moments", axes, x.shape.rank)
    mean = math_ops.reduce_mean(x, axes, keepdims=True)
    # NOTE: as in TF the mean is a constant inside the variance; the variance's
    # gradient through the mean is zero anyway (sum of deviations is 0).
    deviation = math_ops.subtract(x, array_ops.stop_gradient(mean))
    variance = math_ops.reduce_mean(math_ops.multiply(deviation, deviation), axes, keepdims=True)
    if keepdims:
        return mean, variance
    kept = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    return array_ops.reshape(mean, kept), array_ops.reshape(variance, kept)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + variance_epsilon) + offset, all broadcast.

    ``offset`` and ``scale`` may be None (0 and 1).

    >>> import webflow as tf
    >>> tf.nn.batch_normalization(tf.constant([1.0, 3.0]), 2.0, 1.0, None, None, 0.0).numpy()
    array([-1.,  1.], dtype=float32)
    """
    names = ("x", "mean", "variance", "offset", "scale")
    given = [(v, n) for v, n in zip((x, mean, variance, offset, scale), names) if v is not None]
    tensors = dict(zip([n for _, n in given], operands("batch_normalization", *[v for v, _ in given],
                                                       names=[n for _, n in given])))
    require_float("batch_normalization", tensors["x"])
    broadcast_shape("batch_normalization", *[t.shape for t in tensors.values()])
    inv = math_ops.rsqrt(math_ops.add(tensors["variance"], float(variance_epsilon)))
    if scale is not None:
        inv = math_ops.multiply(inv, tensors["scale"])
    out = math_ops.multiply(math_ops.subtract(tensors["x"], tensors["mean"]), inv)
    return math_ops.add(out, tensors["offset"]) if offset is not None else out


# --- losses ----------------------------------------------------------------------------------


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits)) along ``axis``, per example.

    Raises:
        ValueError: when labels and logits have different shapes.

    >>> import webflow as tf
    >>> tf.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]], [[0.0, 0.0]]).numpy()
    array([0.6931472], dtype=float32)
    """
    labels, logits = operands("softmax_cross_entropy_with_logits", labels, logits, names=("labels", "logits"))
    require_float("softmax_cross_entropy_with_logits", logits, "logits")
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(
            "softmax_cross_entropy_with_logits: labels and logits must have the same shape; "
            f"received labels.shape={tuple(labels.shape)}, logits.shape={tuple(logits.shape)}"
        )
    return math_ops.negative(math_ops.reduce_sum(math_ops.multiply(labels, log_softmax(logits, axis)), axis))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log_softmax(logits)[label] per example; labels are int class indices.

    Raises:
        ValueError: labels' shape is not logits' shape without the last axis,
            or a label is outside [0, num_classes).
        TypeError: labels that are not int32.

    >>> import webflow as tf
    >>> tf.nn.sparse_softmax_cross_entropy_with_logits([1], [[0.0, 0.0]]).numpy()
    array([0.6931472], dtype=float32)
    """
    op = "sparse_softmax_cross_entropy_with_logits"
    logits = convert_to_tensor_for(op, logits, arg="logits")
    require_float(op, logits, "logits")
    labels = convert_to_tensor_for(op, labels, dtypes.int32, "labels")
    if not labels.dtype.is_integer:
        raise TypeError(f"{op}: labels must be int32; received dtype {labels.dtype.name}")
    if logits.shape.rank < 1 or tuple(labels.shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"{op}: labels must have logits' shape without the last axis; "
            f"received labels.shape={tuple(labels.shape)}, logits.shape={tuple(logits.shape)}"
        )
    classes = logits.shape[-1]
    # NOTE: checking the range needs the label values; labels are usually
    # small host data, and a wrong label would otherwise give a silent 0 loss.
    def check(values):
        bad = values[(values < 0) | (values >= classes)]
        if bad.size:
            raise ValueError(f"{op}: labels must be in [0, {classes}); received label {int(bad.flat[0])}")

    tracing.host_check(labels, check)
    one_hot = math_ops.cast(
        math_ops.equal(array_ops.reshape(labels, tuple(labels.shape) + (1,)), np.arange(classes, dtype=np.int32)),
        dtypes.float32,
    )

    # NOTE: its own gradient, as TF's fused op has: (softmax - one_hot) * dy, with the labels in
    # range (checked above), so each row's one-hot sums to 1. Through log_softmax's rule the tape
    # would also sum the one-hot gradient over the classes (a pass of its own in every training
    # step). log_softmax is taken again in grad so that second derivatives flow; in a traced step
    # common-subexpression elimination makes it the forward's.
    @autodiff.custom_gradient
    def xent(x):
        def grad(dy):
            return math_ops.multiply(math_ops.subtract(math_ops.exp(log_softmax(x)), one_hot), array_ops.expand_dims(dy, -1))
        return math_ops.negative(math_ops.reduce_sum(math_ops.multiply(one_hot, log_softmax(x)), -1)), grad

    return xent(logits)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Binary cross-entropy of sigmoid(logits) against labels, elementwise,
    as max(x, 0) - x * z + log(1 + exp(-|x|)) (no overflow for large |x|).

    >>> import webflow as tf
    >>> round(float(tf.nn.sigmoid_cross_entropy_with_logits(1.0, 0.0)), 5)
    0.69315
    """
    op = "sigmoid_cross_entropy_with_logits"
    labels, logits = operands(op, labels, logits, names=("labels", "logits"))
    require_float(op, logits, "logits")
    if tuple(labels.shape) != tuple(logits.shape):
        raise ValueError(
            f"{op}: labels and logits must have the same shape; "
            f"received labels.shape={tuple(labels.shape)}, logits.shape={tuple(logits.shape)}"
        )
    return math_ops.subtract(softplus(logits), math_ops.multiply(logits, labels))


GRADIENTS = {
    "relu": _relu_grad,
    "softmax": _softmax_grad,
    "log_softmax": _log_softmax_grad,
}
