"""tf.keras functional API: symbolic inputs, multi-input/output training, shared layers, nested
models, config round trips, summary, the progress bar, read-backs in fit, and bad input."""

import doctest
import io
import json
import re

import numpy as np
import pytest

import webflow as tf
from webflow import backends
from webflow.keras import callbacks as callbacks_module

layers = tf.keras.layers


class Concat(layers.Layer):
    """Joins a list of tensors on the last axis (this branch's stand-in for layers.Concatenate)."""

    def call(self, inputs):
        return tf.concat(list(inputs), axis=-1)


class Scale(layers.Layer):
    """x * factor: a layer with a constructor argument, for config round trips."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def two_input_two_output(seed=0):
    """inputs a (3,) and b (2,); outputs "reg" (1 value) and "cls" (3 logits)."""
    tf.random.set_seed(seed)
    a, b = tf.keras.Input((3,), name="a"), tf.keras.Input((2,), name="b")
    joined = Concat(name="join")([layers.Dense(8, "relu", name="da")(a), layers.Dense(8, "relu", name="db")(b)])
    return tf.keras.Model([a, b], [layers.Dense(1, name="reg")(joined), layers.Dense(3, name="cls")(joined)],
                          name="two_heads")


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    xa, xb = rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 2)).astype(np.float32)
    y_reg = (xa[:, :1] - 2 * xa[:, 1:2] + xb[:, :1]).astype(np.float32)
    y_cls = np.digitize(xa[:, 2] + xb[:, 1], [-0.5, 0.5]).astype(np.int32)
    return xa, xb, y_reg, y_cls


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


# --- symbolic tensors --------------------------------------------------------------------------


def test_input_is_symbolic_and_layers_infer_shapes():
    x = tf.keras.Input((28, 28, 1), name="image")
    assert isinstance(x, tf.keras.KerasTensor)
    assert x.shape == (None, 28, 28, 1) and x.dtype == tf.float32 and x.name == "image"
    flat = layers.Flatten()(x)
    assert flat.shape == (None, 784)
    dense = layers.Dense(10)
    y = dense(flat)
    assert y.shape == (None, 10) and dense.built and dense.kernel.shape == (784, 10)
    assert y.node.layer is dense and y.node.inputs == [flat]
    fixed = tf.keras.Input((4,), batch_size=8)
    assert layers.Dense(2)(fixed).shape == (8, 2)
    seq = tf.keras.Input((None, 5))  # any length: the dimension stays None through the layer
    assert layers.Dense(3)(seq).shape == (None, None, 3)
    assert tf.keras.Input((2,), dtype="int32").dtype == tf.int32


def test_functional_model_structure_and_predict():
    model = two_input_two_output()
    assert [l.name for l in model.layers] == ["a", "b", "da", "db", "join", "reg", "cls"]
    assert model.input_names == ["a", "b"] and model.output_names == ["reg", "cls"]
    assert model.input_shape == [(None, 3), (None, 2)] and model.output_shape == [(None, 1), (None, 3)]
    assert model.count_params() == (3 * 8 + 8) + (2 * 8 + 8) + (16 + 1) + (16 * 3 + 3)
    xa, xb, _, _ = data(5)
    reg, cls = model.predict([xa, xb])
    # by hand, from the weights
    w = {l.name: [v.numpy() for v in l.weights] for l in model.layers}
    hidden = np.concatenate([np.maximum(xa @ w["da"][0] + w["da"][1], 0), np.maximum(xb @ w["db"][0] + w["db"][1], 0)], -1)
    np.testing.assert_allclose(reg, hidden @ w["reg"][0] + w["reg"][1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cls, hidden @ w["cls"][0] + w["cls"][1], rtol=1e-5, atol=1e-6)
    by_name = model.predict({"b": xb, "a": xa}, batch_size=2)  # a dict keyed by input name, any order
    np.testing.assert_allclose(by_name[1], cls, rtol=1e-5, atol=1e-6)


def test_dict_outputs_predict_a_dict():
    x = tf.keras.Input((2,), name="x")
    model = tf.keras.Model({"features": x}, {"double": Scale(2.0)(x), "half": Scale(0.5)(x)})
    out = model.predict({"features": np.array([[1.0, 2.0]], np.float32)})
    assert set(out) == {"double", "half"} and out["double"].tolist() == [[2.0, 4.0]] and out["half"].tolist() == [[0.5, 1.0]]
    assert model.output_names == ["double", "half"]


def test_shared_layer_shares_weights():
    shared = layers.Dense(4, name="shared")
    a, b = tf.keras.Input((3,)), tf.keras.Input((3,))
    model = tf.keras.Model([a, b], Concat()([shared(a), shared(b)]))
    assert len(shared._inbound_nodes) == 2
    assert len(model.weights) == 2 and model.count_params() == 16  # one kernel and one bias, not two
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = model.predict([x, x])
    np.testing.assert_allclose(out[:, :4], out[:, 4:])
    model.compile("sgd", "mse")
    model.fit([x, 2 * x], np.ones((2, 8)), epochs=1, verbose=0)
    out = model.predict([x, x])
    np.testing.assert_allclose(out[:, :4], out[:, 4:])  # one update moved both uses


def test_nested_models_train_and_share_weights():
    inner_in = tf.keras.Input((3,))
    inner = tf.keras.Model(inner_in, layers.Dense(4, "relu")(inner_in), name="encoder")
    head = tf.keras.Sequential([tf.keras.Input((4,)), layers.Dense(1)], name="head")
    x = tf.keras.Input((3,))
    outer = tf.keras.Model(x, head(inner(x)), name="outer")
    assert outer.output_shape == (None, 1)
    assert [l.name for l in outer.layers][1:] == ["encoder", "head"]
    assert len(outer.weights) == 4 and outer.count_params() == 16 + 5
    xs = np.random.default_rng(1).normal(size=(64, 3)).astype(np.float32)
    ys = xs.sum(1, keepdims=True)
    before = inner.get_weights()[0].copy()
    outer.compile(tf.keras.optimizers.Adam(0.01), "mse")
    history = outer.fit(xs, ys, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    assert not np.allclose(inner.get_weights()[0], before)  # the inner model's weights are the outer's
    np.testing.assert_allclose(outer.predict(xs), head.predict(inner.predict(xs)), rtol=1e-5, atol=1e-6)


def test_sequential_keeps_working_with_input_inputlayer_input_shape_and_lazy_build():
    for first in ([tf.keras.Input((4,))], [layers.InputLayer(shape=(4,))], []):
        extra = {} if first else {"input_shape": (4,)}
        model = tf.keras.Sequential([*first, layers.Dense(3, **extra), layers.Dense(2)])
        assert model.built and model.output_shape == (None, 2) and len(model.layers) == 2
        assert model.predict(np.zeros((5, 4))).shape == (5, 2)
    lazy = tf.keras.Sequential([layers.Dense(3), layers.Dense(2)])
    assert not lazy.built and lazy.output_shape is None
    assert lazy(np.zeros((5, 7), np.float32)).shape == (5, 2)
    assert lazy.built and lazy.input_shape == (None, 7) and lazy.layers[0].output_shape == (None, 3)
    lines = []
    lazy.summary(print_fn=lines.append)
    assert "(None, 3)" in "\n".join(lines) and "(None, 2)" in "\n".join(lines)
    # Used as a layer of a functional model
    x = tf.keras.Input((7,))
    assert tf.keras.Model(x, lazy(x)).output_shape == (None, 2)


# --- several inputs and outputs in compile / fit / evaluate ----------------------------------


def test_two_inputs_two_outputs_train_and_match_a_hand_computed_loss():
    model = two_input_two_output()
    xa, xb, y_reg, y_cls = data()
    model.compile(tf.keras.optimizers.Adam(0.02),
                  loss={"reg": "mse", "cls": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
                  loss_weights={"reg": 1.0, "cls": 0.5}, metrics={"cls": ["accuracy"]})
    history = model.fit({"a": xa, "b": xb}, {"reg": y_reg, "cls": y_cls}, epochs=40, batch_size=32, verbose=0)
    assert list(history.history) == ["loss", "reg_loss", "cls_loss", "cls_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    assert history.history["cls_accuracy"][-1] > 0.8

    logs = model.evaluate([xa, xb], [y_reg, y_cls], batch_size=40, verbose=0, return_dict=True)
    reg, cls = model.predict([xa, xb])
    reg_loss = np.mean((reg - y_reg) ** 2)
    cls_loss = -np.mean(log_softmax(cls.astype(np.float64))[np.arange(len(y_cls)), y_cls])
    assert logs["reg_loss"] == pytest.approx(reg_loss, rel=1e-4)
    assert logs["cls_loss"] == pytest.approx(cls_loss, rel=1e-4)
    assert logs["loss"] == pytest.approx(reg_loss + 0.5 * cls_loss, rel=1e-4)
    assert logs["cls_accuracy"] == pytest.approx(np.mean(cls.argmax(-1) == y_cls))
    as_list = model.evaluate([xa, xb], [y_reg, y_cls], verbose=0)
    assert as_list == pytest.approx([logs["loss"], logs["reg_loss"], logs["cls_loss"], logs["cls_accuracy"]])
    assert model.metrics_names == ["loss", "reg_loss", "cls_loss", "cls_accuracy"]


def test_losses_and_metrics_as_lists_one_loss_for_all_and_validation():
    model = two_input_two_output(seed=3)
    xa, xb, y_reg, y_cls = data()
    y_onehot = np.eye(3, dtype=np.float32)[y_cls]
    model.compile("adam", loss="mse", metrics=["mae"])  # one loss and one metric list for both outputs
    history = model.fit([xa, xb], [y_reg, y_onehot], epochs=2, verbose=0, validation_split=0.25)
    assert list(history.history) == ["loss", "reg_loss", "cls_loss", "reg_mae", "cls_mae",
                                     "val_loss", "val_reg_loss", "val_cls_loss", "val_reg_mae", "val_cls_mae"]
    model.compile("adam", loss=["mse", "categorical_crossentropy"], loss_weights=[0.0, 1.0],
                  metrics=[[], ["accuracy"]])
    logs = model.evaluate([xa, xb], [y_reg, y_onehot], verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["cls_loss"], rel=1e-6)  # the reg loss weighs 0
    assert set(logs) == {"loss", "reg_loss", "cls_loss", "cls_accuracy"}
    assert model.compiled_metrics[0].__class__ is tf.keras.metrics.CategoricalAccuracy


def test_a_dataset_yielding_tuples_and_dicts():
    xa, xb, y_reg, y_cls = data()
    for element in [((xa, xb), (y_reg, y_cls)), ({"a": xa, "b": xb}, {"reg": y_reg, "cls": y_cls})]:
        model = two_input_two_output(seed=4)
        model.compile(tf.keras.optimizers.Adam(0.02),
                      [tf.keras.losses.MeanSquaredError(), tf.keras.losses.SparseCategoricalCrossentropy(True)])
        ds = tf.data.Dataset.from_tensor_slices(element).batch(32)
        history = model.fit(ds, epochs=15, verbose=0, validation_data=ds)
        assert history.history["loss"][-1] < history.history["loss"][0] / 2
        assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(ds, verbose=0)[0], rel=1e-5)
        assert len(model.predict(ds)[0]) == len(xa)


def test_train_and_test_on_batch_with_two_outputs():
    model = two_input_two_output(seed=5)
    xa, xb, y_reg, y_cls = data(32)
    model.compile("sgd", ["mse", tf.keras.losses.SparseCategoricalCrossentropy(True)], metrics=[[], ["accuracy"]])
    first = model.train_on_batch([xa, xb], [y_reg, y_cls])
    assert len(first) == 4 and first[0] == pytest.approx(first[1] + first[2], rel=1e-5)
    logs = model.test_on_batch([xa, xb], [y_reg, y_cls], return_dict=True)
    assert list(logs) == ["loss", "reg_loss", "cls_loss", "cls_accuracy"] and logs["loss"] < first[0]


def test_subclassed_model_with_two_outputs():
    class TwoHeads(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.body, self.left, self.right = layers.Dense(8, "relu"), layers.Dense(1), layers.Dense(1)

        def call(self, x):
            h = self.body(x)
            return [self.left(h), self.right(h)]

    model = TwoHeads()
    x = np.random.default_rng(2).normal(size=(64, 2)).astype(np.float32)
    model.compile(tf.keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, [x[:, :1], -x[:, 1:]], epochs=20, verbose=0)
    assert set(history.history) == {"loss", "output_1_loss", "output_2_loss"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 2


def test_hello_world_fits_rank_1_data():
    """The first TF lesson: y = 2x - 1 from six numbers, x given as a plain list of rank 1."""
    tf.random.set_seed(0)
    model = tf.keras.Sequential([layers.Dense(1, input_shape=[1])])
    model.compile(tf.keras.optimizers.SGD(0.05), "mse")
    model.fit([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], [-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], epochs=300, verbose=0)
    assert model.predict([10.0])[0, 0] == pytest.approx(19.0, abs=0.3)


# --- read-backs, progress bar, callbacks -----------------------------------------------------


class CountReads:
    """Counts NumPy-backend read-backs (the number fit would wait on the GPU for, on WebGL)."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = backends.NumpyBackend.to_numpy

        def counted(backend, handle, dtype):
            self.count += 1
            return original(backend, handle, dtype)

        monkeypatch.setattr(backends.NumpyBackend, "to_numpy", counted)


