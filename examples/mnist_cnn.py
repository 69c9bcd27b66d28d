"""Classify MNIST digits with a small convolutional network (tf.keras).

Two Conv2D + MaxPooling2D blocks, Flatten, Dropout and a softmax Dense layer (the
layout of Keras's MNIST convnet example); Adam and sparse categorical cross-entropy.
With the 8,000 training images here (not 60,000) it takes about 7-10 epochs to pass
97% on the 2,000 test images. Runs the same on CPython and in the browser:
    .venv/bin/python examples/mnist_cnn.py [--epochs 10] [--train 8000] [--test 2000] [--target 0.97]
    python3 build.py run examples/mnist_cnn.py --epochs 1 --train 2000 --test 500 --target 0.8
Exits 1 if the test accuracy is below --target.
"""
import sys
import time

import webflow as tf


def option(name, default, kind=int):
    return kind(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


epochs = option("--epochs", 10)
train_size = option("--train", 8000)
test_size = option("--test", 2000)
target = option("--target", 0.97, float)

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()  # 8000 / 2000 uint8 images
# NOTE: the training images come shuffled, the test images sorted by digit: a smaller test set
# takes every k-th image so that it still holds every digit.
every = max(1, len(x_test) // test_size)
x_train = (x_train[:train_size] / 255.0).astype("float32")[..., None]  # [n, 28, 28, 1] in [0, 1]
x_test = (x_test[::every][:test_size] / 255.0).astype("float32")[..., None]
y_train = y_train[:train_size].astype("int32")
y_test = y_test[::every][:test_size].astype("int32")
print(f"backend: {tf.config.get_backend()}  train: {x_train.shape}  test: {x_test.shape}")

tf.random.set_seed(0)
model = tf.keras.Sequential([
    tf.keras.Input((28, 28, 1)),
    tf.keras.layers.Conv2D(32, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(64, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])

start = time.perf_counter()
history = model.fit(x_train, y_train, batch_size=32, epochs=epochs)
seconds = time.perf_counter() - start
print(f"training: {seconds:.1f} s, {seconds / max(epochs, 1):.1f} s per epoch")

loss, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
print(f"test loss={loss:.4f}  test accuracy={accuracy:.4f}")
if accuracy < target:
    print(f"test accuracy {accuracy:.4f} is below the target {target}", file=sys.stderr)
    sys.exit(1)
