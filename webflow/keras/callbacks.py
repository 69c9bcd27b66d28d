"""Callbacks (``tf.keras.callbacks``): hooks that ``fit`` calls at the start and
end of training, of each epoch and of each batch, with the logs so far."""

import math


class Callback:
    def set_model(self, model):
        self.model = model

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
    """Callbacks from plain functions, e.g. a page's chart: ``LambdaCallback(on_epoch_end=plot)``."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_batch_end=None, on_train_begin=None,
                 on_train_end=None):
        for name, fn in [("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_train_batch_end", on_train_batch_end), ("on_train_begin", on_train_begin),
                         ("on_train_end", on_train_end)]:
            if fn is not None:
                setattr(self, name, fn)


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
