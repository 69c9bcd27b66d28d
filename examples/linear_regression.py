"""Fit y = a*x + b to noisy points with GradientTape and plain gradient descent.

Runs the same on CPython and in the browser:
    .venv/bin/python examples/linear_regression.py
    python3 build.py run examples/linear_regression.py [--steps 300]
Exits 1 if the fit did not get within 0.05 of the true a and b.
"""
import sys

import webflow as tf

TRUE_A, TRUE_B = 2.0, -1.0
steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 300
learning_rate = 0.1

# 200 points with x in [-2, 2] and noise sigma 0.1: enough data that the least-squares fit
# lands well within 0.05 of the true line.
x = tf.random.uniform([200], minval=-2.0, maxval=2.0, seed=1)
y = TRUE_A * x + TRUE_B + tf.random.normal([200], stddev=0.1, seed=2)

print(f"backend: {tf.config.get_backend()}")  # webgl in the browser, numpy on CPython
a = tf.Variable(0.0, name="a")
b = tf.Variable(0.0, name="b")

for step in range(1, steps + 1):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y - (a * x + b)))
    grad_a, grad_b = tape.gradient(loss, [a, b])
    a.assign_sub(learning_rate * grad_a)
    b.assign_sub(learning_rate * grad_b)
    if step % 50 == 0 or step == 1:
        print(f"step {step:4d}  loss={float(loss.numpy()):.5f}  "
              f"a={float(a.numpy()):.4f}  b={float(b.numpy()):.4f}")

fit_a, fit_b = float(a.numpy()), float(b.numpy())
print(f"a={fit_a:.4f} b={fit_b:.4f}  (true a={TRUE_A} b={TRUE_B})")
if abs(fit_a - TRUE_A) > 0.05 or abs(fit_b - TRUE_B) > 0.05:
    print("did not converge", file=sys.stderr)
    sys.exit(1)
