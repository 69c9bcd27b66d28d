"""Saving and loading in TF.js's Layers format on CPython: round trips per layer family,
quantization tolerances, http loading, and every kind of bad file (nothing half-loaded)."""

import json
import os

import numpy as np
import pytest

import build
import webflow as tf
from webflow.keras import saving
from webflow.keras.saving import storage

L = tf.keras.layers


def _randomize(model, seed=0):
    """Weights that are not their initial values (BatchNormalization statistics included)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        value = rng.normal(size=tuple(w.shape)).astype(np.float32) * 0.5
        w.assign(np.abs(value) + 0.5 if "variance" in w.name else value)
    return model


def _models():
    """name -> (model, input batch): every layer family the format must carry."""
    rng = np.random.default_rng(1)
    image = rng.random((3, 8, 8, 2)).astype(np.float32)
    conv = tf.keras.Sequential([
        tf.keras.Input((8, 8, 2)), L.Conv2D(4, 3, padding="same", activation="relu"), L.BatchNormalization(),
        L.MaxPooling2D(), L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), L.AveragePooling2D(),
        L.Conv2DTranspose(3, 3, strides=2, padding="same"), L.GlobalAveragePooling2D(), L.Dropout(0.3),
        L.Dense(5, activation="softmax", kernel_regularizer="l2")])
    inputs = tf.keras.Input((6,), name="features")
    a = L.Dense(4, activation="tanh")(inputs)
    b = L.LayerNormalization()(L.Dense(4)(inputs))
    merged = [L.Add()([a, b]), L.Subtract()([a, b]), L.Multiply()([a, b]), L.Maximum()([a, b]),
              L.Minimum()([a, b]), L.Average()([a, b])]
    out = L.Dense(2)(L.Concatenate()(merged))
    functional = tf.keras.Model(inputs, [out, L.Softmax()(b)], name="two_heads")
    seq = tf.keras.Sequential([tf.keras.Input((5, 3)), L.Conv1D(4, 2, padding="causal"), L.ReLU(),
                               L.Flatten(), L.Rescaling(0.5, offset=1.0), L.LeakyReLU(0.2), L.Reshape((4, 5)),
                               L.Activation("sigmoid"), L.Flatten(), L.Dense(3)])
    embed = tf.keras.Sequential([tf.keras.Input((4,), dtype="int32"), L.Embedding(12, 3), L.Flatten(), L.Dense(1)])
    inner = tf.keras.Sequential([tf.keras.Input((3,)), L.Dense(3, name="inner_dense")], name="inner")
    outer_in = tf.keras.Input((3,))
    nested = tf.keras.Model(outer_in, L.Dense(2, name="outer_dense")(inner(outer_in)))
    return {
        "conv": (conv, image),
        "functional": (functional, rng.random((4, 6)).astype(np.float32)),
        "sequence": (seq, rng.random((2, 5, 3)).astype(np.float32)),
        "embedding": (embed, np.array([[0, 3, 11, 2], [5, 5, 1, 0]], np.int32)),
        "nested": (nested, rng.random((2, 3)).astype(np.float32)),
    }


def _predict(model, x):
    return [np.asarray(p) for p in tf.nest.flatten(model.predict(x))]


@pytest.mark.parametrize("name", ["conv", "functional", "sequence", "embedding", "nested"])
def test_round_trip_float32_is_identical(tmp_path, name):
    model, x = _models()[name]
    _randomize(model)
    model.save(tmp_path / "m")
    restored = tf.keras.models.load_model(tmp_path / "m")
    assert type(restored) is type(model)
    assert [w.name.split("/")[-1] for w in restored.weights] == [w.name.split("/")[-1] for w in model.weights]
    for got, want in zip(_predict(restored, x), _predict(model, x)):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


# quantize -> the largest error per weight: half a float16 step relative to the value (2**-11, plus
# the smallest subnormal), or one affine step (the tensor's range, 0 included, over 255 or 65535):
# half a step of rounding, and at the ends up to half a step more where the range is nudged so
# that 0 is stored exactly.
QUANTIZE_ERRORS = {
    "float16": lambda want: 2.0 ** -11 * np.abs(want) + 2.0 ** -24,
    "uint8": lambda want: (max(want.max(), 0) - min(want.min(), 0)) / 255 * 1.0001,
    "uint16": lambda want: (max(want.max(), 0) - min(want.min(), 0)) / 65535 * 1.001,
}


@pytest.mark.parametrize("quantize", sorted(QUANTIZE_ERRORS))
def test_quantized_round_trip_within_tolerance(tmp_path, quantize):
    model, x = _models()["conv"]
    _randomize(model)
    model.save(tmp_path / "q", quantize=quantize)
    restored = tf.keras.models.load_model(tmp_path / "q")
    for got, want in zip(restored.get_weights(), model.get_weights()):
        assert (np.abs(got - want) <= QUANTIZE_ERRORS[quantize](want) + 1e-7).all()
    got, want = _predict(restored, x)[0], _predict(model, x)[0]
    np.testing.assert_allclose(got, want, atol={"float16": 2e-3, "uint8": 3e-2, "uint16": 1e-4}[quantize])
    sizes = {f: os.path.getsize(tmp_path / "q" / f) for f in os.listdir(tmp_path / "q") if f.endswith(".bin")}
    floats = sum(w.size for w in model.get_weights())
    assert sum(sizes.values()) == floats * {"float16": 2, "uint8": 1, "uint16": 2}[quantize]


def test_uint8_manifest_is_what_tfjs_reads(tmp_path):
    """scale/min per tensor in the manifest; 0 is stored exactly (the range is nudged to hold it)."""
    model = tf.keras.Sequential([tf.keras.Input((2,)), L.Dense(3)])
    model.layers[0].kernel.assign(np.array([[-1.0, 0.0, 0.3], [0.7, 2.0, -0.5]], np.float32))
    model.save(tmp_path / "m", quantize="uint8")
    manifest = json.loads((tmp_path / "m" / "model.json").read_text())["weightsManifest"]
    kernel = next(w for g in manifest for w in g["weights"] if w["name"].endswith("/kernel"))
    q = kernel["quantization"]
    assert kernel["dtype"] == "float32" and q["dtype"] == "uint8"
    assert q["scale"] == pytest.approx(3.0 / 255, rel=1e-2)
    assert q["min"] == pytest.approx(-1.0, abs=q["scale"])
    restored = tf.keras.models.load_model(tmp_path / "m")
    assert restored.layers[0].kernel.numpy()[0, 1] == 0.0
    assert restored.layers[0].bias.numpy().tolist() == [0.0, 0.0, 0.0]


def test_model_json_layout_follows_tfjs(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((4,)), L.Dense(2, activation="relu", name="hidden")])
    model.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "model.json").read_text())
    assert saved["format"] == "layers-model"
    layer = saved["modelTopology"]["config"]["layers"][0]
    assert layer["class_name"] == "Dense"
    assert layer["config"]["batch_input_shape"] == [None, 4]
    assert layer["config"]["kernel_initializer"] == {"class_name": "GlorotUniform", "config": {"seed": None}}
    (group,) = saved["weightsManifest"]
    assert [w["name"] for w in group["weights"]] == ["hidden/kernel", "hidden/bias"]
    assert all((tmp_path / "m" / p).is_file() for p in group["paths"])


def test_save_weights_and_load_weights(tmp_path):
    model, x = _models()["functional"]
    _randomize(model, 3)
    model.save_weights(tmp_path / "w")
    saved = json.loads((tmp_path / "w" / "model.json").read_text())
    assert "modelTopology" not in saved
    fresh = tf.keras.Model.from_config(model.get_config())
    fresh.load_weights(tmp_path / "w")
    for got, want in zip(_predict(fresh, x), _predict(model, x)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="no modelTopology"):
        tf.keras.models.load_model(tmp_path / "w")
    model.save(tmp_path / "full")  # a whole model's folder also feeds load_weights
    fresh2 = tf.keras.Model.from_config(model.get_config())
    fresh2.load_weights(tmp_path / "full" / "model.json")
    np.testing.assert_array_equal(_predict(fresh2, x)[0], _predict(model, x)[0])


def test_resave_replaces_shards_and_keeps_other_files(tmp_path):
    model, _ = _models()["functional"]
    model.save(tmp_path / "m")
    (tmp_path / "m" / "notes.txt").write_text("mine")
    _randomize(model, 5)
    model.save(tmp_path / "m")
    files = sorted(os.listdir(tmp_path / "m"))
    assert len([f for f in files if f.endswith(".bin")]) == 1 and "notes.txt" in files
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m", overwrite=False)


def test_http_loading_on_cpython(tmp_path):
    model, x = _models()["conv"]
    _randomize(model)
    model.save(tmp_path / "served", quantize="float16")
    server, url = build.start_server(tmp_path)
    try:
        restored = tf.keras.models.load_model(url + "served/model.json")
        np.testing.assert_array_equal(_predict(restored, x)[0],
                                      _predict(tf.keras.models.load_model(tmp_path / "served"), x)[0])
        with pytest.raises(FileNotFoundError, match="HTTP 404"):
            tf.keras.models.load_model(url + "nothing/model.json")
    finally:
        server.shutdown()


# --- bad files ----------------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    """A saved model's folder, its model.json as a dict, and a function to rewrite it."""
    model, x = _models()["functional"]
    _randomize(model)
    folder = tmp_path / "m"
    model.save(folder)
    path = folder / "model.json"

    def rewrite(change):
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return model, folder, rewrite


