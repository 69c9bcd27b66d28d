"""The shared op table: one row per (op, case), run on every backend.

Each row names an op, calls it through webflow (``fn(tf, *inputs)``) and
through an independent NumPy reference (``ref(*inputs)``, evaluated in
float64), on inputs drawn for the given shapes. ``check_values`` compares the
two; ``check_gradient`` compares GradientTape's gradient with a central
difference of the reference. This file is plain Python + NumPy so the very
same rows run on CPython (tests/python) and inside Pyodide in the browser.
"""

import math
from dataclasses import dataclass

import numpy as np

SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.5, 3e38], dtype=np.float32)


@dataclass
class Row:
    op: str  # the op's name, as in webflow.ops and the backends
    fn: object  # fn(tf, *inputs) -> Tensor
    ref: object  # ref(*numpy float64 / int / bool arrays) -> array
    shapes: list  # a list of cases; each case is a tuple of input shapes
    dtype: str = "float32"  # dtype of the inputs
    domain: str = "any"  # any | positive | away_from_zero | ties | near_one | zeros | wide | large | halves (see inputs_for)
    grad: bool = True  # check the gradient against finite differences
    reduce_len: object = None  # case -> reduction length, for the tolerance
    label: str = ""

    @property
    def id(self):
        return self.op + (f"[{self.label}]" if self.label else "")


ODD = [((1,),), ((3,),), ((257,),), ((2, 3),), ((),), ((0, 3),)]
GRAD_ODD = [((3,),), ((2, 3),), ((),)]
PAIRS = [
    ((3,), (3,)),
    ((257,), (257,)),
    ((2, 3), (3,)),  # broadcast y along rows
    ((2, 1), (1, 3)),  # both broadcast
    ((), (2, 3)),  # scalar x
    ((4, 1, 3), (2, 1)),  # rank difference and middle axis
    ((0, 3), (1, 3)),  # size 0
    ((3, 8), (8,)),  # a bias: WebGL reads whole texels (period % 4 == 0)
    ((5, 1), (5, 7)),  # a keepdims reduction broadcast back along rows
]
GRAD_PAIRS = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]


def _unary(op, ref, domain="any", grad=True, dtype="float32"):
    return Row(op, lambda tf, x: getattr(tf, op)(x), ref, ODD, dtype=dtype, domain=domain, grad=grad)


def _binary(op, ref, domain="any", grad=True, dtype="float32"):
    return Row(op, lambda tf, x, y: getattr(tf, op)(x, y), ref, PAIRS, dtype=dtype, domain=domain, grad=grad)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True, initial=-np.inf))
    return e / e.sum(axis=axis, keepdims=True)


def _softplus_with_custom_gradient(tf, x):
    @tf.custom_gradient
    def softplus(x):
        return tf.log(1.0 + tf.exp(x)), lambda dy: dy * tf.sigmoid(x)

    return softplus(x)
def _log_softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


# Rows of logits that test softmax's edges: NaN, +inf, only -inf, some -inf, huge logits.
SOFTMAX_SPECIAL = np.array([
    [np.nan, 0.0, 1.0, 2.0],
    [np.inf, 0.0, 1.0, 2.0],
    [-np.inf, -np.inf, -np.inf, -np.inf],
    [-np.inf, 0.0, 1.0, 2.0],
    [1e30, 0.0, -1e30, 2.0],
    [1e30, 1e30, -1e30, -3e38],
], dtype=np.float32)


def _softmax_rows(op, ref):
    tf_op = lambda tf, x, axis=-1: getattr(tf.nn, op)(x, axis=axis)  # noqa: E731
    return [
        Row(op, tf_op, ref, [((3,),), ((2, 5),), ((4, 257),), ((4, 1),), ((0, 5),), ((3, 0),)]),
        # rows longer than one chunk: partial statistics merged (once, then twice)
        Row(op, tf_op, ref, [((3, 1000),), ((1, 70000),)], grad=False, label="long rows"),
        Row(op, lambda tf, x: tf_op(tf, x, 0), lambda x: ref(x, 0), [((3, 2),), ((5, 3),)], label="axis=0"),
        Row(op, lambda tf, x: tf_op(tf, x, 1), lambda x: ref(x, 1), [((2, 3, 4),)], label="axis=1"),
        Row(op, lambda tf: tf_op(tf, tf.constant(SOFTMAX_SPECIAL)), lambda: ref(SOFTMAX_SPECIAL.astype(np.float64)),
            [()], grad=False, label="NaN, inf, large logits"),
    ]


def _reduce_len(axis):
    def length(case):
        shape = case[0]
        axes = range(len(shape)) if axis is None else [axis] if isinstance(axis, int) else axis
        return max(1, math.prod(shape[a] for a in axes))

    return length


def _reductions():
    rows = []
    for op, ref, domain in [("reduce_sum", np.sum, "any"), ("reduce_mean", np.mean, "any"), ("reduce_max", np.max, "any")]:
        for axis, keepdims, cases in [
            (None, False, [((3,),), ((257,),), ((2, 3),), ((1000,),)]),
            (1, False, [((2, 3),), ((4, 257),), ((2, 3, 4),)]),
            (0, True, [((3, 2),), ((1000, 3),)]),
            ((0, 2), False, [((2, 3, 4),)]),
            (-1, True, [((2, 3, 5),)]),
        ]:
            rows.append(Row(
                op,
                lambda tf, x, op=op, axis=axis, keepdims=keepdims: getattr(tf, op)(x, axis=axis, keepdims=keepdims),
                lambda x, ref=ref, axis=axis, keepdims=keepdims: ref(x, axis=None if axis is None else tuple(np.atleast_1d(axis)), keepdims=keepdims),
                cases,
                grad=True,
                reduce_len=_reduce_len(axis),
                label=f"axis={axis},keepdims={keepdims}",
            ))
    rows.append(Row("reduce_sum", lambda tf, x: tf.reduce_sum(x, axis=0), lambda x: np.sum(x, axis=0),
                    [((0, 3),)], grad=False, label="empty"))
    rows.append(Row("reduce_max", lambda tf, x: tf.reduce_max(x, axis=1), lambda x: np.max(x, axis=1, initial=-np.inf),
                    [((3, 0),)], grad=False, label="empty"))
    rows.append(Row("reduce_sum", lambda tf, x: tf.reduce_sum(x, axis=1), lambda x: np.sum(x, axis=1),
                    [((3, 7),)], dtype="int32", grad=False, label="int32"))
    rows.append(Row("reduce_max", lambda tf, x: tf.reduce_max(x), lambda x: np.max(x),
                    [((2, 2),)], grad=False, domain="ties", label="ties"))
    return rows


def _matmuls():
    rows = []
    for ta, tb in [(False, False), (True, False), (False, True), (True, True)]:
        def shape(rows_, cols, t):
            return (cols, rows_) if t else (rows_, cols)

        cases = [
            (shape(3, 4, ta), shape(4, 5, tb)),
            (shape(1, 1, ta), shape(1, 1, tb)),
            (shape(2, 3, ta), shape(3, 1, tb)),
            # WebGL's one-pass kernel reading a texel of B per step (N % 4 == 0, B as stored), its
            # column of texels crossing texture rows
            (shape(7, 13, ta), shape(13, 24, tb)),
            (shape(5, 1, ta), shape(1, 8, tb)),  # K = 1: B transposed holds the same values as stored
            (shape(33, 65, ta), shape(65, 17, tb)),
            ((2,) + shape(3, 4, ta), shape(4, 2, tb)),  # batch broadcast (b has none)
            ((2, 1) + shape(2, 3, ta), (3,) + shape(3, 2, tb)),  # batch dims broadcast both ways
            ((2, 1) + shape(20, 41, ta), (3,) + shape(41, 50, tb)),  # large enough for WebGL's packed kernel
            ((3,) + shape(37, 33, ta), shape(33, 35, tb)),  # packed, M, N, K all odd, batch broadcast
            # packed, operands read in place (M, N, K multiples of 4), rows crossing texture rows
            (shape(36, 40, ta), shape(40, 28, tb)),
            # packed, operands read in place with K and N off texel bounds (K % 4 = 2, 3)
            (shape(40, 42, ta), shape(42, 30, tb)),
            (shape(44, 39, ta), shape(39, 23, tb)),
            (shape(0, 3, ta), shape(3, 2, tb)),  # size 0
        ]
        rows.append(Row(
            "matmul",
            lambda tf, a, b, ta=ta, tb=tb: tf.matmul(a, b, transpose_a=ta, transpose_b=tb),
            lambda a, b, ta=ta, tb=tb: np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b),
            cases,
            reduce_len=lambda case, ta=ta: case[0][-2] if ta else case[0][-1],
            label=f"ta={ta},tb={tb}",
        ))
    rows.append(Row("matmul", lambda tf, a, b: tf.matmul(a, b), np.matmul, [((3, 4), (4, 2))], dtype="int32",
                    grad=False, reduce_len=lambda case: 4, label="int32"))
    return rows


def _erf(x):
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(x), dtype=np.float64)


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _cumsum(x, axis, exclusive=False, reverse=False):
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis)
    if exclusive:
        out = out - x
    return np.flip(out, axis) if reverse else out


def _reduction_rows(op, ref, configs, **kw):
    """Rows of a reduction for (axis, keepdims, cases) configurations."""
    return [
        Row(op, lambda tf, x, axis=axis, keepdims=keepdims: getattr(tf, op)(x, axis=axis, keepdims=keepdims),
            lambda x, axis=axis, keepdims=keepdims: ref(x, axis=None if axis is None else tuple(np.atleast_1d(axis)), keepdims=keepdims),
            cases, reduce_len=_reduce_len(axis), label=f"axis={axis},keepdims={keepdims}", **kw)
        for axis, keepdims, cases in configs
    ]


