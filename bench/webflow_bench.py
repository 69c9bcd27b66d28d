"""webflow's half of the benchmark, run in Pyodide by site/bench.js.

Each ``webflow_*`` function times one op on the WebGL backend, each ``numpy_*`` the same op
with Pyodide's NumPy, and returns seconds per op. ``bench/tfjs_bench.js`` times TF.js the same
way in the same page. The inputs are the same numbers for all three: bench.js makes them and
hands them to ``set_input``.

How an op is timed (``per_op``): one untimed warm-up, so shader compiles are excluded, then
``BATCHES`` batches of ops back to back, each lasting at least ``MIN_TIME`` and ending with one
wait for the GPU; the result is the median batch's seconds per op. "Kernel only" waits by reading
back one value, the sum of the last result (one small reduction, amortized over the batch);
"readback" copies every result to NumPy.
"""

import gc
import math
import statistics
import time

import numpy as np

import webflow as tf
from webflow import backends

MIN_TIME = 0.3  # seconds, at least, per timed batch
BATCHES = 3

_inputs = {}  # name -> NumPy float32 array
_last = {}  # the latest matmul results, for check_matmul


def configure(min_time, batches):
    global MIN_TIME, BATCHES
    MIN_TIME, BATCHES = float(min_time), int(batches)
    tf.config.set_backend("webgl")


def set_input(name, values, rows, cols):
    """values: a JS Float32Array of rows * cols numbers (the ones TF.js gets too)."""
    _inputs[name] = np.frombuffer(values.to_bytes(), dtype=np.float32).reshape(rows, cols).copy()


def per_op(batch, first=1, warm=True, max_reps=100_000):
    """Seconds per op (the median batch), ops per batch, and each batch's seconds per op.

    batch(r) runs r ops, waits for them and returns the seconds it timed. After the warm-up, a
    first batch of ``first`` ops sizes the others to last MIN_TIME; it counts as one of the
    BATCHES if it lasted that long itself."""
    if warm:
        batch(1)  # compiles, texture pool, first-use uploads
    seconds = batch(first)
    per = max(seconds, 1e-4) / first  # NOTE: performance.now() ticks in 0.1 ms steps here
    samples = [per] if seconds >= MIN_TIME else []
    reps = first if samples else min(max_reps, math.ceil(MIN_TIME / per))
    while len(samples) < BATCHES:
        samples.append(batch(reps) / reps)
    return statistics.median(samples), reps, samples


def _sync(t):
    """Wait for t (and everything before it) by reading back one value computed from it."""
    float(tf.reduce_sum(t).numpy())


def _kernel_batch(op):
    def batch(r):
        start = time.perf_counter()
        for _ in range(r):
            out = op()
        _sync(out)
        return time.perf_counter() - start

    return batch


def _readback_batch(op, keep=None):
    def batch(r):
        start = time.perf_counter()
        for _ in range(r):
            values = op().numpy()
        elapsed = time.perf_counter() - start
        if keep:
            _last[keep] = values
        return elapsed

    return batch


def _numpy_batch(op, keep=None):
    def batch(r):
        start = time.perf_counter()
        for _ in range(r):
            values = op()
        elapsed = time.perf_counter() - start
        if keep:
            _last[keep] = values
        return elapsed

    return batch


def _measure(**batches):
    """Times each (batch, first[, warm]) given: {name: seconds per op, "reps": {name: ops per
    batch}, "samples": {name: [seconds per op of each batch]}}."""
    result = {"reps": {}, "samples": {}}
    for name, (batch, first, *warm) in batches.items():
        result[name], result["reps"][name], result["samples"][name] = per_op(batch, first, *warm)
    return result


# --- webflow on WebGL -------------------------------------------------------------------------

def webflow_matmul():
    a, b = tf.constant(_inputs["a"]), tf.constant(_inputs["b"])
    return _measure(kernel=(_kernel_batch(lambda: tf.matmul(a, b)), 1),
                    readback=(_readback_batch(lambda: tf.matmul(a, b), keep="webflow"), 1, False))


def webflow_elementwise():
    x, y, logits = tf.constant(_inputs["x"]), tf.constant(_inputs["y"]), tf.constant(_inputs["logits"])
    return _measure(add=(_kernel_batch(lambda: tf.add(x, y)), 3),
                    relu=(_kernel_batch(lambda: tf.nn.relu(x)), 3),
                    softmax=(_kernel_batch(lambda: tf.nn.softmax(logits)), 3))


