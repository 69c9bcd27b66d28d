"""Graph mode on WebGL in the page: fused chains are one draw, a run is one call into runtime.js,
a traced training step leaves GPU memory flat, and Keras trains the same in both modes."""
import numpy as np
import pytest

pytestmark = pytest.mark.browser

SETUP = """
import numpy as np
import webflow as tf
from webflow import backends

tf.config.set_backend("webgl")
_runtime = backends.get_backend().runtime

def _stats():
    return _runtime.stats().to_py()
"""


@pytest.fixture(scope="module")
def py(run_py):
    run_py(SETUP)
    return run_py


def test_a_chain_of_six_elementwise_ops_is_one_draw(py):
    result = py("""
def _chain(x, y):
    return tf.sigmoid(tf.exp(-tf.abs(x * y + 1.0)) - y) * 3.0

_x = tf.constant(np.linspace(-2, 2, 1000, dtype=np.float32).reshape(250, 4))
_y = tf.constant(np.array([0.5, -1.0, 2.0, 0.0], np.float32))
_f = tf.function(_chain)
_f(_x, _y)
_before = _stats()
_out = _f(_x, _y)
_after = _stats()
{"draws": _after["draws"] - _before["draws"], "uploads": _after["uploads"] - _before["uploads"],
 "plan_draws": _f.get_concrete_function(_x, _y).plan.kernel_calls,
 "error": float(np.abs(_out.numpy() - _chain(_x, _y).numpy()).max())}
""")
    assert result["draws"] == 1 and result["plan_draws"] == 1 and result["uploads"] == 0
    assert result["error"] < 1e-5


def test_a_traced_training_step_run_1000_times_leaves_gpu_memory_flat(py):
    result = py("""
_model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, "relu"),
                              tf.keras.layers.Dropout(0.1), tf.keras.layers.Dense(3)])
_opt = tf.keras.optimizers.Adam(0.01)
_loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

@tf.function
def _step(x, y):
    with tf.GradientTape() as tape:
        loss = _loss(y, _model(x, training=True))
    grads = tape.gradient(loss, _model.trainable_weights)
    _opt.apply_gradients(zip(grads, _model.trainable_weights))
    return loss

_rng = np.random.default_rng(0)
_xs = _rng.normal(size=(16, 8)).astype(np.float32)
_ys = (_xs[:, 0] > 0).astype(np.int32) + (_xs[:, 1] > 0).astype(np.int32)
_first = float(_step(_xs, _ys))
for _ in range(9):
    _step(_xs, _ys)
_after10 = _stats()
for _ in range(990):
    _step(_xs, _ys)
_after1000 = _stats()
_last = _step(_xs, _ys)
{"first": _first, "last": float(_last), "traces": _step.experimental_get_tracing_count(),
 "live": [_after10["liveTensors"], _after1000["liveTensors"]],
 "bytes": [_after10["liveBytes"], _after1000["liveBytes"]],
 "allocated": [_after10["texturesAllocated"], _after1000["texturesAllocated"]],
 "iterations": _opt.iterations}
""")
    assert result["traces"] == 1 and result["iterations"] == 1001
    assert result["live"][0] == result["live"][1] and result["bytes"][0] == result["bytes"][1], result
    assert result["allocated"][1] - result["allocated"][0] <= 2, result  # the pool serves every step
    assert result["last"] < result["first"] / 2, result


def test_a_traced_call_frees_the_handles_it_lets_go_of_in_one_call(py):
    result = py("""
import gc
from webflow.backends import webgl as _webgl

_backend = backends.get_backend()
_v = tf.Variable(np.ones((4, 4), np.float32))
_w = tf.Variable(np.zeros(4, np.float32))

@tf.function
def _update(x):
    _v.assign(_v * x)
    _w.assign_add(tf.reduce_sum(x, 0))
    return tf.reduce_sum(_v)

_half = np.full((4, 4), 0.5, np.float32)
_update(_half)
_singles, _batches = [], []
_free, _staged = _webgl._free, _backend._free_staged
_webgl._free = lambda runtime, id: (_singles.append(id), _free(runtime, id))
_backend._free_staged = lambda n: (_batches.append(n), _staged(n))
gc.collect()  # earlier tests' cycles, so that only this call's handles go (the collector waits)
gc.disable()
try:
    _before = _stats()["liveTensors"]
    _total = _update(_half)
    _after_call = _stats()["liveTensors"]
    _traced = {"singles": len(_singles), "batches": list(_batches), "live": _after_call - _before,
               "out": float(_total), "v": _v.numpy().tolist(), "w": _w.numpy().tolist()}
    _batches.clear()
    _before = _stats()["liveTensors"]
    try:
        with _backend.batched_frees():
            _t = tf.exp(tf.constant(np.ones(8, np.float32)))
            del _t
            raise ValueError("stop")
    except ValueError:
        pass
    _failed = {"singles": len(_singles), "batches": list(_batches), "live": _stats()["liveTensors"] - _before}
finally:
    gc.enable()
    _webgl._free, _backend._free_staged = _free, _staged
{"traced": _traced, "failed": _failed}
""")
    traced, failed = result["traced"], result["failed"]
    # Both variables' old values: freed by one call, none on its own (runPlan frees the argument it uploaded).
    assert traced["singles"] == 0 and traced["batches"] == [2], traced
    assert traced["live"] == 1, traced  # the returned sum
    assert traced["out"] == 4.0 and traced["v"] == [[0.25] * 4] * 4 and traced["w"] == [4.0] * 4, traced
    # An error inside the block still frees what was let go of (the constant and the exp).
    assert failed == {"singles": 0, "batches": [2], "live": 0}, failed