def _logsumexp(x, axis=None, keepdims=False):
    top = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCE_CONFIGS = [
    (None, False, [((3,),), ((257,),), ((2, 3),)]),
    (1, False, [((2, 3),), ((4, 257),), ((2, 3, 4),)]),
    (0, True, [((3, 2),), ((1000, 3),)]),
    ((0, 2), False, [((2, 3, 4),)]),
    (-1, True, [((2, 3, 5),)]),
]
EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,jk->...ik", [(2, 1, 2, 3), (3, 4)]),
    ("bi,bi->b", [(2, 3), (2, 3)]),
    ("ij,kj", [(2, 3), (4, 3)]),  # implicit output: 'ik'
    ("i,j->ij", [(3,), (2,)]),
    ("bij,bkj->bki", [(2, 2, 3), (2, 4, 3)]),
    ("abc,cd->abd", [(2, 3, 4), (4, 5)]),
    ("ij,jk->", [(2, 3), (3, 4)]),
]


def _math_rows():
    """Issue 4: math ops, activations, normalization and losses."""
    rows = [
        _unary("log1p", np.log1p, domain="positive"),
        Row("log1p", lambda tf, x: tf.math.log1p(x * 1e-6), lambda x: np.log1p(x * 1e-6), GRAD_ODD, label="tiny"),
        _unary("expm1", np.expm1),
        Row("expm1", lambda tf, x: tf.math.expm1(x * 1e-6), lambda x: np.expm1(x * 1e-6), GRAD_ODD, label="tiny"),
        _unary("erf", _erf),
        Row("erf", lambda tf, x: tf.math.erf(x), _erf, [((257,),)], domain="wide", label="wide"),
        _unary("sin", np.sin),
        _unary("cos", np.cos),
        Row("sin", lambda tf, x: tf.sin(x), np.sin, [((257,),)], domain="large", grad=False, label="large"),
        Row("cos", lambda tf, x: tf.cos(x), np.cos, [((257,),)], domain="large", grad=False, label="large"),
        _unary("floor", np.floor, grad=False),
        _unary("ceil", np.ceil, grad=False),
        _unary("round", np.round, grad=False),
        Row("round", lambda tf, x: tf.round(x * 0.5), lambda x: np.round(x * 0.5), [((11,),)], domain="halves",
            grad=False, label="halves to even"),
        _unary("round", lambda x: x, grad=False, dtype="int32"),
        _unary("reciprocal", np.reciprocal, domain="away_from_zero"),
        _unary("rsqrt", lambda x: 1 / np.sqrt(x), domain="positive"),
        _binary("floormod", np.mod, domain="away_from_zero", grad=False),  # gradient: the "operator %" row
        _binary("floormod", np.mod, domain="away_from_zero", grad=False, dtype="int32"),
        _binary("floordiv", np.floor_divide, domain="away_from_zero", grad=False),
        _binary("floordiv", np.floor_divide, domain="away_from_zero", grad=False, dtype="int32"),
        Row("floormod", lambda tf, x, y: x % y, np.mod, [((2, 3), (3,))], domain="away_from_zero", label="operator %"),
        Row("floordiv", lambda tf, x, y: x // y, np.floor_divide, [((2, 3), (3,))], domain="away_from_zero", grad=False,
            label="operator //"),
        Row("clip_by_value", lambda tf, x: tf.clip_by_value(x, -0.5, 1.0), lambda x: np.clip(x, -0.5, 1.0), ODD),
        Row("clip_by_value", lambda tf, x, lo: tf.clip_by_value(x, lo, 1.0), lambda x, lo: np.minimum(np.maximum(x, lo), 1.0),
            [((2, 3), (3,))], label="tensor bound"),
        Row("clip_by_value", lambda tf, x: tf.clip_by_value(x, 1, -1), lambda x: np.minimum(np.maximum(x, 1), -1),
            [((3, 7),)], dtype="int32", grad=False, label="int32, min > max"),
        *_reduction_rows("reduce_min", np.min, REDUCE_CONFIGS),
        Row("reduce_min", lambda tf, x: tf.reduce_min(x, axis=1), lambda x: np.min(x, axis=1, initial=np.inf),
            [((3, 0),)], grad=False, label="empty"),
        Row("reduce_min", lambda tf, x: tf.reduce_min(x, axis=-1), lambda x: np.min(x, axis=-1), [((3, 7),)],
            dtype="int32", grad=False, label="int32"),
        *_reduction_rows("reduce_prod", np.prod, REDUCE_CONFIGS, domain="near_one"),
        *_reduction_rows("reduce_prod", np.prod, [(-1, False, [((3,),), ((2, 3),), ((2, 6),)])], domain="zeros"),
        Row("reduce_prod", lambda tf, x: tf.reduce_prod(x, axis=0), lambda x: np.prod(x, axis=0), [((0, 3),)],
            grad=False, label="empty"),
        Row("reduce_prod", lambda tf, x: tf.reduce_prod(x, axis=1), lambda x: np.prod(x, axis=1), [((4, 5),)],
            dtype="int32", grad=False, label="int32"),
        *_reduction_rows("reduce_logsumexp", _logsumexp, REDUCE_CONFIGS),
        Row("reduce_logsumexp", lambda tf, x: tf.reduce_logsumexp(x * 1000.0, axis=-1),
            lambda x: _logsumexp(x * 1000.0, axis=-1), [((2, 5),)], reduce_len=lambda c: 5, label="large"),
        *_reduction_rows("reduce_variance", np.var, REDUCE_CONFIGS[:3]),
        *_reduction_rows("reduce_std", np.std, REDUCE_CONFIGS[1:3]),
        Row("reduce_any", lambda tf, x: tf.reduce_any(x > 1.0, axis=1), lambda x: np.any(x > 1.0, axis=1),
            [((2, 3),), ((4, 257),), ((3, 0),)], grad=False),
        Row("reduce_all", lambda tf, x: tf.reduce_all(x > -1.5, axis=-1), lambda x: np.all(x > -1.5, axis=-1),
            [((2, 3),), ((4, 257),), ((3, 0),)], grad=False),
        Row("reduce_any", lambda tf, x: tf.reduce_any(x > 1.0), lambda x: np.any(x > 1.0), [((3, 4),), ((0,),)],
            grad=False, label="all axes"),
        Row("reduce_all", lambda tf, x: tf.reduce_all(x > -1.5, axis=0, keepdims=True),
            lambda x: np.all(x > -1.5, axis=0, keepdims=True), [((3, 4),)], grad=False, label="keepdims"),
        Row("argmax", lambda tf, x: tf.argmax(x), lambda x: np.argmax(x, axis=0), [((3,),), ((257,),), ((4, 3),)],
            grad=False, label="axis=0"),
        Row("argmax", lambda tf, x: tf.argmax(x, axis=-1), lambda x: np.argmax(x, axis=-1),
            [((2, 3),), ((3, 257),), ((2, 3, 4),), ((1000,),)], grad=False, label="axis=-1"),
        Row("argmax", lambda tf, x: tf.argmax(x, axis=1), lambda x: np.argmax(x, axis=1), [((2, 5, 3),), ((0, 4),)],
            grad=False, label="middle axis"),
        Row("argmax", lambda tf, x: tf.argmax(x, axis=1), lambda x: np.argmax(x, axis=1), [((4, 9),)], dtype="int32",
            grad=False, label="int32 ties"),
        Row("argmax", lambda tf, x: tf.argmax(x, axis=0), lambda x: np.argmax(x, axis=0), [((2, 2),)], domain="ties",
            grad=False, label="ties"),
        Row("argmin", lambda tf, x: tf.argmin(x, axis=-1), lambda x: np.argmin(x, axis=-1),
            [((3,),), ((2, 257),), ((2, 3, 4),)], grad=False),
        Row("argmin", lambda tf, x: tf.argmin(x, axis=1), lambda x: np.argmin(x, axis=1), [((4, 9),)], dtype="int32",
            grad=False, label="int32 ties"),
    ]
    for axis, exclusive, reverse, cases in [
        (0, False, False, [((1,),), ((3,),), ((257,),), ((0,),), ((3, 4),)]),
        (-1, False, False, [((2, 3),), ((3, 257),), ((2, 3, 4),), ((2, 1000),)]),
        (1, True, False, [((2, 3),), ((2, 5, 3),)]),
        (-1, False, True, [((2, 3),), ((2, 257),)]),
        (0, True, True, [((4, 3),), ((5,),)]),
    ]:
        rows.append(Row(
            "cumsum",
            lambda tf, x, a=axis, e=exclusive, r=reverse: tf.cumsum(x, axis=a, exclusive=e, reverse=r),
            lambda x, a=axis, e=exclusive, r=reverse: _cumsum(x, a, e, r),
            cases, reduce_len=lambda case, a=axis: case[0][a] if case[0] else 1,
            label=f"axis={axis},exclusive={exclusive},reverse={reverse}",
        ))
    rows.append(Row("cumsum", lambda tf, x: tf.cumsum(x, axis=1, exclusive=True), lambda x: _cumsum(x, 1, True),
                    [((3, 7),)], dtype="int32", grad=False, label="int32"))
    for ord_, axis, keepdims, ref in [
        ("euclidean", None, False, lambda x: np.sqrt(np.sum(x * x))),
        (2, -1, True, lambda x: np.sqrt(np.sum(x * x, axis=-1, keepdims=True))),
        (1, 1, False, lambda x: np.sum(np.abs(x), axis=1)),
        (np.inf, 0, False, lambda x: np.max(np.abs(x), axis=0)),
        ("fro", (0, 1), False, lambda x: np.sqrt(np.sum(x * x, axis=(0, 1)))),
    ]:
        rows.append(Row("norm", lambda tf, x, o=ord_, a=axis, k=keepdims: tf.norm(x, ord=o, axis=a, keepdims=k),
                        ref, [((2, 3),), ((3, 257),)], domain="away_from_zero", reduce_len=lambda case: math.prod(case[0]),
                        label=f"ord={ord_},axis={axis}"))
    rows += [
        Row("l2_normalize", lambda tf, x: tf.math.l2_normalize(x, axis=-1),
            lambda x: x / np.sqrt(np.sum(x * x, axis=-1, keepdims=True)), [((3,),), ((2, 3),), ((4, 257),)],
            reduce_len=lambda case: case[0][-1]),
        Row("l2_normalize", lambda tf, x: tf.nn.l2_normalize(x * 0.0), lambda x: x * 0.0, [((2, 3),)], grad=False,
            label="zeros"),
        Row("tensordot", lambda tf, a, b: tf.tensordot(a, b, axes=2), lambda a, b: np.tensordot(a, b, 2),
            [((2, 3, 4), (3, 4, 5))], reduce_len=lambda case: 12),
        Row("tensordot", lambda tf, a, b: tf.tensordot(a, b, axes=[[0], [1]]), lambda a, b: np.tensordot(a, b, [[0], [1]]),
            [((3, 2), (4, 3)), ((33, 5), (7, 33))], reduce_len=lambda case: case[0][0], label="pair"),
        Row("tensordot", lambda tf, a, b: tf.tensordot(a, b, axes=0), lambda a, b: np.tensordot(a, b, 0),
            [((2,), (3,))], label="outer"),
    ]
    for equation, shapes in EINSUMS:
        rows.append(Row("einsum", lambda tf, a, b, e=equation: tf.einsum(e, a, b), lambda a, b, e=equation: np.einsum(e, a, b),
                        [tuple(shapes)], reduce_len=lambda case: 12, label=equation))
    rows += [
        Row("einsum", lambda tf, a: tf.einsum("ij->ji", a), lambda a: np.einsum("ij->ji", a), [((2, 3),), ((1, 257),)],
            label="ij->ji"),
        Row("einsum", lambda tf, a: tf.einsum("bij->bi", a), lambda a: np.einsum("bij->bi", a), [((2, 3, 4),)],
            reduce_len=lambda case: 4, label="bij->bi"),
        Row("relu6", lambda tf, x: tf.nn.relu6(x * 4.0), lambda x: np.clip(x * 4.0, 0, 6), ODD, domain="away_from_zero"),
        Row("leaky_relu", lambda tf, x: tf.nn.leaky_relu(x), lambda x: np.where(x > 0, x, 0.2 * x), ODD,
            domain="away_from_zero"),
        Row("leaky_relu", lambda tf, x: tf.nn.leaky_relu(x, alpha=0.01), lambda x: np.where(x > 0, x, 0.01 * x),
            GRAD_ODD, domain="away_from_zero", label="alpha=0.01"),
        Row("elu", lambda tf, x: tf.nn.elu(x), lambda x: np.where(x > 0, x, np.expm1(x)), ODD, domain="away_from_zero"),
        Row("elu", lambda tf, x: tf.nn.elu(x * 100.0), lambda x: np.where(x > 0, x * 100.0, np.expm1(x * 100.0)),
            GRAD_ODD, domain="away_from_zero", label="large"),
        Row("selu", lambda tf, x: tf.nn.selu(x),
            lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)), ODD,
            domain="away_from_zero"),
        Row("gelu", lambda tf, x: tf.nn.gelu(x), lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), ODD),
        Row("gelu", lambda tf, x: tf.nn.gelu(x, approximate=True),
            lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), ODD, label="approximate"),
        Row("silu", lambda tf, x: tf.nn.silu(x), lambda x: x * _sigmoid(x), ODD),
        Row("swish", lambda tf, x: tf.nn.swish(x, beta=2.0), lambda x: x * _sigmoid(2 * x), GRAD_ODD, label="beta=2"),
        Row("softplus", lambda tf, x: tf.nn.softplus(x), _softplus, ODD),
        Row("softplus", lambda tf, x: tf.nn.softplus(x), _softplus, [((257,),)], domain="large", grad=False,
            label="large"),
        Row("softplus", lambda tf, x: tf.nn.softplus(x * 0.0), lambda x: _softplus(x * 0.0), GRAD_ODD, label="at 0"),
        Row("softsign", lambda tf, x: tf.nn.softsign(x), lambda x: x / (1 + np.abs(x)), ODD),
        Row("moments", lambda tf, x: tf.nn.moments(x, axes=[0])[0], lambda x: np.mean(x, axis=0),
            [((3, 2),), ((257, 3),)], reduce_len=lambda case: case[0][0], label="mean"),
        Row("moments", lambda tf, x: tf.nn.moments(x, axes=[0, 1], keepdims=True)[1],
            lambda x: np.var(x, axis=(0, 1), keepdims=True), [((2, 3, 4),), ((4, 4, 3),)],
            reduce_len=lambda case: case[0][0] * case[0][1], label="variance"),
        Row("batch_normalization",
            lambda tf, x, m, v, o, s: tf.nn.batch_normalization(x, m, v * v + 0.5, o, s, 1e-3),
            lambda x, m, v, o, s: (x - m) * s / np.sqrt(v * v + 0.5 + 1e-3) + o,
            [((2, 3), (3,), (3,), (3,), (3,)), ((4, 257), (257,), (257,), (257,), (257,))]),
        Row("batch_normalization", lambda tf, x, m, v: tf.nn.batch_normalization(x, m, v * v + 0.5, None, None, 1e-3),
            lambda x, m, v: (x - m) / np.sqrt(v * v + 0.5 + 1e-3), [((2, 3), (2, 1), (2, 1))], label="no offset, scale"),
        Row("softmax_cross_entropy_with_logits",
            lambda tf, labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits),
            lambda labels, logits: -np.sum(labels * _log_softmax(logits), axis=-1),
            [((2, 5), (2, 5)), ((3,), (3,)), ((4, 257), (4, 257))], reduce_len=lambda case: case[0][-1]),
        Row("softmax_cross_entropy_with_logits",
            lambda tf, labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis=0),
            lambda labels, logits: -np.sum(labels * _log_softmax(logits, 0), axis=0), [((3, 2), (3, 2))],
            reduce_len=lambda case: 3, label="axis=0"),
        Row("sparse_softmax_cross_entropy_with_logits",
            lambda tf, logits: tf.nn.sparse_softmax_cross_entropy_with_logits(
                np.arange(logits.shape[0]) % logits.shape[-1], logits),
            lambda logits: -_log_softmax(logits)[np.arange(logits.shape[0]), np.arange(logits.shape[0]) % logits.shape[-1]],
            [((4, 3),), ((3, 257),), ((1, 1),)], reduce_len=lambda case: case[0][-1]),
        Row("sigmoid_cross_entropy_with_logits",
            lambda tf, labels, logits: tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
            lambda z, x: _softplus(x) - x * z, [((3,), (3,)), ((2, 257), (2, 257)), ((), ())]),
        Row("sigmoid_cross_entropy_with_logits",
            lambda tf, labels, logits: tf.nn.sigmoid_cross_entropy_with_logits(labels=labels * 0 + 1, logits=logits),
            lambda z, x: _softplus(x) - x, [((257,), (257,))], domain="large", grad=False, label="large logits"),
    ]
    return rows
