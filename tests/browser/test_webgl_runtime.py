"""The WebGL runtime beyond op values: memory, compiles, async reads, limits, failures."""

import pytest


@pytest.fixture(scope="module")
def gl(run_py):
    run_py("import numpy as np, webflow as tf\ntf.config.set_backend('webgl')\nfrom webflow import backends\n_gl = backends.get_backend()")
    return run_py


def test_page_states_backend_and_renderer(browser_page):
    page = browser_page
    page.wait_for_selector("#status[data-state=done]", timeout=120_000)
    backend = page.locator("#backend")
    assert backend.get_attribute("data-backend") == "webgl"
    assert "SwiftShader" in backend.text_content() and "shader programs compiled" in backend.text_content()


def test_training_1000_steps_keeps_gpu_memory_flat(gl):
    before, after, programs = gl("""
x = tf.random.uniform([100], -2.0, 2.0, seed=1)
y = 2.0 * x - 1.0 + tf.random.normal([100], stddev=0.1, seed=2)
a, b = tf.Variable(0.0), tf.Variable(0.0)
def step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(a * x + b - y))
    ga, gb = tape.gradient(loss, [a, b])
    a.assign_sub(0.1 * ga)
    b.assign_sub(0.1 * gb)
# NOTE: with the cyclic collector off, only reference counting frees textures:
# flat memory then means each step frees everything it made, right away.
import gc
gc.collect()
gc.disable()
try:
    for _ in range(100):
        step()
    m0 = tf.memory()
    for _ in range(900):
        step()
    m1 = tf.memory()
finally:
    gc.enable()
[[m0['liveTextures'], m0['liveBytes']], [m1['liveTextures'], m1['liveBytes']], m1['programsCompiled'] - m0['programsCompiled']]
""")
    assert before == after, f"live textures/bytes grew from {before} to {after}"
    assert programs == 0
    assert gl("abs(float(a) - 2.0) < 0.05 and abs(float(b) + 1.0) < 0.05")


def test_new_batch_size_compiles_no_new_programs(gl):
    compiled = gl("""
def forward(batch):
    x = tf.random.normal([batch, 13], seed=batch)
    w = tf.ones([13, 8])
    return tf.reduce_mean(tf.nn.softmax(tf.nn.relu(tf.matmul(x, w) + 1.0)), axis=0).numpy()
forward(32)
c0 = tf.memory()['programsCompiled']
forward(57); forward(128); forward(1)
tf.memory()['programsCompiled'] - c0
""")
    assert compiled == 0


def test_async_data_matches_numpy(gl):
    values = gl("""
t = tf.constant([[1.5, -2.0], [3.0, 4.25]]) * 2.0
v = await t.data()
[v.tolist(), (await tf.constant([1, 2, 3]).data()).tolist(), t.numpy().tolist()]
""")
    assert values == [[[3.0, -4.0], [6.0, 8.5]], [1, 2, 3], [[3.0, -4.0], [6.0, 8.5]]]


def test_compile_error_names_kernel_and_shows_lines(gl):
    message = gl("""
try:
    _gl._run("op_no_such_op(x0)", [tf.constant([1.0])._handle], (1,))
    msg = ''
except Exception as e:
    msg = str(e)
msg
""")
    assert "kernel 'elementwise' failed to compile" in message
    assert "op_no_such_op" in message and " | " in message  # numbered source lines around the error


def test_long_narrow_tensors_fold_into_squarish_textures(gl):
    total, tail = gl("""
table = tf.ones([35597, 64])  # tfjs#920: one axis beyond MAX_TEXTURE_SIZE
long = tf.constant(np.arange(20000, dtype=np.float32))
[float(tf.reduce_sum(table)), (long * 2.0).numpy()[-3:].tolist()]
""")
    assert total == 35597 * 64
    assert tail == [39994.0, 39996.0, 39998.0]


def test_tensor_beyond_the_texture_limit_is_refused_before_gpu_work(gl):
    message = gl("""
try:
    tf.zeros([_gl.max_values + 1])
    msg = ''
except ValueError as e:
    msg = str(e)
msg
""")
    assert "webgl: a tensor of shape" in message and "MAX_TEXTURE_SIZE" in message


