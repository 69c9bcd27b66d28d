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
        from webflow.ops import convert_to_tensor, zeros_like

        if self._used and not self._persistent:
            raise RuntimeError(
                "GradientTape.gradient can only be called once on a non-persistent tape; "
                "create the tape with GradientTape(persistent=True) to call it again"
            )
        _check_unconnected("gradient", unconnected_gradients)
        self._used = True
        several = isinstance(target, (list, tuple))
        targets = [convert_to_tensor(t) for t in (target if several else [target])]
        if output_gradients is None:
            seeds = [None] * len(targets)
        else:
            seeds = list(output_gradients) if several else [output_gradients]
        grads = self._backward(targets, seeds)

        def result(source):
            g = self._gradient_of(grads, source)
            return zeros_like(source) if g is None and unconnected_gradients == "zero" else g

        out = nest.map_structure(result, sources)
        if not self._persistent:
            self._records, self._tracked = [], {}
        return out

    def jacobian(self, target, sources, unconnected_gradients="none", experimental_use_pfor=True):
        """d target[i...] / d source[j...] for every pair: shape target.shape + source.shape.

        One backward pass per value of ``target`` (``experimental_use_pfor`` is
        accepted and ignored). The tape may be non-persistent.

        >>> import webflow as tf
        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).numpy()
        array([[2., 0.],
               [0., 4.]], dtype=float32)
        """
        from webflow.ops import convert_to_tensor

        _check_unconnected("jacobian", unconnected_gradients)
        target = convert_to_tensor(target)
        shape = tuple(target.shape)
        flat = nest.flatten(sources)
        rows = [self._seeded(target, _unit_seed(shape, i), flat) for i in range(target.shape.num_elements())]
        return nest.pack_sequence_as(sources, [
            _stacked([row[k] for row in rows], source, shape, 0, unconnected_gradients)
            for k, source in enumerate(flat)
        ])

    def batch_jacobian(self, target, source, unconnected_gradients="none", experimental_use_pfor=True):
        """Per-example Jacobians d target[b, i...] / d source[b, j...], of shape
        target.shape + source.shape[1:]. Rows of the batch must not depend on each other.

        Raises:
            ValueError: target or source of rank 0, or different batch sizes.

        >>> import webflow as tf
        >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).numpy()[1]
        array([[6., 0.],
               [0., 8.]], dtype=float32)
        """
        from webflow.ops import convert_to_tensor

        _check_unconnected("batch_jacobian", unconnected_gradients)
        target = convert_to_tensor(target)
        shape = tuple(target.shape)
        source_shape = tuple(source.shape)
        if not shape or not source_shape or shape[0] != source_shape[0]:
            raise ValueError(
                "batch_jacobian: target and source must have the same batch (first) dimension; "
                f"received target.shape={shape}, source.shape={source_shape}"
            )
        per_row = target.shape.num_elements() // shape[0] if shape[0] else 0
        rows = [self._seeded(target, _unit_seed(shape, j, batched=True), [source])[0] for j in range(per_row)]
        return _stacked(rows, source, shape, 1, unconnected_gradients)

    def _seeded(self, target, seed, flat_sources):
        grads = self._backward([target], [seed])
        return [self._gradient_of(grads, source) for source in flat_sources]

    def _backward(self, targets, seeds):
        """Walk the record backwards from ``targets``; return {id(tensor): gradient}."""
        from webflow.ops import GRADIENTS, add, convert_to_tensor, ones_like

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
                gradient = GRADIENTS[op]
                if getattr(gradient, "skips_unneeded", False):
                    # NOTE: as TF's skip_input_indices: an input nothing watched flows into (the
                    # images under a dense or conv layer) gets no gradient, not even computed.
                    needed = tuple(id(x) in self._tracked for x in inputs)
                    produced = gradient(g, inputs, out, needed=needed, **attrs)
                else:
                    produced = gradient(g, inputs, out, **attrs)
                for x, gx in zip(inputs, produced):
                    if gx is not None and id(x) in self._tracked:
                        accumulate(x, gx)
        finally:
            self._recording = was_recording
        return grads

    def _gradient_of(self, grads, source):
        from webflow.ops import add, convert_to_tensor
        from webflow.tensor import Variable

        if not isinstance(source, Variable):
            return grads.get(id(convert_to_tensor(source)))
        reads = self._variables.get(id(source), (None, []))[1]
        found = [grads[id(v)] for v in reads if id(v) in grads]
        g = found[0] if found else None
        for more in found[1:]:
            g = add(g, more)
        return g