def _segment_sum_ref(data, ids, n):
    out = np.zeros((n,) + data.shape[np.ndim(ids):], dtype=data.dtype)
    np.add.at(out, np.asarray(ids), data)
    return out


def _batch_gather_ref(x, ids):
    return np.stack([np.take(xb, ib, axis=0) for xb, ib in zip(x, np.asarray(ids))])


def _array_rows():
    """Movement and indexing: slices, concat, gather, segment sums, pad, tile, one_hot."""
    ids = np.arange(1000) % 7
    return [
        Row("strided_slice", lambda tf, x: x[1:, ::-2], lambda x: x[1:, ::-2],
            [((3, 5),), ((1, 3),), ((257, 3),), ((0, 4),)], label="getitem steps"),
        Row("strided_slice", lambda tf, x: x[-1, None, ..., 2::3], lambda x: x[-1, None, ..., 2::3],
            [((2, 3, 7),), ((3, 1, 257),)], label="getitem int newaxis ellipsis"),
        Row("strided_slice", lambda tf, x: x[::-1], lambda x: x[::-1], [((3,),), ((257,),), ((0,),)],
            dtype="int32", grad=False, label="getitem int32"),
        Row("strided_slice", lambda tf, x: tf.strided_slice(x, [4, -1], [0, -4], [-2, -1]),
            lambda x: x[4:0:-2, -1:-4:-1], [((5, 5),), ((7, 3),)]),
        Row("slice", lambda tf, x: tf.slice(x, [1, 0], [-1, 2]), lambda x: x[1:, :2], [((3, 4),), ((1, 2),), ((257, 3),)]),
        Row("reverse", lambda tf, x: tf.reverse(x, [0, -1]), lambda x: x[::-1, ..., ::-1],
            [((3, 4),), ((1, 257),), ((0, 2),), ((2, 3, 2),)]),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x], -1), lambda x, y: np.concatenate([x, y, x], -1),
            [((2, 3), (2, 1)), ((1, 257), (1, 3)), ((3, 0), (3, 2)), ((2, 3, 1), (2, 3, 4))], label="axis=-1"),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x, y, x, y], 0), lambda x, y: np.concatenate([x, y, x, y, x, y], 0),
            [((1, 3), (2, 3)), ((1,), (257,))], label="six inputs"),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x, y, x], 1), lambda x, y: np.concatenate([x, y, x, y, x], 1),
            [((2, 3), (2, 5))], dtype="int32", grad=False, label="int32"),
        Row("stack", lambda tf, x, y: tf.stack([x, y], 1), lambda x, y: np.stack([x, y], 1),
            [((3,), (3,)), ((2, 3), (2, 3)), ((0,), (0,))]),
        Row("stack", lambda tf, x, y: tf.stack([x, y]), lambda x, y: np.stack([x, y]), [((), ())], label="scalars"),
        Row("unstack", lambda tf, x: tf.stack(tf.unstack(x, axis=1)[::-1]), lambda x: np.stack(list(np.moveaxis(x, 1, 0))[::-1]),
            [((2, 3),), ((1, 3, 2),)]),
        Row("split", lambda tf, x: tf.concat(tf.split(x, [2, -1, 1], axis=-1)[::-1], -1),
            lambda x: np.concatenate(np.split(x, [2, x.shape[-1] - 1], -1)[::-1], -1), [((2, 5),), ((3, 257),)]),
        Row("split", lambda tf, x: tf.split(x, 3)[1], lambda x: np.split(x, 3)[1], [((3,),), ((6, 2),)], label="equal parts"),
        Row("tile", lambda tf, x: tf.tile(x, [2, 1, 3]), lambda x: np.tile(x, [2, 1, 3]), [((1, 2, 3),), ((2, 1, 1),), ((0, 2, 1),)]),
        Row("tile", lambda tf, x: tf.tile(x, [3]), lambda x: np.tile(x, 3), [((257,),)], dtype="int32", grad=False, label="int32"),
        Row("expand_dims", lambda tf, x: tf.expand_dims(x, -1), lambda x: np.expand_dims(x, -1), [((3,),), ((2, 3),), ((),)]),
        Row("squeeze", lambda tf, x: tf.squeeze(x, [0, -1]), lambda x: np.squeeze(x, (0, -1)), [((1, 3, 1),), ((1, 257, 1),)]),
        Row("squeeze", lambda tf, x: tf.squeeze(x), lambda x: np.squeeze(x), [((1, 3, 1, 2),)], label="all"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 2], [0, 3]], constant_values=1.5),
            lambda x: np.pad(x, [[1, 2], [0, 3]], constant_values=1.5), [((2, 3),), ((1, 1),), ((0, 3),), ((257, 1),)]),
        Row("pad", lambda tf, x: tf.pad(x, [[2, 1], [1, 2]], "REFLECT"), lambda x: np.pad(x, [[2, 1], [1, 2]], mode="reflect"),
            [((3, 3),), ((4, 257),)], label="REFLECT"),
        Row("pad", lambda tf, x: tf.pad(x, [[3, 1], [0, 2]], "symmetric"), lambda x: np.pad(x, [[3, 1], [0, 2]], mode="symmetric"),
            [((3, 2),), ((5, 3),)], label="SYMMETRIC"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 1]], constant_values=-7), lambda x: np.pad(x, 1, constant_values=-7),
            [((3,),), ((0,),)], dtype="int32", grad=False, label="int32"),
        Row("gather", lambda tf, x: tf.gather(x, [2, 0, 2, 2], axis=1), lambda x: np.take(x, [2, 0, 2, 2], axis=1),
            [((2, 3),), ((1, 3, 257),), ((4, 3, 2),)], label="axis=1 duplicates"),
        Row("gather", lambda tf, x: tf.gather(x, [[0, 2], [2, 2]], axis=-2), lambda x: np.take(x, [[0, 2], [2, 2]], axis=-2),
            [((3, 1),), ((3, 4),), ((257, 3, 5),)], label="axis=-2 2-D indices"),
        Row("gather", lambda tf, x: tf.gather(x, [[0, 2, 2], [1, 1, 0]], batch_dims=1),
            lambda x: _batch_gather_ref(x, [[0, 2, 2], [1, 1, 0]]), [((2, 3),), ((2, 3, 4),)], label="batch_dims=1"),
        Row("gather", lambda tf, x: tf.gather(x, np.zeros(0, np.int32)), lambda x: x[:0], [((3, 2),)], label="no indices"),
        Row("gather", lambda tf, x: tf.gather(x, [1, 1, 0]), lambda x: x[[1, 1, 0]], [((2, 257),)], dtype="int32", grad=False,
            label="int32"),
        Row("embedding_lookup", lambda tf, x: tf.nn.embedding_lookup(x, [[3, 0], [3, 3]]), lambda x: x[[[3, 0], [3, 3]]],
            [((4, 2),), ((257, 5),)]),
        Row("unsorted_segment_sum", lambda tf, x: tf.math.unsorted_segment_sum(x, [0, 2, 0], 4),
            lambda x: _segment_sum_ref(x, [0, 2, 0], 4), [((3,),), ((3, 257),), ((3, 2, 2),)]),
        Row("unsorted_segment_sum", lambda tf, x: tf.math.unsorted_segment_sum(x, [[1, 1], [0, 1]], 2),
            lambda x: _segment_sum_ref(x, [[1, 1], [0, 1]], 2), [((2, 2, 3),)], dtype="int32", grad=False, label="int32"),
        Row("unsorted_segment_sum", lambda tf, x: tf.math.unsorted_segment_sum(x, np.zeros(0, np.int32), 2),
            lambda x: np.zeros((2, 3)), [((0, 3),)], label="empty"),
        Row("unsorted_segment_sum", lambda tf, x: tf.math.unsorted_segment_sum(x, ids, 7), lambda x: _segment_sum_ref(x, ids, 7),
            [((1000, 3),)], reduce_len=lambda case: 143, label="1000 ids"),
        Row("one_hot", lambda tf, x: tf.one_hot(x, 4), lambda x: (x[..., None] == np.arange(4)).astype(np.float32),
            [((3,),), ((257,),), ((2, 3),), ((),), ((0,),)], dtype="int32", grad=False),
        Row("one_hot", lambda tf, x: tf.one_hot(x, 3, on_value=5, off_value=-1, axis=0),
            lambda x: np.where(x[None] == np.arange(3)[:, None], 5, -1), [((4,),)], dtype="int32", grad=False, label="axis=0 int32"),
        Row("range", lambda tf: tf.range(3, 10, 2), lambda: np.arange(3, 10, 2, dtype=np.int32), [()], grad=False),
        Row("range", lambda tf: tf.range(1.0, -1.0, -0.5), lambda: np.arange(1.0, -1.0, -0.5), [()], grad=False, label="float"),
        Row("linspace", lambda tf: tf.linspace(-1.0, 2.0, 257), lambda: np.linspace(-1.0, 2.0, 257), [()], grad=False),
    ]
