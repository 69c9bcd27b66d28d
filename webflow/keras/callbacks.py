"""Callbacks (``tf.keras.callbacks``): hooks that ``fit`` calls at the start and
end of training, of each epoch and of each batch, with the logs so far.

NOTE: on WebGL, numbers for the logs cost a wait for the GPU. ``fit`` reads the losses
only when a callback wants them: at each epoch's end, and at a batch's end only for
callbacks whose ``_wants_batch_logs(batch)`` says so (by default, those that define
``on_train_batch_end``; the progress bar, at most every 0.2 s on a terminal).
"""

import math
import sys
import time


class Callback:
    params = {}  # set by fit: epochs, steps (per epoch, None when unknown), verbose

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def _wants_batch_logs(self, batch):
        """Whether ``on_train_batch_end`` needs logs after ``batch`` (reading them waits for the GPU)."""
        return "on_train_batch_end" in vars(self) or type(self).on_train_batch_end is not Callback.on_train_batch_end


class Progbar:
    """Keras's progress bar, for ``fit`` and ``evaluate``.

    verbose=1 on a terminal redraws ``37/250 [====>.........] - ETA: 5s - loss: 0.3012`` in
    place (at most every ``interval`` seconds) and ends with
    ``250/250 [==============================] - 2s 8ms/step - loss: 0.3012``; elsewhere (a
    browser page, a log file) only that final line is printed. verbose=2 prints one line,
    ``250/250 - 2s - 8ms/step - loss: 0.3012``.

    >>> bar = Progbar(4, stream=sys.stdout, interactive=False)
    >>> bar.start = time.perf_counter() - 2.0
    >>> bar.update(4, {"loss": 0.25}, finalize=True)
    4/4 [==============================] - 2s 500ms/step - loss: 0.2500
    """

    def __init__(self, target, verbose=1, width=30, interval=0.2, stream=None, interactive=None):
        self.target, self.verbose, self.width, self.interval = target, verbose, width, interval
        self.stream = stream or sys.stdout
        self.interactive = _isatty(self.stream) if interactive is None else interactive
        self.start = self.last = time.perf_counter()
        self.drawn = 0  # the length of the line on screen, to blank out a longer old one

    def wants_update(self):
        return self.verbose == 1 and self.interactive and time.perf_counter() - self.last >= self.interval

    def update(self, current, values=None, finalize=False):
        """Show ``current`` steps done with ``values`` (name -> number); ``finalize`` ends the line."""
        now = time.perf_counter()
        self.last = now
        if not finalize and not (self.verbose == 1 and self.interactive):
            return
        elapsed = now - self.start
        numbers = "".join(f" - {k}: {_format_value(v)}" for k, v in (values or {}).items())
        count = f"{current:{len(str(self.target))}d}/{self.target}" if self.target else f"{current}/Unknown"
        per_step = _format_time_per_step(elapsed / current) if current else ""
        if self.verbose == 2:
            line = f"{count} - {elapsed:.0f}s - {per_step}{numbers}" if finalize else ""
        elif finalize:
            line = f"{count}{self._bar(current)} - {elapsed:.0f}s {per_step}{numbers}"
        else:
            eta = elapsed / current * (self.target - current) if current and self.target else None
            line = f"{count}{self._bar(current)} - " + (f"ETA: {_format_eta(eta)}" if eta is not None
                                                        else f"{elapsed:.0f}s {per_step}") + numbers
        if not line:
            return
        if self.interactive and self.verbose == 1:
            self.stream.write("\r" + line.ljust(self.drawn) + ("\n" if finalize else ""))
            self.drawn = 0 if finalize else len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _bar(self, current):
        if not self.target:
            return ""
        done = int(self.width * min(current, self.target) / self.target)
        arrow = ">" if current < self.target and done < self.width else ""
        body = "=" * (done - (1 if arrow and done else 0)) + arrow if done else arrow
        return " [" + body.ljust(self.width, ".") + "]"


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _format_value(v):
    v = float(v)
    return f"{v:.4f}" if abs(v) > 1e-3 or v == 0 or not math.isfinite(v) else f"{v:.4e}"


def _format_time_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def _format_eta(seconds):
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and a Progbar per epoch; ``fit`` adds one when verbose is 1 or 2."""

    def __init__(self, stream=None):
        self.stream = stream
        self.bar, self.seen = None, 0

    def on_epoch_begin(self, epoch, logs=None):
        print(f"Epoch {epoch + 1}/{self.params.get('epochs')}", file=self.stream or sys.stdout, flush=True)
        self.bar, self.seen = Progbar(self.params.get("steps"), self.params.get("verbose", 1), stream=self.stream), 0

    def _wants_batch_logs(self, batch):
        self.seen = batch + 1
        return self.bar is not None and self.bar.wants_update()

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.bar.update(self.seen, logs, finalize=True)


class History(Callback):
    """``history.history``: a list of per-epoch values for each log key."""

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class LambdaCallback(Callback):
    """Callbacks from plain functions, e.g. a page's chart: ``LambdaCallback(on_epoch_end=plot)``.

    The functions get the logs as a plain dict of floats; a JavaScript function (a Pyodide
    JsProxy) gets them as a plain JS object, ``{loss: 0.31, accuracy: 0.9}``. As in Keras,
    ``on_epoch_*`` and ``on_batch_end`` get (index, logs), ``on_train_*`` get (logs).
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_end=None):
        on_train_batch_end = on_train_batch_end or on_batch_end
        for name, fn in [("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_batch_end", on_train_batch_end)]:
            if fn is not None:
                setattr(self, name, _IndexAndLogs(fn))
        for name, fn in [("on_train_begin", on_train_begin), ("on_train_end", on_train_end)]:
            if fn is not None:
                setattr(self, name, _LogsOnly(fn))


def _plain_logs(fn, logs):
    """logs as a dict of Python floats, or as a JS object when fn is a JavaScript function."""
    logs = {str(k): float(v) for k, v in (logs or {}).items()}
    if sys.platform == "emscripten":
        from pyodide.ffi import JsProxy, to_js

        if isinstance(fn, JsProxy):
            import js

            return to_js(logs, dict_converter=js.Object.fromEntries)
    return logs


class _IndexAndLogs:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, index, logs=None):
        return self.fn(index, _plain_logs(self.fn, logs))


class _LogsOnly:
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, logs=None):
        return self.fn(_plain_logs(self.fn, logs))


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto", restore_best_weights=False,
                 verbose=0):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        higher = mode == "max" or (mode == "auto" and ("acc" in monitor or "auc" in monitor))
        self.sign = 1.0 if higher else -1.0
        self.restore_best_weights = restore_best_weights
        self.stopped_epoch = 0

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.best_weights = -math.inf, 0, None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        score = self.sign * value
        if score > self.best + self.min_delta:
            self.best, self.wait = score, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate from ``schedule(epoch, lr)`` before each epoch."""

    def __init__(self, schedule, verbose=0):
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        optimizer.learning_rate = float(self.schedule(epoch, optimizer._lr()))


class TerminateOnNaN(Callback):
    """Stop training when the loss becomes NaN or infinite, naming the epoch and batch."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"TerminateOnNaN: epoch {self.epoch + 1}, batch {batch + 1}: the loss is {loss}; stopping training")
            self.model.stop_training = True
