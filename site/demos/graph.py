"""Graph: what tf.function makes of a Python function.

Tracing runs the function once with symbolic tensors; every op becomes a node of a dataflow
graph. The graph optimizer then drops dead code, merges repeated subexpressions, folds
constants and fuses chains of elementwise ops into single shaders ("fused" nodes). On WebGL the
optimized graph runs as one call into the GPU runtime per step.
"""
import collections

import numpy as np

import webflow as tf

(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
images = x_train[..., None].astype(np.float32) / 255.0  # (8000, 28, 28, 1)
labels = y_train.astype(np.int32)


def keras_train_step(model):
    """A Keras model's training step, as model.fit runs it: forward, gradient, Adam update."""
    optimizer = tf.keras.optimizers.Adam(0.001)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()

    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        return loss
    return train_step


def mnist_mlp():
    model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    return keras_train_step(model), (images[:128], labels[:128])


def mnist_cnn():
    model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)),
                                 tf.keras.layers.Conv2D(8, 5, activation="relu"), tf.keras.layers.MaxPooling2D(),
                                 tf.keras.layers.Conv2D(16, 5, activation="relu"), tf.keras.layers.MaxPooling2D(),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
    return keras_train_step(model), (images[:64], labels[:64])


def mnist_mlp_predict():
    model = tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(128, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])

    def predict(x):
        return tf.argmax(model(x), axis=1)
    return predict, (images[:500],)


def linear_regression():
    a, b = tf.Variable(0.0, name="a"), tf.Variable(0.0, name="b")
    x = np.linspace(-2, 2, 100, dtype=np.float32)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(a * x + b - y))
        grad_a, grad_b = tape.gradient(loss, [a, b])
        a.assign_sub(0.1 * grad_a)
        b.assign_sub(0.1 * grad_b)
        return loss
    return step, (x, 2.0 * x - 1.0)


FUNCTIONS = {
    "mnist_mlp": ("MNIST MLP training step (784-128-10, Adam, batch 128)", mnist_mlp),
    "mnist_cnn": ("MNIST CNN training step (conv 8, pool, conv 16, pool, dense 10; batch 64)", mnist_cnn),
    "mnist_mlp_predict": ("MNIST MLP prediction (batch 500)", mnist_mlp_predict),
    "linear_regression": ("Linear regression step (GradientTape, gradient descent)", linear_regression),
}


def trace(name, optimized=True):
    """Trace FUNCTIONS[name]: its graph as JSON-ready data, with counts for the page."""
    if name not in FUNCTIONS:
        raise ValueError(f"trace: name must be one of {', '.join(FUNCTIONS)}; received {name!r}")
    function, args = FUNCTIONS[name][1]()
    # As traced: no optimizer pass runs (TF's switch for its graph optimizer, Grappler).
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": not optimized})
    try:
        concrete = tf.function(function).get_concrete_function(*args)
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": False})
    graph = concrete.graph
    kernels = [node for node in graph.nodes if node.inputs and node.op != "item"]  # an item is a result, not a pass
    return {
        "graph": graph.to_json(),  # parsed by the page
        "nodes": len(graph.nodes),
        "kernels": len(kernels),
        "fused": graph.count("fused"),
        "fused_ops": sum(len(node.attrs["steps"]) for node in kernels if node.op == "fused"),
        "updates": len(graph.updates),
        "ops": dict(collections.Counter(node.op for node in kernels).most_common()),
        # On WebGL: the runtime calls one run of the plan makes (all in one call from Python).
        "runtime_calls": getattr(concrete.plan, "kernel_calls", None),
    }


def choices():
    return [[name, title] for name, (title, _) in FUNCTIONS.items()]