def webflow_dispatch():
    a, b = tf.constant(_inputs["tiny_a"]), tf.constant(_inputs["tiny_b"])
    return _measure(dispatch=(_kernel_batch(lambda: tf.add(a, b)), 100),
                    roundtrip=(_readback_batch(lambda: tf.add(a, b)), 10))


def webflow_transfers():
    host = _inputs["x"]

    def download(r):
        seconds = 0.0
        for done in range(0, r, 16):  # NOTE: in chunks, so at most 16 textures are alive at once
            fresh = [tf.constant(host) for _ in range(min(16, r - done))]
            _sync(fresh[-1])  # uploaded before the clock starts: only the copies back are timed
            start = time.perf_counter()
            for t in fresh:
                t.numpy()
            seconds += time.perf_counter() - start
        return seconds

    return _measure(upload=(_kernel_batch(lambda: tf.constant(host)), 3), download=(download, 3))


def _images(name, height, width):
    """An input set as [batch * height * width, channels] (bench.js hands over 2-D arrays) as NHWC."""
    values = _inputs[name]
    return values.reshape(-1, height, width, values.shape[1])


def _filters(name, channels_in):
    values = _inputs[name]
    return values.reshape(3, 3, channels_in, values.shape[1])


def webflow_conv():
    x1, w1 = tf.constant(_images("conv_x1", 28, 28)), tf.constant(_filters("conv_w1", 1))
    x2, w2 = tf.constant(_images("conv_x2", 14, 14)), tf.constant(_filters("conv_w2", 32))
    pool_x = tf.constant(_images("pool_x", 28, 28))
    return _measure(conv1=(_kernel_batch(lambda: tf.nn.conv2d(x1, w1, 1, "SAME")), 1),
                    conv2=(_kernel_batch(lambda: tf.nn.conv2d(x2, w2, 1, "SAME")), 1),
                    max_pool=(_kernel_batch(lambda: tf.nn.max_pool2d(pool_x, 2, 2, "VALID")), 1))


# --- ops4: convolution gradients, concat, pad ---------------------------------------------------

def webflow_ops4():
    """The training-side convolution kernels (input and filter gradients of the conv rows), and
    concat / pad of large tensors."""
    x1, w1 = tf.constant(_images("conv_x1", 28, 28)), tf.constant(_filters("conv_w1", 1))
    x2, w2 = tf.constant(_images("conv_x2", 14, 14)), tf.constant(_filters("conv_w2", 32))
    dy1, dy2 = tf.constant(_images("conv_dy1", 28, 28)), tf.constant(_images("conv_dy2", 14, 14))
    cat = [tf.constant(_inputs[f"cat_{k}"]) for k in range(3)] * 2
    pad_x = tf.constant(_inputs["x"])
    return _measure(
        dx1=(_kernel_batch(lambda: tf.nn.conv2d_transpose(dy1, w1, x1.shape, 1, "SAME")), 1),
        dw1=(_kernel_batch(lambda: tf.nn.conv2d_backprop_filter(x1, w1.shape, dy1, 1, "SAME")), 1),
        dx2=(_kernel_batch(lambda: tf.nn.conv2d_transpose(dy2, w2, x2.shape, 1, "SAME")), 1),
        dw2=(_kernel_batch(lambda: tf.nn.conv2d_backprop_filter(x2, w2.shape, dy2, 1, "SAME")), 1),
        concat0=(_kernel_batch(lambda: tf.concat(cat, 0)), 3),
        concat1=(_kernel_batch(lambda: tf.concat(cat, 1)), 3),
        pad=(_kernel_batch(lambda: tf.pad(pad_x, [[2, 2], [3, 3]])), 3))


# --- Pyodide NumPy ----------------------------------------------------------------------------

def _np_softmax(logits):
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def numpy_matmul():
    a, b = _inputs["a"], _inputs["b"]
    return _measure(kernel=(_numpy_batch(lambda: np.matmul(a, b), keep="numpy"), 1, False))


def numpy_elementwise():
    x, y, logits = _inputs["x"], _inputs["y"], _inputs["logits"]
    return _measure(add=(_numpy_batch(lambda: np.add(x, y)), 3, False),
                    relu=(_numpy_batch(lambda: np.maximum(x, np.float32(0))), 3, False),
                    softmax=(_numpy_batch(lambda: _np_softmax(logits)), 3, False))


def numpy_dispatch():
    a, b = _inputs["tiny_a"], _inputs["tiny_b"]
    return _measure(dispatch=(_numpy_batch(lambda: np.add(a, b)), 100, False))


