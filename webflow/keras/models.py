"""Models (``tf.keras.Model``, ``tf.keras.Sequential``): layers plus training.

``compile`` picks the optimizer, loss and metrics; ``fit`` runs the training
loop (GradientTape, one optimizer step per batch); ``evaluate`` and
``predict`` run batches without training. Subclass ``Model`` and define
``call``, or stack layers in a ``Sequential``.
"""

import math
import sys
import time

import numpy as np

from webflow import ops
from webflow.autodiff import GradientTape
from webflow.data.dataset import Dataset
from webflow.keras import callbacks as callbacks_module
from webflow.keras import losses, metrics as metrics_module, optimizers
from webflow.keras.layers import InputLayer, Layer
from webflow.ops import random_ops
from webflow.tensor import Tensor


class Model(Layer):
    """A layer with a training loop. Layers assigned as attributes are tracked."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        if inputs is not None or outputs is not None:
            raise NotImplementedError("Model(inputs, outputs): the functional API is not available yet; "
                                      "use Sequential or subclass Model")
        super().__init__(name=name, **kwargs)
        self.optimizer = None
        self.loss = None
        self.compiled_metrics = []
        self.stop_training = False

    @property
    def layers(self):
        return [v for v in vars(self).values() if isinstance(v, Layer)]

    @property
    def weights(self):
        return self._weights + [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for w in self._weights if w.trainable] + [w for layer in self.layers for w in layer.trainable_weights]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.weights if id(w) not in trainable]

    def count_params(self):
        return sum(w.shape.num_elements() for w in self.weights)

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, values):
        weights = self.weights
        if len(values) != len(weights):
            raise ValueError(f"{self.name}.set_weights: expected {len(weights)} arrays; received {len(values)}")
        for w, v in zip(weights, values):
            w.assign(v)

    # --- training ------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics (names or objects)."""
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss) if loss is not None else None
        self.compiled_metrics = [metrics_module.get(m, self.loss) for m in (metrics or [])]

    def _require_compiled(self, method):
        if self.loss is None or self.optimizer is None:
            raise RuntimeError(f"{self.name}.{method}: call compile(optimizer, loss) first")

    def train_on_batch(self, x, y, return_dict=False):
        """One optimizer step on one batch; returns the loss (and metrics)."""
        self._require_compiled("train_on_batch")
        for m in self.compiled_metrics:
            m.reset_state()
        logs = {"loss": self._train_step(x, y)}
        return self._logs_result(logs, return_dict)

    def test_on_batch(self, x, y, return_dict=False):
        self._require_compiled("test_on_batch")
        for m in self.compiled_metrics:
            m.reset_state()
        logs = {"loss": self._test_step(x, y)}
        return self._logs_result(logs, return_dict)

    def _logs_result(self, logs, return_dict):
        logs.update({m.name: m.result() for m in self.compiled_metrics})
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def _train_step(self, x, y):
        trainable = self.trainable_weights
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss(y, y_pred)
            for penalty in self.losses:  # regularization penalties of the current weights
                loss = ops.add(loss, penalty)
        grads = tape.gradient(loss, trainable)
        self.optimizer.apply_gradients(zip(grads, trainable))
        for m in self.compiled_metrics:
            m.update_state(y, y_pred)
        return float(loss.numpy())

    def _test_step(self, x, y):
        y_pred = self(x, training=False)
        for m in self.compiled_metrics:
            m.update_state(y, y_pred)
        return float(self.loss(y, y_pred).numpy())

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, steps_per_epoch=None):
        """Train for ``epochs`` passes over (x, y) arrays or a Dataset of (x, y) batches.

        NaN or infinite loss stops training with a message naming the epoch and batch.

        Returns:
            a History callback: ``history.history["loss"]`` and one list per metric.

        Raises:
            ValueError: x and y of different lengths, validation_split outside [0, 1).
        """
        self._require_compiled("fit")
        batch_size = batch_size or 32
        if not 0 <= validation_split < 1:
            raise ValueError(f"fit: validation_split must be in [0, 1); received {validation_split}")
        if isinstance(x, Dataset):
            train, validation = x, validation_data
        else:
            x, y = _arrays("fit", x, y)
            if validation_split:
                cut = int(len(x) * (1 - validation_split))  # the last samples, before shuffling (as Keras)
                x, y, validation = x[:cut], y[:cut], (x[cut:], y[cut:])
            else:
                validation = validation_data
            train = (x, y)
        history = callbacks_module.History()
        hooks = [history, callbacks_module.TerminateOnNaN(), *(callbacks or [])]
        for hook in hooks:
            hook.set_model(self)
        self.stop_training = False
        verbose = 1 if verbose == "auto" else verbose
        for hook in hooks:
            hook.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for hook in hooks:
                hook.on_epoch_begin(epoch)
            for m in self.compiled_metrics:
                m.reset_state()
            start, total, seen, logs, step = time.perf_counter(), 0.0, 0, {}, -1
            batches = _batches(train, batch_size, shuffle)
            count = _count(train, batch_size)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            for step, (xb, yb) in enumerate(batches):
                n = _length(xb)
                total += self._train_step(xb, yb) * n
                seen += n
                logs = {"loss": total / seen, **{m.name: m.result() for m in self.compiled_metrics}}
                for hook in hooks:
                    hook.on_train_batch_end(step, {**logs, "loss": total / seen})
                if verbose == 1 and _interactive():
                    _progress(step + 1, count, start, logs, end="\r")
                if self.stop_training or (steps_per_epoch and step + 1 >= steps_per_epoch):
                    break
            if validation is not None:
                val = self.evaluate(*_split_validation(validation), batch_size=batch_size, verbose=0, return_dict=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            if verbose:
                _progress(step + 1, count, start, logs, end="\n")
            for hook in hooks:
                hook.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for hook in hooks:
            hook.on_train_end()
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        """The loss (and metrics) over all of (x, y), batch by batch, without training."""
        self._require_compiled("evaluate")
        data = x if isinstance(x, Dataset) else _arrays("evaluate", x, y)
        for m in self.compiled_metrics:
            m.reset_state()
        total, seen = 0.0, 0
        for xb, yb in _batches(data, batch_size or 32, shuffle=False):
            n = _length(xb)
            total += self._test_step(xb, yb) * n
            seen += n
        logs = {"loss": total / max(seen, 1), **{m.name: m.result() for m in self.compiled_metrics}}
        if verbose and verbose != "auto":
            print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        return self._logs_result(logs, return_dict)

    def predict(self, x, batch_size=None, verbose=0):
        """Outputs for all of x (an array, Tensor or Dataset), as one NumPy array."""
        if isinstance(x, Dataset):
            parts = [self(xb[0] if isinstance(xb, tuple) else xb, training=False).numpy() for xb in x]
        else:
            x = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
            size = batch_size or 32
            parts = [self(x[i:i + size], training=False).numpy() for i in range(0, len(x), size)]
        return np.concatenate(parts) if parts else np.zeros((0,), np.float32)

    # --- description -----------------------------------------------------------------

    def summary(self, print_fn=print):
        """Print the Keras-style table: layer, output shape, parameter count."""
        rows = [(f"{layer.name} ({type(layer).__name__})", str(getattr(layer, "output_shape", "?")), layer.count_params())
                for layer in self.layers if not isinstance(layer, InputLayer)]
        widths = [max(28, *(len(r[0]) + 2 for r in rows)), max(22, *(len(r[1]) + 2 for r in rows)), 12]
        line = "".join(text.ljust(w) for text, w in zip(["Layer (type)", "Output Shape", "Param #"], widths))
        rule = "=" * sum(widths)
        trainable = sum(w.shape.num_elements() for w in self.trainable_weights)
        print_fn(f'Model: "{self.name}"')
        print_fn(rule)
        print_fn(line)
        print_fn(rule)
        for name, shape, params in rows:
            print_fn(name.ljust(widths[0]) + shape.ljust(widths[1]) + f"{params:,}")
        print_fn(rule)
        print_fn(f"Total params: {self.count_params():,}")
        print_fn(f"Trainable params: {trainable:,}")
        print_fn(f"Non-trainable params: {self.count_params() - trainable:,}")


class Sequential(Model):
    """Layers applied one after another.

    >>> import webflow as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, "relu"), tf.keras.layers.Dense(1)])
    >>> model.count_params()
    49
    """

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._layers = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._layers)

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a Layer; received {type(layer).__name__}")
        self._layers.append(layer)
        self.built = False
        shape = self._layers[0].input_shape_arg
        if shape is not None:
            self.build((None, *shape))

    def build(self, input_shape):
        """Build every layer by running a batch of one zero example through the model."""
        self.built = True
        self.call(ops.zeros((1, *input_shape[1:])))

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
            layer.output_shape = (None, *tuple(x.shape)[1:])
        return x

    def get_config(self):
        return {"name": self.name, "layers": [{"class_name": type(l).__name__, "config": l.get_config()}
                                              for l in self._layers]}


