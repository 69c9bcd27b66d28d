"""Elementwise math, comparisons, where, cast, matmul and reductions.

Each primitive is a function that checks its arguments and infers the output
shape and dtype, then calls ``apply``; its gradient rule sits right below it
and is listed in GRADIENTS at the end of the file. Composites (square,
reduce_mean, ...) are written with primitives and need no rule.
"""

import builtins

from webflow import dtypes
from webflow.ops import array_ops
from webflow.ops.dispatch import (
    apply,
    broadcast_shape,
    convert_to_tensor_for,
    normalize_axes,
    operands,
    require_float,
)


def unbroadcast(g, shape):
    """Sum ``g`` over the axes along which an operand of ``shape`` was broadcast."""
    if tuple(g.shape) == tuple(shape):
        return g
    lead = len(g.shape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(shape) if d == 1 and g.shape[i + lead] != 1
    )
    return array_ops.reshape(reduce_sum(g, axes), shape)


# --- unary elementwise -------------------------------------------------------


def _unary(op, x, float_only=True):
    x = convert_to_tensor_for(op, x)
    if float_only:
        require_float(op, x)
    elif x.dtype.is_bool:
        raise TypeError(f"{op}: x must be float32 or int32; received dtype bool")
    return apply(op, [x], x.shape, x.dtype)


def negative(x, name=None):
    """-x elementwise.

    >>> import webflow as tf
    >>> tf.negative([1.0, -2.0]).numpy()
    array([-1.,  2.], dtype=float32)
    """
    return _unary("negative", x, float_only=False)


def abs(x, name=None):
    """|x| elementwise."""
    return _unary("abs", x, float_only=False)


def sign(x, name=None):
    """-1, 0 or 1 by the sign of x (0 for NaN's sign is NaN, as in NumPy)."""
    return _unary("sign", x, float_only=False)


def exp(x, name=None):
    """e ** x elementwise."""
    return _unary("exp", x)


def log(x, name=None):
    """Natural logarithm; log(0) = -inf, log(x < 0) = nan."""
    return _unary("log", x)


def sqrt(x, name=None):
    """Square root; sqrt(x < 0) = nan."""
    return _unary("sqrt", x)


def tanh(x, name=None):
    """Hyperbolic tangent."""
    return _unary("tanh", x)


def sigmoid(x, name=None):
    """1 / (1 + exp(-x)), computed without overflow for large |x|.

    NOTE: a primitive rather than a composite because the composite's
    gradient is inf/inf = nan for x below about -88.

    >>> import webflow as tf
    >>> float(tf.sigmoid(0.0))
    0.5
    """
    return _unary("sigmoid", x)


def square(x, name=None):
    """x * x."""
    return multiply(x, x)


def _negative_grad(g, inputs, out):
    return (negative(g),)


def _abs_grad(g, inputs, out):
    return (multiply(g, sign(inputs[0])),)


def _exp_grad(g, inputs, out):
    return (multiply(g, out),)


def _log_grad(g, inputs, out):
    return (divide(g, inputs[0]),)


def _sqrt_grad(g, inputs, out):
    return (divide(multiply(g, 0.5), out),)


def _tanh_grad(g, inputs, out):
    return (multiply(g, subtract(1.0, multiply(out, out))),)


def _sigmoid_grad(g, inputs, out):
    return (multiply(g, multiply(out, subtract(1.0, out))),)


# --- binary elementwise ----------------------------------------------------------


def _binary(op, x, y, out_dtype=None):
    x, y = operands(op, x, y)
    if x.dtype.is_bool and out_dtype is None:
        raise TypeError(f"{op}: x and y must be float32 or int32; received dtype bool")
    shape = broadcast_shape(op, x.shape, y.shape)
    return apply(op, [x, y], shape, out_dtype or x.dtype)


def add(x, y, name=None):
    """x + y with broadcasting.

    >>> import webflow as tf
    >>> tf.add([[1.0], [2.0]], [10.0, 20.0]).numpy()
    array([[11., 21.],
           [12., 22.]], dtype=float32)
    """
    return _binary("add", x, y)


def subtract(x, y, name=None):
    """x - y with broadcasting."""
    return _binary("subtract", x, y)


def multiply(x, y, name=None):
    """x * y with broadcasting."""
    return _binary("multiply", x, y)


def divide(x, y, name=None):
    """x / y with broadcasting; int32 operands are divided as float32, like TF's truediv.

    >>> import webflow as tf
    >>> tf.divide(7, 2).numpy()
    np.float32(3.5)
    """
    x, y = operands("divide", x, y)
    if x.dtype.is_integer:
        x, y = cast(x, dtypes.float32), cast(y, dtypes.float32)
    return _binary("divide", x, y)


def pow(x, y, name=None):
    """x ** y with broadcasting."""
    return _binary("pow", x, y)


def maximum(x, y, name=None):
    """Elementwise max with broadcasting (NaN if either is NaN)."""
    return _binary("maximum", x, y)