def _check_unconnected(method, value):
    if value not in ("none", "zero"):
        raise ValueError(f"GradientTape.{method}: unconnected_gradients must be 'none' or 'zero'; received {value!r}")


def _unit_seed(shape, index, batched=False):
    """An output gradient of ``shape``: 1 at flat position ``index`` (of each batch row when batched)."""
    import numpy as np

    seed = np.zeros(int(np.prod(shape)), np.float32).reshape((shape[0], -1) if batched else (1, -1))
    seed[:, index] = 1.0
    return seed.reshape(shape)


def _stacked(rows, source, target_shape, batch_axes, unconnected_gradients):
    """Jacobian rows (gradients with the source's shape, one per target value) as one
    tensor of shape target_shape + source.shape[batch_axes:]."""
    from webflow.ops import reshape, stack, zeros, zeros_like

    shape = tuple(source.shape)
    if any(g is None for g in rows):
        if unconnected_gradients == "none" and all(g is None for g in rows):
            return None
        rows = [zeros_like(source) if g is None else g for g in rows]
    out_shape = tuple(target_shape) + shape[batch_axes:]
    if not rows:
        return zeros(out_shape, source.dtype)
    return reshape(stack(rows, axis=batch_axes), out_shape)


def custom_gradient(f):
    """Decorator: give ``f`` its own gradient.

    ``f(*args)`` returns ``(y, grad_fn)``, where y is a Tensor and
    ``grad_fn(dy)`` returns the gradient for each Tensor argument (one Tensor,
    or a list). If f reads trainable Variables, ``grad_fn(dy, variables=...)``
    returns ``(argument_gradients, variable_gradients)``. The ops inside f are
    not recorded; grad_fn's ops are, so second derivatives work when grad_fn
    is written with webflow ops.

    >>> import webflow as tf
    >>> @tf.custom_gradient
    ... def clip_gradient(x):
    ...     return tf.identity(x), lambda dy: tf.minimum(dy, 1.0)
    >>> x = tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = clip_gradient(x) * 5.0
    >>> float(tape.gradient(y, x))
    1.0
    """

    def call(*args, **kwargs):
        from webflow.tensor import Tensor, Variable, convert_to_tensor

        inputs = [convert_to_tensor(a) for a in nest.flatten(args) if isinstance(a, (Tensor, Variable))]
        reads = []
        _variable_readers.append(reads)
        paused = [tape for tape in _active_tapes if tape._recording]
        for tape in paused:
            tape._recording = False
        try:
            y, grad_fn = f(*args, **kwargs)
        finally:
            for tape in paused:
                tape._recording = True
            _variable_readers.remove(reads)
        if not isinstance(y, Tensor):
            raise TypeError(
                f"custom_gradient: {getattr(f, '__name__', 'f')} must return (Tensor, grad_fn); "
                f"received ({type(y).__name__}, ...)"
            )
        variables = list({id(v): v for v in reads if v.trainable}.values())
        for var in variables:
            note_variable_read(var)
        out = Tensor(y._handle, y._backend, y.shape, y.dtype)  # a new node: y may be an input itself
        record("custom_gradient", inputs + [var._value for var in variables], out,
               {"grad_fn": grad_fn, "num_inputs": len(inputs), "variables": variables})
        return out

    call.__name__ = getattr(f, "__name__", "custom_gradient")
    call.__doc__ = f.__doc__
    return call


def _custom_gradient_grad(g, inputs, out, grad_fn, num_inputs, variables):
    if variables:
        grads, variable_grads = grad_fn(g, variables=variables)
        grads = nest.flatten(grads) + nest.flatten(variable_grads)
    else:
        grads = nest.flatten(grad_fn(g))
    if len(grads) != len(inputs):
        raise ValueError(
            f"custom_gradient: grad_fn must return one gradient per Tensor argument "
            f"({num_inputs}) and per variable read ({len(variables)}); received {len(grads)}"
        )
    return tuple(grads)


GRADIENTS = {"custom_gradient": _custom_gradient_grad}
_variable_readers = []  # lists collecting the Variables read inside custom_gradient functions


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
    for reads in _variable_readers:
        reads.append(var)
    for tape in _active_tapes:
        if tape._recording and (id(var) in tape._variables or (tape._watch_accessed_variables and var.trainable)):
            tape._note_read(var)