def test_a_run_uploads_its_array_arguments_itself_from_the_staging_buffer(py):
    result = py("""
from webflow.backends.webgl import STAGING_VALUES

_backend = backends.get_backend()
_calls = []
_upload = _backend._upload_staged
_backend._upload_staged = lambda n: (_calls.append(n), _upload(n))[1]

@tf.function
def _mixed(a, flags, ids, big, same):
    return a * 2.0 + tf.cast(flags, tf.float32), tf.reduce_sum(tf.cast(ids, tf.float32)), tf.reduce_sum(big), same, a

_rng = np.random.default_rng(3)
_a = _rng.normal(size=(5, 3)).astype(np.float32)
_flags = _rng.normal(size=(5, 3)) > 0
_ids = np.arange(7, dtype=np.int32)
_big = np.ones(STAGING_VALUES - 20, np.float32)  # does not fit after the others: uploaded on its own
_same = tf.constant([1.0, 2.0])
try:
    _mixed(_a, _flags, _ids, _big, _same)
    _calls.clear()
    _before = _stats()
    _my, _ms, _mb, _back, _a_back = _mixed(_a, _flags, _ids, _big, _same)
    _after = _stats()
    _out = {"calls": list(_calls), "uploads": _after["uploads"] - _before["uploads"],
            "live": _after["liveTensors"] - _before["liveTensors"],
            "y": float(np.abs(_my.numpy() - (_a * 2 + _flags)).max()), "s": float(_ms), "b": float(_mb),
            "same": _back.numpy().tolist(), "a_back": float(np.abs(_a_back.numpy() - _a).max())}
finally:
    _backend._upload_staged = _upload
_out
""")
    # flags and ids go up in runPlan's call; big (past what is left of the buffer) and a (handed
    # back, so Python needs its handle) are uploaded on their own.
    assert sorted(result["calls"]) == [15, (1 << 18) - 20], result
    assert result["uploads"] == 4, result
    assert result["live"] == 4, result  # three results, and a's handle (the fifth is a view of `same`)
    assert result["y"] == 0 and result["s"] == 21.0 and result["b"] == (1 << 18) - 20, result
    assert result["same"] == [1.0, 2.0] and result["a_back"] == 0, result


def test_a_runs_one_value_inputs_are_uniforms_where_a_fused_kernel_reads_them(py):
    # A one-value argument is not uploaded: fused kernels read it as a uniform (elementwise.glsl
    # mode 13); a kernel that needs it as a texture (concat) gets it uploaded then, once.
    result = py("""
@tf.function
def _scaled(x, s, t):
    return x * s + t, tf.concat([s, t], 0) * 2.0

_x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
_scaled(_x, np.ones(1, np.float32), np.ones(1, np.float32))
import gc
gc.collect()  # earlier tests' garbage is freed now, not counted below
_start = _stats()["liveTensors"]
_out = []
for _s, _t in ((0.5, -2.0), (np.nan, np.inf), (-0.0, 3.0)):
    _args = (_x, np.array([_s], np.float32), np.array([_t], np.float32))
    _before = _stats()
    _sy, _sc = _scaled(*_args)
    _after = _stats()
    with np.errstate(invalid="ignore"):
        _want = _x * np.float32(_s) + np.float32(_t)
    _out.append({"uploads": _after["uploads"] - _before["uploads"],
                 "y": bool(np.array_equal(_sy.numpy(), _want, equal_nan=True)),
                 "c": bool(np.array_equal(_sc.numpy(), np.array([_s, _t], np.float32) * 2, equal_nan=True)),
                 "signs": np.signbit(_sc.numpy()).tolist()})
del _sy, _sc
gc.collect()
{"runs": _out, "left": _stats()["liveTensors"] - _start}
""")
    for r in result["runs"]:
        # x, then s and t for the concat (uploaded where it asks for them)
        assert r["uploads"] == 3 and r["y"] and r["c"], result
    assert result["runs"][2]["signs"] == [True, False], result  # -0.0 stays -0.0
    assert result["left"] == 0, result  # every texture a run made for s and t is freed


