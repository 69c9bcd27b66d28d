"""Predict Boston house prices (in $1000s) with a small Dense regressor (tf.keras, Adam).

Runs the same on CPython and in the browser:
    .venv/bin/python examples/boston_housing.py [--epochs 100] [--batch-size 32]
    python3 build.py run examples/boston_housing.py
Prints the test mean absolute error (about $2,600 after 100 epochs) and seconds per epoch.
"""
import sys
import time

import webflow as tf


def arg(name, default):
    """The value after ``name`` on the command line, of the default's type; the default if absent."""
    if name not in sys.argv:
        return default
    text = sys.argv[sys.argv.index(name) + 1] if sys.argv.index(name) + 1 < len(sys.argv) else ""
    try:
        return type(default)(text)
    except ValueError:
        sys.exit(f"{sys.argv[0]}: {name} expects {type(default).__name__} (default {default}); received {text!r}")


EPOCHS = arg("--epochs", 100)
BATCH_SIZE = arg("--batch-size", 32)
LEARNING_RATE = arg("--learning-rate", 0.003)

tf.random.set_seed(0)
print(f"backend: {tf.config.get_backend()}")  # webgl in the browser, numpy on CPython
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()

# The 13 features have very different scales (tax rate in hundreds, NOX below 1): standardize each
# with the training set's mean and standard deviation (never the test set's).
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std
print(f"{len(x_train)} training and {len(x_test)} test houses, {x_train.shape[1]} features")

model = tf.keras.Sequential([
    tf.keras.Input((x_train.shape[1],)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer=tf.keras.optimizers.Adam(LEARNING_RATE), loss="mse", metrics=["mae"])

start = time.perf_counter()
history = model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0)
seconds_per_epoch = (time.perf_counter() - start) / max(EPOCHS, 1)
for epoch in sorted({0, *range(9, EPOCHS, 10), EPOCHS - 1}):
    print(f"epoch {epoch + 1:3d}  loss (mse)={history.history['loss'][epoch]:8.3f}  "
          f"mae={history.history['mae'][epoch]:.3f}")
mse, mae = model.evaluate(x_test, y_test, batch_size=BATCH_SIZE, verbose=0)
print(f"seconds per epoch: {seconds_per_epoch:.3f}")
print(f"test mse: {mse:.3f}  test mae: {mae:.3f}")