def test_fit_reads_losses_once_per_epoch_unless_a_callback_wants_batches(monkeypatch):
    model = tf.keras.Sequential([tf.keras.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((80, 2), np.float32), np.ones((80, 1), np.float32)
    reads = CountReads(monkeypatch)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert reads.count == 3  # 10 batches per epoch, one read at each epoch's end
    reads.count = 0
    seen = []
    on_batch = tf.keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append((batch, logs)))
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[on_batch])
    assert reads.count == 10 and [b for b, _ in seen] == list(range(10))  # the epoch's end has nothing new to read
    assert all(type(v) is float for _, logs in seen for v in logs.values())
    assert seen[-1][1]["loss"] == pytest.approx(history.history["loss"][0])


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf in the NumPy kernels
def test_nan_found_at_epoch_end_names_the_first_bad_batch(capsys):
    model = tf.keras.Sequential([tf.keras.Input((1,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.ones((40, 1), np.float32)
    x[13] = np.inf
    history = model.fit(x, np.ones(40), batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert "fit: epoch 1, batch 4: the loss is" in capsys.readouterr().out  # sample 13 is in batch 4
    assert len(history.history["loss"]) == 1 and not np.isfinite(history.history["loss"][0])


def test_progress_bar_lines_for_each_verbose(capsys):
    model = tf.keras.Sequential([tf.keras.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = np.ones((40, 2), np.float32), np.ones(40, np.float32)
    model.fit(x, y, batch_size=10, epochs=2)  # verbose "auto" = 1; captured output is not a terminal
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"4/4 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}", lines[1])
    model.fit(x, y, batch_size=10, epochs=1, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1" and re.fullmatch(r"4/4 - \d+s - \d+(us|ms|s)/step - loss: \S+ - mae: \S+", lines[1])
    model.fit(x, y, batch_size=10, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(x, y, batch_size=10)
    assert re.fullmatch(r"4/4 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: \S+ - mae: \S+\n", capsys.readouterr().out)


def test_progress_bar_redraws_in_place_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    bar = callbacks_module.Progbar(250, interval=0.0, stream=out)
    bar.start -= 10.0
    assert bar.wants_update()
    bar.update(50, {"loss": 0.5})
    bar.update(100, {"loss": 0.25})
    bar.update(250, {"loss": 0.125, "accuracy": 0.9121}, finalize=True)
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    first, second, final = text.split("\r")[1:]
    assert first.startswith(" 50/250 [=====>") and "ETA: 40s - loss: 0.5000" in first
    assert second.startswith("100/250 [===========>") and "ETA: " in second
    assert re.fullmatch(r"250/250 \[={30}\] - 10s 40ms/step - loss: 0.1250 - accuracy: 0.9121\s*\n", final)

    # fit on a terminal refreshes the bar (reading the losses) at most every 0.2 s
    monkeypatch.setattr("sys.stdout", Terminal())
    model = tf.keras.Sequential([tf.keras.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((40, 2)), np.ones(40), batch_size=4, epochs=1)
    import sys
    assert re.search(r"\r10/10 \[={30}\] - \d+s \S+/step - loss: \S+ *\n$", sys.stdout.getvalue())


def test_callbacks_keep_working():
    model = tf.keras.Sequential([tf.keras.Input((1,)), layers.Dense(1)])
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    rates, ends, begins = [], [], []
    schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    record = tf.keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: rates.append(model.optimizer._lr()),
        on_epoch_end=lambda epoch, logs: ends.append((epoch, logs)), on_train_begin=lambda logs: begins.append(logs))
    x = np.linspace(-1, 1, 32).reshape(-1, 1).astype(np.float32)
    history = model.fit(x, 3 * x, epochs=3, verbose=0, callbacks=[schedule, record])
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3]) and begins == [{}]
    assert [e for e, _ in ends] == [0, 1, 2] and [logs["loss"] for _, logs in ends] == history.history["loss"]
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=100.0)
    assert len(model.fit(x, 3 * x, epochs=10, verbose=0, callbacks=[stop]).history["loss"]) == 3  # best, wait 1, stop


def test_callbacks_module_doctests():
    assert doctest.testmod(callbacks_module, optionflags=doctest.ELLIPSIS).failed == 0


# --- config and summary ----------------------------------------------------------------------


def test_functional_config_round_trip_through_json_gives_the_same_outputs():
    shared = layers.Dense(4, "relu", name="shared")
    inner_in = tf.keras.Input((4,), name="inner_in")
    inner = tf.keras.Model(inner_in, Scale(3.0, name="triple")(inner_in), name="inner")
    a, b = tf.keras.Input((3,), name="a"), tf.keras.Input((3,), name="b")
    joined = Concat(name="join")([inner(shared(a)), shared(b)])
    model = tf.keras.Model({"a": a, "b": b}, [layers.Dense(2, name="out")(joined), layers.Dropout(0.5)(joined)])
    config = json.loads(json.dumps(model.get_config()))
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "InputLayer", "Dense", "Functional", "Concat",
                                                          "Dense", "Dropout"]
    shared_entry = config["layers"][2]
    assert shared_entry["inbound_nodes"] == [{"args": {"keras_history": ["a", 0, 0]}, "kwargs": {}},
                                             {"args": {"keras_history": ["b", 0, 0]}, "kwargs": {}}]
    clone = tf.keras.Model.from_config(config, custom_objects={"Concat": Concat, "Scale": Scale})
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    clone.set_weights(model.get_weights())
    x = {"a": np.random.default_rng(0).normal(size=(5, 3)), "b": np.ones((5, 3))}
    for got, want in zip(clone.predict(x), model.predict(x)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert json.loads(json.dumps(clone.get_config())) == config


def test_sequential_config_round_trip():
    model = tf.keras.Sequential([tf.keras.Input((6,), name="pixels"), layers.Dense(5, "relu"), layers.Dropout(0.2),
                                 layers.Dense(2, "softmax")], name="clf")
    config = json.loads(json.dumps(model.get_config()))
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    clone = tf.keras.Sequential.from_config(config)
    assert clone.name == "clf" and clone.output_shape == (None, 2) and clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).normal(size=(4, 6))
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6)


def test_functional_summary_has_connected_to():
    model = two_input_two_output()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "two_heads"'
    assert re.search(r"Layer \(type\)\s+Output Shape\s+Param #\s+Connected to", text)
    assert re.search(r"a \(InputLayer\)\s+\(None, 3\)\s+0\s+-", text)
    assert re.search(r"join \(Concat\)\s+\(None, 16\)\s+0\s+da\[0\]\[0\], db\[0\]\[0\]", text)
    assert re.search(r"cls \(Dense\)\s+\(None, 3\)\s+51\s+join\[0\]\[0\]", text)
    assert "Total params: 124" in text and "Trainable params: 124" in text


# --- bad input: each a clear error before any kernel runs ------------------------------------


class CountingBackend(backends.NumpyBackend):
    kernels = 0

    def __getattribute__(self, name):
        if name in backends.NumpyBackend.__dict__ and name not in ("from_numpy", "to_numpy", "fill", "memory", "name"):
            type(self).kernels += 1
        return super().__getattribute__(name)


def compiled_two_heads():
    model = two_input_two_output()
    model.compile("sgd", {"reg": "mse", "cls": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)})
    return model


XA, XB, Y_REG, Y_CLS = data(8)


def mnist_like():
    model = tf.keras.Sequential([tf.keras.Input((4,), name="pixels"), layers.Dense(10, name="logits")])
    model.compile("sgd", "categorical_crossentropy")
    return model


BAD = [
    (lambda: compiled_two_heads().fit([XA, XB], [Y_REG, np.full(8, 3)], verbose=0),
     r"fit: loss sparse_categorical_crossentropy for output 'cls': the output has 3 classes, so labels must be in "
     r"\[0, 3\); received label 3"),
    (lambda: compiled_two_heads().evaluate([XA, XB], [Y_REG, -Y_CLS - 1], verbose=0),
     r"evaluate: .* labels must be in \[0, 3\); received label -\d"),
    (lambda: mnist_like().fit(np.zeros((8, 4)), np.zeros(8), verbose=0),
     r"fit: loss categorical_crossentropy for output 'logits' needs y shaped like the output, \(None, 10\); "
     r"received y of shape \(8,\)"),
    (lambda: compiled_two_heads().fit([XA, XB], [Y_REG, np.zeros((8, 3))], verbose=0),
     r"fit: loss sparse_categorical_crossentropy for output 'cls' needs one integer label per example, y of shape "
     r"\(None,\); received y of shape \(8, 3\)"),
    (lambda: compiled_two_heads().predict([XA, np.zeros((8, 5))]),
     r"predict: input 'b' expects shape \(None, 2\); received shape \(8, 5\)"),
    (lambda: compiled_two_heads()([XA[:, :2], XB]), r"two_heads: input 'a' expects shape \(None, 3\); received shape \(8, 2\)"),
    (lambda: compiled_two_heads().fit([XA, XB[:, None]], [Y_REG, Y_CLS], verbose=0),
     r"fit: input 'b' expects shape \(None, 2\); received shape \(8, 1, 2\)"),
    (lambda: mnist_like().predict(np.zeros((3, 5))), r"predict: input 'pixels' expects shape \(None, 4\); received shape \(3, 5\)"),
    (lambda: compiled_two_heads().fit([XA, XB[:7]], [Y_REG, Y_CLS], verbose=0),
     r"fit: x and y must have the same number of samples; received x: \[8, 7\], y: 8"),
    (lambda: compiled_two_heads().fit({"a": XA}, [Y_REG, Y_CLS], verbose=0),
     r"fit: x must hold one entry per input \['a', 'b'\]; missing \['b'\], unexpected \[\]"),
    (lambda: compiled_two_heads().predict({"a": XA, "c": XB}), r"predict: x must hold one entry per input .*missing \['b'\], unexpected \['c'\]"),
    (lambda: compiled_two_heads().predict(XA), r"predict: the model has 2 inputs \['a', 'b'\]: x must be a list of 2 arrays or "
     r"a dict with those keys; received one array of shape \(8, 3\)"),
    (lambda: compiled_two_heads().fit([XA, XB], Y_REG, verbose=0), r"fit: the model has 2 outputs \['reg', 'cls'\]: y must be"),
    (lambda: compiled_two_heads().fit([XA, XB], {"reg": Y_REG}, verbose=0),
     r"fit: y must hold one entry per output \['reg', 'cls'\]; missing \['cls'\], unexpected \[\]"),
    (lambda: two_input_two_output().compile("sgd", ["mse"]), r"compile: loss must have one entry per output \['reg', 'cls'\]; received 1"),
    (lambda: two_input_two_output().compile("sgd", {"reg": "mse", "oops": "mse"}), r"compile: loss has keys \['oops'\] that are not outputs"),
    (lambda: tf.keras.Model(np.zeros(3), np.zeros(3)), r"model\w*: inputs must be KerasTensors .*received ndarray"),
    (lambda: tf.keras.Model(tf.keras.Input((2,)), layers.Dense(1)(tf.keras.Input((2,), name="other"))),
     r"model\w*: the outputs depend on input 'other', which is not in inputs"),
    (lambda: tf.keras.Input((0, 3)), r"Input: shape must be a tuple of positive ints or None, without the batch axis; received \(0, 3\)"),
    (lambda: tf.add(tf.keras.Input((2,), name="k"), 1.0), r"add: argument x: KerasTensor 'k' is symbolic and has no values"),
    (lambda: layers.Dense(2)([tf.keras.Input((2,)), np.zeros((1, 2))]), r"dense\w*: inputs must be all KerasTensors or all values"),
    (lambda: tf.keras.Model.from_config(two_input_two_output().get_config()),
     r"from_config: unknown layer class 'Concat'; pass it as custom_objects=\{'Concat': YourLayer\}"),
]


@pytest.mark.parametrize("call,message", BAD, ids=[m[:50] for _, m in BAD])
def test_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda m: m.fit([XA, XB], [Y_REG, np.full(8, 3)], verbose=0),
    lambda m: m.predict([XA, np.zeros((8, 5))]),
    lambda m: m.fit({"a": XA}, [Y_REG, Y_CLS], verbose=0),
    lambda m: m.fit([XA, XB[:7]], [Y_REG, Y_CLS], verbose=0),
])
def test_no_kernel_runs_before_the_error(call, monkeypatch):
    model = compiled_two_heads()
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    with pytest.raises(ValueError):
        call(model)
    assert CountingBackend.kernels == 0
