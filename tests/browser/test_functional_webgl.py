"""The functional API in the page, on WebGL: a two-input, two-output model trains, matches the
same training on the NumPy backend, and reports each epoch to a JavaScript callback."""

import re

import pytest

pytestmark = pytest.mark.browser

TRAIN = """
import numpy as np
import webflow as tf
import js

class _FwConcat(tf.keras.layers.Layer):
    def call(self, inputs):
        return tf.concat(list(inputs), axis=-1)

def _fw_model():
    a, b = tf.keras.Input((3,), name="a"), tf.keras.Input((2,), name="b")
    h = _FwConcat()([tf.keras.layers.Dense(8, "relu")(a), tf.keras.layers.Dense(8, "relu")(b)])
    return tf.keras.Model([a, b], [tf.keras.layers.Dense(1, name="reg")(h), tf.keras.layers.Dense(3, name="cls")(h)])

def _fw_train(backend, weights, callbacks):
    tf.config.set_backend(backend)
    model = _fw_model()
    if weights is not None:
        model.set_weights(weights)
    model.compile(tf.keras.optimizers.SGD(0.05), {"reg": "mse", "cls": tf.keras.losses.SparseCategoricalCrossentropy(True)},
                  loss_weights={"reg": 1.0, "cls": 0.5}, metrics={"cls": ["accuracy"]})
    history = model.fit({"a": _fw_xa, "b": _fw_xb}, {"reg": _fw_yr, "cls": _fw_yc}, batch_size=16, epochs=6,
                        shuffle=False, verbose=0, callbacks=callbacks)
    return model, history.history

_rng = np.random.default_rng(0)
_fw_xa, _fw_xb = _rng.normal(size=(96, 3)).astype(np.float32), _rng.normal(size=(96, 2)).astype(np.float32)
_fw_yr = (_fw_xa[:, :1] - 2 * _fw_xa[:, 1:2] + _fw_xb[:, :1]).astype(np.float32)
_fw_yc = np.digitize(_fw_xa[:, 2] + _fw_xb[:, 1], [-0.5, 0.5]).astype(np.int32)

_fw_start = _fw_model().get_weights()
_fw_gl, _fw_gl_history = _fw_train("webgl", _fw_start, [tf.keras.callbacks.LambdaCallback(on_epoch_end=js.fwOnEpochEnd)])
_fw_np, _fw_np_history = _fw_train("numpy", _fw_start, None)
_fw_backend = str(tf.config.get_backend())
tf.config.set_backend("webgl")
[_fw_backend, _fw_gl_history, _fw_np_history, _fw_gl.weights[0]._value._backend.name,
 float(np.abs(_fw_gl.predict([_fw_xa, _fw_xb])[1] - _fw_np.predict([_fw_xa, _fw_xb])[1]).max())]
"""


def test_two_input_model_trains_on_webgl_and_calls_a_js_callback(run_py):
    # The callback is defined where Python runs: the site's Web Worker.
    run_py("""from pyodide.code import run_js
run_js('''
    globalThis.fwEpochs = [];
    globalThis.fwOnEpochEnd = (epoch, logs) => {
        // a plain object of numbers, not a proxy of a Python dict
        fwEpochs.push({ epoch, isObject: Object.getPrototypeOf(logs) === Object.prototype,
                        keys: Object.keys(logs), loss: logs.loss, accuracy: logs.cls_accuracy });
    };
''')
None""")
    backend, gl, numpy_history, trained_on, output_gap = run_py(TRAIN)
    assert "numpy" in backend.lower() and trained_on == "webgl"
    assert list(gl) == ["loss", "reg_loss", "cls_loss", "cls_accuracy"]
    assert gl["loss"][-1] < gl["loss"][0] * 0.6
    for key in gl:  # WebGL training follows the NumPy reference, epoch by epoch
        assert gl[key] == pytest.approx(numpy_history[key], rel=2e-3, abs=2e-3), key
    assert output_gap < 1e-3

    epochs = run_py("import js\njs.fwEpochs")
    assert [e["epoch"] for e in epochs] == list(range(6))
    assert all(e["isObject"] and e["keys"] == ["loss", "reg_loss", "cls_loss", "cls_accuracy"] for e in epochs)
    assert [e["loss"] for e in epochs] == pytest.approx(gl["loss"], rel=1e-6)
    assert [e["accuracy"] for e in epochs] == pytest.approx(gl["cls_accuracy"], rel=1e-6)


def test_progress_bar_in_the_page_prints_only_final_epoch_lines(run_script):
    status, lines = run_script("""
import numpy as np
import webflow as tf
tf.random.set_seed(1)
x = tf.keras.Input((2,))
model = tf.keras.Model(x, tf.keras.layers.Dense(1)(x))
model.compile("sgd", "mse")
model.fit(np.ones((40, 2)), np.ones(40), batch_size=10, epochs=2)
""")
    assert status == 0, lines
    out = [text for stream, text in lines if stream == "stdout"]
    assert len(out) == 4 and out[0] == "Epoch 1/2" and out[2] == "Epoch 2/2", out
    for line in out[1::2]:
        # Keras's number format: 4 decimals, or 4 significant digits with an exponent below 1e-3
        assert re.fullmatch(r"4/4 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: (\d+\.\d{4}|\d\.\d{4}e-\d\d)",
                            line), line
