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
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


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
    Row("softmax", lambda tf, x: tf.nn.softmax(x), _softmax, [((3,),), ((2, 5),), ((4, 257),)]),
    Row("softmax", lambda tf, x: tf.nn.softmax(x, axis=0), lambda x: _softmax(x, 0), [((3, 2),)], label="axis=0"),
    Row("log_softmax", lambda tf, x: tf.nn.log_softmax(x), lambda x: np.log(_softmax(x)), [((3,),), ((2, 5),)]),
    Row("identity", lambda tf, x: tf.identity(x), lambda x: x, ODD),
    Row("stop_gradient", lambda tf, x: tf.stop_gradient(x) * x, lambda x: x * x, GRAD_ODD, grad=False),
    Row("fill", lambda tf: tf.fill([2, 3], 1.5), lambda: np.full((2, 3), 1.5), [()], grad=False),
    Row("zeros", lambda tf: tf.zeros([3, 0]), lambda: np.zeros((3, 0)), [()], grad=False),
    Row("ones", lambda tf: tf.ones([257], tf.int32), lambda: np.ones(257, np.int32), [()], grad=False),
    Row("zeros_like", lambda tf, x: tf.zeros_like(x), np.zeros_like, ODD, grad=False),
    Row("ones_like", lambda tf, x: tf.ones_like(x), np.ones_like, ODD, grad=False),
    *_array_rows(),
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