def _shard(folder):
    return folder / json.loads((folder / "model.json").read_text())["weightsManifest"][0]["paths"][0]


def _first_weight(data):
    return data["weightsManifest"][0]["weights"][0]


BAD_FILES = [
    ("truncated shard", lambda f, rw: _shard(f).write_bytes(_shard(f).read_bytes()[:-4]),
     ValueError, r"truncated .*describes \d+ bytes; the files hold \d+ bytes"),
    ("longer shard", lambda f, rw: _shard(f).write_bytes(_shard(f).read_bytes() + b"\0\0\0\0"),
     ValueError, r"longer than its manifest"),
    ("missing shard", lambda f, rw: _shard(f).unlink(), FileNotFoundError, r"weights file .* is missing"),
    ("shape that disagrees with the bytes", lambda f, rw: rw(lambda d: _first_weight(d).update(shape=[6, 5])),
     ValueError, r"truncated|longer"),
    ("unknown dtype", lambda f, rw: rw(lambda d: _first_weight(d).update(dtype="float64")),
     ValueError, r"weight '.*' has dtype 'float64'; expected one of"),
    ("bad quantization", lambda f, rw: rw(lambda d: _first_weight(d).update(quantization={"dtype": "int4"})),
     ValueError, r"quantization .*expected dtype float16, uint8 or uint16"),
    ("path leaving the folder", lambda f, rw: rw(lambda d: d["weightsManifest"][0].update(paths=["../m/x.bin"])),
     ValueError, r"weight path '\.\./m/x\.bin' leaves the model's folder"),
    ("absolute path", lambda f, rw: rw(lambda d: d["weightsManifest"][0].update(paths=["/etc/passwd"])),
     ValueError, r"leaves the model's folder"),
    ("url as a path", lambda f, rw: rw(lambda d: d["weightsManifest"][0].update(paths=["http://x/y.bin"])),
     ValueError, r"leaves the model's folder"),
    ("graph model", lambda f, rw: rw(lambda d: d.update(format="graph-model")),
     ValueError, r"TF.js graph model"),
    ("newer format version", lambda f, rw: rw(lambda d: d["userDefinedMetadata"]["webflow"].update(format_version=99)),
     ValueError, r"unsupported webflow format version 99"),
    ("unknown layer class", lambda f, rw: rw(lambda d: d["modelTopology"]["config"]["layers"][1].update(
        class_name="os.system")), ValueError, r"unknown layer class 'os.system'"),
    ("not json", lambda f, rw: (f / "model.json").write_bytes(b"\x80\x04pickle"), ValueError, r"not valid JSON"),
    ("repeated weight", lambda f, rw: rw(lambda d: d["weightsManifest"][0]["weights"][1].update(
        name=_first_weight(d)["name"], shape=_first_weight(d)["shape"])), ValueError, r"appears twice|truncated|longer"),
]


