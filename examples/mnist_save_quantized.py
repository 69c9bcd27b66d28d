"""Train the 784-128-10 MNIST MLP, save it in float32, float16 and uint8, and compare size and accuracy.

    .venv/bin/python examples/mnist_save_quantized.py          (CPython, NumPy backend)
    python3 build.py run examples/mnist_save_quantized.py      (in the browser; saves to Pyodide's file system)

Each saved folder is a TF.js Layers model: tf.loadLayersModel('.../model.json') loads it too.
"""
import os
import tempfile

import numpy as np

import webflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0

tf.random.set_seed(0)
model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(128, activation="relu"),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=64, verbose=0)

folder = tempfile.mkdtemp()
print(f"{'weights':<9} {'size (bytes)':>13} {'test accuracy':>14} {'max |weight error|':>19}")
for quantize in [None, "float16", "uint8"]:
    path = os.path.join(folder, quantize or "float32")
    model.save(path, quantize=quantize)
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    restored = tf.keras.models.load_model(path)
    accuracy = float(np.mean(restored.predict(x_test, batch_size=500).argmax(-1) == y_test))
    error = max(float(np.abs(a - b).max()) for a, b in zip(restored.get_weights(), model.get_weights()))
    print(f"{quantize or 'float32':<9} {size:>13,} {accuracy:>14.4f} {error:>19.2e}")