def _np_conv_same3(x, w):
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), (3, 3), axis=(1, 2))
    return np.tensordot(windows, w, axes=([3, 4, 5], [2, 0, 1]))  # windows: [n, h, w, c, 3, 3]


def _np_max_pool2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def numpy_conv():
    x1, w1 = _images("conv_x1", 28, 28), _filters("conv_w1", 1)
    x2, w2 = _images("conv_x2", 14, 14), _filters("conv_w2", 32)
    pool_x = _images("pool_x", 28, 28)
    return _measure(conv1=(_numpy_batch(lambda: _np_conv_same3(x1, w1)), 1, False),
                    conv2=(_numpy_batch(lambda: _np_conv_same3(x2, w2)), 1, False),
                    max_pool=(_numpy_batch(lambda: _np_max_pool2(pool_x)), 1, False))


def _np_conv_same3_input_grad(dy, w):
    return _np_conv_same3(dy, w[::-1, ::-1].transpose(0, 1, 3, 2))


def _np_conv_same3_filter_grad(x, dy):
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), (3, 3), axis=(1, 2))
    return np.tensordot(windows, dy, axes=([0, 1, 2], [0, 1, 2])).transpose(1, 2, 0, 3)  # [c, 3, 3, o] -> HWIO


def numpy_ops4():
    x1, w1, dy1 = _images("conv_x1", 28, 28), _filters("conv_w1", 1), _images("conv_dy1", 28, 28)
    x2, w2, dy2 = _images("conv_x2", 14, 14), _filters("conv_w2", 32), _images("conv_dy2", 14, 14)
    cat = [_inputs[f"cat_{k}"] for k in range(3)] * 2
    pad_x = _inputs["x"]
    return _measure(dx1=(_numpy_batch(lambda: _np_conv_same3_input_grad(dy1, w1)), 1, False),
                    dw1=(_numpy_batch(lambda: _np_conv_same3_filter_grad(x1, dy1)), 1, False),
                    dx2=(_numpy_batch(lambda: _np_conv_same3_input_grad(dy2, w2)), 1, False),
                    dw2=(_numpy_batch(lambda: _np_conv_same3_filter_grad(x2, dy2)), 1, False),
                    concat0=(_numpy_batch(lambda: np.concatenate(cat, 0)), 3, False),
                    concat1=(_numpy_batch(lambda: np.concatenate(cat, 1)), 3, False),
                    pad=(_numpy_batch(lambda: np.pad(pad_x, [[2, 2], [3, 3]])), 3, False))


# --- correctness and counters -----------------------------------------------------------------

def check_matmul(tfjs_values):
    """Largest difference between the three matmul results, relative to the largest value."""
    reference = _last["numpy"].astype(np.float64)
    tfjs = np.frombuffer(tfjs_values.to_bytes(), dtype=np.float32).reshape(reference.shape)
    webflow = _last["webflow"]
    scale = float(np.abs(reference).max()) or 1.0

    def rel(x, y):
        return float(np.abs(np.asarray(x, np.float64) - y).max()) / scale

    return {"webflow_vs_numpy": rel(webflow, reference), "tfjs_vs_numpy": rel(tfjs, reference),
            "webflow_vs_tfjs": rel(webflow, tfjs.astype(np.float64))}


def versions():
    import sys

    return {"webflow": tf.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
            "backend": tf.config.get_backend()}


# --- training steps: graph mode vs eager vs TF.js's trainOnBatch -----------------------------------
# The two models on one real MNIST batch: the MLP 784-128-10 (batch 128) and the small CNN
# (conv 8 5x5, pool, conv 16 5x5, pool, dense 10; batch 64), Adam, sparse categorical cross-entropy.
# Each step is train_on_batch: one optimizer step and its loss read back (TF.js: await
# trainOnBatch). A StepSession's first step runs first in the page, so it includes every shader
# compile; site/bench.js then takes the timed steps in rounds, each library's in turn.

KERNEL_CALLS = ("_elementwise", "_matmul", "_reduce", "_softmax", "_fill", "_concat", "_pad", "_gather",
                "_segment_sum", "_conv2d", "_pool", "_upload", "_read", "_upload_staged", "_read_staged",
                "_free_staged")


def step_data(batch):
    """The first ``batch`` MNIST training images (flat float32 in [0, 1]) and their labels."""
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    return np.ascontiguousarray(x[:batch], np.float32).reshape(-1) / 255.0, y[:batch].astype(np.float32)