@pytest.mark.parametrize("case,damage,error,message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_raise_clear_errors_and_load_nothing(saved, case, damage, error, message):
    model, folder, rewrite = saved
    damage(folder, rewrite)
    with pytest.raises(error, match=message) as raised:
        tf.keras.models.load_model(folder)
    assert "load_model(" in str(raised.value)
    before = model.get_weights()
    if case != "unknown layer class":  # load_weights reads no topology
        with pytest.raises(error, match=message):
            model.load_weights(folder)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_load_weights_mismatch_leaves_model_unchanged(tmp_path):
    small = tf.keras.Sequential([tf.keras.Input((3,)), L.Dense(4, name="a"), L.Dense(2, name="b")])
    small.save_weights(tmp_path / "w")
    other = tf.keras.Sequential([tf.keras.Input((3,)), L.Dense(4, name="a"), L.Dense(5, name="b")])
    _randomize(other)
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"weight 'b/kernel' has shape \(4, 2\) in the file; the model expects "
                                         r"\(4, 5\)"):
        other.load_weights(tmp_path / "w")
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    renamed = tf.keras.Sequential([tf.keras.Input((3,)), L.Dense(4, name="a"), L.Dense(2, name="c")])
    with pytest.raises(ValueError, match=r"missing \['c/kernel', 'c/bias'\], unexpected \['b/bias', 'b/kernel'\]"):
        renamed.load_weights(tmp_path / "w")


