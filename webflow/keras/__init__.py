"""tf.keras: layers, models, optimizers, losses, metrics, callbacks, regularizers, saving
and data sets.

Functional (``Model(inputs, outputs)`` over ``Input``), Sequential and subclassed models with
compile/fit/evaluate/predict; ``model.save`` writes TensorFlow.js's Layers format.
"""

from webflow import datasets
from webflow.keras import activations, callbacks, initializers, layers, losses, metrics, optimizers, regularizers
from webflow.keras.layers import Input, InputLayer, KerasTensor
from webflow.keras.models import Model, Sequential
from webflow.keras import saving  # noqa: E402  (after models: saving builds on them)

__all__ = ["Input", "InputLayer", "KerasTensor", "Model", "Sequential", "activations", "callbacks", "datasets",
           "initializers", "layers", "losses", "metrics", "optimizers", "regularizers", "saving"]