def test_a_run_that_fails_frees_the_arguments_it_uploaded(py):
    result = py("""
_broken = tf.Variable(np.ones(4, np.float32))

@tf.function
def _scaled(x):
    return x * _broken

_scaled(np.ones(4, np.float32))
backends.get_backend().runtime.free(_broken._value._handle.id)  # its texture freed under it
_before = _stats()["liveTensors"]
try:
    _scaled(np.ones(4, np.float32))
    _error = None
except Exception as error:
    _error = str(error)
{"error": _error, "live": _stats()["liveTensors"] - _before}
""")
    assert "unknown or freed tensor handle" in result["error"] and result["live"] == 0, result


def test_small_results_read_right_away_are_copied_where_made_until_one_is_let_go_unread(py):
    result = py("""
_cw = tf.Variable(np.full((64, 64), 0.5, np.float32))

@tf.function
def _step_like(x):
    loss = tf.reduce_mean(tf.matmul(x, _cw))  # made early; the update's work comes after it
    _cw.assign(_cw - 0.01 * tf.matmul(x, x, transpose_a=True))
    return loss, tf.reduce_sum(x, 0)[:5], x * 2.0  # 1, 5 (part of a texel) and 4096 values

_x = np.random.default_rng(5).normal(size=(64, 64)).astype(np.float32)
_watched = _stats()["copyWatched"]  # earlier tests' results still held
_step_like(_x)

def _run(read):
    before = _stats()["copies"]
    w = _cw.numpy()
    loss, part, double = _step_like(_x)
    values = [loss.numpy(), part.numpy(), double.numpy()] if read == "all" else [loss.numpy()] if read == "loss" else []
    del loss, part, double
    return _stats()["copies"] - before, w, values

_out = {}
for _name, _read in [("first", "all"), ("again", "all"), ("unread", None), ("after_unread", "loss"),
                     ("after_loss_read", "loss"), ("after_all_read", "all"), ("last", "all")]:
    _copies, _w, _values = _run(_read)
    _out[_name] = _copies
    if _name == "again":
        _out["errors"] = [float(np.abs(_values[0] - (_x @ _w).mean())), float(np.abs(_values[1] - _x.sum(0)[:5]).max()),
                          float(np.abs(_values[2] - 2 * _x).max())]
_out["watched"] = _stats()["copyWatched"] - _watched
_out
""")
    # A run copies each result whose last one its caller read: none after the tracing call's
    # went unread, then all three once read, none after a run read none, and the loss alone
    # once it is read again.
    assert result["first"] == 0 and result["again"] == 3 and result["unread"] == 3, result
    assert result["after_unread"] == 0 and result["after_loss_read"] == 1, result
    assert result["after_all_read"] == 1 and result["last"] == 3, result
    assert result["errors"][0] < 1e-4 and result["errors"][1] < 1e-4 and result["errors"][2] == 0, result
    assert result["watched"] == 0, result  # every result let go of: no copy or buffer left behind


def test_a_traced_mean_is_one_reduce_that_divides_in_its_last_pass(py):
    result = py("""
_rng = np.random.default_rng(11)
_shapes = {"all": (1000,), "columns": (300, 8), "odd_columns": (50, 3), "rows": (7, 260)}
_xs = {k: _rng.normal(size=s).astype(np.float32) * 10 for k, s in _shapes.items()}

@tf.function
def _means(a, b, c, d):
    return tf.reduce_mean(a), tf.reduce_mean(b, axis=0), tf.reduce_mean(c, axis=0), tf.reduce_mean(d, axis=1)

_got = _means(*_xs.values())
_plan = _means.get_concrete_function(*_xs.values()).plan
_before = _stats()["draws"]
_means(*_xs.values())
_draws = _stats()["draws"] - _before
_want = [_xs["all"].mean(), _xs["columns"].mean(0), _xs["odd_columns"].mean(0), _xs["rows"].mean(1)]
{"calls": _plan.kernel_calls, "draws": _draws,
 "errors": [float(np.abs(g.numpy() - w).max() / np.abs(w).max()) for g, w in zip(_got, _want)]}
""")
    # Four reduces, no division pass. Rows of 1000 and 260 values are one pass that adds chunks of
    # 128 and then the chunks (reduce.glsl's TWO_LEVEL); 300 rows of columns take two passes (the
    # last divides).
    assert result["calls"] == 4 and result["draws"] == 5, result
    assert max(result["errors"]) < 1e-5, result


