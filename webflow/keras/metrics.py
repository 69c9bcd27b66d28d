"""Metrics (``tf.keras.metrics``): running values over batches, kept on the device.

``update_state(y_true, y_pred)`` adds a batch, ``result()`` gives the value so
far, ``reset_state()`` starts again (Keras resets them each epoch).

NOTE: the running total stays a device tensor (one sum and one add per batch), so
``update_state`` never waits for the GPU; ``result()`` reads it back once.
"""

import numpy as np

from webflow import ops
from webflow.keras import losses
from webflow.tensor import Tensor, Variable


class Metric:
    def __init__(self, name=None):
        self.name = name or losses._snake(type(self).__name__)
        self.reset_state()

    def reset_state(self):
        self._total = None  # a scalar tensor on the device, or None before the first batch
        self._count = 0.0  # a float, or a scalar tensor when the sample weights are device tensors

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.accumulate(*self.batch_totals(y_true, y_pred, sample_weight))

    def batch_totals(self, y_true, y_pred, sample_weight=None):
        """(sum of the batch's values, their count or total weight): the part of update_state
        a traced training step computes; ``accumulate`` adds it to the running state."""
        values = ops.reshape(self.values(y_true, y_pred), (-1,))
        if sample_weight is None:
            total, count = ops.reduce_sum(values), float(values.shape[0])
        elif isinstance(sample_weight, (Tensor, Variable)):
            weights = ops.broadcast_to(ops.reshape(ops.cast(sample_weight, values.dtype), (-1,)), values.shape)
            total, count = ops.reduce_sum(ops.multiply(values, weights)), ops.reduce_sum(weights)
        else:  # host weights: their sum is known without the device
            weights = np.broadcast_to(np.asarray(sample_weight, np.float32).reshape(-1), values.shape)
            total, count = ops.reduce_sum(ops.multiply(values, weights)), float(weights.sum(dtype=np.float64))
        return total, count

    def accumulate(self, total, count):
        self._total = total if self._total is None else ops.add(self._total, total)
        if isinstance(count, Tensor) or isinstance(self._count, Tensor):
            self._count = ops.add(self._count, count)
        else:
            self._count += count

    def values(self, y_true, y_pred):
        raise NotImplementedError

    def result(self):
        """The value so far, as a float (one read-back of the running total)."""
        if self._total is None:
            return 0.0
        count = float(self._count.numpy()) if isinstance(self._count, Tensor) else self._count
        return float(self._total.numpy()) / count if count else 0.0

    def get_config(self):
        return {"name": self.name}


class Mean(Metric):
    """The mean of the values given to ``update_state(values)``."""

    def update_state(self, values, sample_weight=None):
        super().update_state(None, values, sample_weight)

    def values(self, _, values):
        return ops.convert_to_tensor(values)


class Accuracy(Metric):
    """How often y_pred equals y_true exactly."""

    def values(self, y_true, y_pred):
        y_true, y_pred = losses._matched("Accuracy", y_true, y_pred)
        return ops.cast(ops.equal(y_true, y_pred), "float32")


class BinaryAccuracy(Metric):
    def __init__(self, name=None, threshold=0.5):
        self.threshold = threshold
        super().__init__(name)

    def values(self, y_true, y_pred):
        y_true, y_pred = losses._matched("BinaryAccuracy", y_true, y_pred)
        predicted = ops.cast(ops.greater(y_pred, self.threshold), "float32")
        return ops.cast(ops.equal(y_true, predicted), "float32")


class CategoricalAccuracy(Metric):
    """How often the argmax of y_pred is the argmax of the one-hot y_true."""

    def values(self, y_true, y_pred):
        return ops.cast(ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1)), "float32")


class SparseCategoricalAccuracy(Metric):
    """How often the argmax of y_pred is the integer label y_true."""

    def values(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        labels, _ = losses._labels("SparseCategoricalAccuracy", y_true, y_pred)
        return ops.cast(ops.equal(labels, ops.argmax(y_pred, axis=-1)), "float32")


class MeanAbsoluteError(Metric):
    def values(self, y_true, y_pred):
        return losses.mean_absolute_error(y_true, y_pred)


class MeanSquaredError(Metric):
    def values(self, y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred)


ALIASES = {"accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
           "categorical_accuracy": CategoricalAccuracy, "sparse_categorical_accuracy": SparseCategoricalAccuracy,
           "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
           "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError}


def get(identifier, loss=None):
    """A metric from an instance or a name; "accuracy" picks the variant that fits ``loss``, as Keras."""
    if isinstance(identifier, Metric):
        return identifier
    if identifier in ("accuracy", "acc"):
        cls = {losses.SparseCategoricalCrossentropy: SparseCategoricalAccuracy,
               losses.CategoricalCrossentropy: CategoricalAccuracy,
               losses.BinaryCrossentropy: BinaryAccuracy}.get(type(loss), Accuracy)
        return cls(name=identifier)
    if isinstance(identifier, str) and identifier in ALIASES:
        return ALIASES[identifier](name=identifier)
    raise ValueError(f"metrics.get: unknown metric {identifier!r}; expected one of {sorted(ALIASES)}")
