"""tf.cond and tf.while_loop: a choice by a boolean tensor, and a loop, eagerly or inside a trace."""

import numpy as np

from webflow import nest
from webflow.graph import tracing
from webflow.ops import array_ops, math_ops
from webflow.tensor import Tensor, Variable, convert_to_tensor


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (``tf.cond``).

    Eagerly, ``pred`` is read and only the chosen function runs; so it is inside a ``tf.function``
    where ``pred`` is known while tracing (made of constants and shapes). Otherwise its value is
    not known then, so both functions are traced and every run chooses between their
    results with ``tf.where(pred, ...)``: both branches' kernels run, each returned tensor and each
    Variable a branch assigns takes the chosen branch's value, and a ``tf.print`` in a branch
    prints only when that branch is chosen. Because both run, a value the chosen branch does not
    need can still be NaN or infinite in the other one (harmless to the result; a gradient through
    it can be NaN, as with ``tf.where``).

    Args:
        pred: a scalar bool tensor, or a Python bool (then only that branch runs, traced or not).
        true_fn, false_fn: callables of no arguments returning the same structure: tensors of the
            same shape and dtype, and Python values equal in both.

    Raises:
        TypeError: a branch that is not callable, or a ``pred`` that is not bool.
        ValueError: a ``pred`` that is not a scalar, or branches whose results differ in structure,
            shape, dtype or Python values (inside a trace, where both run).

    >>> import webflow as tf
    >>> @tf.function
    ... def magnitude(x):
    ...     return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)
    >>> magnitude(tf.constant([1.0, 2.0])).numpy(), magnitude(tf.constant([-3.0])).numpy()
    (array([2., 4.], dtype=float32), array([3.], dtype=float32))
    """
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError(f"cond: true_fn and false_fn must be callables; received {type(true_fn).__name__} "
                        f"and {type(false_fn).__name__}")
    if isinstance(pred, (bool, np.bool_)):
        return true_fn() if pred else false_fn()
    pred = _scalar_bool(pred, "cond: pred must be")
    tracer = tracing.current()
    value = pred.numpy() if tracer is None else tracer.known(pred)  # eagerly, or known while tracing
    if value is None:
        return _traced(tracer, pred, true_fn, false_fn)
    return true_fn() if bool(value) else false_fn()


def _scalar_bool(pred, needs):
    """``pred`` as a tensor, checked to be a scalar bool (``needs``: the message's start)."""
    pred = pred.read_value() if isinstance(pred, Variable) else convert_to_tensor(pred)
    if not pred.dtype.is_bool:
        raise TypeError(f"{needs} a bool tensor; received dtype {pred.dtype.name}")
    if tuple(pred.shape) != ():
        raise ValueError(f"{needs} a scalar; received shape {tuple(pred.shape)}")
    return pred


def _traced(tracer, pred, true_fn, false_fn):
    true_out, true_set, true_effects = _branch(tracer, true_fn)
    false_out, false_set, false_effects = _branch(tracer, false_fn)
    if _structure(true_out) != _structure(false_out):
        raise ValueError(f"cond: true_fn and false_fn must return the same structure; received "
                         f"{_shown(true_out)} and {_shown(false_out)}")
    for key in list(true_set) + [key for key in false_set if key not in true_set]:
        var, before = (true_set.get(key) or false_set.get(key))[:2]
        t = true_set[key][2] if key in true_set else before
        f = false_set[key][2] if key in false_set else before
        var._value = array_ops.stop_gradient(math_ops.where(pred, t, f))  # as an assign in the chosen branch
    # NOTE: after the variables, so a branch that returns a Variable it assigned returns its new value.
    chosen = [_choose(pred, t, f, f"output {k}") for k, (t, f) in
              enumerate(zip(nest.flatten(true_out), nest.flatten(false_out)))]
    graph = tracer.graph
    for effects, taken in ((true_effects, True), (false_effects, False)):
        graph.effects.extend((_when(fn, taken), [tracer.node_of(pred)] + nodes) for fn, nodes in effects)
    return nest.pack_sequence_as(true_out, chosen)


def _branch(tracer, fn):
    """Trace ``fn()``; return its result, the Variables it assigned ({id: (var, value before,
    value after)}, each put back to its value before) and the tf.print effects it added (taken
    out of the graph, to be made conditional)."""
    before = {key: var._value for key, (var, _, _) in tracer.swapped.items()}
    effects_at = len(tracer.graph.effects)
    out = fn()
    assigned = {}
    for key, (var, _, symbolic) in tracer.swapped.items():
        start = before.get(key, symbolic)  # a variable first read in this branch starts as its node
        if var._value is not start:
            assigned[key] = (var, start, var._value)
            var._value = start
    effects = tracer.graph.effects[effects_at:]
    del tracer.graph.effects[effects_at:]
    return out, assigned, effects


def _choose(pred, t, f, where):
    tensors = isinstance(t, (Tensor, Variable)), isinstance(f, (Tensor, Variable))
    if not any(tensors):
        if not (t is f or _same_value(t, f)):
            raise ValueError(f"cond: {where} is a Python value that differs between the branches ({t!r} and "
                             f"{f!r}); inside a tf.function both run, so return a tensor instead")
        return t
    if not all(tensors):
        raise ValueError(f"cond: {where} is a tensor in one branch and {type(f if tensors[0] else t).__name__} "
                         "in the other; return tensors from both")
    t = t.read_value() if isinstance(t, Variable) else t
    f = f.read_value() if isinstance(f, Variable) else f
    if t.dtype is not f.dtype or tuple(t.shape) != tuple(f.shape):
        raise ValueError(f"cond: {where} must have the same shape and dtype in both branches; received "
                         f"{tuple(t.shape)} {t.dtype.name} and {tuple(f.shape)} {f.dtype.name}")
    return math_ops.where(pred, t, f)


def _structure(value, sequences=True):
    """The nesting of lists, tuples and dicts around the leaves (hashable, for comparing);
    sequences=False: a list and a tuple count as the same (while_loop's body, as in TF)."""
    if isinstance(value, dict):
        return (dict, tuple((key, _structure(value[key], sequences)) for key in sorted(value)))
    if isinstance(value, (list, tuple)):
        return (type(value) if sequences else list, tuple(_structure(item, sequences) for item in value))
    return None


def _shown(value):
    """The structure with its leaves as '.' (for messages)."""
    return repr(nest.pack_sequence_as(value, ["."] * len(nest.flatten(value))))


def _same_value(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _when(fn, taken):
    """``fn`` run only on the runs where pred (its first value) is ``taken``."""
    def gated(pred, *values):
        if bool(np.asarray(pred)) == taken:
            fn(*values)
    return gated


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (``tf.while_loop``).

    Eagerly this is a Python loop. Inside a ``tf.function`` the loop is unrolled while tracing, as
    Python loops are, so its condition must be known then: computed from constants, Python values
    and shapes (``i < 10`` for an ``i`` that starts at 0 and steps by 1), not from an argument's or
    a variable's values. A GradientTape sees every step.

    Args:
        cond: ``cond(*loop_vars)`` -> a scalar bool tensor or a Python bool.
        body: ``body(*loop_vars)`` -> new values in the same structure (a single value where
            loop_vars is a single tensor).
        loop_vars: a tensor, or a list / tuple (possibly nested) of tensors and Python values.
        maximum_iterations: stop after this many steps even if ``cond`` still holds.
        shape_invariants, parallel_iterations, back_prop, swap_memory: accepted for compatibility
            and ignored.

    Returns: the loop variables after the last step, in ``loop_vars``' structure.

    Raises:
        TypeError: ``cond`` or ``body`` not callable, or a condition that is not bool.
        ValueError: a condition that is not a scalar, a body that returns another structure, or
            (inside a tf.function) a condition not known while tracing.

    >>> import webflow as tf
    >>> float(tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), (0, tf.constant(1.0)))[1])
    8.0
    """
    if not callable(cond) or not callable(body):
        raise TypeError(f"while_loop: cond and body must be callables; received {type(cond).__name__} "
                        f"and {type(body).__name__}")
    single = not isinstance(loop_vars, (list, tuple))
    values = [loop_vars] if single else list(loop_vars)
    structure = _structure(loop_vars, sequences=False)
    steps = 0
    while maximum_iterations is None or steps < int(maximum_iterations):
        if not _loop_condition(cond(*values)):
            break
        result = body(*values)
        if _structure(result, sequences=False) != structure:
            raise ValueError(f"while_loop: body must return the loop variables' structure, "
                             f"{_shown(loop_vars)}; received {_shown(result)}")
        values = [result] if single else list(result)
        steps += 1
    if single:
        return values[0]
    return type(loop_vars)(*values) if hasattr(loop_vars, "_fields") else type(loop_vars)(values)


def _loop_condition(pred):
    """The condition's value as a Python bool: eagerly read, or inside a trace known from constants."""
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    pred = _scalar_bool(pred, "while_loop: cond must return")
    try:
        return bool(pred.numpy())
    except tracing.TracingError:
        raise ValueError("while_loop: inside a tf.function the loop is unrolled while tracing, so its condition "
                         "must be known then (computed from constants, Python values and shapes); this one "
                         "depends on an argument's or a variable's values. Make it a condition on a counter "
                         "(`i < n`), or run the loop eagerly") from None