def _ref_pads(padding, size, kernel, strides, dilations):
    """Per-axis (before, after) padding, worked out from TF's definitions."""
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    if padding == "SAME":
        pads = []
        for n, k, s, d in zip(size, kernel, strides, dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        return pads
    return padding


def _ref_padded(x, padding, kernel, strides, dilations, value=0.0):
    pads = _ref_pads(padding, x.shape[1:3], kernel, strides, dilations)
    return np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=value), pads


def _ref_window(xp, i, j, kernel, strides, dilations):
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    return xp[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw]


def _ref_out_size(xp, kernel, strides, dilations):
    return [(xp.shape[1 + a] - (kernel[a] - 1) * dilations[a] - 1) // strides[a] + 1 for a in (0, 1)]


def _ref_conv2d(x, w, strides, padding, dilations=(1, 1)):
    xp, _ = _ref_padded(x, padding, w.shape[:2], strides, dilations)
    oh, ow = _ref_out_size(xp, w.shape[:2], strides, dilations)
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = np.einsum("nabc,abco->no", _ref_window(xp, i, j, w.shape[:2], strides, dilations), w)
    return out


def _ref_depthwise(x, f, strides, padding, dilations=(1, 1)):
    xp, _ = _ref_padded(x, padding, f.shape[:2], strides, dilations)
    oh, ow = _ref_out_size(xp, f.shape[:2], strides, dilations)
    channels, multiplier = f.shape[2:]
    out = np.zeros((x.shape[0], oh, ow, channels * multiplier))
    for i in range(oh):
        for j in range(ow):
            window = _ref_window(xp, i, j, f.shape[:2], strides, dilations)
            for c in range(channels):
                for m in range(multiplier):
                    out[:, i, j, c * multiplier + m] = np.einsum("nab,ab->n", window[..., c], f[:, :, c, m])
    return out


def _ref_conv2d_transpose(dy, w, output_shape, strides, padding):
    """Scatter each dy cell back through the filter (w: [h, w, out, in])."""
    kernel = w.shape[:2]
    pads = _ref_pads(padding, output_shape[1:3], kernel, strides, (1, 1))
    out = np.zeros((output_shape[0], output_shape[1] + sum(pads[0]), output_shape[2] + sum(pads[1]), w.shape[2]))
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            for a in range(kernel[0]):
                for b in range(kernel[1]):
                    out[:, i * strides[0] + a, j * strides[1] + b] += dy[:, i, j] @ w[a, b].T
    return out[:, pads[0][0]:pads[0][0] + output_shape[1], pads[1][0]:pads[1][0] + output_shape[2]]


def _ref_backprop_filter(x, dy, filter_shape, strides, padding, dilations=(1, 1)):
    xp, _ = _ref_padded(x, padding, filter_shape[:2], strides, dilations)
    out = np.zeros(filter_shape)
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            out += np.einsum("nabc,no->abco", _ref_window(xp, i, j, filter_shape[:2], strides, dilations), dy[:, i, j])
    return out


def _ref_pool(x, ksize, strides, padding, reduce):
    xp, _ = _ref_padded(x, padding, ksize, strides, (1, 1), value=np.nan)
    oh, ow = _ref_out_size(xp, ksize, strides, (1, 1))
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = reduce(_ref_window(xp, i, j, ksize, strides, (1, 1)), axis=(1, 2))  # NaN marks padding
    return out


def _ref_max_pool_grad(x, dy, ksize, strides, padding):
    """Each window's dy goes to the first (row-major) position of its maximum."""
    xp, pads = _ref_padded(x, padding, ksize, strides, (1, 1), value=-np.inf)
    out = np.zeros(xp.shape)
    for n in range(x.shape[0]):
        for i in range(dy.shape[1]):
            for j in range(dy.shape[2]):
                for c in range(x.shape[3]):
                    window = xp[n, i * strides[0]:i * strides[0] + ksize[0], j * strides[1]:j * strides[1] + ksize[1], c]
                    a, b = divmod(int(np.argmax(window)), ksize[1])
                    out[n, i * strides[0] + a, j * strides[1] + b, c] += dy[n, i, j, c]
    return out[:, pads[0][0]:pads[0][0] + x.shape[1], pads[1][0]:pads[1][0] + x.shape[2]]


def _ref_resize(x, size, method):
    """TF2 resize with half-pixel centers, one output pixel at a time."""
    n, h, w, c = x.shape
    out = np.zeros((n, *size, c))
    for i in range(size[0]):
        for j in range(size[1]):
            if method == "nearest":
                a = min(math.floor((i + 0.5) * h / size[0]), h - 1)
                b = min(math.floor((j + 0.5) * w / size[1]), w - 1)
                out[:, i, j] = x[:, a, b]
                continue
            y, z = (i + 0.5) * h / size[0] - 0.5, (j + 0.5) * w / size[1] - 0.5
            y0, z0 = math.floor(y), math.floor(z)
            ty, tz = y - y0, z - z0
            rows = [max(y0, 0), min(y0 + 1, h - 1)]
            cols = [max(z0, 0), min(z0 + 1, w - 1)]
            top = x[:, rows[0], cols[0]] * (1 - tz) + x[:, rows[0], cols[1]] * tz
            bottom = x[:, rows[1], cols[0]] * (1 - tz) + x[:, rows[1], cols[1]] * tz
            out[:, i, j] = top * (1 - ty) + bottom * ty
    return out


def _conv_rows():
    """Convolution, pooling and resize: strides 1 and 2, both paddings, dilation 2,
    kernels 1, 3 and 5, odd sizes, batch 1 and 2, channels 1 to 64. The small cases
    (up to 64 values per input) also check gradients."""

    def window_len(case):
        return math.prod(case[1][:3])

    rows = []
    for strides, padding, dilations, cases in [
        (1, "SAME", 1, [((1, 5, 5, 1), (3, 3, 1, 4)), ((1, 4, 4, 2), (3, 3, 2, 2)), ((2, 7, 6, 3), (3, 3, 3, 5))]),
        (2, "VALID", 1, [((1, 5, 5, 2), (3, 3, 2, 1)), ((2, 9, 8, 3), (3, 3, 3, 8))]),
        (2, "SAME", 1, [((1, 5, 7, 1), (5, 5, 1, 2)), ((2, 11, 9, 4), (5, 5, 4, 8))]),
        (1, "VALID", 1, [((1, 3, 3, 3), (1, 1, 3, 5)), ((2, 5, 5, 3), (1, 1, 3, 4))]),
        (1, "SAME", 2, [((1, 6, 5, 1), (3, 3, 1, 2)), ((2, 9, 9, 3), (3, 3, 3, 4))]),
        ([1, 2], [[1, 2], [0, 1]], 1, [((1, 4, 5, 2), (2, 3, 2, 2))]),
        (1, "SAME", 1, [((2, 14, 14, 32), (3, 3, 32, 64)), ((1, 28, 28, 1), (3, 3, 1, 32))]),
    ]:
        s2, d2 = (strides,) * 2 if isinstance(strides, int) else strides, (dilations, dilations)
        rows.append(Row(
            "conv2d",
            lambda tf, x, w, s=strides, p=padding, d=dilations: tf.nn.conv2d(x, w, s, p, dilations=d),
            lambda x, w, s=s2, p=padding, d=d2: _ref_conv2d(x, w, s, p, d),
            cases, reduce_len=window_len, label=f"strides={strides},{padding},dilations={dilations}"))
    for strides, padding, output_shape, cases in [
        (2, "SAME", (1, 5, 5, 2), [((1, 3, 3, 3), (3, 3, 2, 3))]),
        (2, "SAME", (2, 9, 8, 4), [((2, 5, 4, 8), (3, 3, 4, 8))]),
        (1, "VALID", (1, 4, 4, 1), [((1, 3, 3, 2), (2, 2, 1, 2))]),
        (2, "VALID", (1, 8, 8, 1), [((1, 3, 3, 2), (3, 3, 1, 2))]),  # the last row and column get nothing
    ]:
        rows.append(Row(
            "conv2d_transpose",
            lambda tf, dy, w, s=strides, p=padding, o=output_shape: tf.nn.conv2d_transpose(dy, w, o, s, p),
            lambda dy, w, s=strides, p=padding, o=output_shape: _ref_conv2d_transpose(dy, w, o, (s, s), p),
            cases, reduce_len=lambda case: math.prod(case[1][:2]) * case[1][3],
            label=f"strides={strides},{padding},{output_shape}"))
    for strides, padding, dilations, filter_shape, cases in [
        (1, "SAME", 1, (3, 3, 2, 2), [((1, 5, 5, 2), (1, 5, 5, 2))]),
        (2, "VALID", 1, (3, 3, 3, 4), [((2, 7, 7, 3), (2, 3, 3, 4))]),
        (1, "SAME", 2, (3, 3, 1, 2), [((1, 5, 4, 1), (1, 5, 4, 2))]),
        (2, "SAME", 1, (5, 5, 4, 8), [((2, 11, 9, 4), (2, 6, 5, 8))]),
    ]:
        rows.append(Row(
            "conv2d_backprop_filter",
            lambda tf, x, dy, s=strides, p=padding, d=dilations, f=filter_shape:
                tf.nn.conv2d_backprop_filter(x, f, dy, s, p, dilations=d),
            lambda x, dy, s=strides, p=padding, d=dilations, f=filter_shape:
                _ref_backprop_filter(x, dy, f, (s, s), p, (d, d)),
            cases, reduce_len=lambda case: math.prod(case[1][:3]),
            label=f"strides={strides},{padding},dilations={dilations}"))
    for strides, padding, dilations, cases in [
        (1, "SAME", 1, [((1, 4, 4, 3), (3, 3, 3, 1)), ((2, 7, 7, 4), (3, 3, 4, 1))]),
        (2, "VALID", 1, [((1, 5, 5, 2), (3, 3, 2, 2)), ((2, 9, 8, 3), (3, 3, 3, 2))]),
        (1, "SAME", 2, [((1, 5, 5, 2), (3, 3, 2, 1))]),
    ]:
        rows.append(Row(
            "depthwise_conv2d",
            lambda tf, x, f, s=strides, p=padding, d=dilations: tf.nn.depthwise_conv2d(x, f, s, p, dilations=d),
            lambda x, f, s=strides, p=padding, d=dilations: _ref_depthwise(x, f, (s, s), p, (d, d)),
            cases, reduce_len=lambda case: math.prod(case[1][:2]),
            label=f"strides={strides},{padding},dilations={dilations}"))
    rows.append(Row(
        "conv1d", lambda tf, x, w: tf.nn.conv1d(x, w, 2, "SAME"),
        lambda x, w: _ref_conv2d(x[:, None], w[None], (1, 2), "SAME")[:, 0],
        [((1, 7, 2), (3, 2, 3)), ((2, 9, 3), (5, 3, 4))], reduce_len=lambda case: math.prod(case[1][:2])))
    for ksize, strides, padding, cases in [
        (2, 2, "VALID", [((1, 4, 4, 2),), ((2, 7, 7, 3),)]),
        (3, 2, "SAME", [((1, 5, 5, 1),), ((2, 9, 8, 3),)]),
        (3, 1, "SAME", [((1, 4, 5, 2),)]),
        ([2, 3], [1, 2], "VALID", [((1, 4, 7, 2),)]),
        (2, 2, "VALID", [((2, 28, 28, 8),)]),
        # Windows tiling the image, 4 and 8 channels (WebGL's TILED path): written out up to 3 x 3,
        # a loop past it.
        (3, 3, "VALID", [((1, 7, 6, 4),)]),
        ([1, 2], [1, 2], "VALID", [((1, 3, 6, 8),)]),
        (4, 4, "VALID", [((1, 9, 8, 8),)]),
    ]:
        k2 = (ksize,) * 2 if isinstance(ksize, int) else ksize
        s2 = (strides,) * 2 if isinstance(strides, int) else strides
        label = f"ksize={ksize},strides={strides},{padding}"
        rows.append(Row(
            "max_pool2d", lambda tf, x, k=ksize, s=strides, p=padding: tf.nn.max_pool2d(x, k, s, p),
            lambda x, k=k2, s=s2, p=padding: _ref_pool(x, k, s, p, np.nanmax), cases, label=label))
        rows.append(Row(
            "avg_pool2d", lambda tf, x, k=ksize, s=strides, p=padding: tf.nn.avg_pool2d(x, k, s, p),
            lambda x, k=k2, s=s2, p=padding: _ref_pool(x, k, s, p, np.nanmean), cases,
            reduce_len=lambda case, k=k2: k[0] * k[1], label=label))
    for domain in ("any", "ties"):
        # Windows that tile the image (2x2/2 VALID; 9 rows: the last is under no window): WebGL's TILED path.
        rows.append(Row(
            "max_pool2d_grad", _max_pool_grad_tiled,
            lambda x, dy: _ref_max_pool_grad(x, dy, (2, 2), (2, 2), "VALID"),
            [((1, 4, 4, 4), (1, 2, 2, 4)), ((2, 9, 8, 8), (2, 4, 4, 8)), ((1, 5, 4, 3), (1, 2, 2, 3))],
            domain=domain, grad=False, label=f"ksize=2,strides=2,VALID,{domain}"))
        for ksize, cases in [((3, 3), [((1, 7, 6, 4), (1, 2, 2, 4))]), ((1, 2), [((1, 3, 6, 8), (1, 3, 3, 8))]),
                             ((4, 4), [((1, 9, 8, 8), (1, 2, 2, 8))])]:
            rows.append(Row(
                "max_pool2d_grad", lambda tf, x, dy, k=ksize: _max_pool_grad_tiled(tf, x, dy, k),
                lambda x, dy, k=ksize: _ref_max_pool_grad(x, dy, k, k, "VALID"),
                cases, domain=domain, grad=False, label=f"ksize={list(ksize)},strides={list(ksize)},VALID,{domain}"))
        rows.append(Row(
            "max_pool2d_grad", _max_pool_grad,
            lambda x, dy: _ref_max_pool_grad(x, dy, (3, 3), (2, 2), "SAME"),
            # 4 and 8 channels: WebGL's whole-texel path (VEC4)
            [((1, 5, 5, 2), (1, 3, 3, 2)), ((2, 9, 8, 3), (2, 5, 4, 3)), ((1, 5, 5, 4), (1, 3, 3, 4)),
             ((2, 9, 8, 8), (2, 5, 4, 8))], domain=domain, grad=False,
            label=f"ksize=3,strides=2,SAME,{domain}"))
    for method in ("bilinear", "nearest"):
        for size, cases in [((5, 7), [((1, 3, 4, 2),)]), ((3, 4), [((2, 7, 9, 3),), ((1, 3, 4, 1),)])]:
            rows.append(Row(
                "resize", lambda tf, x, size=size, m=method: tf.image.resize(x, size, m),
                lambda x, size=size, m=method: _ref_resize(x, size, m), cases,
                reduce_len=lambda case: case[0][1] + case[0][2], label=f"{method},{size}"))
    rows.append(Row(
        "resize", lambda tf, x: tf.image.resize(x, [8, 3]), lambda x: _ref_resize(x[None], (8, 3), "bilinear")[0],
        [((4, 5, 1),)], reduce_len=lambda case: 9, label="3-D"))
    return rows


def _max_pool_grad_tiled(tf, x, dy, ksize=(2, 2)):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, ksize, ksize, "VALID")
    return tape.gradient(y, x, output_gradients=dy)


