"""Losses (``tf.keras.losses``): each maps (y_true, y_pred) to one value per
sample, averaged over the batch (Keras's "sum_over_batch_size")."""

import numpy as np

from webflow import backends, dtypes, ops
from webflow.ops import nn_ops
from webflow.ops.dispatch import convert_to_tensor_for
from webflow.graph import tracing
from webflow.tensor import Tensor, Variable

EPSILON = 1e-7  # Keras's backend epsilon: keeps log() of probabilities finite


class Loss:
    def __init__(self, name=None):
        self.name = name or _snake(type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None):
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, values.dtype))
        return ops.reduce_mean(values)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name}


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _matched(op, y_true, y_pred):
    """y_true as float32, with a trailing axis added or removed to match y_pred's rank (as Keras)."""
    y_pred = convert_to_tensor_for(op, y_pred, arg="y_pred")
    y_true = ops.cast(convert_to_tensor_for(op, y_true, arg="y_true"), y_pred.dtype)
    if y_true.shape.rank == y_pred.shape.rank - 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, -1)
    elif y_true.shape.rank == y_pred.shape.rank + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{op}: y_true and y_pred must have the same shape; received y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    return y_true, y_pred


class MeanSquaredError(Loss):
    def call(self, y_true, y_pred):
        y_true, y_pred = _matched("MeanSquaredError", y_true, y_pred)
        return ops.reduce_mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1)


class MeanAbsoluteError(Loss):
    def call(self, y_true, y_pred):
        y_true, y_pred = _matched("MeanAbsoluteError", y_true, y_pred)
        return ops.reduce_mean(ops.abs(ops.subtract(y_pred, y_true)), axis=-1)


class Huber(Loss):
    """0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta)."""

    def __init__(self, delta=1.0, name=None):
        super().__init__(name)
        self.delta = delta

    def call(self, y_true, y_pred):
        y_true, y_pred = _matched("Huber", y_true, y_pred)
        e = ops.abs(ops.subtract(y_pred, y_true))
        small = ops.multiply(ops.square(e), 0.5)
        large = ops.multiply(ops.subtract(e, 0.5 * self.delta), self.delta)
        return ops.reduce_mean(ops.where(ops.less_equal(e, self.delta), small, large), axis=-1)


class BinaryCrossentropy(Loss):
    def __init__(self, from_logits=False, name=None):
        super().__init__(name)
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_true, y_pred = _matched("BinaryCrossentropy", y_true, y_pred)
        if self.from_logits:
            values = nn_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
        else:
            p = ops.clip_by_value(y_pred, EPSILON, 1 - EPSILON)
            values = ops.negative(ops.add(ops.multiply(y_true, ops.log(p)),
                                          ops.multiply(ops.subtract(1.0, y_true), ops.log(ops.subtract(1.0, p)))))
        return ops.reduce_mean(values, axis=-1)


class CategoricalCrossentropy(Loss):
    def __init__(self, from_logits=False, name=None):
        super().__init__(name)
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        logits = None if self.from_logits else _softmax_logits(y_pred)
        y_true, y_pred = _matched("CategoricalCrossentropy", y_true, y_pred)
        if self.from_logits or logits is not None:
            return nn_ops.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred if logits is None else logits)
        p = ops.divide(y_pred, ops.reduce_sum(y_pred, axis=-1, keepdims=True))
        return ops.negative(ops.reduce_sum(ops.multiply(y_true, ops.log(ops.clip_by_value(p, EPSILON, 1 - EPSILON))), axis=-1))


