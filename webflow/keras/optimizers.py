"""Optimizers (``tf.keras.optimizers``) with Keras's update rules.

Each optimizer keeps its slots (momentum, moment estimates) per variable and
counts ``iterations``. ``learning_rate`` is a float or a schedule (a callable
of the step). ``clipnorm`` clips each gradient's norm, ``clipvalue`` each value,
``global_clipnorm`` the norm of all of them together.
"""

import math
from types import SimpleNamespace

from webflow import ops
from webflow.tensor import Variable


class Optimizer:
    def __init__(self, learning_rate=0.001, clipnorm=None, clipvalue=None, global_clipnorm=None, name=None):
        self.learning_rate = learning_rate
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or type(self).__name__
        self.iterations = 0
        self._slots = {}  # (id(var), slot name) -> Variable

    def _lr(self):
        lr = self.learning_rate
        return float(lr(self.iterations)) if callable(lr) else float(lr)

    def slot(self, var, name, initial=0.0):
        key = (id(var), name)
        if key not in self._slots:
            self._slots[key] = Variable(ops.fill(var.shape, initial), trainable=False, name=f"{var.name}/{name}")
        return self._slots[key]

    def slot_variables(self, var):
        """{slot name: Variable} of the slots kept for ``var`` (what a tf.train.Checkpoint saves)."""
        return {name: slot for (key, name), slot in self._slots.items() if key == id(var)}

    def apply_gradients(self, grads_and_vars):
        """One step: clip the gradients, then update each variable (None gradients are skipped)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        grads = [g for g, _ in pairs]
        if self.clipvalue is not None:
            grads = [ops.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [_clip_norm(g, self.clipnorm, ops.sqrt(ops.reduce_sum(ops.square(g)))) for g in grads]
        if self.global_clipnorm is not None and grads:
            total = ops.sqrt(sum(ops.reduce_sum(ops.square(g)) for g in grads))
            grads = [_clip_norm(g, self.global_clipnorm, total) for g in grads]
        lr = self._lr()
        self.iterations += 1
        for g, (_, var) in zip(grads, pairs):
            self.update(var, g, lr)
        return self.iterations

    def minimize(self, loss, var_list, tape):
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def update(self, var, g, lr):
        raise NotImplementedError

    def get_config(self):
        lr = self.learning_rate
        return {"name": self.name, "learning_rate": lr if not callable(lr) else lr.get_config(),
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}


def _clip_norm(g, limit, norm):
    return ops.multiply(g, ops.divide(limit, ops.maximum(norm, limit)))


class SGD(Optimizer):
    """v = momentum * v - lr * g; var += v (Nesterov: var += momentum * v - lr * g).

    >>> import webflow as tf
    >>> w = tf.Variable(1.0)
    >>> _ = tf.keras.optimizers.SGD(0.1).apply_gradients([(tf.constant(2.0), w)])
    >>> round(float(w.numpy()), 4)
    0.8
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD: momentum must be in [0, 1]; received {momentum}")
        self.momentum, self.nesterov = momentum, nesterov

    def update(self, var, g, lr):
        if not self.momentum:
            var.assign_sub(ops.multiply(g, lr))
            return
        v = self.slot(var, "momentum")
        v.assign(ops.subtract(ops.multiply(v, self.momentum), ops.multiply(g, lr)))
        step = ops.subtract(ops.multiply(v, self.momentum), ops.multiply(g, lr)) if self.nesterov else v
        var.assign_add(step)


class Adam(Optimizer):
    """m += (g - m)(1 - beta_1); v += (g^2 - v)(1 - beta_2);
    var -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def update(self, var, g, lr):
        t = self.iterations
        m, v = self.slot(var, "m"), self.slot(var, "v")
        m.assign_add(ops.multiply(ops.subtract(g, m), 1 - self.beta_1))
        v.assign_add(ops.multiply(ops.subtract(ops.square(g), v), 1 - self.beta_2))
        second = v
        if self.amsgrad:
            v_max = self.slot(var, "v_max")
            v_max.assign(ops.maximum(v_max, v))
            second = v_max
        step = lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        var.assign_sub(ops.multiply(ops.divide(m, ops.add(ops.sqrt(second), self.epsilon)), step))


class AdamW(Adam):
    """Adam with decoupled weight decay: var -= lr * weight_decay * var before the Adam step."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, **kwargs)
        self.weight_decay = weight_decay

    def update(self, var, g, lr):
        var.assign_sub(ops.multiply(var, lr * self.weight_decay))
        super().update(var, g, lr)


class RMSprop(Optimizer):
    """v = rho * v + (1 - rho) g^2; var -= lr * g / (sqrt(v) + epsilon) (with momentum: through a velocity)."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def update(self, var, g, lr):
        v = self.slot(var, "velocity")
        v.assign(ops.add(ops.multiply(v, self.rho), ops.multiply(ops.square(g), 1 - self.rho)))
        denominator = v
        if self.centered:
            avg = self.slot(var, "average_gradient")
            avg.assign(ops.add(ops.multiply(avg, self.rho), ops.multiply(g, 1 - self.rho)))
            denominator = ops.subtract(v, ops.square(avg))
        step = ops.divide(ops.multiply(g, lr), ops.add(ops.sqrt(denominator), self.epsilon))
        if self.momentum:
            mom = self.slot(var, "momentum")
            mom.assign(ops.add(ops.multiply(mom, self.momentum), step))
            step = mom
        var.assign_sub(step)


class Adagrad(Optimizer):
    """acc += g^2; var -= lr * g / sqrt(acc + epsilon)."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def update(self, var, g, lr):
        acc = self.slot(var, "accumulator", self.initial_accumulator_value)
        acc.assign_add(ops.square(g))
        var.assign_sub(ops.divide(ops.multiply(g, lr), ops.sqrt(ops.add(acc, self.epsilon))))


class ExponentialDecay:
    """lr = initial * decay_rate ** (step / decay_steps) (floored when staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase = decay_rate, staircase

    def __call__(self, step):
        p = step / self.decay_steps
        return self.initial_learning_rate * self.decay_rate ** (math.floor(p) if self.staircase else p)

    def get_config(self):
        return dict(vars(self))


class PiecewiseConstantDecay:
    """values[i] while step <= boundaries[i]; the last value after the last boundary."""

    def __init__(self, boundaries, values):
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"PiecewiseConstantDecay: values needs one more entry than boundaries; "
                f"received {len(boundaries)} boundaries and {len(values)} values"
            )
        self.boundaries, self.values = list(boundaries), list(values)

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return dict(vars(self))


schedules = SimpleNamespace(ExponentialDecay=ExponentialDecay, PiecewiseConstantDecay=PiecewiseConstantDecay)
ALIASES = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier):
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ALIASES:
        return ALIASES[identifier.lower()]()
    raise ValueError(f"optimizers.get: unknown optimizer {identifier!r}; expected one of {sorted(ALIASES)}")