def minimum(x, y, name=None):
    """Elementwise min with broadcasting (NaN if either is NaN)."""
    return _binary("minimum", x, y)


def _add_grad(g, inputs, out):
    x, y = inputs
    return unbroadcast(g, x.shape), unbroadcast(g, y.shape)


def _subtract_grad(g, inputs, out):
    x, y = inputs
    return unbroadcast(g, x.shape), unbroadcast(negative(g), y.shape)


def _multiply_grad(g, inputs, out):
    x, y = inputs
    return unbroadcast(multiply(g, y), x.shape), unbroadcast(multiply(g, x), y.shape)


def _divide_grad(g, inputs, out):
    x, y = inputs
    return unbroadcast(divide(g, y), x.shape), unbroadcast(negative(multiply(g, divide(out, y))), y.shape)


def _pow_grad(g, inputs, out):
    x, y = inputs
    dx = multiply(g, multiply(y, pow(x, subtract(y, 1.0))))
    # NOTE: d/dy x**y = out * log(x) is taken as 0 where x <= 0, as TF does.
    positive = greater(x, 0.0)
    safe_x = where(positive, x, array_ops.ones_like(x))
    dy = multiply(g, where(positive, multiply(out, log(safe_x)), array_ops.zeros_like(out)))
    return unbroadcast(dx, x.shape), unbroadcast(dy, y.shape)


def _maximum_grad(g, inputs, out):
    # NOTE: at ties the gradient goes to y (TF gives it to x). This makes
    # relu = maximum(x, 0) have relu'(0) = 0, as tf.nn.relu does.
    x, y = inputs
    zeros = array_ops.zeros_like(g)
    to_x = greater(x, y)
    return unbroadcast(where(to_x, g, zeros), x.shape), unbroadcast(where(to_x, zeros, g), y.shape)


def _minimum_grad(g, inputs, out):
    x, y = inputs
    zeros = array_ops.zeros_like(g)
    to_x = less(x, y)
    return unbroadcast(where(to_x, g, zeros), x.shape), unbroadcast(where(to_x, zeros, g), y.shape)


# --- comparisons (bool result, no gradient) -----------------------------------------


def equal(x, y, name=None):
    """x == y elementwise, with broadcasting; bool result."""
    return _binary("equal", x, y, out_dtype=dtypes.bool_)


def not_equal(x, y, name=None):
    """x != y elementwise, with broadcasting; bool result."""
    return _binary("not_equal", x, y, out_dtype=dtypes.bool_)


def less(x, y, name=None):
    """x < y elementwise, with broadcasting; bool result."""
    return _binary("less", x, y, out_dtype=dtypes.bool_)


def less_equal(x, y, name=None):
    """x <= y elementwise, with broadcasting; bool result."""
    return _binary("less_equal", x, y, out_dtype=dtypes.bool_)


def greater(x, y, name=None):
    """x > y elementwise, with broadcasting; bool result."""
    return _binary("greater", x, y, out_dtype=dtypes.bool_)


def greater_equal(x, y, name=None):
    """x >= y elementwise, with broadcasting; bool result."""
    return _binary("greater_equal", x, y, out_dtype=dtypes.bool_)


# --- where and cast --------------------------------------------------------------


def where(condition, x=None, y=None, name=None):
    """Elementwise ``x if condition else y``, broadcasting all three.

    Raises:
        ValueError: if only one of x and y is given (the one-argument form
            of tf.where, returning indices, is not supported).

    >>> import webflow as tf
    >>> tf.where([True, False], 1.0, 2.0).numpy()
    array([1., 2.], dtype=float32)
    """
    if x is None or y is None:
        raise ValueError("where: x and y are required (the indices form of tf.where is not supported)")
    condition = convert_to_tensor_for("where", condition, dtypes.bool_, "condition")
    if not condition.dtype.is_bool:
        raise TypeError(f"where: condition must be bool; received dtype {condition.dtype.name}")
    x, y = operands("where", x, y)
    shape = broadcast_shape("where", condition.shape, x.shape, y.shape)
    return apply("where", [condition, x, y], shape, x.dtype)


def _where_grad(g, inputs, out):
    condition, x, y = inputs
    zeros = array_ops.zeros_like(g)
    return None, unbroadcast(where(condition, g, zeros), x.shape), unbroadcast(where(condition, zeros, g), y.shape)


def cast(x, dtype, name=None):
    """Convert to ``dtype``; float to int truncates toward zero, nonzero is True.

    >>> import webflow as tf
    >>> tf.cast([1.7, -1.7], tf.int32).numpy()
    array([ 1, -1], dtype=int32)
    """
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor_for("cast", x)
    if x.dtype is dtype:
        return x
    return apply("cast", [x], x.shape, dtype, dtype=dtype)


def _cast_grad(g, inputs, out, dtype):
    x = inputs[0]
    return (cast(g, x.dtype) if x.dtype.is_floating and dtype.is_floating else None,)


