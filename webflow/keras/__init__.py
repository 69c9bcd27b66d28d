"""tf.keras: layers, models, optimizers, losses, metrics, callbacks and data sets.

So far: Dense/Activation/ReLU/Softmax/Flatten/Reshape/Dropout layers; functional
(``Model(inputs, outputs)`` over ``Input``), Sequential and subclassed models with
compile/fit/evaluate/predict; the convolution, pooling and normalization layers come next.
"""

from webflow import datasets
from webflow.keras import activations, callbacks, initializers, layers, losses, metrics, optimizers, regularizers
from webflow.keras.layers import Input, InputLayer, KerasTensor
from webflow.keras.models import Model, Sequential
from webflow.keras import saving  # noqa: E402  (after models: saving builds on them)

__all__ = ["Input", "InputLayer", "KerasTensor", "Model", "Sequential", "activations", "callbacks", "datasets",
           "initializers", "layers", "losses", "metrics", "optimizers", "regularizers", "saving"]
