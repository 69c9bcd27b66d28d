"""Keras 3 interop, with Keras itself as the peer (pip keras, NumPy backend, and h5py):
Keras loads webflow's .keras export and predicts the same; webflow imports .keras files Keras
wrote; the browser -> Keras -> browser trip keeps every weight."""

import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "numpy")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import webflow as tf  # noqa: E402
from webflow.keras.saving.topology import keras_layers  # noqa: E402

L = tf.keras.layers
rng = np.random.default_rng(0)


def _randomize(model):
    for w in model.weights:
        value = rng.normal(size=tuple(w.shape)).astype(np.float32) * 0.5
        w.assign(np.abs(value) + 0.5 if "variance" in w.name else value)
    return model


def _webflow_models():
    inputs = tf.keras.Input((8, 8, 2), name="image")
    x = L.Conv2D(3, 3, activation="relu", padding="same")(inputs)
    x = L.BatchNormalization()(x)
    x = L.MaxPooling2D()(x)
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)
    x = L.Conv2DTranspose(2, 3, strides=2, padding="same")(x)
    x = L.AveragePooling2D()(x)
    x = L.Flatten()(L.Dropout(0.2)(x))
    a, b = L.Dense(4, activation="tanh")(x), L.Dense(4, kernel_regularizer="l2")(x)
    c = L.Dense(4, activation="relu")(L.LayerNormalization()(x))
    functional = tf.keras.Model(inputs, [L.Softmax()(L.Add()([a, b, c])), L.Concatenate()([a, c])])
    seq = tf.keras.Sequential([tf.keras.Input((4,), dtype="int32"), L.Embedding(10, 3), L.Conv1D(4, 2),
                               L.Flatten(), L.Rescaling(0.5, offset=0.1), L.Dense(5), L.LeakyReLU(0.1), L.Reshape((5, 1)),
                               L.Flatten(), L.Activation("sigmoid"), L.Dense(2)])
    return {"functional": (functional, rng.random((3, 8, 8, 2)).astype(np.float32)),
            "sequential": (seq, np.array([[1, 2, 3, 9], [0, 0, 4, 8]], np.int32))}


def _flat(outputs):
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