def _step_model(name):
    layers = tf.keras.layers
    if name == "mlp":
        stack = [tf.keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, "relu"), layers.Dense(10, "softmax")]
    else:
        stack = [tf.keras.Input((28, 28, 1)), layers.Conv2D(8, 5, activation="relu"), layers.MaxPooling2D(2),
                 layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                 layers.Dense(10, "softmax")]
    return tf.keras.Sequential(stack)


class StepSession:
    """One model trained step by step in graph ("graph") or eager ("eager") mode: the first step
    timed on its own, then ``more(steps)`` at a time, counting draws and Python->JS calls
    (``more(steps, timed=False)``: untimed steps, counted nowhere)."""

    def __init__(self, name, mode, batch):
        tf.config.set_backend("webgl")
        tf.random.set_seed(0)
        x, self.y = step_data(batch)
        self.x = x.reshape((batch, 28, 28) if name == "mlp" else (batch, 28, 28, 1))
        self.model = _step_model(name)
        self.model.compile(tf.keras.optimizers.Adam(0.001), "sparse_categorical_crossentropy",
                           run_eagerly=mode == "eager")
        self.backend = backends.get_backend()
        start = time.perf_counter()
        self.loss_first = self.loss = float(self.model.train_on_batch(self.x, self.y))
        self.first = time.perf_counter() - start
        self.times, self.draws, self.calls = [], 0, 0

    def more(self, steps, timed=True):
        backend, model = self.backend, self.model
        if not timed:
            for _ in range(steps):
                self.loss = float(model.train_on_batch(self.x, self.y))
            return
        calls = [0]
        originals = {name: getattr(backend, name) for name in KERNEL_CALLS}

        def counting(fn):
            def call(*args):
                calls[0] += 1
                return fn(*args)
            return call

        from webflow.backends import webgl

        gc.collect()  # garbage from the other sessions' rounds is freed now, not counted as this one's calls
        draws, runs = backend.runtime.stats().draws, self._plan_runs()
        for attr, fn in originals.items():
            setattr(backend, attr, counting(fn))
        free = webgl._free  # a handle freed on its own (GLTensor.__del__) is a call too
        webgl._free = counting(free)
        try:
            for _ in range(steps):
                start = time.perf_counter()
                loss = model.train_on_batch(self.x, self.y)
                self.times.append(time.perf_counter() - start)
        finally:
            for attr, fn in originals.items():
                setattr(backend, attr, fn)
            webgl._free = free
        self.draws += backend.runtime.stats().draws - draws
        self.calls += calls[0] + self._plan_runs() - runs
        self.loss = float(loss)

    def _plan_runs(self):
        """runtime.runPlan calls made by the model's traced train steps so far."""
        train = self.model.__dict__.get("_step_functions", {}).get("train")
        return sum(c.plan.runs for c in train._concrete.values()) if train is not None else 0

    def result(self):
        """ms for the first step and the median of the others; draws and Python->JS calls per step."""
        steps = len(self.times)
        return {"first_ms": self.first * 1000, "ms": statistics.median(self.times) * 1000,
                "step_ms": [t * 1000 for t in self.times], "draws": self.draws / steps,
                "crossings": self.calls / steps, "loss_first": self.loss_first, "loss_last": self.loss}


_step_sessions = {}  # (model name, mode) -> StepSession


def step_start(name, mode, batch):
    """Build the model and time its first step (see StepSession); returns that step's ms."""
    _step_sessions[name, mode] = session = StepSession(name, mode, batch)
    return session.first * 1000


def step_more(name, mode, steps, timed=True):
    _step_sessions[name, mode].more(steps, timed)


def step_finish(name, mode):
    """The session's result (StepSession.result); the model is let go."""
    return _step_sessions.pop((name, mode)).result()


# --- training: the examples' models, end to end ------------------------------------------------
# Each trainer builds the data (handed to TF.js too, by training_data), trains with fit one epoch
# at a time (each epoch timed, ending with fit's own read-backs), evaluates on the test set and
# returns {"epoch_seconds": [...], "metric": test MAE or accuracy, "metric_name": ...}.
# backend: "webgl" or "numpy" (Pyodide's NumPy). The settings come from site/bench.js:
# examples/boston_housing.py's and examples/mnist_mlp.py's in the full run, tiny ones in --quick.

_training = {}  # name -> (x_train, y_train, x_test, y_test) as float32 NumPy arrays


