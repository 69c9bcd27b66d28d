# Fit y = 3x + 0.5 with a one-unit Dense layer; verbose=2 prints a line per epoch.
import numpy as np
import webflow as tf

rng = np.random.default_rng(0)
x = np.linspace(-1, 1, 200, dtype=np.float32)[:, None]
y = 3 * x + 0.5 + rng.normal(0, 0.05, x.shape).astype(np.float32)

model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.SGD(0.2), loss="mse")
model.fit(x, y, epochs=15, batch_size=32, verbose=2)

kernel, bias = model.get_weights()
print(f"learned: y = {kernel[0, 0]:.2f} x + {bias[0]:.2f}")
