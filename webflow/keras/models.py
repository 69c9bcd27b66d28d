"""Models (``tf.keras.Model``, ``tf.keras.Sequential``): layers plus training.

Three ways to make a model: the functional API, ``Model(inputs, outputs)`` over
KerasTensors from ``tf.keras.Input``; a ``Sequential`` stack; or a subclass of
``Model`` that defines ``call``. ``compile`` picks the optimizer, the losses and
the metrics (one per output, or the same for all); ``fit`` runs the training
loop (GradientTape, one optimizer step per batch); ``evaluate`` and ``predict``
run batches without training.

NOTE: on WebGL every read of a number waits for the GPU, so ``fit`` keeps each
batch's losses on the device and reads them only when a callback or the
progress bar needs numbers, and at each epoch's end.
"""

import copy
import math

import numpy as np

from webflow import backends, nest, ops
from webflow.autodiff import GradientTape
from webflow.data.dataset import Dataset
from webflow.graph import function
from webflow.keras import callbacks as callbacks_module
from webflow.keras import layers as layers_module
from webflow.keras import losses, metrics as metrics_module, optimizers
from webflow.keras.layers import InputLayer, KerasTensor, Layer
from webflow.ops import random_ops
from webflow.tensor import Tensor, Variable, _host_array


class Model(Layer):
    """A layer with a training loop.

    ``Model(inputs, outputs)`` wires a functional model: inputs are KerasTensors from
    ``tf.keras.Input``, outputs what layers called on them return (each a tensor, a list or
    a dict). Without inputs, subclass Model: create layers in ``__init__`` (assigned as
    attributes, they are tracked) and define ``call``.

    Raises:
        TypeError, ValueError: inputs or outputs that are not KerasTensors, inputs that do not
            come from ``tf.keras.Input``, outputs that need an input not in ``inputs``.

    >>> import webflow as tf
    >>> inputs = tf.keras.Input((4,), name="x")
    >>> hidden = tf.keras.layers.Dense(8, "relu")(inputs)
    >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden), name="regressor")
    >>> model.output_shape, model.count_params()
    ((None, 1), 49)
    """

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.optimizer = None
        self.loss = None
        self.compiled_metrics = []
        self.stop_training = False
        self._heads = None  # one _Head per output (name, loss, weight, metrics), set by compile
        self._graph = None
        if inputs is not None or outputs is not None:
            self._graph = _Graph(self.name, inputs, outputs)
            self.built = True

    # --- structure ---------------------------------------------------------------------

    @property
    def layers(self):
        if self._graph is not None:
            return list(self._graph.layers)
        return [v for v in vars(self).values() if isinstance(v, Layer)]

    @property
    def inputs(self):
        """The model's input KerasTensors (a flat list), or None when not known (subclassed)."""
        return list(self._graph.inputs) if self._graph is not None else None

    @property
    def outputs(self):
        return list(self._graph.outputs) if self._graph is not None else None

    @property
    def input(self):
        return self._graph.input_structure if self._graph is not None else None

    @property
    def output(self):
        return self._graph.output_structure if self._graph is not None else None

    @property
    def input_names(self):
        """One name per input (dict keys, or the Input layers' names): the keys of a dict x."""
        return _names(self._graph.input_structure) if self._graph is not None else None

    @property
    def output_names(self):
        """One name per output (dict keys, or the output layers' names): the keys of a dict y."""
        return _names(self._graph.output_structure) if self._graph is not None else None

    @property
    def input_shape(self):
        return _shapes(self.inputs)

    @property
    def output_shape(self):
        return _shapes(self.outputs)

    @property
    def weights(self):
        return _unique(self._weights + [w for layer in self.layers for w in layer.weights])

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _unique([w for w in self._weights if w.trainable]
                       + [w for layer in self.layers for w in layer.trainable_weights])

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

    def call(self, inputs, training=None):
        if self._graph is None:
            raise NotImplementedError(f"{type(self).__name__}: define call(inputs) in a Model subclass, "
                                      "or build a functional model with Model(inputs, outputs)")
        values = [_tensor(value, spec.dtype) for value, spec in zip(self._arranged_inputs(self.name, inputs),
                                                                      self.inputs)]
        return self._graph.run(values, training)

    def _arranged_inputs(self, where, x):
        """x (one value, a list, or a dict keyed by input name) as one value per model input, in order,
        with the shape of each checked against its Input (rank-1 data for an Input of shape (1,) is
        made a column, as Keras 2 does: the hello-world lesson fits a plain list of numbers)."""
        specs, names = self.inputs, self.input_names
        if isinstance(x, dict):
            missing, unexpected = [n for n in names if n not in x], [k for k in x if k not in names]
            if missing or unexpected:
                raise ValueError(f"{where}: x must hold one entry per input {names}; missing {missing}, "
                                 f"unexpected {unexpected}")
            values = [x[n] for n in names]
        elif len(specs) == 1:
            values = [x[0] if _is_array_list(x) and len(x) == 1 else x]
        elif isinstance(x, (list, tuple)) and len(x) == len(specs):
            values = list(x)
        else:
            raise ValueError(f"{where}: the model has {len(specs)} inputs {names}: x must be a list of "
                             f"{len(specs)} arrays or a dict with those keys; received {_describe(x)}")
        arranged = []
        for name, spec, value in zip(names, specs, values):
            if not isinstance(value, (Tensor, Variable, np.ndarray)):
                value = _host_array(value, None, where)[0]
            expected, shape = tuple(spec.shape), tuple(value.shape)
            if len(shape) == 1 and expected[1:] == (1,):
                value = ops.expand_dims(value, -1) if isinstance(value, (Tensor, Variable)) else value[:, None]
                shape = tuple(value.shape)
            if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape)):
                raise ValueError(f"{where}: input {name!r} expects shape {_shape_text(expected)}; "
                                 f"received shape {shape}")
            arranged.append(value)
        return arranged

    # --- training ------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, run_eagerly=False,
                jit_compile=None):
        """Choose the optimizer, the losses and the metrics (names or objects).

        Args:
            optimizer: a name ("adam") or an optimizer.
            loss: one loss for every output, or a list (one per output) or a dict (keys: output names;
                an output without a loss is not trained by a loss of its own).
            metrics: a list used for every output, or a list of lists / a dict of lists per output.
            loss_weights: a list or dict of numbers: the loss is the weighted sum of the outputs' losses.
            run_eagerly: False (default): fit, evaluate and predict run each step as a traced
                tf.function (one graph: forward, gradient and optimizer update; one call into the
                GPU runtime per step on WebGL). True: op by op, for debugging.
            jit_compile: accepted for compatibility and ignored.

        Raises:
            ValueError: a list whose length is not the number of outputs, or dict keys that are not outputs.
        """
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss if loss is None or isinstance(loss, (list, tuple, dict)) else losses.get(loss)
        self._compile_args = (loss, metrics, loss_weights)
        self._heads, self.compiled_metrics = None, []
        self.run_eagerly = bool(run_eagerly)
        self._step_functions = {}
        if self.output_names is not None:  # else (a subclassed model) the first y tells
            self._compile_heads(self.output_names)

    def _compile_heads(self, names):
        loss, metrics, loss_weights = self._compile_args
        per_loss = _per_output("compile", "loss", loss, names)
        per_weight = _per_output("compile", "loss_weights", 1.0 if loss_weights is None else loss_weights, names,
                                 default=1.0)
        if isinstance(metrics, dict) or (isinstance(metrics, (list, tuple)) and metrics
                                         and all(isinstance(m, (list, tuple)) for m in metrics)):
            per_metrics = _per_output("compile", "metrics", metrics, names, default=[])
        else:
            per_metrics = [list(metrics or [])] * len(names)
        heads = []
        for name, l, weight, ms in zip(names, per_loss, per_weight, per_metrics):
            head_loss = None if l is None else losses.get(l)
            head_metrics = []
            for m in [ms] if isinstance(ms, (str, metrics_module.Metric)) else ms:
                metric = metrics_module.get(m, head_loss)
                if len(names) > 1:
                    metric = copy.copy(metric)  # one state per output, and a name that says which
                    metric.reset_state()
                    metric.name = f"{name}_{metric.name}"
                head_metrics.append(metric)
            heads.append(_Head(name, head_loss, float(weight), head_metrics))
        if all(h.loss is None for h in heads):
            raise ValueError(f"compile: loss is required; received {loss!r}")
        self._heads = heads
        self.compiled_metrics = [m for h in heads for m in h.metrics]

    def _require_compiled(self, method):
        if self.loss is None or self.optimizer is None:
            raise RuntimeError(f"{self.name}.{method}: call compile(optimizer, loss) first")

    @property
    def metrics_names(self):
        return self._loss_names() + [m.name for m in self.compiled_metrics]

    def _loss_names(self):
        if self._heads is None or len(self._heads) == 1:
            return ["loss"]
        return ["loss"] + [f"{h.name}_loss" for h in self._heads if h.loss is not None]

    def _compute_loss(self, y, y_pred):
        """The weighted sum of the outputs' losses, and each output's loss (None where it has none)."""
        predictions = nest.flatten(y_pred)
        if len(predictions) != len(self._heads):
            raise ValueError(f"{self.name}: the model returned {len(predictions)} outputs; compile and y "
                             f"expect {len(self._heads)} ({[h.name for h in self._heads]})")
        total, per_output = None, []
        for head, target, prediction in zip(self._heads, y, predictions):
            value = None if head.loss is None else head.loss(target, prediction)
            per_output.append(value)
            if value is not None:
                weighted = value if head.weight == 1.0 else ops.multiply(value, head.weight)
                total = weighted if total is None else ops.add(total, weighted)
        return total, per_output

    def _loss_vector(self, loss, per_output):
        """[loss, each output's loss] as one device tensor, read back later with the others."""
        if len(self._heads) == 1:
            return ops.reshape(loss, (1,))
        return ops.stack([loss, *(value for value in per_output if value is not None)])

    def _train_step(self, x, y):
        """One optimizer step on a batch; returns its losses as a device tensor (no read-back)."""
        return self._run_step("train", x, y)

    def _test_step(self, x, y):
        return self._run_step("test", x, y)

    def _run_step(self, kind, x, y):
        """The train or test step, traced once per batch shape unless compiled with run_eagerly;
        the metrics' running totals are added outside the step."""
        step = self._train_step_body if kind == "train" else self._test_step_body
        losses, totals = (step if self.run_eagerly else self._step_function(kind))(x, y)
        for metric, (total, count) in zip(self.compiled_metrics, totals):
            metric.accumulate(total, count)
        return losses

    def _step_function(self, kind):
        """The tf.function of a step ("train", "test", "predict"), made on first use; compile() starts anew."""
        functions = self.__dict__.setdefault("_step_functions", {})
        if kind not in functions:
            body = {"train": self._train_step_body, "test": self._test_step_body, "predict": self._predict_step}[kind]
            functions[kind] = function(body)
        return functions[kind]

    def _predict_step(self, x):
        return self(x, training=False)

    def _train_step_body(self, x, y):
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss, per_output = self._compute_loss(y, y_pred)
            for penalty in self.losses:  # regularization penalties of the current weights
                loss = ops.add(loss, penalty)
        trainable = self.trainable_weights  # after the call: a subclassed model builds its layers there
        grads = tape.gradient(loss, trainable)
        self.optimizer.apply_gradients(zip(grads, trainable))
        return self._loss_vector(loss, per_output), self._metric_totals(y, y_pred)

    def _test_step_body(self, x, y):
        y_pred = self(x, training=False)
        loss, per_output = self._compute_loss(y, y_pred)
        return self._loss_vector(loss, per_output), self._metric_totals(y, y_pred)

    def _metric_totals(self, y, y_pred):
        """Each compiled metric's (total, count) for this batch, in compiled_metrics' order."""
        return [m.batch_totals(target, prediction) for head, target, prediction
                in zip(self._heads, y, nest.flatten(y_pred)) for m in head.metrics]

    def _reset_metrics(self):
        for m in self.compiled_metrics:
            m.reset_state()

    def _logs(self, totals):
        """Read the losses so far (one wait for the GPU) and the metrics, as a dict of floats."""
        return {**totals.read(), **{m.name: float(m.result()) for m in self.compiled_metrics}}

    def train_on_batch(self, x, y, return_dict=False):
        """One optimizer step on one batch; returns the loss (and metrics)."""
        self._require_compiled("train_on_batch")
        data = self._data("train_on_batch", x, y, device=True)
        self._reset_metrics()
        totals = _LossTotals(self._loss_names())
        xb, yb = next(data.batches(data.n, shuffle=False))
        totals.add(self._train_step(xb, yb), data.n)
        return self._logs_result(self._logs(totals), return_dict)

    def test_on_batch(self, x, y, return_dict=False):
        self._require_compiled("test_on_batch")
        data = self._data("test_on_batch", x, y, device=True)
        self._reset_metrics()
        totals = _LossTotals(self._loss_names())
        xb, yb = next(data.batches(data.n, shuffle=False))
        totals.add(self._test_step(xb, yb), data.n)
        return self._logs_result(self._logs(totals), return_dict)

    def _logs_result(self, logs, return_dict):
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, initial_epoch=0, steps_per_epoch=None):
        """Train for ``epochs`` passes over (x, y) or a Dataset of (x, y) batches.

        Args:
            x: an array, a list of arrays (one per input) or a dict keyed by input name; or a
                Dataset yielding (x, y), x itself a tuple or dict for several inputs.
            y: an array, or a list / dict (keys: output names) of arrays for several outputs.
            verbose: 0 silent; 1 a progress bar (redrawn in place on a terminal, else the final
                line of each epoch); 2 one line per epoch. "auto" is 1.

        The logs (``history.history``) hold "loss" (the weighted sum), "<output>_loss" per output
        when there are several, the metrics ("<output>_<metric>" for several outputs), and
        "val_..." for validation data. NaN or infinite loss stops training with a message
        naming the epoch and the first batch where it appeared.

        Returns:
            a History callback: ``history.history["loss"]`` and one list per metric.

        Raises:
            ValueError: inputs or targets of the wrong shape or number, x and y of different
                lengths, labels outside the classes of a sparse loss, validation_split outside [0, 1).
        """
        self._require_compiled("fit")
        batch_size = batch_size or 32
        if not 0 <= validation_split < 1:
            raise ValueError(f"fit: validation_split must be in [0, 1); received {validation_split}")
        train = self._data("fit", x, y)
        validation = None
        if validation_split:
            if isinstance(train, _DatasetData):
                raise ValueError("fit: validation_split needs arrays; for a Dataset pass validation_data")
            train, validation = train.split(validation_split)
        elif validation_data is not None:
            validation = (self._data("fit", validation_data, None) if isinstance(validation_data, Dataset)
                          else self._data("fit", *validation_data))
        verbose = 1 if verbose == "auto" else verbose
        self.history = history = callbacks_module.History()
        hooks = ([callbacks_module.ProgbarLogger()] if verbose else []) + [*(callbacks or []), history]
        count = train.count(batch_size)
        if steps_per_epoch:
            count = min(count, steps_per_epoch) if count else steps_per_epoch
        for hook in hooks:
            hook.set_model(self)
            hook.set_params({"epochs": epochs, "steps": count, "verbose": verbose})
        self.stop_training = False
        for hook in hooks:
            hook.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for hook in hooks:
                hook.on_epoch_begin(epoch)
            self._reset_metrics()
            totals = _LossTotals(self._loss_names(), epoch)
            for step, (xb, yb) in enumerate(train.batches(batch_size, shuffle)):
                totals.add(self._train_step(xb, yb), _length(xb))
                if any([getattr(hook, "_wants_batch_logs", _always)(step) for hook in hooks]):
                    logs = self._logs(totals)
                    for hook in hooks:
                        hook.on_train_batch_end(step, logs)
                if totals.stopped or self.stop_training or (steps_per_epoch and step + 1 >= steps_per_epoch):
                    break
            logs = self._logs(totals)
            if totals.stopped:
                self.stop_training = True
            elif validation is not None:
                logs.update({f"val_{k}": v for k, v in self._evaluate(validation, batch_size, verbose=0).items()})
            for hook in hooks:
                hook.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for hook in hooks:
            hook.on_train_end()
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", return_dict=False):
        """The losses (and metrics) over all of (x, y), batch by batch, without training.

        Returns:
            the loss alone, or [loss, per-output losses..., metrics...] (a dict with return_dict).
        """
        self._require_compiled("evaluate")
        logs = self._evaluate(self._data("evaluate", x, y), batch_size or 32, 1 if verbose == "auto" else verbose)
        return self._logs_result(logs, return_dict)

    def _evaluate(self, data, batch_size, verbose):
        self._reset_metrics()
        totals = _LossTotals(self._loss_names())
        bar = callbacks_module.Progbar(data.count(batch_size), verbose) if verbose else None
        step = 0
        for step, (xb, yb) in enumerate(data.batches(batch_size, shuffle=False), 1):
            totals.add(self._test_step(xb, yb), _length(xb))
            if bar is not None and bar.wants_update():
                bar.update(step, self._logs(totals))
        logs = self._logs(totals)
        if bar is not None:
            bar.update(step, logs, finalize=True)
        return logs

    def predict(self, x, batch_size=None, verbose=0):
        """Outputs for all of x (arrays, Tensors, a list/dict per input, or a Dataset) as NumPy arrays,
        in the structure of the model's outputs (one array, a list or a dict)."""
        if isinstance(x, Dataset):
            batches = (element[0] if isinstance(element, tuple) and len(element) in (2, 3) else element
                       for element in x._start())
            batches = (self._host_inputs("predict", xb) for xb in batches)
        else:
            data = self._host_inputs("predict", x)
            n = _length(data)
            size = batch_size or 32
            batches = (nest.map_structure(lambda a: a[i:i + size], data) for i in range(0, n, size))
        structure, parts = None, []
        run = self._predict_step if getattr(self, "run_eagerly", False) else self._step_function("predict")
        for xb in batches:
            structure = run(xb)
            parts.append([t.numpy() for t in nest.flatten(structure)])
        if structure is None:
            return np.zeros((0,), np.float32)
        return nest.pack_sequence_as(structure, [np.concatenate(column) for column in zip(*parts)])

    # --- data ------------------------------------------------------------------------

    def _host_inputs(self, where, x, device=False):
        """x as NumPy arrays: one per input in order (shapes checked) when the inputs are known,
        else the structure given (one array, a list or a dict of arrays). device: Tensors already on
        the backend in use stay there (one batch, as train_on_batch takes it: reading them back to
        upload them again cost the MNIST MLP's step about 3 ms)."""
        active = backends.get_backend() if device else None
        host = (lambda v: v if isinstance(v, Tensor) and v._backend is active else _host(v))
        if self.inputs is not None:
            return [host(v) for v in self._arranged_inputs(where, x)]
        if isinstance(x, dict):
            return {k: host(v) for k, v in x.items()}
        if _is_array_list(x):
            return [host(v) for v in x]
        return host(x)

    def _host_targets(self, where, y):
        """y as one NumPy array per output, in order (None for an output without a target)."""
        if self._heads is None:  # a subclassed model: y says how many outputs there are
            self._compile_heads(sorted(y) if isinstance(y, dict) else
                                [f"output_{i + 1}" for i in range(len(y))] if _is_array_list(y) and len(y) > 1
                                else ["output_1"])
        names = [h.name for h in self._heads]
        if isinstance(y, dict):
            missing = [h.name for h in self._heads if h.loss is not None and h.name not in y]
            unexpected = [k for k in y if k not in names]
            if missing or unexpected:
                raise ValueError(f"{where}: y must hold one entry per output {names}; missing {missing}, "
                                 f"unexpected {unexpected}")
            values = [y.get(n) for n in names]
        elif len(names) == 1:
            values = [y[0] if _is_array_list(y) and len(y) == 1 else y]
        elif isinstance(y, (list, tuple)) and len(y) == len(names):
            values = list(y)
        else:
            raise ValueError(f"{where}: the model has {len(names)} outputs {names}: y must be a list of "
                             f"{len(names)} arrays or a dict with those keys; received {_describe(y)}")
        values = [None if v is None else _host(v) for v in values]
        self._check_targets(where, values)
        return values

    def _output_shapes(self):
        outputs = self.outputs
        return None if outputs is None else [tuple(t.shape) for t in outputs]

    def _check_targets(self, where, targets):
        """Targets that cannot fit the outputs' shapes, and labels outside a sparse loss's classes,
        are reported here, on the host, before any GPU work."""
        shapes = self._output_shapes()
        if shapes is None or len(shapes) != len(self._heads):
            return
        for head, target, shape in zip(self._heads, targets, shapes):
            if target is None or head.loss is None:
                continue
            got, out = tuple(target.shape), shape
            which = f"loss {head.loss.name} for output {head.name!r}"
            if isinstance(head.loss, losses.SparseCategoricalCrossentropy):
                if got[1:] not in (out[1:-1], out[1:-1] + (1,)):
                    raise ValueError(f"{where}: {which} needs one integer label per example, y of shape "
                                     f"{_shape_text(out[:-1])}; received y of shape {got}")
                classes = out[-1]
                if classes is not None and target.size:
                    bad = target[(target < 0) | (target >= classes)]
                    if bad.size:
                        raise ValueError(f"{where}: {which}: the output has {classes} classes, so labels must "
                                         f"be in [0, {classes}); received label {bad.flat[0]:g}")
            elif type(head.loss) in _SAME_SHAPE_LOSSES:
                matches = (got[1:] == out[1:] or (len(got) == len(out) - 1 and out[-1] == 1 and got[1:] == out[1:-1])
                           or (len(got) == len(out) + 1 and got[-1] == 1 and got[1:-1] == out[1:]))
                if not matches:
                    raise ValueError(f"{where}: {which} needs y shaped like the output, {_shape_text(out)}; "
                                     f"received y of shape {got}")

    def _data(self, where, x, y, device=False):
        """x and y as _ArrayData on the host (device: x's Tensors on the backend in use stay
        there, see _host_inputs), or a Dataset's batches."""
        if isinstance(x, Dataset):
            if y is not None:
                raise ValueError(f"{where}: y must be None when x is a Dataset (it yields (x, y) pairs)")
            return _DatasetData(self, where, x)
        if x is None or y is None:
            raise ValueError(f"{where}: x and y are required (or pass a Dataset of (x, y) batches as x)")
        xs = self._host_inputs(where, x, device)
        ys = self._host_targets(where, y)
        sizes_x = [len(a) for a in nest.flatten(xs)]
        sizes_y = [len(a) for a in ys if a is not None]
        if len(set(sizes_x + sizes_y)) > 1:
            shown = (lambda s: s[0] if len(set(s)) == 1 else s)
            raise ValueError(f"{where}: x and y must have the same number of samples; received x: {shown(sizes_x)}, "
                             f"y: {shown(sizes_y)}")
        return _ArrayData(xs, ys, sizes_x[0])

    # --- saving (webflow/keras/saving) -------------------------------------------------

    def save(self, filepath, overwrite=True, quantize=None):
        """Save architecture and weights: a folder (TF.js Layers format), a .keras file, or in the
        browser "indexeddb://name" (returns an awaitable) or "downloads://name"; see keras.saving."""
        from webflow.keras import saving

        return saving.save_model(self, filepath, quantize=quantize, overwrite=overwrite)

    def save_weights(self, filepath, quantize=None):
        """Save only the weights (a model.json with a weightsManifest, plus shards)."""
        from webflow.keras import saving

        return saving.save_weights(self, filepath, quantize=quantize)

    def load_weights(self, filepath):
        """Load weights from save_weights or save (a folder, a .json path or an http(s) URL), all or nothing."""
        from webflow.keras import saving

        return saving.load_weights(self, filepath)

    # --- description -----------------------------------------------------------------

    def summary(self, print_fn=print):
        """Print the Keras-style table: layer, output shape, parameter count (and, for a functional
        model, what each layer is connected to)."""
        graph = self._graph
        columns = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph is not None else [])
        rows = []
        for layer in self.layers:
            if graph is None and isinstance(layer, InputLayer):
                continue
            row = [f"{layer.name} ({_class_name(layer)})", _output_shape_text(layer, graph),
                   f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"]
            if graph is not None:
                sources = [f"{t.node.layer.name}[{graph.node_index(t.node)}][{t.index}]"
                           for node in graph.nodes_of(layer) for t in node.inputs]
                row.append(", ".join(sources) if sources else "-")
            rows.append(row)
        widths = [max([len(c) + 2] + [len(r[i]) + 2 for r in rows]) for i, c in enumerate(columns)]
        widths[0], widths[1] = max(widths[0], 29), max(widths[1], 22)
        rule = "=" * sum(widths)
        trainable = sum(w.shape.num_elements() for w in self.trainable_weights)
        print_fn(f'Model: "{self.name}"')
        print_fn(rule)
        print_fn("".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
        print_fn(rule)
        for row in rows:
            print_fn("".join(text.ljust(w) for text, w in zip(row, widths)).rstrip())
        print_fn(rule)
        print_fn(f"Total params: {self.count_params():,}")
        print_fn(f"Trainable params: {trainable:,}")
        print_fn(f"Non-trainable params: {self.count_params() - trainable:,}")

    def get_config(self):
        """The architecture: each layer's class and config and what it is called on (functional models),
        as in Keras; ``Model.from_config(config)`` rebuilds it with fresh weights."""
        graph = self._graph
        if graph is None:
            return super().get_config()
        layers = []
        for layer in graph.layers:
            nodes = [] if isinstance(layer, InputLayer) else graph.nodes_of(layer)
            layers.append({"class_name": _class_name(layer), "name": layer.name, "config": layer.get_config(),
                           "inbound_nodes": [{"args": graph.refs(node.args), "kwargs": dict(node.kwargs)}
                                             for node in nodes]})
        return {"name": self.name, "trainable": self.trainable, "layers": layers,
                "input_layers": graph.refs(graph.input_structure), "output_layers": graph.refs(graph.output_structure)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model with the architecture ``config`` describes (from ``get_config``) and new weights.

        Args:
            custom_objects: {class name: class} for layer classes of your own.

        Raises:
            ValueError: an unknown layer class, or inbound nodes that refer to missing layers.
        """
        if "input_layers" not in config:
            return cls(**config)
        created = {entry["name"]: _deserialize_layer(entry, custom_objects) for entry in config["layers"]}
        produced = {name: [] for name in created}  # layer name -> outputs (flat) of each of its nodes
        pending = {entry["name"]: list(entry["inbound_nodes"]) for entry in config["layers"]}
        for name, layer in created.items():
            if isinstance(layer, InputLayer):
                produced[name].append([layer.output])
        while any(pending.values()):
            progress = False
            for name, nodes in pending.items():
                while nodes and _resolvable(nodes[0]["args"], produced):
                    node = nodes.pop(0)
                    outputs = created[name](_resolve(node["args"], produced), **node.get("kwargs", {}))
                    produced[name].append(nest.flatten(outputs))
                    progress = True
            if not progress:
                stuck = {name: nodes[0]["args"] for name, nodes in pending.items() if nodes}
                raise ValueError(f"Model.from_config: inbound nodes refer to layers or nodes that are not in "
                                 f"the config: {stuck}")
        model = cls(_resolve(config["input_layers"], produced), _resolve(config["output_layers"], produced),
                    name=config.get("name"))
        model.trainable = config.get("trainable", True)
        return model


class Sequential(Model):
    """Layers applied one after another.

    With an input shape (``tf.keras.Input`` first, or ``input_shape=`` on the first layer) each
    layer is built as it is added; otherwise on the first call.

    >>> import webflow as tf
    >>> model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, "relu"), tf.keras.layers.Dense(1)])
    >>> model.count_params(), model.output_shape
    (49, (None, 1))
    """

    def __init__(self, layers=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._layers = []
        self._input = self._output = None  # KerasTensors, once the input shape is known
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._layers)

    @property
    def inputs(self):
        return None if self._input is None else [self._input]

    @property
    def outputs(self):
        return None if self._output is None else [self._output]

    @property
    def input(self):
        return self._input

    @property
    def output(self):
        return self._output

    @property
    def input_names(self):
        return None if self._input is None else [self._input.name]

    @property
    def output_names(self):
        return [self._layers[-1].name if self._layers else "output_1"]

    def add(self, layer):
        """Append a layer (or ``tf.keras.Input(shape)`` first)."""
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: expected a Layer; received {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self._layers or self._input is not None:
                raise ValueError(f"Sequential.add: an Input must come first; {self.name} already has layers")
            self._input = self._output = layer.output
            return
        if self._input is None and not self._layers and layer.input_shape_arg is not None:
            self._input = self._output = InputLayer(shape=layer.input_shape_arg).output
        self._layers.append(layer)
        if self._output is not None:
            self._output = layer(self._output)  # symbolic: builds the layer, records its output shape
        self.built = self._output is not None

    def build(self, input_shape=None):
        """Build every layer for inputs of ``input_shape`` (the batch axis first, any size)."""
        if self._input is None:
            if input_shape is None:
                raise ValueError(f"{self.name}.build: input_shape is required (the model has no Input)")
            self._input = self._output = InputLayer(batch_shape=(None, *tuple(input_shape)[1:])).output
            for layer in self._layers:
                self._output = layer(self._output)
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        if self._input is not None:
            x = _tensor(self._arranged_inputs(self.name, inputs)[0], self._input.dtype)
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def summary(self, print_fn=print):
        if not self.built:
            raise ValueError(f"{self.name}.summary: the model is not built yet; start it with tf.keras.Input(shape), "
                             "call build(input_shape), or fit it first")
        super().summary(print_fn)

    def get_config(self):
        entries = [] if self._input is None else [_serialize_layer(self._input.node.layer)]
        return {"name": self.name, "trainable": self.trainable,
                "layers": entries + [_serialize_layer(layer) for layer in self._layers]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"))
        for entry in config["layers"]:
            model.add(_deserialize_layer(entry, custom_objects))
        model.trainable = config.get("trainable", True)
        return model


def load_model(filepath, custom_objects=None, compile=True):
    """``tf.keras.models.load_model``: a model saved by ``save`` (or by TF.js, or a Keras .keras file).

    See webflow.keras.saving.load_model.
    """
    from webflow.keras import saving

    return saving.load_model(filepath, custom_objects=custom_objects, compile=compile)


# --- the functional graph -------------------------------------------------------------------


class _Graph:
    """A functional model's wiring: inputs, outputs, and the nodes between them in the order they run."""

    def __init__(self, where, inputs, outputs):
        self.input_structure, self.output_structure = inputs, outputs
        self.inputs, self.outputs = nest.flatten(inputs), nest.flatten(outputs)
        for arg, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            wrong = [t for t in tensors if not isinstance(t, KerasTensor)]
            if not tensors or wrong:
                received = type(wrong[0]).__name__ if wrong else "nothing"
                raise TypeError(f"{where}: {arg} must be KerasTensors (from tf.keras.Input, and layers called on "
                                f"them); received {received}")
        for i, t in enumerate(self.inputs):
            if not isinstance(t.node.layer, InputLayer):
                raise ValueError(f"{where}: inputs[{i}] must come from tf.keras.Input; received the output of "
                                 f"layer {t.node.layer.name!r}")
        self.nodes, seen = [], set()
        for t in self.outputs:
            _visit(t.node, seen, self.nodes)
        given = {id(t.node) for t in self.inputs}
        for node in self.nodes:
            if isinstance(node.layer, InputLayer) and id(node) not in given:
                raise ValueError(f"{where}: the outputs depend on input {node.layer.name!r}, which is not in "
                                 f"inputs {[t.name for t in self.inputs]}")
        self.nodes = [node for node in self.nodes if id(node) not in given]
        self.layers = _unique([t.node.layer for t in self.inputs] + [node.layer for node in self.nodes])
        self._ids = given | {id(node) for node in self.nodes}

    def run(self, inputs, training):
        """Tensors for the outputs, given one Tensor per input."""
        values = {id(t): value for t, value in zip(self.inputs, inputs)}
        for node in self.nodes:
            args = nest.pack_sequence_as(node.args, [values[id(t)] for t in node.inputs])
            outputs = node.layer(args, **{"training": training, **node.kwargs})
            for t, value in zip(node.outputs, nest.flatten(outputs)):
                values[id(t)] = value
        return nest.pack_sequence_as(self.output_structure, [values[id(t)] for t in self.outputs])

    def nodes_of(self, layer):
        """The layer's nodes in this graph, oldest first (a layer called twice has two)."""
        return [node for node in layer._inbound_nodes if id(node) in self._ids]

    def node_index(self, node):
        return self.nodes_of(node.layer).index(node)

    def refs(self, structure):
        """KerasTensors in ``structure`` as {"keras_history": [layer name, node index, output index]}."""
        return nest.pack_sequence_as(structure, [
            {"keras_history": [t.node.layer.name, self.node_index(t.node), t.index]} for t in nest.flatten(structure)])