def test_lost_context_raises_instead_of_returning_garbage(gl):
    message = gl("""
from pyodide.code import run_js
from webflow.backends.webgl import WebGLBackend
rt2 = await run_js("import(new URL('webgl_kernels/runtime.js', location.href).href).then((m) => m.createRuntime())")
b2 = WebGLBackend(rt2)
h = b2.from_numpy(np.ones(3, np.float32))
ok = b2.to_numpy(b2.add(h, h), tf.float32).tolist()
rt2.gl.getExtension('WEBGL_lose_context').loseContext()
try:
    b2.add(h, h)
    msg = ''
except Exception as e:
    msg = str(e)
[ok, msg]
""")
    assert message[0] == [2.0, 2.0, 2.0]
    assert "WebGL context was lost" in message[1]


def test_transfers_through_the_staging_buffer_survive_wasm_memory_growth(gl):
    values = gl("""
from webflow.backends.webgl import STAGING_VALUES
rng = np.random.default_rng(11)
small, large = rng.normal(size=(3, 5)), rng.normal(size=STAGING_VALUES + 9).astype(np.float32)
step = tf.function(lambda a, b: (a * b + 1.0, tf.reduce_sum(b)))
def round_trip():
    got = [tf.constant(small).numpy(), tf.constant(large).numpy(), tf.constant([True, False]).numpy(),
           tf.constant(np.arange(6).reshape(2, 3)).numpy()]
    y, total = step(tf.constant(small, tf.float32), np.float32(2.0))
    return got + [y.numpy(), total.numpy()]
before = round_trip()
# Grow the WASM memory (past what earlier tests left free): the staging buffer's JS view of the
# old memory is detached.
_grown = []
while _gl.runtime.stagingView.data.byteLength and len(_grown) < 32:
    _grown.append(np.empty(64 * 2**20, np.uint8))
detached = _gl.runtime.stagingView.data.byteLength == 0
after = round_trip()
del _grown
ok = [np.array_equal(b, a) for b, a in zip(before, after)]
[detached, ok, np.abs(before[0] - small).max() < 1e-6, np.array_equal(before[1], large), before[2].tolist(),
 before[3].tolist(), np.abs(before[4] - (small * 2 + 1)).max() < 1e-5, float(before[5])]
""")
    detached, same, small_ok, large_ok, booleans, ints, step_ok, total = values
    assert detached, "the memory did not grow: the test no longer exercises a detached staging view"
    assert same == [True] * 6
    assert small_ok and large_ok and step_ok
    assert booleans == [True, False] and ints == [[0, 1, 2], [3, 4, 5]] and total == 2.0


def test_memory_on_both_backends(gl):
    webgl, numpy = gl("""
m = tf.memory()
tf.config.set_backend('numpy')
n = tf.memory()
tf.config.set_backend('webgl')
[[m['backend'], m['num_tensors'] > 0, m['num_bytes'] > 0], n['backend']]
""")
    assert webgl == ["webgl", True, True] and numpy == "numpy"


def test_python_scalars_upload_once_and_keep_their_sign(gl):
    uploads, signs = gl("""
x = tf.constant([1.0, 2.0])
y = tf.nn.relu(x * 0.5 - 0.25)  # first use of each scalar uploads it
u0 = tf.memory()['uploads']
for _ in range(100):
    y = tf.nn.relu(x * 0.5 - 0.25)
[tf.memory()['uploads'] - u0, np.signbit((x * -0.0).numpy()).tolist() + np.signbit((x * 0.0).numpy()).tolist()]
""")
    assert uploads == 0
    assert signs == [True, True, False, False]


def test_seeded_random_ops_agree_across_backends(gl):
    """Random numbers are drawn on the host, so one seed gives the same values on NumPy and WebGL."""
    same = gl("""
def draws():
    tf.random.set_seed(11)
    x = tf.ones([4, 5])
    return [t.numpy() for t in (
        tf.random.uniform([3, 4], seed=1), tf.random.normal([5]), tf.random.truncated_normal([6], seed=2),
        tf.random.categorical(tf.math.log([[0.2, 0.8], [0.6, 0.4]]), 7, seed=3),
        tf.random.shuffle(tf.reshape(tf.range(12.0), [4, 3]), seed=4),
        tf.nn.dropout(x, 0.5, seed=5),
    )]
tf.config.set_backend('numpy')
on_numpy = draws()
tf.config.set_backend('webgl')
on_webgl = draws()
[bool(np.array_equal(a, b)) for a, b in zip(on_numpy, on_webgl)]
""")
    assert same == [True] * 6