@pytest.mark.parametrize("name", ["functional", "sequential"])
def test_keras_loads_webflow_export_and_predicts_the_same(tmp_path, name):
    model, x = _webflow_models()[name]
    _randomize(model)
    model.save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as z:
        assert sorted(z.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
    theirs = keras.saving.load_model(tmp_path / "model.keras")
    # the weights file numbers layers of one class (dense, dense_1, ...) in Keras's layer order
    assert [layer.name for layer in theirs.layers] == [layer.name for layer in keras_layers(model)]
    for got, want in zip(_flat(theirs.predict(x, verbose=0)), _flat(model.predict(x))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _keras_model():
    """A Keras-built model with Keras's own initial weights (NumPy backend: no training)."""
    keras.utils.set_random_seed(3)
    KL = keras.layers
    inputs = keras.Input((10, 10, 1), name="pixels")
    x = KL.Conv2D(4, 3, activation="relu")(inputs)
    x = KL.BatchNormalization(momentum=0.9)(x)
    x = KL.MaxPooling2D(2)(x)
    x = KL.DepthwiseConv2D(2, padding="same", depth_multiplier=2)(x)
    x = KL.GlobalAveragePooling2D()(x)
    left, right = KL.Dense(6, activation="relu")(x), KL.Dense(6, kernel_regularizer=keras.regularizers.L1L2(0.01))(x)
    merged = KL.Concatenate()([left, KL.LayerNormalization()(right)])
    outputs = KL.Dense(3, activation="softmax")(KL.Dropout(0.5)(merged))
    model = keras.Model(inputs, outputs)
    bn = model.get_layer(index=2)
    bn.moving_mean.assign(np.linspace(-1, 1, 4).astype(np.float32))
    bn.moving_variance.assign(np.linspace(0.5, 2, 4).astype(np.float32))
    return model


def test_webflow_imports_a_file_keras_wrote(tmp_path):
    theirs = _keras_model()
    theirs.save(tmp_path / "keras_made.keras")
    x = rng.random((4, 10, 10, 1)).astype(np.float32)
    mine = tf.keras.models.load_model(tmp_path / "keras_made.keras")
    assert [layer.name for layer in keras_layers(mine)] == [layer.name for layer in theirs.layers]
    np.testing.assert_allclose(mine.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    by_name = {layer.name: layer for layer in mine.layers}
    for layer in theirs.layers:
        for got, want in zip(by_name[layer.name].get_weights(), layer.get_weights()):
            np.testing.assert_array_equal(got, want)


def test_sequential_keras_file_with_embedding(tmp_path):
    keras.utils.set_random_seed(4)
    KL = keras.layers
    theirs = keras.Sequential([keras.Input((6,), dtype="int32"), KL.Embedding(20, 4), KL.Flatten(), KL.Dense(3),
                               KL.ReLU(), KL.Dense(1)])
    theirs.save(tmp_path / "seq.keras")
    mine = tf.keras.models.load_model(tmp_path / "seq.keras")
    x = np.array([[0, 5, 19, 3, 3, 1]], np.int32)
    np.testing.assert_allclose(mine.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_browser_to_keras_and_back_keeps_training_state(tmp_path):
    """The documented path: train in webflow, continue in Keras, come back (weights identical)."""
    model, x = _webflow_models()["functional"]
    model.compile("adam", ["categorical_crossentropy", "mse"])
    y = [np.eye(4)[rng.integers(0, 4, 3)].astype(np.float32), rng.random((3, 8)).astype(np.float32)]
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "from_browser.keras")
    theirs = keras.saving.load_model(tmp_path / "from_browser.keras")
    theirs.save(tmp_path / "from_cluster.keras")  # (on a cluster: fit here with the TF or JAX backend)
    back = tf.keras.models.load_model(tmp_path / "from_cluster.keras")
    for got, want in zip(back.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    back.compile("adam", ["categorical_crossentropy", "mse"])
    assert np.isfinite(back.fit(x, y, epochs=1, verbose=0).history["loss"][0])


def _rewrite(path, member, change):
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _h5_change(edit):
    def change(data):
        import io

        buffer = io.BytesIO(data)
        with h5py.File(buffer, "a") as f:
            edit(f)
        return buffer.getvalue()
    return change


def _config_change(edit):
    def change(data):
        config = json.loads(data)
        edit(config)
        return json.dumps(config).encode()
    return change


def _set_lambda(config):
    config["config"]["layers"][1]["class_name"] = "Lambda"


def _shrink_kernel(f):
    del f["layers/conv2d/vars/0"]
    f["layers/conv2d/vars"].create_dataset("0", data=np.zeros((3, 3, 1, 5), np.float32))


BAD_KERAS_FILES = [
    ("unknown layer", "config.json", _config_change(_set_lambda), r"unknown layer class 'Lambda'"),
    ("keras 2", "metadata.json", lambda d: json.dumps({"keras_version": "2.15.0"}).encode(),
     r"written by Keras 2.15.0; webflow reads Keras 3"),
    ("shape", "model.weights.h5", _h5_change(_shrink_kernel),
     r"layers/conv2d/vars/0 has shape \(3, 3, 1, 5\).*expects \(3, 3, 1, 4\)"),
    ("missing weights", "model.weights.h5", _h5_change(lambda f: f["layers/conv2d/vars"].__delitem__("1")),
     r"layer 'conv2d\w*' has 2 weights; layers/conv2d/vars holds \['0'\]"),
    ("not hdf5", "model.weights.h5", lambda d: b"not an hdf5 file", r"not a readable HDF5 file"),
    ("not json", "config.json", lambda d: b"{", r"config.json in the .keras file is not valid JSON"),
]


@pytest.mark.parametrize("case,member,change,message", BAD_KERAS_FILES, ids=[c[0] for c in BAD_KERAS_FILES])
def test_bad_keras_files(tmp_path, case, member, change, message):
    _keras_model().save(tmp_path / "m.keras")
    _rewrite(tmp_path / "m.keras", member, change)
    with pytest.raises(ValueError, match=message):
        tf.keras.models.load_model(tmp_path / "m.keras")


def test_keras_file_errors(tmp_path, monkeypatch):
    (tmp_path / "junk.keras").write_bytes(b"PK not really")
    with pytest.raises(ValueError, match=r"not a .keras file"):
        tf.keras.models.load_model(tmp_path / "junk.keras")
    with pytest.raises(FileNotFoundError, match="no such file"):
        tf.keras.models.load_model(tmp_path / "none.keras")
    model = tf.keras.Sequential([tf.keras.Input((2,)), L.Dense(1)])
    with pytest.raises(ValueError, match="quantize applies to the TF.js format"):
        model.save(tmp_path / "q.keras", quantize="uint8")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)
    monkeypatch.setitem(sys.modules, "h5py", None)  # as if h5py were not installed
    with pytest.raises(ImportError, match=r"\.keras files need h5py, which is not installed; run `pip install h5py`"):
        model.save(tmp_path / "other.keras")
    with pytest.raises(ImportError, match="need h5py"):
        tf.keras.models.load_model(tmp_path / "m.keras")
    assert not (tmp_path / "other.keras").exists()