# NOTE: module-level, not a closure that calls itself (a reference cycle; see nest._build).
def _visit(node, seen, order):
    """Depth-first: every node that ``node`` needs, then ``node`` (so ``order`` is a topological order)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    for t in node.inputs:
        _visit(t.node, seen, order)
    order.append(node)


def _names(structure):
    """Names for the flat order of a structure of KerasTensors: dict keys, else the tensors' names."""
    if isinstance(structure, dict):
        return sorted(structure)
    names = []
    for t in nest.flatten(structure):
        name, k = t.name, 1
        while name in names:
            name, k = f"{t.name}_{k}", k + 1
        names.append(name)
    return names


def _shapes(tensors):
    if tensors is None:
        return None
    shapes = [tuple(t.shape) for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _class_name(layer):
    if isinstance(layer, Model) and type(layer) is Model:
        return "Functional"
    return type(layer).__name__


def _output_shape_text(layer, graph):
    if graph is not None and not isinstance(layer, InputLayer):
        shapes = {str([_shape_text(t.shape) for t in node.outputs]) for node in graph.nodes_of(layer)}
        if len(shapes) > 1:
            return "multiple"
    shape = getattr(layer, "output_shape", None)
    if shape is None:
        return "?"
    return _shape_text(shape) if isinstance(shape, tuple) else "[" + ", ".join(_shape_text(s) for s in shape) + "]"


# --- config ---------------------------------------------------------------------------------

# NOTE: explicit tables (layers.LAYER_CLASSES plus the models), not a scan of modules. Layer
# classes of your own go in from_config's custom_objects.
LAYER_CLASSES = {**layers_module.LAYER_CLASSES, "Functional": Model, "Model": Model, "Sequential": Sequential}


def _serialize_layer(layer):
    return {"class_name": _class_name(layer), "config": layer.get_config()}


def _deserialize_layer(entry, custom_objects=None):
    classes = {**LAYER_CLASSES, **(custom_objects or {})}
    name = entry["class_name"]
    if name not in classes:
        raise ValueError(f"from_config: unknown layer class {name!r}; pass it as custom_objects={{{name!r}: "
                         f"YourLayer}} (built in: {sorted(LAYER_CLASSES)})")
    cls = classes[name]
    if isinstance(cls, type) and issubclass(cls, Model):
        return cls.from_config(entry["config"], custom_objects)
    return cls.from_config(entry["config"])


def _is_ref(value):
    return isinstance(value, dict) and set(value) == {"keras_history"}


def _resolvable(args, produced):
    if _is_ref(args):
        name, node, index = args["keras_history"]
        return name in produced and node < len(produced[name])
    if isinstance(args, dict):
        return all(_resolvable(v, produced) for v in args.values())
    if isinstance(args, (list, tuple)):
        return all(_resolvable(v, produced) for v in args)
    return True


def _resolve(args, produced):
    """A config's structure of {"keras_history": [...]} references as the KerasTensors they name."""
    if _is_ref(args):
        name, node, index = args["keras_history"]
        return produced[name][node][index]
    if isinstance(args, dict):
        return {k: _resolve(v, produced) for k, v in args.items()}
    if isinstance(args, (list, tuple)):
        return type(args)(_resolve(v, produced) for v in args)
    return args


# --- compile: one head per output -----------------------------------------------------------


class _Head:
    """One output's part of compile: its name, loss (or None), loss weight and metrics."""

    def __init__(self, name, loss, weight, metrics):
        self.name, self.loss, self.weight, self.metrics = name, loss, weight, metrics


_SAME_SHAPE_LOSSES = (losses.MeanSquaredError, losses.MeanAbsoluteError, losses.Huber, losses.BinaryCrossentropy,
                      losses.CategoricalCrossentropy)


def _per_output(where, arg, value, names, default=None):
    """``value`` as one entry per output: a dict by output name, a list in order, or one for all."""
    if isinstance(value, dict):
        unexpected = [k for k in value if k not in names]
        if unexpected:
            raise ValueError(f"{where}: {arg} has keys {unexpected} that are not outputs of the model {names}")
        return [value.get(name, default) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"{where}: {arg} must have one entry per output {names}; received {len(value)} entries")
        return list(value)
    return [value] * len(names)


# --- the training loop's losses -------------------------------------------------------------


class _LossTotals:
    """Each batch's losses, kept on the device until ``read`` (one wait for the GPU per read).

    Batches are folded into one tensor every FOLD batches, so an epoch keeps few textures alive.
    ``read`` also finds the first batch whose loss is NaN or infinite, prints where it was,
    and sets ``stopped``.
    """

    FOLD = 64

    def __init__(self, names, epoch=None):
        self.names, self.epoch = names, epoch
        self.sums, self.count, self.batches = [0.0] * len(names), 0, 0
        self.pending, self.sizes, self.stopped = [], [], False

    def add(self, values, n):
        self.pending.append(values)
        self.sizes.append(n)
        if len(self.pending) >= self.FOLD:
            self.pending = [ops.concat(self.pending, 0)]

    def read(self):
        # NOTE: plain floats, not NumPy: a few values a read, where each NumPy call cost more than its
        # work (train_on_batch reads every step).
        if self.pending:
            joined = self.pending[0] if len(self.pending) == 1 else ops.concat(self.pending, 0)
            values = joined.numpy().reshape(-1, len(self.names)).tolist()
            for k, (row, size) in enumerate(zip(values, self.sizes)):
                if not math.isfinite(row[0]) and not self.stopped and self.epoch is not None:
                    print(f"fit: epoch {self.epoch + 1}, batch {self.batches + k + 1}: the loss is {row[0]}; "
                          "stopping training")
                    self.stopped = True
                self.sums = [total + value * size for total, value in zip(self.sums, row)]
            self.count += sum(self.sizes)
            self.batches += len(self.sizes)
            self.pending, self.sizes = [], []
        return {name: total / self.count if self.count else 0.0 for name, total in zip(self.names, self.sums)}


def _always(step):
    return True


# --- data -----------------------------------------------------------------------------------


class _ArrayData:
    """x (arrays, in the structure the model takes; Tensors for the *_on_batch methods) and y (one
    array per output) on the host."""

    def __init__(self, x, y, n):
        self.x, self.y, self.n = x, y, n

    def count(self, batch_size):
        return math.ceil(self.n / batch_size)

    def split(self, fraction):
        """(the first samples, the last ``fraction`` of them), before shuffling (as Keras)."""
        cut = int(self.n * (1 - fraction))
        head = _ArrayData(nest.map_structure(lambda a: a[:cut], self.x),
                          [_slice(a, slice(None, cut)) for a in self.y], cut)
        tail = _ArrayData(nest.map_structure(lambda a: a[cut:], self.x),
                          [_slice(a, slice(cut, None)) for a in self.y], self.n - cut)
        return head, tail

    def batches(self, batch_size, shuffle):
        if not shuffle and batch_size >= self.n:  # one batch: x as it is (a Tensor is not copied)
            yield self.x, [_host_tensor(a) for a in self.y]
            return
        order = random_ops._generator(None).permutation(self.n) if shuffle else None
        for i in range(0, self.n, batch_size):
            index = slice(i, i + batch_size) if order is None else order[i:i + batch_size]
            yield nest.map_structure(lambda a: a[index], self.x), [_host_tensor(_slice(a, index)) for a in self.y]


class _DatasetData:
    """A Dataset of (x, y) batches, arranged per batch (leaves read on the host where they are host data)."""

    def __init__(self, model, where, dataset):
        self.model, self.where, self.dataset = model, where, dataset
        if model._heads is None:  # a subclassed model: the first y says how many outputs there are
            for element in dataset._start():
                model._host_targets(where, element[1] if isinstance(element, tuple) and len(element) == 2 else None)
                break

    def count(self, batch_size):
        n = self.dataset._cardinality
        return n if n >= 0 else None

    def batches(self, batch_size, shuffle):
        # NOTE: _start() yields the host arrays Dataset keeps (Tensors only after a map), so labels
        # are checked on the host and nothing is uploaded twice.
        for element in self.dataset._start():
            if not (isinstance(element, tuple) and len(element) == 2):
                raise ValueError(f"{self.where}: a Dataset for {self.where} must yield (x, y) pairs; received "
                                 f"{_describe(element)}")
            x, y = element
            yield self.model._host_inputs(self.where, x), [_host_tensor(a) for a in
                                                           self.model._host_targets(self.where, y)]


def _slice(a, index):
    return None if a is None else a[index]


def _host(value):
    """A NumPy array of a webflow dtype (a Tensor is read back once)."""
    if isinstance(value, (Tensor, Variable)):
        return value.numpy()
    return _host_array(value, None, "keras")[0]


def _host_tensor(array):
    """A target batch as a NumPy-backend Tensor.

    NOTE: targets stay on the host: ops that use them upload them to WebGL (as a NumPy array
    would be), while host checks such as a sparse loss's label range read them without a
    read-back, which would wait for the GPU on every batch.
    """
    if array is None or isinstance(array, Tensor):
        return array
    backend = backends._instance("numpy")
    array, dtype = _host_array(array, None, "keras")
    return Tensor(backend.from_numpy(array), backend, array.shape, dtype)


def _tensor(value, dtype):
    if isinstance(value, (Tensor, Variable)):
        value = ops.convert_to_tensor(value)
        return value if value.dtype is dtype else ops.cast(value, dtype)
    return ops.convert_to_tensor(_host_array(value, dtype, "keras")[0])


def _is_array_list(value):
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(v, (np.ndarray, Tensor, Variable)) for v in value)


def _length(batch):
    return nest.flatten(batch)[0].shape[0]


def _describe(value):
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    shape = getattr(value, "shape", None)
    return f"one array of shape {tuple(shape)}" if shape is not None else f"{type(value).__name__}"