def test_float16_fallback_trains_and_matches_numpy_loosely(gl):
    """A GPU without float32 render targets gets RGBA16F textures (forced here: SwiftShader has both)."""
    result = gl("""
import js
from pyodide.ffi import to_js
from webflow.backends.webgl import WebGLBackend
_module = await js.eval("import(new URL('webgl_kernels/runtime.js', location.href).href)")
_half = WebGLBackend(await _module.createRuntime(to_js({"precision": "float16"}, dict_converter=js.Object.fromEntries)))
_previous = backends._active
backends._active = _half
try:
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, (33, 17)).astype(np.float32), rng.uniform(-1, 1, (17, 9)).astype(np.float32)
    got = [tf.matmul(a, b).numpy(), tf.nn.softmax(a).numpy(), tf.exp(a).numpy(), tf.reduce_sum(a, axis=0).numpy()]
    want = [a @ b, np.exp(a) / np.exp(a).sum(-1, keepdims=True), np.exp(a), a.sum(0)]
    errors = [float(np.max(np.abs(g - w) / (1 + np.abs(w)))) for g, w in zip(got, want)]
    x = tf.random.uniform([100], -2.0, 2.0, seed=1)
    y = 2.0 * x - 1.0

    def fitting(w, c):  # one gradient step of y = w * x + c, returning its loss
        def step(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(w * x + c - y))
            gw, gc = tape.gradient(loss, [w, c])
            w.assign_sub(0.1 * gw)
            c.assign_sub(0.1 * gc)
            return loss
        return step

    w, c = tf.Variable(0.0), tf.Variable(0.0)
    eager = fitting(w, c)
    for _ in range(200):
        eager(x, y)
    w2, c2 = tf.Variable(0.0), tf.Variable(0.0)
    step = tf.function(fitting(w2, c2))  # traced: its loss is read through a copy made where the run makes it
    copies = _half.runtime.stats().copies
    losses = [float(step(x, y)) for _ in range(200)]
    traced = [float(w2.numpy()), float(c2.numpy()), losses[-1], _half.runtime.stats().copies - copies]
    before = tf.memory()["liveBytes"]
    block = tf.zeros([4096])  # 1024 texels
    result = [errors, float(w.numpy()), float(c.numpy()), tf.memory()["precision"], tf.memory()["liveBytes"] - before,
              traced]
finally:
    backends._active = _previous
result
""")
    errors, w, c, precision, block_bytes, traced = result
    assert precision == "float16"
    assert max(errors) < 1e-2, errors  # float16 keeps about 3 significant digits
    assert abs(w - 2.0) < 0.02 and abs(c + 1.0) < 0.02
    assert abs(traced[0] - 2.0) < 0.02 and abs(traced[1] + 1.0) < 0.02 and traced[2] < 1e-3, traced
    assert traced[3] == 200, traced  # every run's loss read back through its copy
    assert block_bytes == 1024 * 8  # RGBA16F: 8 bytes a texel


def test_segment_sum_scatters_with_float_blending_and_loops_without(gl):
    """unsorted_segment_sum adds points with float blending (EXT_float_blend); GPUs
    without it get the loop kernel. Both give NumPy's sums, duplicates included."""
    results = gl("""
rng = np.random.default_rng(3)
data = rng.normal(size=(300, 5)).astype(np.float32)
ids = rng.integers(0, 41, size=300).astype(np.int32)
expected = np.zeros((41, 5), np.float32)
np.add.at(expected, ids, data)
caps = _gl.runtime.caps
blend = bool(caps.floatBlend)
errors = []
for flag in (True, False):
    caps.floatBlend = flag
    try:
        got = tf.math.unsorted_segment_sum(data, ids, 41).numpy()
    finally:
        caps.floatBlend = blend
    errors.append(float(np.abs(got - expected).max()))
[blend, errors]
""")
    blend, errors = results
    assert blend, "SwiftShader offers EXT_float_blend; the fast scatter should be in use"
    assert max(errors) < 1e-4, errors