def test_failed_save_leaves_previous_save_intact(tmp_path, monkeypatch):
    model, x = _models()["conv"]
    _randomize(model, 1)
    model.save(tmp_path / "m")
    want = _predict(model, x)[0]
    _randomize(model, 2)
    real = storage.atomic_write
    for fail_on in (".bin", ".json"):
        def failing(path, data, fail_on=fail_on):
            if path.endswith(fail_on):
                real(path + ".check", data[:10])  # a real partial write elsewhere does not matter
                raise OSError("disk full")
            return real(path, data)
        monkeypatch.setattr(storage, "atomic_write", failing)
        with pytest.raises(OSError, match="disk full"):
            model.save(tmp_path / "m")
        monkeypatch.setattr(storage, "atomic_write", real)
        np.testing.assert_array_equal(_predict(tf.keras.models.load_model(tmp_path / "m"), x)[0], want)
    assert not [f for f in os.listdir(tmp_path / "m") if f.endswith(".partial")]


def test_atomic_write_cleans_up_on_failure(tmp_path):
    with pytest.raises(TypeError):
        storage.atomic_write(str(tmp_path / "f.bin"), object())
    assert os.listdir(tmp_path) == []


def test_loading_never_runs_code(tmp_path):
    """Class names are looked up in webflow's table: a Lambda or a module path is refused by name."""
    model = tf.keras.Sequential([tf.keras.Input((2,)), L.Dense(1)])
    model.save(tmp_path / "m")
    path = tmp_path / "m" / "model.json"
    data = json.loads(path.read_text())
    data["modelTopology"]["config"]["layers"].append(
        {"class_name": "Lambda", "config": {"function": "__import__('os').system('touch pwned')", "name": "l"}})
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"unknown layer class 'Lambda'"):
        tf.keras.models.load_model(tmp_path / "m")
    assert not (tmp_path / "pwned").exists() and not os.path.exists("pwned")


SAVE_ERRORS = [
    (lambda m, p: m.save(p, quantize="int4"), ValueError, r"quantize must be one of None, 'float16', 'uint8'"),
    (lambda m, p: m.save("indexeddb://m"), ValueError, r"indexeddb:// targets exist only in the browser"),
    (lambda m, p: m.save("downloads://m"), ValueError, r"downloads:// targets exist only in the browser"),
    (lambda m, p: m.save("http://example.com/m"), ValueError, r"http\(s\) URLs can only be loaded from"),
    (lambda m, p: m.save(str(p) + ".h5"), ValueError, r"legacy Keras 2 HDF5 format is not supported"),
    (lambda m, p: tf.keras.models.load_model(p), FileNotFoundError, r"no model at"),
    (lambda m, p: tf.keras.models.load_model("indexeddb://m"), ValueError, r"only in the browser"),
    (lambda m, p: tf.keras.Sequential([L.Dense(2)]).save(p), ValueError, r"is not built"),
]


@pytest.mark.parametrize("call,error,message", SAVE_ERRORS)
def test_save_and_load_errors(tmp_path, call, error, message):
    model = tf.keras.Sequential([tf.keras.Input((2,)), L.Dense(1)])
    with pytest.raises(error, match=message):
        call(model, tmp_path / "nothing")


def test_subclassed_model_saves_weights_only(tmp_path):
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(2, name="net_dense")

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(tf.ones([1, 3]))
    with pytest.raises(ValueError, match="subclassed Model"):
        net.save(tmp_path / "m")
    net.save_weights(tmp_path / "w")
    other = Net()
    other(tf.ones([1, 3]))
    other.load_weights(tmp_path / "w")
    np.testing.assert_array_equal(other.dense.kernel.numpy(), net.dense.kernel.numpy())
