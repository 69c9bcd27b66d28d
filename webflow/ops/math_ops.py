"""Elementwise math, comparisons, where, cast, matmul and reductions.

Each primitive is a function that checks its arguments and infers the output
shape and dtype, then calls ``apply``; its gradient rule sits right below it
and is listed in GRADIENTS at the end of the file. Composites (square,
reduce_mean, ...) are written with primitives and need no rule.
"""

import builtins
import math

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


def log1p(x, name=None):
    """log(1 + x), accurate for tiny x (where 1 + x would round to 1).

    >>> import webflow as tf
    >>> tf.math.log1p(1e-10).numpy()
    np.float32(1e-10)
    """
    return _unary("log1p", x)


def expm1(x, name=None):
    """exp(x) - 1, accurate for tiny x."""
    return _unary("expm1", x)


def erf(x, name=None):
    """The error function 2/sqrt(pi) * integral of exp(-t**2) from 0 to x.

    >>> import webflow as tf
    >>> print(f"{float(tf.math.erf(1.0)):.6f}")
    0.842701
    """
    return _unary("erf", x)


def sin(x, name=None):
    """Sine (radians)."""
    return _unary("sin", x)


def cos(x, name=None):
    """Cosine (radians)."""
    return _unary("cos", x)


def floor(x, name=None):
    """The largest integer <= x, as float32 (no gradient)."""
    return _unary("floor", x)


def ceil(x, name=None):
    """The smallest integer >= x, as float32 (no gradient)."""
    return _unary("ceil", x)


def round(x, name=None):
    """Round to the nearest integer, halves to even (as TF and NumPy); int32 is returned as is.

    >>> import webflow as tf
    >>> tf.round([0.5, 1.5, 2.5, -0.5]).numpy()
    array([ 0.,  2.,  2., -0.], dtype=float32)
    """
    x = convert_to_tensor_for("round", x)
    if x.dtype.is_integer:
        return x
    return _unary("round", x)


def reciprocal(x, name=None):
    """1 / x."""
    return divide(1.0, _float_operand("reciprocal", x))


def rsqrt(x, name=None):
    """1 / sqrt(x)."""
    return divide(1.0, sqrt(_float_operand("rsqrt", x)))


def _float_operand(op, x):
    x = convert_to_tensor_for(op, x)
    require_float(op, x)
    return x


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


def _log1p_grad(g, inputs, out):
    return (divide(g, add(inputs[0], 1.0)),)


def _expm1_grad(g, inputs, out):
    return (multiply(g, add(out, 1.0)),)


def _erf_grad(g, inputs, out):
    x = inputs[0]
    return (multiply(g, multiply(2.0 / math.sqrt(math.pi), exp(negative(multiply(x, x))))),)


def _sin_grad(g, inputs, out):
    return (multiply(g, cos(inputs[0])),)


def _cos_grad(g, inputs, out):
    return (negative(multiply(g, sin(inputs[0]))),)


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


def floormod(x, y, name=None):
    """Remainder of floor division: it has the sign of y, like Python's ``%``.

    NOTE: an int32 division by zero gives 0 on NumPy and an undefined value
    on WebGL (TF raises at run time, which would need a readback).

    >>> import webflow as tf
    >>> tf.math.floormod([7, -7], 3).numpy()
    array([1, 2], dtype=int32)
    """
    return _binary("floormod", x, y)


def floordiv(x, y, name=None):
    """floor(x / y), like Python's ``//``; int32 stays int32 (see floormod on zero divisors).

    >>> import webflow as tf
    >>> tf.math.floordiv([7.0, -7.0], 2.0).numpy()
    array([ 3., -4.], dtype=float32)
    """
    return _binary("floordiv", x, y)