def test_concat_copies_long_whole_texel_rows_by_segments_and_others_in_one_pass(gl):
    """Rows of 2^15 values or more whose inputs are whole texels: a draw per non-empty input, each
    shading only its segments (up to three rectangles of the texture a row); shorter rows, or
    inputs that are not whole texels: one pass. Every value is NumPy's, in both paths."""
    results = gl("""
rng = np.random.default_rng(5)
_out = []
for shapes, axis in ((((300, 64), (260, 64), (300, 64)), 0), (((2, 20000), (2, 0), (2, 16000)), 1),
                     (((1, 40000), (1, 6)), 1), (((200, 64), (200, 64)), 1)):
    arrays = [rng.normal(size=s).astype(np.float32) for s in shapes]
    tensors = [tf.constant(a) for a in arrays]
    before = _gl.runtime.stats().draws
    joined = tf.concat(tensors, axis)
    draws = _gl.runtime.stats().draws - before
    got = joined.numpy()
    _out.append([draws, bool(np.array_equal(got, np.concatenate(arrays, axis)))])
_out
""")
    draws = [r[0] for r in results]
    assert all(r[1] for r in results), results
    # three inputs by segments; two non-empty ones by segments; 40000 + 6 values a row: not whole
    # texels, one pass; rows of 128 values: one pass
    assert draws == [3, 2, 1, 1], results


def test_warm_up_readies_common_kernels_and_matmul_blocks_of_8_and_4_rows_agree(gl):
    """warmUp() compiles and draws once the kernels every model uses, a task at a time (the site
    calls it while Python boots); a GPU with 8 draw buffers computes matmul in 8-row blocks, one
    with 4 in 4-row blocks: the same values."""
    warmed, rows, compiled, errors = gl("""
import js
from pyodide.code import run_js
from webflow.backends.webgl import WebGLBackend
rt3 = await run_js("import(new URL('webgl_kernels/runtime.js', location.href).href).then((m) => m.createRuntime())")
rt3.warmUp()
started = rt3.programs.started.size  # compiling, not yet checked
# one kernel a task: wait until all are drawn (at most 20 s on a slow machine)
await js.eval("(rt, count) => new Promise((resolve) => { const began = performance.now(); "
              "const check = () => (rt.stats().draws >= count || performance.now() - began > 20000 "
              "? resolve() : setTimeout(check, 20)); check(); })")(rt3, started)
warmed = [started, rt3.programs.started.size, rt3.programs.compiled, rt3.stats().draws]
b3 = WebGLBackend(rt3)
rng = np.random.default_rng(5)
# K = 48, N = 32: the warmed variants (no UNROLL; the unpack of a power-of-two N)
a, b = rng.normal(size=(130, 48)).astype(np.float32), rng.normal(size=(32, 48)).astype(np.float32)
errors, compiled = [], []
rows = rt3.caps.matmulRows
for block in (rows, 4):
    rt3.caps.matmulRows = block
    # A read in place, A packed (transposed, 130 rows), A read in place transposed (128 rows); B^T in place
    for left, transpose in ((a, False), (a.T.copy(), True), (a[:128].T.copy(), True)):
        got = b3.to_numpy(b3.matmul(b3.from_numpy(left), b3.from_numpy(b), transpose, True), tf.float32)
        want = (left.T if transpose else left) @ b.T
        errors.append(float(np.abs(got - want).max()))
    compiled.append(rt3.programs.compiled)
rt3.gl.getExtension('WEBGL_lose_context').loseContext()
[warmed, rows, compiled, errors]
""")
    assert rows == 8  # SwiftShader has 8 draw buffers
    assert warmed == [26, 0, 26, 26], warmed  # 26 kernels: started, then each finished and drawn once
    # 8-row blocks: nothing new to compile; 4-row: three matmul_packed variants and unpack
    assert compiled == [26, 30], compiled
    assert max(errors) < 1e-4, errors


