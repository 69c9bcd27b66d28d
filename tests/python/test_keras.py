"""tf.keras (so far): layers, Sequential training, optimizers against their update equations, errors."""

import numpy as np
import pytest

import webflow as tf

layers = tf.keras.layers


def test_dense_shapes_params_and_config_round_trip():
    layer = layers.Dense(4, activation="relu", name="d")
    y = layer(tf.ones([2, 3, 5]))
    assert y.shape == (2, 3, 4) and layer.count_params() == 5 * 4 + 4
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(5, 4), (4,)]
    config = layer.get_config()
    assert config == {"name": "d", "trainable": True, "units": 4, "activation": "relu", "use_bias": True,
                      "kernel_initializer": "glorot_uniform", "bias_initializer": "zeros",
                      "kernel_regularizer": None, "bias_regularizer": None}
    clone = layers.Dense.from_config(config)
    assert clone.units == 4 and clone(tf.ones([1, 5])).shape == (1, 4)


def test_dropout_only_while_training():
    layer = layers.Dropout(0.5, seed=1)
    x = tf.ones([1000])
    assert layer(x, training=False) is x
    y = layer(x, training=True).numpy()
    assert set(np.unique(y).tolist()) == {0.0, 2.0} and 350 < (y == 0).sum() < 650


def test_sequential_summary_and_params():
    model = tf.keras.Sequential([tf.keras.Input((784,)), layers.Dense(128, "relu"), layers.Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 128)" in text and "(None, 10)" in text and "Total params: 101,770" in text
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10


def _steps(optimizer, grads):
    w = tf.Variable([1.0, -2.0])
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), w)])
    return w.numpy()


GRADS = [np.array([0.5, -1.0], np.float32), np.array([0.2, 0.3], np.float32), np.array([-0.4, 0.1], np.float32)]


def test_sgd_momentum_and_nesterov_follow_keras_equations():
    for nesterov in (False, True):
        w, v = np.array([1.0, -2.0]), np.zeros(2)
        for g in GRADS:
            v = 0.9 * v - 0.1 * g
            w = w + (0.9 * v - 0.1 * g if nesterov else v)
        np.testing.assert_allclose(_steps(tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov), GRADS), w, rtol=1e-6)


def test_adam_rmsprop_adagrad_follow_keras_equations():
    w, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS, 1):
        m = m + (g - m) * 0.1
        v = v + (g * g - v) * 0.001
        w = w - 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(_steps(tf.keras.optimizers.Adam(0.01), GRADS), w, rtol=1e-5)

    w, v = np.array([1.0, -2.0]), np.zeros(2)
    for g in GRADS:
        v = 0.9 * v + 0.1 * g * g
        w = w - 0.01 * g / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(_steps(tf.keras.optimizers.RMSprop(0.01), GRADS), w, rtol=1e-5)

    w, acc = np.array([1.0, -2.0]), np.full(2, 0.1)
    for g in GRADS:
        acc = acc + g * g
        w = w - 0.1 * g / np.sqrt(acc + 1e-7)
    np.testing.assert_allclose(_steps(tf.keras.optimizers.Adagrad(0.1), GRADS), w, rtol=1e-5)


def test_learning_rate_schedules():
    decay = tf.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert decay(9) == 0.1 and decay(10) == 0.05
    piecewise = tf.keras.optimizers.schedules.PiecewiseConstantDecay([5], [1.0, 0.1])
    assert piecewise(5) == 1.0 and piecewise(6) == 0.1


def test_boston_housing_regressor_reaches_mae_below_4():
    (x, y), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    mean, std = x.mean(0), x.std(0)
    tf.random.set_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((13,)), layers.Dense(64, "relu"), layers.Dense(64, "relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit((x - mean) / std, y, epochs=60, batch_size=16, verbose=0, validation_split=0.1)
    assert history.history["loss"][-1] < history.history["loss"][0] / 5
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    loss, mae = model.evaluate((x_test - mean) / std, y_test, verbose=0)
    assert mae < 4.0, mae
    assert model.predict((x_test[:5] - mean) / std).shape == (5, 1)


def test_fit_on_a_dataset_with_sparse_crossentropy_and_early_stopping():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(256, seed=1).batch(32)
    tf.random.set_seed(1)
    model = tf.keras.Sequential([tf.keras.Input((4,)), layers.Dense(16, "relu"), layers.Dense(2)])
    model.compile(tf.keras.optimizers.Adam(0.05), tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    history = model.fit(ds, epochs=20, verbose=0, callbacks=[stop])
    assert len(history.history["loss"]) == 2  # no epoch improves the loss by 10
    model.fit(ds, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.93


def test_nan_loss_stops_training_naming_epoch_and_batch(capsys):
    model = tf.keras.Sequential([tf.keras.Input((1,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[1.0], [np.nan], [1.0], [1.0]], np.float32)
    history = model.fit(x, np.ones(4), batch_size=1, epochs=3, shuffle=False, verbose=0)
    assert "epoch 1, batch 2: the loss is nan; stopping training" in capsys.readouterr().out
    assert len(history.history["loss"]) == 1


@pytest.mark.parametrize("call,error,message", [
    (lambda m: m.fit(np.zeros((10, 4)), np.zeros(9), verbose=0), ValueError,
     r"fit: x and y must have the same number of samples; received x: 10, y: 9"),
    (lambda m: m.fit(np.zeros((4, 4)), np.array([0, 1, 2, 5]), verbose=0), ValueError,
     r"fit: loss sparse_categorical_crossentropy for output 'dense_\w*': the output has 3 classes, so labels must be "
     r"in \[0, 3\); received label 5"),
    (lambda m: m.predict(np.zeros((2, 5))), ValueError,
     r"predict: input 'input_layer\w*' expects shape \(None, 4\); received shape \(2, 5\)"),
    (lambda m: tf.keras.losses.MeanSquaredError()(np.zeros((2, 5)), m(np.zeros((2, 4)))), ValueError,
     r"MeanSquaredError: y_true and y_pred must have the same shape; received y_true.shape=\(2, 5\), y_pred.shape=\(2, 3\)"),
    (lambda m: m.fit(np.zeros((4, 4)), np.zeros(4), validation_split=1.0), ValueError, r"fit: validation_split must be in \[0, 1\); received 1.0"),
])
def test_bad_input(call, error, message):
    model = tf.keras.Sequential([tf.keras.Input((4,)), layers.Dense(3)])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(error, match=message):
        call(model)