# --- matmul -------------------------------------------------------------------------


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of the last two axes; leading (batch) axes broadcast.

    Raises:
        ValueError: rank below 2, or inner dimensions that differ.

    >>> import webflow as tf
    >>> tf.matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    """
    a, b = operands("matmul", a, b, names=("a", "b"))
    if a.shape.rank < 2 or b.shape.rank < 2:
        raise ValueError(
            f"matmul: a and b must have rank >= 2; received a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}"
        )
    if a.dtype.is_bool:
        raise TypeError("matmul: a and b must be float32 or int32; received dtype bool")
    m, k = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
    k2, n = (b.shape[-1], b.shape[-2]) if transpose_b else (b.shape[-2], b.shape[-1])
    if k != k2:
        raise ValueError(
            f"matmul: inner dimensions differ: {tuple(a.shape)} @ {tuple(b.shape)}"
            f" (transpose_a={transpose_a}, transpose_b={transpose_b})"
        )
    batch = broadcast_shape("matmul", a.shape[:-2], b.shape[:-2])
    return apply(
        "matmul", [a, b], batch + (m, n), a.dtype, transpose_a=bool(transpose_a), transpose_b=bool(transpose_b)
    )


def _matmul_grad(g, inputs, out, transpose_a, transpose_b):
    a, b = inputs
    if not transpose_a and not transpose_b:
        da, db = matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)
    elif not transpose_a and transpose_b:
        da, db = matmul(g, b), matmul(g, a, transpose_a=True)
    elif transpose_a and not transpose_b:
        da, db = matmul(b, g, transpose_b=True), matmul(a, g)
    else:
        da, db = matmul(b, g, transpose_a=True, transpose_b=True), matmul(g, a, transpose_a=True, transpose_b=True)
    return unbroadcast(da, a.shape), unbroadcast(db, b.shape)


# --- reductions -----------------------------------------------------------------------


def _reduce(op, x, axis, keepdims):
    x = convert_to_tensor_for(op, x)
    if x.dtype.is_bool:
        raise TypeError(f"{op}: x must be float32 or int32; received dtype bool")
    axes = normalize_axes(op, axis, x.shape.rank)
    reduced = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    out = apply(op, [x], reduced, x.dtype, axes=axes)
    return array_ops.reshape(out, _kept_shape(x.shape, axes)) if keepdims else out


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over ``axis`` (None: all axes; int or list; negative allowed).

    >>> import webflow as tf
    >>> tf.reduce_sum([[1, 2], [3, 4]], axis=0).numpy()
    array([4, 6], dtype=int32)
    """
    return _reduce("reduce_sum", input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over ``axis``; -inf over an empty axis (float)."""
    return _reduce("reduce_max", input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over ``axis``; for int32 the mean is truncated toward zero, as in TF.

    >>> import webflow as tf
    >>> round(float(tf.reduce_mean([1.0, 2.0, 4.0])), 4)
    2.3333
    """
    x = convert_to_tensor_for("reduce_mean", input_tensor)
    axes = normalize_axes("reduce_mean", axis, x.shape.rank)
    count = 1
    for a in axes:
        count *= x.shape[a]
    total = reduce_sum(x, axes, keepdims)
    if x.dtype.is_integer:
        return cast(divide(total, builtins.max(count, 1)), dtypes.int32)
    return divide(total, float(count))


def _reduce_sum_grad(g, inputs, out, axes):
    x = inputs[0]
    return (array_ops.broadcast_to(array_ops.reshape(g, _kept_shape(x.shape, axes)), x.shape),)


def _reduce_max_grad(g, inputs, out, axes):
    # NOTE: the gradient is split evenly between tied maxima, as in TF.
    x = inputs[0]
    kept = _kept_shape(x.shape, axes)
    hits = cast(equal(x, array_ops.reshape(out, kept)), x.dtype)
    share = divide(array_ops.reshape(g, kept), reduce_sum(hits, axes, keepdims=True))
    return (multiply(hits, share),)


GRADIENTS = {
    "negative": _negative_grad,
    "abs": _abs_grad,
    "sign": None,
    "exp": _exp_grad,
    "log": _log_grad,
    "sqrt": _sqrt_grad,
    "tanh": _tanh_grad,
    "sigmoid": _sigmoid_grad,
    "add": _add_grad,
    "subtract": _subtract_grad,
    "multiply": _multiply_grad,
    "divide": _divide_grad,
    "pow": _pow_grad,
    "maximum": _maximum_grad,
    "minimum": _minimum_grad,
    "equal": None,
    "not_equal": None,
    "less": None,
    "less_equal": None,
    "greater": None,
    "greater_equal": None,
    "where": _where_grad,
    "cast": _cast_grad,
    "matmul": _matmul_grad,
    "reduce_sum": _reduce_sum_grad,
    "reduce_max": _reduce_max_grad,
}
