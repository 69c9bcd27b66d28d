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
    domain: str = "any"  # any | positive | away_from_zero | bool
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
            (shape(33, 65, ta), shape(65, 17, tb)),
            ((2,) + shape(3, 4, ta), shape(4, 2, tb)),  # batch broadcast (b has none)
            ((2, 1) + shape(2, 3, ta), (3,) + shape(3, 2, tb)),  # batch dims broadcast both ways
            ((2, 1) + shape(20, 41, ta), (3,) + shape(41, 50, tb)),  # large enough for WebGL's packed kernel
            ((3,) + shape(37, 33, ta), shape(33, 35, tb)),  # packed, M, N, K all odd, batch broadcast
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
    Row("cast", lambda tf, x: tf.cast(x, tf.int32), lambda x: np.trunc(x), ODD, grad=False, label="to int32"),
    Row("cast", lambda tf, x: tf.cast(x, tf.bool), lambda x: x != 0, ODD, grad=False, label="to bool"),
    Row("cast", lambda tf, x: tf.cast(x, tf.float32), lambda x: x, ODD, dtype="int32", grad=False, label="int32 to float32"),
    *_matmuls(),
    *_reductions(),
    Row("reshape", lambda tf, x: tf.reshape(x, [-1]), lambda x: x.reshape(-1), [((2, 3),), ((),), ((0, 3),)]),
    Row("reshape", lambda tf, x: tf.reshape(x, [3, 1, -1]), lambda x: x.reshape(3, 1, -1), [((2, 3, 2),)], label="infer"),
    Row("transpose", lambda tf, x: tf.transpose(x), lambda x: x.T, [((2, 3),), ((1, 257),), ((2, 3, 4),), ((0, 2),)]),
    Row("transpose", lambda tf, x: tf.transpose(x, [1, 2, 0]), lambda x: np.transpose(x, [1, 2, 0]), [((2, 3, 4),)], label="perm"),
    Row("broadcast_to", lambda tf, x: tf.broadcast_to(x, [2, 3, 4]), lambda x: np.broadcast_to(x, (2, 3, 4)),
        [((4,),), ((3, 1),), ((),)]),
    *_softmax_rows("softmax", _softmax),
    *_softmax_rows("log_softmax", _log_softmax),
    Row("identity", lambda tf, x: tf.identity(x), lambda x: x, ODD),
    Row("stop_gradient", lambda tf, x: tf.stop_gradient(x) * x, lambda x: x * x, GRAD_ODD, grad=False),
    Row("fill", lambda tf: tf.fill([2, 3], 1.5), lambda: np.full((2, 3), 1.5), [()], grad=False),
    Row("zeros", lambda tf: tf.zeros([3, 0]), lambda: np.zeros((3, 0)), [()], grad=False),
    Row("ones", lambda tf: tf.ones([257], tf.int32), lambda: np.ones(257, np.int32), [()], grad=False),
    Row("zeros_like", lambda tf, x: tf.zeros_like(x), np.zeros_like, ODD, grad=False),
    Row("ones_like", lambda tf, x: tf.ones_like(x), np.ones_like, ODD, grad=False),
]

# Special values: NaN and infinities through each elementwise op.
SPECIAL_OPS = {
    "negative": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "tanh": np.tanh, "sigmoid": _sigmoid, "sign": np.sign, "square": np.square,
}
SPECIAL_BINARY = {"add": np.add, "multiply": np.multiply, "divide": np.divide, "maximum": np.maximum, "minimum": np.minimum}


def inputs_for(row, case, seed):
    """Float/int/bool arrays for one case of a row (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in case:
        if row.dtype == "int32":
            arrays.append(np.asarray(rng.integers(-5, 6, size=shape), dtype=np.int32))
            continue
        x = rng.uniform(-2, 2, size=shape)
        if row.domain == "positive":
            x = rng.uniform(0.2, 3, size=shape)
        elif row.domain == "away_from_zero":
            x = np.sign(x) * (np.abs(x) + 0.2) + (x == 0)
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


def check_values(tf, row, case, seed=0):
    """Assert webflow's result equals the NumPy reference for one case."""
    arrays = inputs_for(row, case, seed)
    out = row.fn(tf, *[tf.constant(a) for a in arrays])
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
    x = SPECIAL
    with np.errstate(all="ignore"):
        if op in SPECIAL_OPS:
            got, expected = getattr(tf, op)(tf.constant(x)).numpy(), SPECIAL_OPS[op](x)
        else:
            y = np.roll(SPECIAL, 3)
            got, expected = getattr(tf, op)(tf.constant(x), tf.constant(y)).numpy(), SPECIAL_BINARY[op](x, y)
    np.testing.assert_allclose(got, expected.astype(np.float32), rtol=1e-5, equal_nan=True, err_msg=op)


def check_gradient(tf, row, case, seed=0, eps=1e-3):
    """GradientTape's gradient of sum(w * fn(x...)) against central differences of the reference."""
    arrays = inputs_for(row, case, seed)
    with np.errstate(all="ignore"):
        out_shape = np.shape(row.ref(*[_as64(a) for a in arrays]))
    w = np.random.default_rng(seed + 1).uniform(0.5, 1.5, size=out_shape)
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        loss = tf.reduce_sum(row.fn(tf, *xs) * tf.constant(w.astype(np.float32)))
    grads = tape.gradient(loss, xs)

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