def test_sets_of_render_targets_keep_their_framebuffers_up_to_the_cache_limit(gl):
    result = gl("""
import js
_rt = _gl.runtime
limit = int(js.eval("(rt) => rt.mrtFramebuffers.size")(_rt))  # what earlier tests left
rng = np.random.default_rng(5)
errors = []
# Products of many sizes: each writes matmul_packed's 8 targets, most of them a set not seen yet,
# so the cache fills and lets its oldest go; each product still lands in its own textures.
held = []
for m in range(40, 40 + 8 * 90, 8):
    a, b = rng.normal(size=(m, 40)).astype(np.float32), rng.normal(size=(40, 36)).astype(np.float32)
    y = tf.matmul(tf.constant(a), tf.constant(b))
    held.append(y)  # alive, so the next product's targets are new textures
    errors.append(float(np.abs(y.numpy() - a @ b).max()))
    if len(held) > 30:
        held.pop(0)
{"before": limit, "after": int(js.eval("(rt) => rt.mrtFramebuffers.size")(_rt)), "max_error": max(errors)}
""")
    assert result["before"] <= 64 and result["after"] == 64, result
    assert result["max_error"] < 1e-3, result


def test_products_read_rows_off_texel_bounds_in_place_and_keep_what_follows_out(gl):
    # K or N not a multiple of 4: a product's operands are still read in place (no pack pass),
    # rows of A (of W, for B = W^T) starting mid-texel, and the last k group keeps K % 4 values.
    # What a row's last texel holds past K is the next row's first values (Inf here) and, past
    # the tensor, whatever a reused texture held (NaN here): none of it may reach the result.
    # Blocks of 8 rows (SwiftShader's 8 draw buffers) and of 4 (GPUs with fewer).
    result = gl("""
import math
rng = np.random.default_rng(9)
out = []
_rows = _gl.runtime.caps.matmulRows
try:
    for block in (8, 4):
        _gl.runtime.caps.matmulRows = block
        # The last three (2^20 multiply-adds or more, K from 64 on) run UNROLL k groups a loop turn
        # (2, or 4 from K = 512 on), then the groups left: 3 and K % 4 = 1, 1 and 2, 2 and 0
        for m, k, n in ((64, 42, 30), (66, 42, 30), (64, 39, 23), (48, 39, 24), (128, 10, 128), (128, 128, 10), (40, 65, 17),
                        (32, 33, 33), (66, 525, 34), (128, 70, 120), (100, 520, 20)):
            for ta, tb in ((False, False), (True, False), (False, True), (True, True)):
                a = rng.normal(size=(m, k)).astype(np.float32)
                b = rng.normal(size=(k, n)).astype(np.float32)
                a[1::2, 0] = np.inf  # what row 2i of A reads on past its end
                b[0, 1::2] = np.inf  # of W = B^T: what its row 2j reads on past its end
                left, right = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
                # NaN filling the textures (textures.js's layout) the operands then get from the pool
                texels = [-(-x.size // 4) for x in (left, right)]
                widths = [2 ** math.ceil(math.log2(max(1.0, math.sqrt(t)))) for t in texels]
                dirty = [_gl.from_numpy(np.full(4 * w * -(-t // w), np.nan, np.float32)) for t, w in zip(texels, widths)]
                del dirty
                before = _gl.runtime.stats().draws
                got = _gl.to_numpy(_gl.matmul(_gl.from_numpy(left), _gl.from_numpy(right), ta, tb), tf.float32)
                draws = _gl.runtime.stats().draws - before
                want = a.astype(np.float64) @ b
                fine = got[::2, ::2]  # rows and columns no Inf reaches
                out.append([block, m, k, n, ta, tb, draws, bool(np.isfinite(fine).all()),
                            float(np.abs(fine - want[::2, ::2]).max() / np.abs(want[::2, ::2]).max())])
finally:
    _gl.runtime.caps.matmulRows = _rows
out
""")
    assert len(result) == 88
    for block, m, k, n, ta, tb, draws, finite, error in result:
        assert finite and error < 1e-5, (block, m, k, n, ta, tb, error)
        # one product pass and one unpack: no operand packed, but A = X^T with X's rows (M values)
        # off texel bounds
        assert draws == (3 if ta and m % 4 else 2), (block, m, k, n, ta, tb, draws)
