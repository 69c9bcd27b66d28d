"""GradientTape: reverse-mode autodiff over a record of executed ops.

While a tape is active, every op whose inputs depend on a watched tensor is
appended to the tape as (op name, inputs, output, attributes). ``gradient``
walks that record backwards, calling each op's gradient rule (a small pure
function found by op name in ``webflow.ops.GRADIENTS``). Gradient rules are
written with ordinary ops, so an outer tape records them too: that is how
nested tapes give second derivatives.
"""

import contextlib

from webflow import nest

_active_tapes = []


class GradientTape:
    """Record operations for automatic differentiation.

    Args:
        persistent: allow more than one ``gradient`` call.
        watch_accessed_variables: watch every trainable Variable read while
            the tape is active (default True).

    >>> import webflow as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._tracked = {}  # id -> Tensor: watched tensors and everything computed from them
        self._records = []  # (op, inputs, output, attrs), in execution order
        self._variables = {}  # id(var) -> (var, [value tensors read while recording])
        self._recording = False
        self._used = False

    def __enter__(self):
        _active_tapes.append(self)
        self._recording = True
        return self

    def __exit__(self, *exc):
        _active_tapes.remove(self)
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops run inside this block are not recorded."""
        was, self._recording = self._recording, False
        try:
            yield
        finally:
            self._recording = was

    def reset(self):
        """Forget everything recorded so far."""
        self.__init__(self._persistent, self._watch_accessed_variables)

    def watch(self, tensor):
        """Track a Tensor or Variable (or a nested structure of them)."""
        from webflow.tensor import Tensor, Variable

        for t in nest.flatten(tensor):
            if isinstance(t, Variable):
                self._variables.setdefault(id(t), (t, []))
                self._note_read(t)
            elif isinstance(t, Tensor):
                if t.dtype.is_floating:
                    self._tracked[id(t)] = t
            else:
                raise TypeError(f"GradientTape.watch: expected Tensors or Variables; received {type(t).__name__}")

    def watched_variables(self):
        return tuple(var for var, _ in self._variables.values())

    def _note_read(self, var):
        value = var._value
        if var.dtype.is_floating and id(value) not in self._tracked:
            self._tracked[id(value)] = value
            self._variables.setdefault(id(var), (var, []))[1].append(value)

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(sum of target) / d(source) for each source, in the sources' structure.

        Args:
            target: a Tensor (or a list of them, whose gradients add up).
            sources: a Tensor, Variable, or nested list/tuple/dict of them.
            output_gradients: optional seeds, one per target (default ones).
            unconnected_gradients: "none" (default) or "zero" for sources
                the target does not depend on.

        Raises:
            RuntimeError: a second call on a non-persistent tape.
        """
        from webflow.ops import GRADIENTS, add, convert_to_tensor, ones_like, zeros_like
        from webflow.tensor import Variable

        if self._used and not self._persistent:
            raise RuntimeError(
                "GradientTape.gradient can only be called once on a non-persistent tape; "
                "create the tape with GradientTape(persistent=True) to call it again"
            )
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"GradientTape.gradient: unconnected_gradients must be 'none' or 'zero'; received {unconnected_gradients!r}")
        self._used = True
        several = isinstance(target, (list, tuple))
        targets = [convert_to_tensor(t) for t in (target if several else [target])]
        if output_gradients is None:
            seeds = [None] * len(targets)
        else:
            seeds = list(output_gradients) if several else [output_gradients]

        grads = {}

        def accumulate(t, g):
            grads[id(t)] = g if id(t) not in grads else add(grads[id(t)], g)

        was_recording, self._recording = self._recording, False
        try:
            for t, seed in zip(targets, seeds):
                if t.dtype.is_floating:
                    accumulate(t, ones_like(t) if seed is None else convert_to_tensor(seed, dtype=t.dtype))
            for op, inputs, out, attrs in reversed(self._records):
                g = grads.get(id(out))
                if g is None or GRADIENTS[op] is None:
                    continue
                for x, gx in zip(inputs, GRADIENTS[op](g, inputs, out, **attrs)):
                    if gx is not None and id(x) in self._tracked:
                        accumulate(x, gx)
        finally:
            self._recording = was_recording

        def result(source):
            if isinstance(source, Variable):
                reads = self._variables.get(id(source), (None, []))[1]
                found = [grads[id(v)] for v in reads if id(v) in grads]
                g = found[0] if found else None
                for more in found[1:]:
                    g = add(g, more)
            else:
                g = grads.get(id(convert_to_tensor(source)))
            if g is None and unconnected_gradients == "zero":
                g = zeros_like(source)
            return g

        out = nest.map_structure(result, sources)
        if not self._persistent:
            self._records, self._tracked = [], {}
        return out


def record(op, inputs, output, attrs):
    """Called by every op: append it to each recording tape that tracks an input."""
    if not _active_tapes or not output.dtype.is_floating:
        return
    for tape in _active_tapes:
        if tape._recording and any(id(t) in tape._tracked for t in inputs):
            tape._records.append((op, inputs, output, attrs))
            tape._tracked[id(output)] = output


def note_variable_read(var):
    """Called when a Variable is read: watch it on tapes that should see it."""
    for tape in _active_tapes:
        if tape._recording and (id(var) in tape._variables or (tape._watch_accessed_variables and var.trainable)):
            tape._note_read(var)
