"""Optimizers (``tf.keras.optimizers``) with Keras's update rules.

Each optimizer keeps its slots (momentum, moment estimates) per variable and
counts ``iterations``. ``learning_rate`` is a float or a schedule (a callable
of the step). ``clipnorm`` clips each gradient's norm, ``clipvalue`` each value,
``global_clipnorm`` the norm of all of them together.

An update is written once as elementwise expressions (``_fused``). On WebGL each
expression is one pass of the elementwise kernel, so an Adam step is 4 passes per
variable instead of 12 separate ops; on NumPy the same expressions run op by op.
"""

import functools
import math
from types import SimpleNamespace

from webflow import backends, dtypes, ops
from webflow.graph import tracing
from webflow.graph.passes import fusion
from webflow.tensor import Tensor, Variable

# --- fused elementwise updates ----------------------------------------------------------------
# An expression is a nested tuple ("op", operand, ...): the op is a primitive elementwise op
# (add, subtract, multiply, divide, sqrt, maximum), an operand is one of the inputs X0..X2,
# a Python float (a constant: betas, epsilon) or another expression. Values that change from
# step to step (learning rates, bias corrections) are inputs, never constants, so each update
# compiles one shader, once.
X0, X1, X2 = "x0", "x1", "x2"
MAX_INPUTS = 3  # the elementwise kernel's inputs (elementwise.glsl)


def _fused(expression, *inputs):
    """``expression`` over ``inputs`` (Tensors or Variables; the first one's shape, the others the
    same shape or one value) as a new Tensor, in one GPU pass on WebGL.

    >>> import webflow as tf
    >>> w, g = tf.constant([1.0, 2.0]), tf.constant([0.5, 0.5])
    >>> _fused(("subtract", X0, ("multiply", X1, 0.1)), w, g).numpy()
    array([0.95, 1.95], dtype=float32)
    """
    assert 1 <= len(inputs) <= MAX_INPUTS, expression
    tensors = [ops.convert_to_tensor(x) for x in inputs]
    backend = backends.get_backend()
    run = getattr(backend, "_run", None)  # the WebGL backend's elementwise dispatch
    if run is None or any(t._backend is not backend for t in tensors):
        return _evaluate(expression, tensors)
    shape = tuple(tensors[0].shape)
    # NOTE: one call of the elementwise kernel whose expression nests the ops' GLSL functions
    # (ops.glsl); inputs of one value are read as scalars, so a step size broadcasts.
    handle = run(_glsl(expression), [t._handle for t in tensors], shape)
    return Tensor(handle, backend, shape, tensors[0].dtype)


def _evaluate(expression, tensors):
    """The expression with webflow's ops, one kernel per op (any backend)."""
    if isinstance(expression, str):
        return tensors[int(expression[1:])]
    if isinstance(expression, float):
        return expression
    op, *operands = expression
    return getattr(ops, op)(*(_evaluate(x, tensors) for x in operands))


