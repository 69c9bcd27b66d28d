"""Trace the MNIST MLP's training step with tf.function and print its dataflow graph.

    .venv/bin/python examples/graph_step.py [--dot step.dot]
    python3 build.py run examples/graph_step.py > step.dot     (--dot -: only the DOT text)

Prints a summary (nodes per op, fused kernels and the ops each holds) and, with --dot, the
graph in Graphviz's DOT language (`dot -Tsvg step.dot > step.svg`): fused nodes are filled.
"""
import collections
import sys

import numpy as np

import webflow as tf

dot = sys.argv[sys.argv.index("--dot") + 1] if "--dot" in sys.argv else None
if dot is None and "--dot" not in sys.argv and not sys.stdout.isatty():
    dot = "-"  # printed to a pipe or file (build.py run > step.dot): the DOT text alone

model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(128, activation="relu"),
                             tf.keras.layers.Dense(10, activation="softmax")])
optimizer = tf.keras.optimizers.Adam(0.001)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return loss


(x, y), _ = tf.keras.datasets.mnist.load_data()
x, y = x[:128].reshape(128, 784).astype(np.float32) / 255.0, y[:128].astype(np.int32)
graph = train_step.get_concrete_function(x, y).graph
losses = [float(train_step(x, y)) for _ in range(3)]

if dot == "-":
    print(graph.to_dot())
    sys.exit(0)
print(f"backend: {tf.config.get_backend()}; loss over 3 steps on one batch: "
      + ", ".join(f"{v:.4f}" for v in losses))
kernels = [n for n in graph.nodes if n.inputs and n.op != "item"]  # an item is one result of a fused kernel
print(f"{len(graph.nodes)} nodes, {len(kernels)} kernels, {graph.count('fused')} of them fused; "
      f"{len(graph.updates)} variable updates")
print("kernels by op:", dict(collections.Counter(n.op for n in kernels)))
for node in kernels:
    if node.op == "fused":
        results = f" ({len(node.attrs['outputs'])} results)" if "outputs" in node.attrs else ""
        print(f"  fused %{node.id} {list(node.shape)}{results}: " + " ".join(op for op, _, _ in node.attrs["steps"]))
if dot:
    with open(dot, "w") as f:
        f.write(graph.to_dot() + "\n")
    print(f"wrote {dot}")