def test_softmaxes_and_short_sums_are_worked_out_where_their_kernel_reads_them(py):
    # Each function's softmax or sum is read by one elementwise kernel of its shape, so that kernel
    # works it out itself (elementwise.glsl modes 10-12): one draw in all. Rows of 4, 10 (rows end
    # mid-texel) and 64 values; a row with a NaN, one with +inf and one of only -inf give NaNs, as
    # NumPy does; sums over columns (inner % 4 == 0 or not), of rows and over two axes, with a mean.
    result = py("""
_rng = np.random.default_rng(5)
def _logits(rows, length):
    x = (_rng.normal(size=(rows, length)) * 5).astype(np.float32)
    if length == 10:
        x[3, 2], x[5, 7], x[6] = np.nan, np.inf, -np.inf
    return x

_cases = [  # (name, f(x, y), x, y's shape: the result's)
    ("log_softmax 10", lambda x, y: tf.nn.log_softmax(x) * y - 1.0, _logits(37, 10), (37, 10)),
    ("softmax 10", lambda x, y: tf.nn.softmax(x) * y, _logits(37, 10), (37, 10)),
    ("log_softmax 4", lambda x, y: tf.nn.log_softmax(x) + y, _logits(9, 4), (9, 4)),
    ("softmax 64", lambda x, y: tf.nn.softmax(x) - y, _logits(6, 64), (6, 64)),
    ("log_softmax and x", lambda x, y: tf.nn.log_softmax(x) * x + y, _logits(8, 12), (8, 12)),  # x read both ways
    ("column sums", lambda x, y: tf.reduce_sum(x, axis=0) * y, _logits(200, 12), (12,)),
    ("odd column sums", lambda x, y: tf.sqrt(tf.abs(tf.reduce_sum(x, axis=0))) + y, _logits(129, 3), (3,)),
    ("row means", lambda x, y: tf.reduce_mean(x, axis=1) - y, _logits(33, 40), (33,)),
    ("middle sums", lambda x, y: tf.reduce_sum(tf.reshape(x, (4, 5, 8)), axis=1) * 2.0 + y, _logits(20, 8), (4, 8)),
]
_out = []
for _name, _f, _x, _shape in _cases:
    _y = _rng.normal(size=_shape).astype(np.float32)
    _args = [tf.constant(_x), tf.constant(_y)]
    _g = tf.function(_f)
    _got = _g(*_args).numpy()
    _before = _stats()
    _g(*_args)
    _draws = _stats()["draws"] - _before["draws"]
    tf.config.set_backend("numpy")
    _want = _f(tf.constant(_x), tf.constant(_y)).numpy()
    tf.config.set_backend("webgl")
    _graph = _g.get_concrete_function(*_args).graph
    _finite = np.isfinite(_want)
    _out.append({"name": _name, "draws": _draws, "ops": [n.op for n in _graph.nodes if n.inputs and n.op != "reshape"],
                 "nan_same": bool(np.array_equal(np.isnan(_got), np.isnan(_want))),
                 "error": float(np.abs(_got[_finite] - _want[_finite]).max() / (np.abs(_want[_finite]).max() + 1e-6))})
_out
""")
    for r in result:
        assert r["ops"] == ["fused"] and r["draws"] == 1, r
        assert r["nan_same"] and r["error"] < 1e-5, r


