"""Fit y = a*x + b to noisy points with tf.GradientTape and gradient descent.

This runs in a Web Worker; `page` is the web page around it: page.emit(...) sends
values to its charts while the loop runs, so the page never freezes.
"""
import asyncio

import page
import webflow as tf

TRUE_A, TRUE_B = 2.0, -1.0
x = tf.random.uniform([100], minval=-2.0, maxval=2.0, seed=1)
y = TRUE_A * x + TRUE_B + tf.random.normal([100], stddev=0.1, seed=2)

a = tf.Variable(0.0, name="a")
b = tf.Variable(0.0, name="b")
learning_rate = 0.02


def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y - (a * x + b)))
    grad_a, grad_b = tape.gradient(loss, [a, b])
    a.assign_sub(learning_rate * grad_a)
    b.assign_sub(learning_rate * grad_b)
    return float(loss.numpy())


async def train(steps=300, show_every=5):
    a.assign(0.0)
    b.assign(0.0)
    for step in range(1, steps + 1):
        loss = train_step()
        if step % show_every == 0:
            page.emit("step", step, float(a.numpy()), float(b.numpy()), loss)
            await asyncio.sleep(0.01)  # a pause, so the line visibly moves
    return [float(a.numpy()), float(b.numpy()), loss]