# --- data ------------------------------------------------------------------------------


def _arrays(op, x, y):
    """x and y as NumPy arrays of equal length (Tensors are read back once)."""
    if x is None or y is None:
        raise ValueError(f"{op}: x and y are required (or pass a Dataset of (x, y) batches as x)")
    x = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    y = y.numpy() if isinstance(y, Tensor) else np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"{op}: x and y must have the same number of samples; received x: {len(x)}, y: {len(y)}")
    return x, y


def _batches(data, batch_size, shuffle):
    if isinstance(data, Dataset):
        for element in data:
            yield element
        return
    x, y = data
    order = random_ops._generator(None).permutation(len(x)) if shuffle else None
    for i in range(0, len(x), batch_size):
        index = slice(i, i + batch_size) if order is None else order[i:i + batch_size]
        yield x[index], y[index]


def _count(data, batch_size):
    if isinstance(data, Dataset):
        n = data._cardinality
        return n if n >= 0 else None
    return math.ceil(len(data[0]) / batch_size)


def _length(batch):
    return batch.shape[0]


def _split_validation(validation):
    if isinstance(validation, Dataset):
        return validation, None
    return validation[0], validation[1]


def _interactive():
    return hasattr(sys.stdout, "isatty") and sys.stdout.isatty()


def _progress(step, count, start, logs, end):
    elapsed = time.perf_counter() - start
    where = f"{step}/{count}" if count else f"{step}"
    values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
    print(f"{where} - {elapsed:.1f}s - {values}", end=end, flush=True)