def test_keras_fit_on_webgl_is_the_same_in_graph_and_eager_mode_with_fewer_crossings(py):
    result = py("""
def _fit(eager):
    tf.random.set_seed(0)
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    x = x[:512].reshape(-1, 784).astype("float32") / 255.0
    model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(64, "relu"),
                                 tf.keras.layers.Dense(10)])
    model.compile(tf.keras.optimizers.Adam(0.003),
                  tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"],
                  run_eagerly=eager)
    model.fit(x[:128], y[:128], batch_size=128, epochs=1, verbose=0, shuffle=False)  # trace, compile
    before = _stats()
    history = model.fit(x, y[:512], batch_size=128, epochs=2, verbose=0, shuffle=False)
    after = _stats()
    steps = 8
    out = {"history": history.history, "draws": (after["draws"] - before["draws"]) / steps,
           "weights": [w.numpy().tolist() for w in model.weights[-1:]]}
    if not eager:
        plan = next(iter(model._step_function("train")._concrete.values())).plan
        out["plan_draws"], out["uploads"] = plan.kernel_calls, plan.uploads_per_run
    return out

{"eager": _fit(True), "graph": _fit(False)}
""")
    eager, graph = result["eager"], result["graph"]
    for key in ("loss", "accuracy"):
        assert graph["history"][key] == pytest.approx(eager["history"][key], rel=1e-4)
    np.testing.assert_allclose(graph["weights"], eager["weights"], rtol=1e-3, atol=1e-5)
    # Fewer draws: fused chains, no input gradient (dead code), folded constants (measured: 63 vs 80).
    assert graph["draws"] < eager["draws"], result
    # Inputs runPlan's one call sends: x, y and Adam's step size (a uniform of its kernels); its
    # learning rate, a result of the same host call that no kernel reads, is not sent.
    assert graph["uploads"] == 3, result


def test_products_and_several_results_fuse_into_one_pass_equal_to_numpy(py):
    # A dense layer and an Adam-like update: each product is read by one elementwise kernel, which
    # reads it straight from matmul's blocks (N % 4 == 0) or after an unpack (N = 10, 3); the two
    # moments a run hands back are results of their reader's pass.
    result = py("""
_rng = np.random.default_rng(3)
def _update(x, w, b, g, m, v):
    h = tf.nn.relu(tf.matmul(x, w) + b)
    grad = tf.matmul(x, g, transpose_a=True)
    m2 = m + (grad - m) * 0.1
    v2 = v + (grad * grad - v) * 0.001
    return h, m2, v2, w - 0.01 * m2 / (tf.sqrt(v2) + 1e-7)

_out = []
for _n in (128, 10, 3, 12):
    _m, _k = (8, 13) if _n == 12 else (64, 96)  # 12: products under 32^3 multiply-adds
    _args = [_rng.standard_normal(s).astype(np.float32) for s in
             ((_m, _k), (_k, _n), (_n,), (_m, _n), (_k, _n), (_k, _n))]
    _args[5] = np.abs(_args[5])
    _f = tf.function(_update)
    _graph = _f.get_concrete_function(*[tf.constant(a) for a in _args]).graph
    _got = [t.numpy() for t in _f(*[tf.constant(a) for a in _args])]
    tf.config.set_backend("numpy")
    _want = [t.numpy() for t in _update(*[tf.constant(a) for a in _args])]
    tf.config.set_backend("webgl")
    _before = _stats()
    _f(*[tf.constant(a) for a in _args])
    _after = _stats()
    _out.append({"n": _n, "ops": [n.op for n in _graph.nodes if n.inputs], "matmuls": _graph.count("matmul"),
                "outputs": [len(n.attrs.get("outputs", (0,))) for n in _graph.nodes if n.op == "fused"],
                "draws": _after["draws"] - _before["draws"],
                "error": max(float(np.abs(a - b).max() / (np.abs(b).max() + 1e-6)) for a, b in zip(_got, _want))})
# dy @ w^T with one column each (K = 1): w^T's values are w's, so it is computed in its reader's pass too.
_dy, _w1 = _rng.standard_normal((5, 1)).astype(np.float32), _rng.standard_normal((8, 1)).astype(np.float32)
_g = tf.function(lambda dy, w: tf.nn.relu(tf.matmul(dy, w, transpose_b=True)) * 2.0)
_g(tf.constant(_dy), tf.constant(_w1))
_before = _stats()
_got = _g(tf.constant(_dy), tf.constant(_w1)).numpy()
_out.append({"draws": _stats()["draws"] - _before["draws"], "error": float(np.abs(_got - np.maximum(_dy @ _w1.T, 0) * 2).max())})
_out
""")
    transposed = result.pop()
    for r in result:
        assert r["ops"] == ["fused", "fused", "item", "item", "item"] and r["matmuls"] == 2, r
        assert sorted(r["outputs"]) == [1, 3]
        assert r["error"] < 1e-5, r
    # 128 columns: each product is one matmul draw and one fused draw (no unpack pass); so are 10
    # columns (rows end mid-texel: the fused pass reads the blocks a value at a time); 3 columns
    # (products under 32^3 multiply-adds, a value at a time) and 12 columns of small products (a
    # texel of B a step): each computed in its reader's pass (small_product.glsl).
    assert [r["draws"] for r in result] == [4, 4, 2, 2], result
    assert transposed["draws"] == 1 and transposed["error"] < 1e-6, transposed
