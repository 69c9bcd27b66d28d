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
rt2 = await run_js("import(new URL('webgl_kernels/runtime.js', document.baseURI).href).then((m) => m.createRuntime())")
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