@functools.lru_cache(maxsize=256)  # NOTE: the same few expressions every step, for every variable
def _glsl(expression):
    """The expression as nested calls of ops.glsl's functions: ("add", X0, 0.5) -> op_add(x0, 0.5)."""
    if isinstance(expression, str):
        return expression
    if isinstance(expression, float):
        if not math.isfinite(expression):
            raise ValueError(f"optimizer: constants must be finite; received {expression}")
        return fusion.float_literal(expression)
    op, *operands = expression
    return f"op_{op}({', '.join(_glsl(x) for x in operands)})"


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
            with tracing.init_scope():  # made on the first step, also when that step is being traced
                self._slots[key] = Variable(ops.fill(var.shape, initial), trainable=False, name=f"{var.name}/{name}")
        return self._slots[key]

    def slot_variables(self, var):
        """{slot name: Variable} of the slots kept for ``var`` (what a tf.train.Checkpoint saves)."""
        return {name: slot for (key, name), slot in self._slots.items() if key == id(var)}

    def apply_gradients(self, grads_and_vars):
        """One step: clip the gradients, then update each variable (None gradients are skipped)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        grads = [ops.convert_to_tensor(g, dtype=v.dtype) for g, v in pairs]
        for g, (_, var) in zip(grads, pairs):
            if tuple(g.shape) != tuple(var.shape):
                raise ValueError(f"{self.name}.apply_gradients: a gradient must have its variable's shape; "
                                 f"received {tuple(g.shape)} for {var.name!r} of shape {tuple(var.shape)}")
        if self.clipvalue is not None:
            grads = [ops.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [_clip_norm(g, self.clipnorm, ops.sqrt(ops.reduce_sum(ops.square(g)))) for g in grads]
        if self.global_clipnorm is not None and grads:
            total = ops.sqrt(sum(ops.reduce_sum(ops.square(g)) for g in grads))
            grads = [_clip_norm(g, self.global_clipnorm, total) for g in grads]
        # NOTE: per-step scalars (learning rate, bias corrections) become tensors once per step,
        # shared by every variable, not once per variable and op. They are host values: inside
        # tf.function the step count and the schedule advance on every call, not once at trace time.
        values = tracing.host_values(self._next_step, [((), dtypes.float32)] * len(self.STEP_SCALARS), self.name)
        scalars = dict(zip(self.STEP_SCALARS, values))
        for g, (_, var) in zip(grads, pairs):
            self.update(var, g, scalars)
        return self.iterations

    def minimize(self, loss, var_list, tape):
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    STEP_SCALARS = ("lr",)

    def _next_step(self):
        """Count the step; the values of STEP_SCALARS for it."""
        lr = self._lr()  # the schedule's value at the step about to be taken (counting from 0)
        self.iterations += 1
        scalars = self.step_scalars(lr)
        return [scalars[name] for name in self.STEP_SCALARS]

    def step_scalars(self, lr):
        """{name: float} for this step (``self.iterations`` already counts it): one per STEP_SCALARS."""
        return {"lr": lr}

    def update(self, var, g, scalars):
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
        self.momentum, self.nesterov = float(momentum), nesterov

    def update(self, var, g, s):
        lr = s["lr"]
        if not self.momentum:
            var.assign(_fused(("subtract", X0, ("multiply", X1, X2)), var, g, lr))
            return
        v = self.slot(var, "momentum")
        v.assign(_fused(("subtract", ("multiply", X0, self.momentum), ("multiply", X1, X2)), v, g, lr))
        if self.nesterov:
            step = _fused(("subtract", ("multiply", X0, self.momentum), ("multiply", X1, X2)), v, g, lr)
            var.assign(_fused(("add", X0, X1), var, step))
        else:
            var.assign(_fused(("add", X0, X1), var, v))


class Adam(Optimizer):
    """m += (g - m)(1 - beta_1); v += (g^2 - v)(1 - beta_2);
    var -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon).

    >>> import webflow as tf
    >>> w = tf.Variable([1.0, -1.0])
    >>> _ = tf.keras.optimizers.Adam(0.1).apply_gradients([(tf.constant([0.5, -2.0]), w)])
    >>> w.numpy().round(4)  # the first step moves each weight by about lr
    array([ 0.9, -0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), float(epsilon), amsgrad

    STEP_SCALARS = ("lr", "step")

    def step_scalars(self, lr):
        t = self.iterations
        return {"lr": lr, "step": lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)}

    def update(self, var, g, s):
        m, v = self.slot(var, "m"), self.slot(var, "v")
        m.assign(_fused(("add", X0, ("multiply", ("subtract", X1, X0), 1 - self.beta_1)), m, g))
        v.assign(_fused(("add", X0, ("multiply", ("subtract", ("multiply", X1, X1), X0), 1 - self.beta_2)), v, g))
        second = v
        if self.amsgrad:
            second = self.slot(var, "v_max")
            second.assign(_fused(("maximum", X0, X1), second, v))
        # NOTE: two passes, as the kernel reads at most three tensors: var, m, v and the step are four.
        direction = _fused(("divide", X0, ("add", ("sqrt", X1), self.epsilon)), m, second)
        var.assign(_fused(("subtract", X0, ("multiply", X1, X2)), var, direction, s["step"]))


class AdamW(Adam):
    """Adam with decoupled weight decay: var -= lr * weight_decay * var before the Adam step."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, **kwargs)
        self.weight_decay = weight_decay

    STEP_SCALARS = ("lr", "step", "decay")

    def step_scalars(self, lr):
        return {**super().step_scalars(lr), "decay": lr * self.weight_decay}

    def update(self, var, g, s):
        var.assign(_fused(("subtract", X0, ("multiply", X0, X1)), var, s["decay"]))
        super().update(var, g, s)


class RMSprop(Optimizer):
    """v = rho * v + (1 - rho) g^2; var -= lr * g / (sqrt(v) + epsilon) (with momentum: through a velocity)."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), float(epsilon), centered

    def update(self, var, g, s):
        rho, eps = self.rho, self.epsilon
        v = self.slot(var, "velocity")
        v.assign(_fused(("add", ("multiply", X0, rho), ("multiply", ("multiply", X1, X1), 1 - rho)), v, g))
        if self.centered:
            avg = self.slot(var, "average_gradient")
            avg.assign(_fused(("add", ("multiply", X0, rho), ("multiply", X1, 1 - rho)), avg, g))
            direction = _fused(("divide", X0, ("add", ("sqrt", ("subtract", X1, ("multiply", X2, X2))), eps)),
                               g, v, avg)
        else:
            direction = _fused(("divide", X0, ("add", ("sqrt", X1), eps)), g, v)
        if self.momentum:
            mom = self.slot(var, "momentum")
            mom.assign(_fused(("add", ("multiply", X0, self.momentum), ("multiply", X1, X2)), mom, direction, s["lr"]))
            var.assign(_fused(("subtract", X0, X1), var, mom))
        else:
            var.assign(_fused(("subtract", X0, ("multiply", X1, X2)), var, direction, s["lr"]))


class Adagrad(Optimizer):
    """acc += g^2; var -= lr * g / sqrt(acc + epsilon)."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, float(epsilon)

    def update(self, var, g, s):
        acc = self.slot(var, "accumulator", self.initial_accumulator_value)
        acc.assign(_fused(("add", X0, ("multiply", X1, X1)), acc, g))
        direction = _fused(("divide", X0, ("sqrt", ("add", X1, self.epsilon))), g, acc)
        var.assign(_fused(("subtract", X0, ("multiply", X1, X2)), var, direction, s["lr"]))


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