class SparseCategoricalCrossentropy(Loss):
    """Integer labels [batch] (or [batch, 1]) against scores [batch, classes].

    Raises:
        ValueError: labels outside [0, classes), or shapes that do not match.
    """

    def __init__(self, from_logits=False, name=None):
        super().__init__(name)
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        op = "SparseCategoricalCrossentropy"
        y_pred = convert_to_tensor_for(op, y_pred, arg="y_pred")
        labels, host_values = _labels(op, y_true, y_pred)
        if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
            raise ValueError(
                f"{op}: y_true must hold one label per row of y_pred; received y_true.shape={tuple(labels.shape)}, "
                f"y_pred.shape={tuple(y_pred.shape)}"
            )
        logits = y_pred if self.from_logits else _softmax_logits(y_pred)
        if logits is not None:  # the op checks the labels' range itself
            return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        classes = y_pred.shape[-1]
        if host_values is not None:
            _check_labels(op, host_values, classes)
        else:  # device labels (or an argument of a tf.function): checked as y_true holds them
            tracing.host_check(y_true if isinstance(y_true, Tensor) else labels,
                               lambda values: _check_labels(op, values.astype(np.int32), classes))
        p = ops.clip_by_value(ops.divide(y_pred, ops.reduce_sum(y_pred, axis=-1, keepdims=True)), EPSILON, 1 - EPSILON)
        return ops.negative(ops.reduce_sum(ops.multiply(ops.one_hot(labels, classes), ops.log(p)), axis=-1))


def _softmax_logits(y_pred):
    """The logits a traced softmax output was computed from (None if not that, or if eager).

    As TF's Keras does in a graph (model.fit's step is one): when the scores are a softmax's
    output, the cross-entropy is computed from its logits with log_softmax, which is stable and
    needs no clipping at 1e-7; eager mode (run_eagerly=True) clips the probabilities.
    """
    return getattr(y_pred, "_logits", None)


def _labels(op, y_true, y_pred):
    """Integer class labels for the scores ``y_pred`` (a trailing axis of 1 dropped): an int32
    Tensor, and its values when they are on the host (else None).

    NOTE: host labels (NumPy arrays, lists: what fit passes) become a NumPy-backend tensor:
    checking their range reads no GPU texture (a read-back waits for every queued kernel), and
    the first device op that uses them uploads them, as it would a NumPy array.
    """
    if isinstance(y_true, (Tensor, Variable)) and y_true._backend.name != "numpy":
        labels = convert_to_tensor_for(op, y_true, arg="y_true")
        labels = labels if labels.dtype is dtypes.int32 else ops.cast(labels, dtypes.int32)
        if labels.shape.rank == y_pred.shape.rank and labels.shape.rank and labels.shape[-1] == 1:
            labels = ops.squeeze(labels, -1)
        return labels, None
    values = np.asarray(y_true.numpy() if isinstance(y_true, (Tensor, Variable)) else y_true)
    if values.dtype.kind not in "iub" and not (values.dtype.kind == "f" and np.all(values == np.trunc(values))):
        raise ValueError(f"{op}: y_true must hold integer class labels; received dtype {values.dtype}")
    values = values.astype(np.int32)
    if values.ndim == y_pred.shape.rank and values.ndim and values.shape[-1] == 1:
        values = values.reshape(values.shape[:-1])
    numpy_backend = backends._instance("numpy")
    return Tensor(numpy_backend.from_numpy(values), numpy_backend, values.shape, dtypes.int32), values


def _check_labels(op, values, classes):
    if values.size and (values.min() < 0 or values.max() >= classes):
        raise ValueError(f"{op}: labels must be in [0, {classes}); received values in [{values.min()}, {values.max()}]")


def mean_squared_error(y_true, y_pred):
    return MeanSquaredError().call(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    return MeanAbsoluteError().call(y_true, y_pred)


ALIASES = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber, "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(identifier):
    """A loss from an instance, a function of (y_true, y_pred), or a name ("mse")."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str) and identifier in ALIASES:
        return ALIASES[identifier]()
    if callable(identifier):
        return _FunctionLoss(identifier)
    raise ValueError(f"losses.get: unknown loss {identifier!r}; expected one of {sorted(ALIASES)}")


class _FunctionLoss(Loss):
    def __init__(self, fn):
        super().__init__(getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)