def _max_pool_grad(tf, x, dy):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 3, 2, "SAME")
    return tape.gradient(y, x, output_gradients=dy)


ROWS = [
    _unary("negative", np.negative),
    _unary("negative", np.negative, grad=False, dtype="int32"),
    _unary("abs", np.abs, domain="away_from_zero"),
    _unary("sign", np.sign, grad=False),
    _unary("exp", np.exp),
    _unary("log", np.log, domain="positive"),
    _unary("sqrt", np.sqrt, domain="positive"),
    _unary("tanh", np.tanh),
    _unary("sigmoid", _sigmoid),
    _unary("square", np.square),
    Row("relu", lambda tf, x: tf.nn.relu(x), lambda x: np.maximum(x, 0), ODD, domain="away_from_zero"),
    Row("relu", lambda tf, x: tf.nn.relu(x), lambda x: np.maximum(x, 0), ODD, grad=False, dtype="int32", label="int32"),
    Row("relu", lambda tf: tf.nn.relu(tf.constant(SPECIAL)), lambda: np.maximum(SPECIAL, 0), [()], grad=False,
        label="NaN, inf"),
    _binary("add", np.add),
    _binary("add", np.add, grad=False, dtype="int32"),
    _binary("subtract", np.subtract),
    _binary("multiply", np.multiply),
    _binary("divide", np.divide, domain="away_from_zero"),
    _binary("pow", np.power, domain="positive"),
    _binary("maximum", np.maximum),
    _binary("minimum", np.minimum),
    _binary("equal", np.equal, grad=False, dtype="int32"),
    _binary("not_equal", np.not_equal, grad=False, dtype="int32"),
    _binary("less", np.less, grad=False),
    _binary("less_equal", np.less_equal, grad=False, dtype="int32"),
    _binary("greater", np.greater, grad=False),
    _binary("greater_equal", np.greater_equal, grad=False, dtype="int32"),
    Row("where", lambda tf, x, y: tf.where(tf.greater(x, y), x, y), lambda x, y: np.where(x > y, x, y), PAIRS),
    Row("where", lambda tf, x, y: tf.where([True, False, True], x, y), lambda x, y: np.where([True, False, True], x, y),
        [((3,), (2, 1)), ((), (3,))], label="condition broadcast"),
    # tf.cond: traced, both branches run and tf.where chooses (inputs are positive, so a finite
    # difference never flips the branch)
    Row("cond", lambda tf, x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * x, lambda: -x), lambda x: x * x,
        [((3,),), ((2, 3),), ((),)], domain="positive", label="true branch"),
    Row("cond", lambda tf, x: tf.cond(tf.reduce_min(x) < 0, lambda: x * x, lambda: -x), lambda x: -x,
        [((3,),), ((2, 3),)], domain="positive", label="false branch"),
    Row("cast", lambda tf, x: tf.cast(x, tf.int32), lambda x: np.trunc(x), ODD, grad=False, label="to int32"),
    Row("cast", lambda tf, x: tf.cast(x, tf.bool), lambda x: x != 0, ODD, grad=False, label="to bool"),
    Row("cast", lambda tf, x: tf.cast(x, tf.float32), lambda x: x, ODD, dtype="int32", grad=False, label="int32 to float32"),
    *_matmuls(),
    *_reductions(),
    Row("reshape", lambda tf, x: tf.reshape(x, [-1]), lambda x: x.reshape(-1), [((2, 3),), ((),), ((0, 3),)]),
    Row("reshape", lambda tf, x: tf.reshape(x, [3, 1, -1]), lambda x: x.reshape(3, 1, -1), [((2, 3, 2),)], label="infer"),
    Row("transpose", lambda tf, x: tf.transpose(x), lambda x: x.T, [((2, 3),), ((1, 257),), ((2, 3, 4),), ((0, 2),)]),
    Row("transpose", lambda tf, x: tf.transpose(x, [1, 2, 0]), lambda x: np.transpose(x, [1, 2, 0]), [((2, 3, 4),)], label="perm"),
    # The last axis kept, a multiple of 4: WebGL moves whole texels (elementwise.glsl mode 7).
    Row("transpose", lambda tf, x: tf.transpose(x, [1, 2, 0, 3]), lambda x: np.transpose(x, [1, 2, 0, 3]),
        [((3, 5, 2, 8),), ((2, 1, 3, 4),)], label="perm,last kept"),
    Row("broadcast_to", lambda tf, x: tf.broadcast_to(x, [2, 3, 4]), lambda x: np.broadcast_to(x, (2, 3, 4)),
        [((4,),), ((3, 1),), ((),)]),
    *_softmax_rows("softmax", _softmax),
    *_softmax_rows("log_softmax", _log_softmax),
    Row("identity", lambda tf, x: tf.identity(x), lambda x: x, ODD),
    Row("custom_gradient", _softplus_with_custom_gradient, lambda x: np.log1p(np.exp(x)), ODD),
    Row("stop_gradient", lambda tf, x: tf.stop_gradient(x) * x, lambda x: x * x, GRAD_ODD, grad=False),
    Row("fill", lambda tf: tf.fill([2, 3], 1.5), lambda: np.full((2, 3), 1.5), [()], grad=False),
    Row("zeros", lambda tf: tf.zeros([3, 0]), lambda: np.zeros((3, 0)), [()], grad=False),
    Row("ones", lambda tf: tf.ones([257], tf.int32), lambda: np.ones(257, np.int32), [()], grad=False),
    Row("zeros_like", lambda tf, x: tf.zeros_like(x), np.zeros_like, ODD, grad=False),
    Row("ones_like", lambda tf, x: tf.ones_like(x), np.ones_like, ODD, grad=False),
    *_math_rows(),
    *_array_rows(),
    *_conv_rows(),
]