def _shifted(images, rng):
    """Each image moved by -1, 0 or 1 pixel along each axis (as examples/mnist_mlp.py)."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    offsets = rng.integers(0, 3, size=(len(images), 2))
    out = np.empty_like(images)
    for dy in range(3):
        for dx in range(3):
            chosen = (offsets[:, 0] == dy) & (offsets[:, 1] == dx)
            out[chosen] = padded[chosen, dy:dy + 28, dx:dx + 28]
    return out


def prepare_training(train_images, shifted_copies, test_images):
    """Make the three data sets: Boston standardized with the training statistics; MNIST scaled
    to [0, 1], the first ``train_images`` images plus shifted copies (MLP) or without (CNN), and
    the first ``test_images`` test images. Returns each array's shape."""
    (x, y), (xt, yt) = tf.keras.datasets.boston_housing.load_data()
    mean, std = x.mean(axis=0), x.std(axis=0)
    _training["boston"] = tuple(a.astype(np.float32) for a in ((x - mean) / std, y, (xt - mean) / std, yt))
    (x, y), (xt, yt) = tf.keras.datasets.mnist.load_data()
    x, xt = x[:train_images].astype(np.float32) / 255.0, xt[:test_images].astype(np.float32) / 255.0
    y, yt = y[:train_images], yt[:test_images]
    rng = np.random.default_rng(0)
    mlp_x = np.concatenate([x] + [_shifted(x, rng) for _ in range(shifted_copies)])
    mlp_y = np.concatenate([y] * (shifted_copies + 1))
    _training["mnist_mlp"] = (mlp_x, mlp_y.astype(np.float32), xt, yt.astype(np.float32))
    _training["mnist_cnn"] = (x[..., None], y.astype(np.float32), xt[..., None], yt.astype(np.float32))
    return {name: [list(a.shape) for a in arrays] for name, arrays in _training.items()}


def training_data(name, index):
    """One array of a data set, flat float32, for TF.js (read in JS with getBuffer)."""
    return np.ascontiguousarray(_training[name][index], dtype=np.float32).reshape(-1)


def _boston_model(learning_rate):
    model = tf.keras.Sequential([tf.keras.Input((13,)), tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.Adam(learning_rate), "mse", ["mae"])
    return model


def _mlp_model(learning_rate, dropout):
    model = tf.keras.Sequential([tf.keras.Input((28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(128, activation="relu"), tf.keras.layers.Dropout(dropout),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(tf.keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", ["accuracy"])
    return model


class SmallCNN(tf.keras.Model):
    """conv 3x3 (SAME) + relu + 2x2 max pool, twice; flatten; dense softmax. Written with ops
    (tf.nn.conv2d, tf.nn.max_pool2d) inside a subclassed Model, with Keras's initializers."""

    def __init__(self, filters=(8, 16), classes=10):
        super().__init__(name="small_cnn")
        self.filters, self.classes = filters, classes

    def build(self, input_shape):
        channels = input_shape[-1]
        self.kernels, self.biases = [], []
        for i, f in enumerate(self.filters):
            self.kernels.append(self.add_weight(f"conv{i}/kernel", (3, 3, channels, f), "glorot_uniform"))
            self.biases.append(self.add_weight(f"conv{i}/bias", (f,), "zeros"))
            channels = f
        features = (input_shape[1] // 4) * (input_shape[2] // 4) * channels
        self.dense_kernel = self.add_weight("dense/kernel", (features, self.classes), "glorot_uniform")
        self.dense_bias = self.add_weight("dense/bias", (self.classes,), "zeros")
        self.built = True

    def call(self, x):
        for kernel, bias in zip(self.kernels, self.biases):
            x = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME") + bias)
            x = tf.nn.max_pool2d(x, 2, 2, "VALID")
        x = tf.reshape(x, (x.shape[0], -1))
        return tf.nn.softmax(tf.matmul(x, self.dense_kernel) + self.dense_bias)


def _cnn_model(learning_rate):
    model = SmallCNN()
    model.compile(tf.keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", ["accuracy"])
    return model


def train(name, backend, epochs, batch_size, learning_rate, dropout=0.0):
    """Train one of the models on ``backend`` and evaluate it (see the block comment)."""
    tf.config.set_backend(backend)
    tf.random.set_seed(0)
    x, y, xt, yt = _training[name]
    model = {"boston": lambda: _boston_model(learning_rate), "mnist_mlp": lambda: _mlp_model(learning_rate, dropout),
             "mnist_cnn": lambda: _cnn_model(learning_rate)}[name]()
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
        seconds.append(time.perf_counter() - start)
    _, metric = model.evaluate(xt, yt, batch_size=500, verbose=0)
    tf.config.set_backend("webgl")
    return {"epoch_seconds": seconds, "metric": float(metric), "metric_name": "mae" if name == "boston" else "accuracy",
            "train_samples": len(x), "test_samples": len(xt)}
