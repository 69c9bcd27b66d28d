"""MNIST: recognize handwritten digits with tf.keras, a small MLP or CNN.

Runs in a Web Worker; `page` is the web page around it: ShowProgress sends each batch's
loss and accuracy to its charts while model.fit runs, so the page never freezes, and stops
training (model.stop_training) when the page's Stop button is pressed.
"""
import numpy as np

import page
import webflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train[..., None].astype(np.float32) / 255.0  # (8000, 28, 28, 1), ink in [0, 1]
x_test = x_test[..., None].astype(np.float32) / 255.0
SAVED = "indexeddb://mnist-demo"
model = None


def build_model(kind):
    if kind == "mlp":
        layers = [tf.keras.layers.Flatten(),
                  tf.keras.layers.Dense(128, activation="relu"),
                  tf.keras.layers.Dense(10, activation="softmax")]
    elif kind == "cnn":
        layers = [tf.keras.layers.Conv2D(8, 3, activation="relu"),
                  tf.keras.layers.MaxPooling2D(),
                  tf.keras.layers.Conv2D(16, 3, activation="relu"),
                  tf.keras.layers.MaxPooling2D(),
                  tf.keras.layers.Flatten(),
                  tf.keras.layers.Dense(10, activation="softmax")]
    else:
        raise ValueError(f"build_model: kind must be 'mlp' or 'cnn'; received {kind!r}")
    model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), *layers])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class ShowProgress(tf.keras.callbacks.Callback):
    """Sends training progress to the page's charts and progress bar."""

    def on_train_begin(self, logs=None):
        page.emit("begin", self.params["epochs"], self.params["steps"])

    def on_train_batch_end(self, batch, logs=None):
        page.emit("batch", batch, logs)
        if page.stop_requested():  # the Stop button: fit ends after this batch
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        page.emit("epoch", epoch, logs)


def train(kind="mlp", epochs=1, batch_size=64):
    global model
    tf.random.set_seed(0)
    page.clear_stop()
    model = build_model(kind)
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[ShowProgress()])
    return {**test_report(), "stopped": model.stop_training}


def test_report(samples=24):
    """Accuracy on the test digits, the confusion matrix, and the first few predictions."""
    predicted = model.predict(x_test, batch_size=500).argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (y_test, predicted), 1)  # rows: true digit, columns: predicted
    shown = np.linspace(0, len(x_test) - 1, samples).astype(int)  # the test set is in order of digit
    return {
        "accuracy": float(np.mean(predicted == y_test)),
        "confusion": confusion.tolist(),
        "samples": {"images": (x_test[shown, :, :, 0] * 255).astype(np.uint8).ravel().tolist(),
                    "labels": y_test[shown].tolist(), "predicted": predicted[shown].tolist()},
    }


def require_model():
    if model is None:
        raise RuntimeError("There is no model yet: train one, or load a saved one.")
    return model


def predict_digit(pixels):
    """Class probabilities for one drawing: 784 values in [0, 1], scaled and centred like MNIST."""
    require_model()
    x = np.asarray(pixels, dtype=np.float32).reshape(1, 28, 28, 1)
    return model.predict(x)[0].tolist()


async def save():
    await require_model().save(SAVED)


def download():
    require_model().save("downloads://mnist-model")


async def load():
    global model
    model = await tf.keras.models.load_model(SAVED)
