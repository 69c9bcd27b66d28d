"""Boston housing: predict a house's median price (in $1000s) from 13 features with tf.keras.

Runs in a Web Worker; `page` is the web page around it: page.emit(...) sends each epoch's
losses to its charts while model.fit runs; the page's Stop button ends training after the epoch.
"""
import numpy as np

import page
import webflow as tf

COLUMNS = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"]
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()

# The features have very different scales (TAX in the hundreds, NOX below 1): standardize them
# with the training set's statistics, and use the same statistics for the test set.
mean, std = x_train.mean(axis=0), x_train.std(axis=0)


def normalize(x):
    return ((x - mean) / std).astype(np.float32)


def build_model(learning_rate):
    model = tf.keras.Sequential([
        tf.keras.Input((13,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), loss="mse", metrics=["mae"])
    return model


def train(epochs=40, batch_size=32, learning_rate=0.003):
    tf.random.set_seed(0)
    page.clear_stop()
    model = build_model(learning_rate)

    def on_epoch_end(epoch, logs):
        page.emit("epoch", epoch, logs)
        if page.stop_requested():  # the Stop button: fit ends after this epoch
            model.stop_training = True

    model.fit(normalize(x_train), y_train, epochs=epochs, batch_size=batch_size, validation_split=0.2,
              verbose=0, callbacks=[tf.keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)])
    test_loss, test_mae = model.evaluate(normalize(x_test), y_test, verbose=0)
    predicted = model.predict(normalize(x_test)).ravel()
    return {"test_mae": float(test_mae), "predicted": predicted.tolist(), "actual": y_test.tolist(),
            "stopped": model.stop_training}