# Special values: NaN and infinities through each elementwise op.
SPECIAL_OPS = {
    "negative": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "tanh": np.tanh, "sigmoid": _sigmoid, "sign": np.sign, "square": np.square,
    "log1p": np.log1p, "expm1": np.expm1, "erf": lambda x: _erf(x).astype(np.float32), "sin": np.sin, "cos": np.cos,
    "floor": np.floor, "ceil": np.ceil, "round": np.round,
}
SPECIAL_BINARY = {"add": np.add, "multiply": np.multiply, "divide": np.divide, "maximum": np.maximum, "minimum": np.minimum,
                  "floormod": np.mod, "floordiv": np.floor_divide}


# NOTE: WebGL reduces sin/cos arguments exactly only up to about 1.6e6 (see ops.glsl); 3e38 is left out.
SPECIAL_INPUTS = {"sin": SPECIAL[:-1], "cos": SPECIAL[:-1]}


def inputs_for(row, case, seed):
    """Float/int/bool arrays for one case of a row (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in case:
        if row.dtype == "int32":
            x = rng.integers(-5, 6, size=shape)
            if row.domain == "away_from_zero":
                x = np.where(x == 0, 1, x)
            arrays.append(np.asarray(x, dtype=np.int32))
            continue
        x = rng.uniform(-2, 2, size=shape)
        if row.domain == "positive":
            x = rng.uniform(0.2, 3, size=shape)
        elif row.domain == "away_from_zero":
            x = np.sign(x) * (np.abs(x) + 0.2) + (x == 0)
        elif row.domain == "near_one":  # products of many values stay in range
            x = rng.uniform(0.5, 1.5, size=shape)
        elif row.domain == "zeros":  # every third value is 0: rows with one and with two zeros
            x = rng.uniform(0.5, 1.5, size=shape) * np.sign(x)
            x.flat[::3] = 0.0
        elif row.domain == "wide":
            x = rng.uniform(-6, 6, size=shape)
        elif row.domain == "large":
            x = rng.uniform(-1e4, 1e4, size=shape)
        elif row.domain == "halves":  # x * 0.5 lands on halves: round's ties
            x = np.arange(-5.0, 6.0)
        elif row.domain == "ties":
            x = np.ones(shape) * 0.5
            if x.size:
                x.flat[0] = -1.0
        arrays.append(np.asarray(x, dtype=np.float32))  # size=() gives a NumPy scalar
    return arrays


def tolerance(row, case):
    """(rtol, atol): elementwise 1e-5; reductions and matmul scaled by the reduction length."""
    n = row.reduce_len(case) if row.reduce_len else 1
    return 1e-5 * max(1, math.sqrt(n)) * (4 if n > 1 else 1), 1e-6 * max(1, n)


def _as64(a):
    return a.astype(np.float64) if a.dtype == np.float32 else a


def check_values(tf, row, case, seed=0, graph=False):
    """Assert webflow's result equals the NumPy reference for one case
    (graph: with the op called inside a tf.function)."""
    arrays = inputs_for(row, case, seed)
    fn = lambda *xs: row.fn(tf, *xs)  # noqa: E731
    out = (tf.function(fn) if graph else fn)(*[tf.constant(a) for a in arrays])
    with np.errstate(all="ignore"):
        expected = np.asarray(row.ref(*[_as64(a) for a in arrays]))
    got = out.numpy()
    assert tuple(out.shape) == expected.shape, f"{row.id} {case}: shape {tuple(out.shape)} != {expected.shape}"
    assert np.shape(got) == expected.shape, f"{row.id} {case}: numpy() shape {np.shape(got)} != {expected.shape}"
    if expected.dtype == np.bool_:
        assert out.dtype.name == "bool", f"{row.id} {case}: dtype {out.dtype.name}"
        np.testing.assert_array_equal(got, expected, err_msg=f"{row.id} {case}")
    else:
        rtol, atol = tolerance(row, case)
        np.testing.assert_allclose(got, expected.astype(np.float64), rtol=rtol, atol=atol, err_msg=f"{row.id} {case}")


def check_special(tf, op, seed=0):
    """NaN/inf inputs give what NumPy gives (float32)."""
    x = SPECIAL_INPUTS.get(op, SPECIAL)
    with np.errstate(all="ignore"):
        if op in SPECIAL_OPS:
            got, expected = getattr(tf, op)(tf.constant(x)).numpy(), SPECIAL_OPS[op](x)
        else:
            y = np.roll(SPECIAL, 3)
            got, expected = getattr(tf, op)(tf.constant(x), tf.constant(y)).numpy(), SPECIAL_BINARY[op](x, y)
    np.testing.assert_allclose(got, expected.astype(np.float32), rtol=1e-5, equal_nan=True, err_msg=op)


def check_gradient(tf, row, case, seed=0, eps=1e-3, graph=False):
    """GradientTape's gradient of sum(w * fn(x...)) against central differences of the reference
    (graph: the tape and the gradient inside a tf.function)."""
    arrays = inputs_for(row, case, seed)
    with np.errstate(all="ignore"):
        out_shape = np.shape(row.ref(*[_as64(a) for a in arrays]))
    w = np.random.default_rng(seed + 1).uniform(0.5, 1.5, size=out_shape)

    def gradients(*xs):
        with tf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            loss = tf.reduce_sum(row.fn(tf, *xs) * tf.constant(w.astype(np.float32)))
        return tape.gradient(loss, list(xs))

    grads = (tf.function(gradients) if graph else gradients)(*[tf.constant(a) for a in arrays])

    def objective(values):
        return float(np.sum(w * row.ref(*values)))

    base = [_as64(a) for a in arrays]
    for i, (a, g) in enumerate(zip(base, grads)):
        numeric = np.zeros_like(a)
        for j in range(a.size):
            plus = [b.copy() for b in base]
            minus = [b.copy() for b in base]
            plus[i].flat[j] += eps
            minus[i].flat[j] -= eps
            numeric.flat[j] = (objective(plus) - objective(minus)) / (2 * eps)
        assert g is not None, f"{row.id} {case}: gradient for input {i} is None"
        assert tuple(g.shape) == a.shape, f"{row.id} {case}: gradient shape {tuple(g.shape)} != {a.shape}"
        np.testing.assert_allclose(g.numpy(), numeric, rtol=2e-3, atol=2e-3, err_msg=f"{row.id} {case} input {i}")


def grad_cases(row):
    """The cases small enough for finite differences."""
    if not row.grad:
        return []
    return [c for c in row.shapes if all(math.prod(s) <= 64 for s in c) and all(math.prod(s) > 0 for s in c)]


# --- issue #4, part 4: WebGL's conv block path, conv gradients as convolutions, strided_slice masks,
# concat/pad, cheaper pooling/resize gradients, sin/cos range ------------------------------------

def _ref_conv2d_transpose_dilated(dy, w, output_shape, strides, padding, dilations):
    """Scatter each dy cell back through the dilated filter (w: [h, w, out, in])."""
    kernel = w.shape[:2]
    pads = _ref_pads(padding, output_shape[1:3], kernel, strides, dilations)
    out = np.zeros((output_shape[0], output_shape[1] + sum(pads[0]), output_shape[2] + sum(pads[1]), w.shape[2]))
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            for a in range(kernel[0]):
                for b in range(kernel[1]):
                    out[:, i * strides[0] + a * dilations[0], j * strides[1] + b * dilations[1]] += dy[:, i, j] @ w[a, b].T
    return out[:, pads[0][0]:pads[0][0] + output_shape[1], pads[1][0]:pads[1][0] + output_shape[2]]


def _ops4_conv_rows():
    """WebGL runs conv2d with Cout % 4 == 0 as 4-pixel x 4-channel blocks (Cin == 1 with
    horizontal stride and dilation 1 and a kernel at most 8 wide slides a row's values along
    its taps, reading more after every fourth), and the gradients of stride-1
    convolutions (input) and of all ungrouped ones (filter) as such convolutions: rows for
    1 channel, channels not divisible by 4, strides 2, dilation 2, SAME/VALID/explicit
    pads, kernels 1/3/5/7/8/9 wide, 1-8 input channels (written out) and 12-32 (a loop), rows of a
    width not divisible by 4, batch not divisible by 4."""
    rows = []
    for strides, padding, dilations, cases in [
        (1, "VALID", 1, [((2, 9, 7, 1), (3, 3, 1, 8)), ((3, 6, 26, 1), (3, 3, 1, 4))]),  # OW 5 and 24; 1 channel
        (1, "VALID", 1, [((2, 5, 15, 1), (2, 7, 1, 4))]),  # 7 wide: the row's values read again after tap 4
        (1, "VALID", 1, [((1, 6, 7, 12), (3, 3, 12, 4)), ((1, 5, 6, 16), (2, 2, 16, 8))]),  # 12 and 16 channels: a loop
        (1, "SAME", 1, [((1, 4, 11, 1), (3, 8, 1, 4)), ((1, 3, 13, 1), (1, 9, 1, 4))]),  # 8 wide; 9: no sliding
        (1, "SAME", 1, [((1, 5, 3, 1), (5, 5, 1, 4)), ((2, 5, 6, 3), (3, 3, 3, 12))]),  # kernel 5 on 3 columns; 3 channels
        (2, "SAME", 1, [((2, 7, 9, 1), (3, 3, 1, 4)), ((1, 9, 7, 8), (3, 3, 8, 4))]),  # stride 2: no row reads
        (1, "SAME", 2, [((1, 7, 9, 1), (3, 3, 1, 4)), ((2, 8, 7, 4), (3, 3, 4, 8))]),  # dilation 2
        ([2, 1], [[2, 0], [1, 3]], 1, [((2, 6, 5, 1), (2, 3, 1, 4))]),  # stride 1 across only, explicit pads
        (1, "VALID", 1, [((1, 3, 3, 5), (1, 1, 5, 4)), ((1, 1, 1, 1), (1, 1, 1, 4))]),  # kernel 1; one pixel
    ]:
        s2, d2 = (strides,) * 2 if isinstance(strides, int) else strides, (dilations, dilations)
        rows.append(Row(
            "conv2d",
            lambda tf, x, w, s=strides, p=padding, d=dilations: tf.nn.conv2d(x, w, s, p, dilations=d),
            lambda x, w, s=s2, p=padding, d=d2: _ref_conv2d(x, w, s, p, d),
            cases, reduce_len=lambda case: math.prod(case[1][:3]), label=f"blocks,strides={strides},{padding},dilations={dilations}"))
    for strides, padding, dilations, output_shape, cases in [
        (1, "SAME", 1, (2, 5, 6, 1), [((2, 5, 6, 4), (3, 3, 1, 4))]),  # 1 input channel: padded to 4
        (1, "SAME", 1, (1, 4, 5, 3), [((1, 4, 5, 2), (3, 3, 3, 2))]),  # 3 input channels
        (1, "VALID", 1, (2, 7, 6, 8), [((2, 5, 4, 4), (3, 3, 8, 4))]),
        (1, "SAME", 2, (1, 6, 7, 4), [((1, 6, 7, 3), (3, 3, 4, 3))]),
        (1, "VALID", 1, (1, 9, 9, 1), [((1, 5, 5, 4), (5, 5, 1, 4))]),  # kernel 5
        (1, "VALID", 1, (1, 3, 3, 5), [((1, 3, 3, 4), (1, 1, 5, 4))]),  # kernel 1
        (2, "SAME", 1, (1, 7, 7, 4), [((1, 4, 4, 4), (3, 3, 4, 4))]),  # stride 2: the per-value kernel
    ]:
        rows.append(Row(
            "conv2d_transpose",
            lambda tf, dy, w, s=strides, p=padding, o=output_shape, d=dilations:
                tf.nn.conv2d_transpose(dy, w, o, s, p, dilations=d),
            lambda dy, w, s=strides, p=padding, o=output_shape, d=dilations:
                _ref_conv2d_transpose_dilated(dy, w, o, (s, s), p, (d, d)),
            cases, reduce_len=lambda case: math.prod(case[1][:2]) * case[1][3],
            label=f"as conv,strides={strides},{padding},dilations={dilations},{output_shape}"))
    for strides, padding, dilations, filter_shape, cases in [
        (1, "SAME", 1, (3, 3, 1, 4), [((3, 7, 5, 1), (3, 7, 5, 4))]),  # batch 3, 1 channel
        (2, "SAME", 1, (3, 3, 2, 8), [((2, 9, 7, 2), (2, 5, 4, 8))]),
        (1, "VALID", 2, (3, 3, 4, 4), [((1, 8, 9, 4), (1, 4, 5, 4))]),
        (2, "VALID", 1, (1, 1, 3, 4), [((2, 5, 5, 3), (2, 3, 3, 4))]),
        (1, "SAME", 1, (5, 5, 1, 4), [((1, 4, 4, 1), (1, 4, 4, 4))]),  # kernel wider than the image
        (1, "SAME", 1, (3, 3, 32, 64), [((2, 14, 14, 32), (2, 14, 14, 64))]),
    ]:
        rows.append(Row(
            "conv2d_backprop_filter",
            lambda tf, x, dy, s=strides, p=padding, d=dilations, f=filter_shape:
                tf.nn.conv2d_backprop_filter(x, f, dy, s, p, dilations=d),
            lambda x, dy, s=strides, p=padding, d=dilations, f=filter_shape:
                _ref_backprop_filter(x, dy, f, (s, s), p, (d, d)),
            cases, reduce_len=lambda case: math.prod(case[1][:3]),
            label=f"as conv,strides={strides},{padding},dilations={dilations},{filter_shape}"))
    # Depthwise with one filter per channel and channels % 4 == 0: whole texels (DEPTHWISE);
    # average pooling is that convolution, with its own gradient (a transposed one).
    for strides, padding, dilations, cases in [
        (2, "SAME", 1, [((1, 4, 4, 4), (3, 3, 4, 1)), ((2, 7, 6, 8), (3, 3, 8, 1))]),
        (1, "VALID", 2, [((1, 5, 5, 4), (2, 2, 4, 1)), ((2, 9, 8, 12), (3, 3, 12, 1))]),
    ]:
        rows.append(Row(
            "depthwise_conv2d",
            lambda tf, x, f, s=strides, p=padding, d=dilations: tf.nn.depthwise_conv2d(x, f, s, p, dilations=d),
            lambda x, f, s=strides, p=padding, d=dilations: _ref_depthwise(x, f, (s, s), p, (d, d)),
            cases, reduce_len=lambda case: math.prod(case[1][:2]), label=f"whole texels,strides={strides},{padding},dilations={dilations}"))
    for ksize, strides, padding, cases in [
        (3, 2, "SAME", [((1, 4, 4, 4),), ((2, 9, 7, 8),)]),
        (2, 1, "VALID", [((1, 3, 5, 4),), ((1, 2, 2, 1),), ((3, 6, 6, 3),)]),
    ]:
        rows.append(Row(
            "avg_pool2d", lambda tf, x, k=ksize, s=strides, p=padding: tf.nn.avg_pool2d(x, k, s, p),
            lambda x, k=ksize, s=strides, p=padding: _ref_pool(x, (k, k), (s, s), p, np.nanmean), cases,
            reduce_len=lambda case, k=ksize: k * k, label=f"own gradient,ksize={ksize},strides={strides},{padding}"))
    for size, cases in [((5, 7), [((1, 3, 4, 2),), ((2, 2, 3, 1),)]), ((2, 3), [((1, 4, 5, 3),)])]:
        rows.append(Row(
            "resize", lambda tf, x, size=size: tf.image.resize(x, size), lambda x, size=size: _ref_resize(x, size, "bilinear"),
            cases, reduce_len=lambda case: case[0][1] + case[0][2], label=f"own gradient,{size}"))
    return rows


def _ops4_array_rows():
    """concat (eight inputs a pass, whole texels where rows allow) and pad (one pass;
    neighbouring unpadded axes merged on WebGL), at texel-aligned and unaligned offsets."""
    many = lambda k: (lambda tf, x, y: tf.concat([x, y] * k, -1), lambda x, y: np.concatenate([x, y] * k, -1))  # noqa: E731
    return [
        Row("concat", *many(5), [((2, 4), (2, 8)), ((3, 5), (3, 1)), ((2, 0), (2, 3))], label="ten inputs: two passes"),
        Row("concat", *many(4), [((1, 257), (1, 3)), ((0, 4), (0, 8))], label="eight inputs: one pass"),
        Row("concat", *many(5), [((3, 0), (3, 4)), ((2, 8), (2, 0)), ((3, 12), (3, 4))],
            label="whole texels, empty inputs skipped: two passes"),
        Row("concat", lambda tf, x, y: tf.concat([y, x, y, x, y, x], 1), lambda x, y: np.concatenate([y, x, y, x, y, x], 1),
            [((5, 4), (5, 12)), ((2, 3, 4), (2, 1, 4))], label="whole texels, six inputs"),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x], 0), lambda x, y: np.concatenate([x, y, x], 0),
            [((300, 64), (260, 64))], grad=False, label="rows of 2^15 values or more: a draw per input"),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x], 1), lambda x, y: np.concatenate([x, y, x], 1),
            [((2, 20000), (2, 16000)), ((2, 0), (2, 36000))], grad=False, label="two rows by segments"),
        Row("concat", lambda tf, x, y: tf.concat([x, y], 0), lambda x, y: np.concatenate([x, y], 0),
            [((3, 4, 8), (5, 4, 8)), ((1, 3), (2, 3)), ((257,), (4,))], label="axis 0, whole texels"),
        Row("concat", lambda tf, x, y: tf.concat([x, y, x], 1), lambda x, y: np.concatenate([x, y, x], 1),
            [((2, 4, 3), (2, 2, 3)), ((2, 8, 4), (2, 4, 4))], grad=False, label="middle axis"),
        Row("pad", lambda tf, x: tf.pad(x, [[2, 2], [3, 3]]), lambda x: np.pad(x, [[2, 2], [3, 3]]),
            [((4, 8),), ((3, 257),), ((1, 1),), ((0, 5),), ((5, 0),)], label="both axes"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 0], [1, 1]], constant_values=7.0),
            lambda x: np.pad(x, [[1, 0], [1, 1]], constant_values=7.0), [((4, 1),), ((3, 2),), ((2, 6),)],
            label="rows of 3, 4 and 8 values"),
        Row("pad", lambda tf, x: tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]),
            lambda x: np.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), [((2, 3, 3, 4),), ((2, 5, 7, 3),)], label="images"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 0], [0, 0], [0, 0], [0, 2], [0, 0], [3, 1]], constant_values=-2.5),
            lambda x: np.pad(x, [[1, 0], [0, 0], [0, 0], [0, 2], [0, 0], [3, 1]], constant_values=-2.5),
            [((1, 2, 3, 2, 1, 2),)], label="rank 6, merged axes"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 2]], constant_values=tf.constant(4, tf.int32)),
            lambda x: np.pad(x, [[1, 2]], constant_values=4), [((5,),)], dtype="int32", grad=False,
            label="int32, tensor constant"),
        Row("pad", lambda tf, x: tf.pad(x, [[1, 1], [2, 0]], constant_values=np.nan),
            lambda x: np.pad(x, [[1, 1], [2, 0]], constant_values=np.nan), [((2, 3),)], grad=False, label="NaN fill"),
    ]


def _ops4_strided_slice_rows():
    """tf.strided_slice with TF's masks; the reference is the NumPy index each mask spells."""
    def row(label, args, index, cases, **kw):
        begin, end, strides, masks = args
        return Row("strided_slice", lambda tf, x: tf.strided_slice(x, begin, end, strides, **masks),
                   lambda x: x[index], cases, label=f"masks:{label}", **kw)
    s = slice
    return [
        row("begin_mask", ([5, 1], [2, 3], [1, 1], {"begin_mask": 1}), (s(None, 2), s(1, 3)), [((4, 5),), ((2, 3),), ((0, 4),)]),
        row("end_mask", ([1, 1], [0, 2], [2, 1], {"end_mask": 1}), (s(1, None, 2), s(1, 2)), [((5, 3),), ((1, 3),)]),
        row("both, negative strides", ([0, 0], [0, 0], [-1, -2], {"begin_mask": 3, "end_mask": 3}),
            (s(None, None, -1), s(None, None, -2)), [((3, 5),), ((1, 257),)]),
        row("ellipsis", ([0, 1], [0, 3], [1, 1], {"ellipsis_mask": 1}), (Ellipsis, s(1, 3)), [((2, 3, 4),), ((4,),)]),
        row("ellipsis between", ([1, 0, 2], [2, 0, 0], [1, 1, -1], {"ellipsis_mask": 2, "end_mask": 4}),
            (s(1, 2), Ellipsis, s(2, None, -1)), [((2, 3, 4, 5),), ((3, 4),)]),
        row("new_axis", ([0, 0, 1], [0, 0, 3], [1, 1, 1], {"new_axis_mask": 3}), (None, None, s(1, 3)), [((4,),), ((3, 2),)]),
        row("shrink", ([1, -1], [2, 0], [1, 1], {"shrink_axis_mask": 3}), (1, -1), [((2, 3),), ((4, 5, 2),)]),
        row("shrink, new axis, ellipsis", ([2, 0, 0, 1], [0, 0, 0, 4], [1, 1, 1, 2],
                                          {"shrink_axis_mask": 1, "new_axis_mask": 2, "ellipsis_mask": 4}),
            (2, None, Ellipsis, s(1, 4, 2)), [((3, 2, 5),), ((3, 4),)]),
        row("mask bits past the entries", ([1], [2], [1], {"begin_mask": 6, "end_mask": 8}), (s(1, 2),), [((3, 2),)]),
    ]


def _ops4_trig_rows():
    """sin/cos of arguments up to 1e6 (WebGL's Cody-Waite reduction holds to about 1.6e6):
    inputs drawn in [-1e4, 1e4], scaled by 100 in float32 on both sides."""
    def scaled(x):
        return (x.astype(np.float32) * np.float32(100.0)).astype(np.float64)
    return [
        Row("sin", lambda tf, x: tf.sin(x * 100.0), lambda x: np.sin(scaled(x)), [((257,),)], domain="large",
            grad=False, label="up to 1e6"),
        Row("cos", lambda tf, x: tf.cos(x * 100.0), lambda x: np.cos(scaled(x)), [((257,),)], domain="large",
            grad=False, label="up to 1e6"),
        Row("sin", lambda tf, x: tf.sin(x * 0.001), lambda x: np.sin((x.astype(np.float32) * np.float32(0.001)).astype(np.float64)),
            [((257,),)], domain="large", grad=False, label="up to 10"),
    ]


def _ops4_rows():
    return [*_ops4_conv_rows(), *_ops4_array_rows(), *_ops4_strided_slice_rows(), *_ops4_trig_rows()]


ROWS += _ops4_rows()
