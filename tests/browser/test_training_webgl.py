"""Training in the page on WebGL: the MNIST MLP (784-128-10) learns to >= 93% test accuracy in
two epochs, the Boston regressor to a test MAE < 4, and every optimizer's fused WebGL update
equals the NumPy backend's."""
import pytest

pytestmark = pytest.mark.browser

MNIST = """
def _train_mnist():
    import time
    import numpy as np
    import webflow as tf
    from webflow import backends

    tf.config.set_backend("webgl")
    tf.random.set_seed(0)
    (x, y), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    x, x_test = x.astype("float32") / 255.0, x_test.astype("float32") / 255.0
    # One copy of each image moved by up to a pixel (as examples/mnist_mlp.py does with two).
    rng = np.random.default_rng(0)
    padded, offsets = np.pad(x, ((0, 0), (1, 1), (1, 1))), rng.integers(0, 3, size=(len(x), 2))
    moved = np.stack([padded[i, dy:dy + 28, dx:dx + 28] for i, (dy, dx) in enumerate(offsets)])
    x, y = np.concatenate([x, moved]), np.concatenate([y, y])
    model = tf.keras.Sequential([tf.keras.Input((28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(tf.keras.optimizers.Adam(0.003), "sparse_categorical_crossentropy", ["accuracy"])
    runtime = backends.get_backend().runtime
    draws = runtime.stats().to_py()["draws"]
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=64, epochs=2, verbose=0)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    return {"backend": tf.config.get_backend(), "renderer": runtime.stats().to_py()["renderer"],
            "weights_on": sorted({w.read_value()._backend.name for w in model.weights}),
            "draws_per_batch": (runtime.stats().to_py()["draws"] - draws) / (2 * len(x) / 64),
            "seconds": seconds, "history": history.history, "accuracy": float(accuracy), "loss": float(loss)}

_train_mnist()
"""


def test_mnist_mlp_trains_on_webgl(run_py):
    result = run_py(MNIST)
    assert result["backend"] == "webgl" and result["weights_on"] == ["webgl"], result
    assert result["renderer"]  # a WebGL2 context answered
    # Every batch ran its forward pass, backward pass and update as GPU draws (graph mode, fused:
    # about 23 a batch with its metrics; op by op it is about 100).
    assert 15 < result["draws_per_batch"] < 200, result["draws_per_batch"]
    history = result["history"]
    assert history["loss"][1] < history["loss"][0] and history["accuracy"][1] > 0.9, history
    assert result["accuracy"] >= 0.93, result
    print(f"\nMNIST MLP on WebGL: 2 epochs of 16,000 images in {result['seconds']:.1f} s, "
          f"test accuracy {result['accuracy']:.4f}, {result['draws_per_batch']:.0f} draws per batch")


BOSTON = """
def _train_boston():
    import webflow as tf

    tf.config.set_backend("webgl")
    tf.random.set_seed(0)
    (x, y), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    mean, std = x.mean(axis=0), x.std(axis=0)
    x, x_test = (x - mean) / std, (x_test - mean) / std
    model = tf.keras.Sequential([tf.keras.Input((13,)), tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.Adam(0.01), "mse", ["mae"])
    model.fit(x, y, batch_size=64, epochs=30, verbose=0)
    mse, mae = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    return {"backend": tf.config.get_backend(), "mae": float(mae)}

_train_boston()
"""


def test_boston_regressor_trains_on_webgl(run_py):
    result = run_py(BOSTON)
    assert result["backend"] == "webgl" and result["mae"] < 4.0, result


OPTIMIZERS = """
def _compare_optimizers():
    import numpy as np
    import webflow as tf
    from webflow.keras import optimizers as o

    rng = np.random.default_rng(1)
    w0 = rng.normal(size=(7, 33)).astype(np.float32)
    grads = [rng.normal(size=(7, 33)).astype(np.float32) for _ in range(3)]
    makers = {"sgd": lambda: o.SGD(0.1), "nesterov": lambda: o.SGD(0.1, momentum=0.9, nesterov=True),
              "adam": lambda: o.Adam(0.01), "amsgrad": lambda: o.Adam(0.01, amsgrad=True),
              "adamw": lambda: o.AdamW(0.01, weight_decay=0.1), "rmsprop": lambda: o.RMSprop(0.01),
              "rmsprop_centered_momentum": lambda: o.RMSprop(0.01, momentum=0.5, centered=True),
              "adagrad": lambda: o.Adagrad(0.1)}
    out = {}
    for name, make in makers.items():
        results = []
        for backend in ("numpy", "webgl"):
            tf.config.set_backend(backend)
            w, optimizer = tf.Variable(w0), make()
            for g in grads:
                optimizer.apply_gradients([(tf.constant(g), w)])
            results.append(w.numpy())
        out[name] = float(np.abs(results[0] - results[1]).max())
    tf.config.set_backend("webgl")
    return out

_compare_optimizers()
"""


def test_fused_optimizer_updates_match_numpy(run_py):
    differences = run_py(OPTIMIZERS)
    assert len(differences) == 8
    for name, difference in differences.items():
        assert difference < 1e-5, (name, difference)


def test_train_on_batch_keeps_device_inputs_on_the_gpu(run_py):
    # x already on the GPU is not read back and uploaded again: a step with host labels reads one
    # thing, its loss; the steps equal those on the same values given as NumPy arrays.
    result = run_py("""
import numpy as np
import webflow as tf
from webflow import backends

tf.config.set_backend("webgl")
_rt = backends.get_backend().runtime
_rng = np.random.default_rng(4)
_x, _y = _rng.random((64, 12), np.float32), _rng.integers(0, 3, 64).astype(np.float32)
_out = {}
for _name, _xs in (("numpy", _x), ("tensor", tf.constant(_x))):
    tf.random.set_seed(2)
    _m = tf.keras.Sequential([tf.keras.Input((12,)), tf.keras.layers.Dense(16, "relu"),
                              tf.keras.layers.Dense(3, "softmax")])
    _m.compile(tf.keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    _losses, _reads = [], []
    for _ in range(4):
        _before = _rt.stats().to_py()
        _losses.append(_m.train_on_batch(_xs, _y))
        _after = _rt.stats().to_py()
        _reads.append([_after["reads"] - _before["reads"], _after["uploads"] - _before["uploads"]])
    _out[_name] = {"losses": _losses, "reads": _reads, "test": float(_m.test_on_batch(_xs, _y))}
_out
""")
    assert result["tensor"]["losses"] == result["numpy"]["losses"], result
    assert result["tensor"]["test"] == result["numpy"]["test"], result
    # reads, uploads per step: the loss; x (numpy only) and y. Adam's step size goes to its
    # kernels as a uniform; its learning rate, which no kernel reads, is not sent at all.
    assert result["numpy"]["reads"][1:] == [[1, 2]] * 3, result
    assert result["tensor"]["reads"][1:] == [[1, 1]] * 3, result