mod = floormod


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """min(max(t, clip_value_min), clip_value_max), with broadcasting.

    As in TF, min > max is allowed (the result is clip_value_max).

    Raises:
        TypeError: when the bounds do not have t's dtype, or t is bool.

    >>> import webflow as tf
    >>> tf.clip_by_value([-2.0, 0.5, 3.0], -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    t, lo, hi = operands("clip_by_value", t, clip_value_min, clip_value_max,
                         names=("t", "clip_value_min", "clip_value_max"))
    if t.dtype.is_bool:
        raise TypeError("clip_by_value: t must be float32 or int32; received dtype bool")
    return minimum(maximum(t, lo), hi)


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


def _floormod_grad(g, inputs, out):
    x, y = inputs
    return unbroadcast(g, x.shape), unbroadcast(negative(multiply(g, floordiv(x, y))), y.shape)


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


def _matmul_grad(g, inputs, out, transpose_a, transpose_b, needed=(True, True)):
    a, b = inputs
    if not transpose_a and not transpose_b:
        da, db = lambda: matmul(g, b, transpose_b=True), lambda: matmul(a, g, transpose_a=True)
    elif not transpose_a and transpose_b:
        da, db = lambda: matmul(g, b), lambda: matmul(g, a, transpose_a=True)
    elif transpose_a and not transpose_b:
        da, db = lambda: matmul(b, g, transpose_b=True), lambda: matmul(a, g)
    else:
        da, db = (lambda: matmul(b, g, transpose_a=True, transpose_b=True),
                  lambda: matmul(g, a, transpose_a=True, transpose_b=True))
    return (unbroadcast(da(), a.shape) if needed[0] else None, unbroadcast(db(), b.shape) if needed[1] else None)


_matmul_grad.skips_unneeded = True  # autodiff passes `needed` (see GradientTape._backward)


# --- reductions -----------------------------------------------------------------------


def _reduce(op, x, axis, keepdims):
    x = convert_to_tensor_for(op, x)
    if x.dtype.is_bool:
        raise TypeError(f"{op}: x must be float32 or int32; received dtype bool")
    axes = normalize_axes(op, axis, x.shape.rank)
    out = apply(op, [x], _removed_shape(x.shape, axes), x.dtype, axes=axes)
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
    >>> print(f"{float(tf.reduce_mean([1.0, 2.0, 4.0])):.4f}")
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


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over ``axis``; inf over an empty axis (float).

    >>> import webflow as tf
    >>> tf.reduce_min([[1, 5], [3, 2]], axis=1).numpy()
    array([1, 2], dtype=int32)
    """
    x = convert_to_tensor_for("reduce_min", input_tensor, arg="input_tensor")
    if x.dtype.is_bool:
        raise TypeError("reduce_min: input_tensor must be float32 or int32; received dtype bool")
    axes = normalize_axes("reduce_min", axis, x.shape.rank)
    return negative(reduce_max(negative(x), axes, keepdims))


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over ``axis``; 1 over an empty axis.

    >>> import webflow as tf
    >>> tf.reduce_prod([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy()
    array([3., 8.], dtype=float32)
    """
    return _reduce("reduce_prod", input_tensor, axis, keepdims)


def _bool_reduce(op, x, axis, keepdims, reduce):
    x = convert_to_tensor_for(op, x, dtypes.bool_, "input_tensor")
    if not x.dtype.is_bool:
        raise TypeError(f"{op}: input_tensor must be bool; received dtype {x.dtype.name}")
    normalize_axes(op, axis, x.shape.rank)  # a bad axis is reported under this op's name
    # NOTE: max/min over an empty axis are -inf/inf, so "> 0" gives any() = False, all() = True.
    return greater(reduce(cast(x, dtypes.float32), axis, keepdims), 0.0)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or over ``axis`` (False over an empty axis).

    >>> import webflow as tf
    >>> tf.reduce_any([[True, False], [False, False]], axis=1).numpy()
    array([ True, False])
    """
    return _bool_reduce("reduce_any", input_tensor, axis, keepdims, reduce_max)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and over ``axis`` (True over an empty axis)."""
    return _bool_reduce("reduce_all", input_tensor, axis, keepdims, reduce_min)


def _float_reduce_input(op, x, axis):
    x = convert_to_tensor_for(op, x, arg="input_tensor")
    require_float(op, x, "input_tensor")
    return x, normalize_axes(op, axis, x.shape.rank)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over ``axis``, without overflow for large x.

    >>> import webflow as tf
    >>> print(f"{float(tf.reduce_logsumexp([1000.0, 1000.0])):.2f}")
    1000.69
    """
    x, axes = _float_reduce_input("reduce_logsumexp", input_tensor, axis)
    # NOTE: shifting by the max keeps exp() finite; an infinite max (all -inf, or
    # an inf value) is replaced by 0 so that x - max does not become inf - inf.
    top = array_ops.stop_gradient(reduce_max(x, axes, keepdims=True))
    top = where(less(abs(top), float("inf")), top, array_ops.zeros_like(top))
    total = log(reduce_sum(exp(subtract(x, top)), axes, keepdims=True))
    out = add(total, top)
    return out if keepdims else array_ops.reshape(out, _removed_shape(x.shape, axes))


def _removed_shape(shape, axes):
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Mean squared deviation from the mean over ``axis`` (population variance).

    >>> import webflow as tf
    >>> float(tf.math.reduce_variance([1.0, 2.0, 3.0, 4.0]))
    1.25
    """
    x, axes = _float_reduce_input("reduce_variance", input_tensor, axis)
    deviation = subtract(x, reduce_mean(x, axes, keepdims=True))
    return reduce_mean(multiply(deviation, deviation), axes, keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Square root of reduce_variance."""
    return sqrt(reduce_variance(input_tensor, axis, keepdims))


def argmax(input, axis=None, output_type=dtypes.int32, name=None):
    """Index of the largest value along ``axis`` (default 0, as in TF); ties give the
    first index, a NaN counts as the largest (as in NumPy). int32 result, no gradient.

    Raises:
        ValueError: axis out of range, or an empty axis.

    >>> import webflow as tf
    >>> tf.argmax([[1.0, 9.0, 9.0], [7.0, 2.0, 3.0]], axis=1).numpy()
    array([1, 0], dtype=int32)
    """
    return _arg_reduce("argmax", input, axis, output_type, lambda x: x)


def argmin(input, axis=None, output_type=dtypes.int32, name=None):
    """Index of the smallest value along ``axis`` (default 0); ties give the first index."""
    return _arg_reduce("argmin", input, axis, output_type, negative)


def _arg_reduce(op, x, axis, output_type, prepare):
    x = convert_to_tensor_for(op, x, arg="input")
    if x.dtype.is_bool:
        raise TypeError(f"{op}: input must be float32 or int32; received dtype bool")
    if dtypes.as_dtype(output_type) is not dtypes.int32:
        raise TypeError(f"{op}: output_type must be int32; received {output_type!r}")
    if isinstance(axis, (list, tuple)) and len(axis) != 1:
        raise ValueError(f"{op}: axis must be a single int; received {axis!r}")
    (axis,) = normalize_axes(op, 0 if axis is None else axis, builtins.max(x.shape.rank, 1))
    if x.shape.rank == 0 or x.shape[axis] == 0:
        raise ValueError(f"{op}: the reduced axis must be non-empty; received shape {tuple(x.shape)}, axis={axis}")
    # NOTE: argmin is argmax of -x: negation keeps ties and NaNs where they are.
    return apply("argmax", [prepare(x)], _removed_shape(x.shape, (axis,)), dtypes.int32, axis=axis)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sum along ``axis``; ``exclusive`` leaves out the current value,
    ``reverse`` sums from the end.

    >>> import webflow as tf
    >>> tf.cumsum([1, 2, 3]).numpy()
    array([1, 3, 6], dtype=int32)
    >>> tf.cumsum([1, 2, 3], exclusive=True, reverse=True).numpy()
    array([5, 3, 0], dtype=int32)
    """
    x = convert_to_tensor_for("cumsum", x)
    if x.dtype.is_bool:
        raise TypeError("cumsum: x must be float32 or int32; received dtype bool")
    if x.shape.rank == 0:
        raise ValueError("cumsum: x must have rank >= 1; received a scalar")
    if not isinstance(axis, int):
        raise TypeError(f"cumsum: axis must be an int; received {axis!r}")
    (axis,) = normalize_axes("cumsum", axis, x.shape.rank)
    return apply("cumsum", [x], x.shape, x.dtype, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def norm(tensor, ord="euclidean", axis=None, keepdims=False, name=None):
    """Vector norm over ``axis`` (None: all values as one vector); ``ord`` is
    'euclidean' (or 2), 1 or inf. Over two axes only 'euclidean'/'fro' (Frobenius).

    Raises:
        ValueError: for another ``ord``, or more than two axes.

    >>> import webflow as tf
    >>> float(tf.norm([3.0, -4.0]))
    5.0
    >>> tf.norm([[3.0, -4.0]], ord=1, axis=1).numpy()
    array([7.], dtype=float32)
    """
    x = convert_to_tensor_for("norm", tensor, arg="tensor")
    require_float("norm", x, "tensor")
    two_axes = isinstance(axis, (list, tuple)) and len(axis) == 2
    if isinstance(axis, (list, tuple)) and len(axis) not in (1, 2):
        raise ValueError(f"norm: axis must be None, an int or a pair of ints; received {axis!r}")
    allowed = ("euclidean", "fro") if two_axes else ("euclidean", 2, 1, math.inf)
    if isinstance(ord, bool) or ord not in allowed:
        raise ValueError(f"norm: ord must be one of {allowed}{' for two axes' if two_axes else ''}; received {ord!r}")
    axes = normalize_axes("norm", axis, x.shape.rank)
    if ord == 1:
        return reduce_sum(abs(x), axes, keepdims)
    if ord == math.inf:
        return reduce_max(abs(x), axes, keepdims)
    return sqrt(reduce_sum(multiply(x, x), axes, keepdims))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """x / sqrt(max(sum(x**2, axis), epsilon)).

    >>> import webflow as tf
    >>> tf.math.l2_normalize([3.0, 4.0]).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    x = _float_operand("l2_normalize", x)
    axes = normalize_axes("l2_normalize", axis, x.shape.rank)
    squares = reduce_sum(multiply(x, x), axes, keepdims=True)
    return multiply(x, rsqrt(maximum(squares, float(epsilon))))


def _reduce_prod_grad(g, inputs, out, axes):
    # NOTE: d out / d x_i is the product of the other values. Dividing out by
    # x_i fails at zeros, so zeros are counted: with one zero only that value
    # gets a gradient (the product of the rest); with two or more none does.
    x = inputs[0]
    kept = _kept_shape(x.shape, axes)
    is_zero = equal(x, 0.0)
    ones = array_ops.ones_like(x)
    nonzero = where(is_zero, ones, x)
    rest = reduce_prod(nonzero, axes, keepdims=True)
    zeros = reduce_sum(cast(is_zero, x.dtype), axes, keepdims=True)
    others = where(
        is_zero,
        where(equal(zeros, 1.0), multiply(ones, rest), array_ops.zeros_like(x)),
        where(equal(zeros, 0.0), divide(rest, nonzero), array_ops.zeros_like(x)),
    )
    return (multiply(others, array_ops.reshape(g, kept)),)


def _cumsum_grad(g, inputs, out, axis, exclusive, reverse):
    return (cumsum(g, axis, exclusive=exclusive, reverse=not reverse),)


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
    "log1p": _log1p_grad,
    "expm1": _expm1_grad,
    "erf": _erf_grad,
    "sin": _sin_grad,
    "cos": _cos_grad,
    "floor": None,
    "ceil": None,
    "round": None,
    "floormod": _floormod_grad,
    "floordiv": None,
    "reduce_prod": _reduce_prod_grad,
    "argmax": None,
    "cumsum": _cumsum_grad,
}
