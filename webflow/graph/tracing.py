"""Tracing: running Python once with symbolic tensors to record a Graph.

While a function is traced, a ``Tracer`` is the active backend. Ops still check
their arguments and infer shapes as in eager mode (so errors come from the same
place), but ``dispatch.apply`` adds a node instead of running a kernel; the
symbolic Tensor's handle is that node. GradientTape records symbolic tensors
like any others, so a gradient taken inside the function is traced too.

Variables: the first read of a Variable inside a trace swaps its value for a
symbolic ``variable`` node (read by reference on each run); ``assign`` inside
the trace replaces that symbolic value, and the last one becomes an update the
run applies. Every variable gets its eager value back when the trace ends.
"""

import contextlib

import numpy as np

from webflow import backends, dtypes
from webflow.graph.ir import HostCall

_tracers = []  # the stack of active Tracers (a traced function may call another tf.function)


class TracingError(ValueError):
    """A traced function needed the value of a symbolic tensor."""


class Tracer:
    """The backend while tracing: kernels become nodes of ``graph``."""

    name = "graph"
    symbolic = True

    def __init__(self, graph):
        self.graph = graph
        self.captures = {}  # id(eager Tensor) -> constant node (captured by reference)
        self.swapped = {}  # id(var) -> (var, its eager value Tensor, the variable node's Tensor)

    # --- what ops call ---------------------------------------------------------------------

    def add(self, op, inputs, shape, dtype, attrs):
        return self.graph.add(op, [self.node_of(t) for t in inputs], shape, dtype, attrs)

    def node_of(self, t):
        if t._backend is self:
            return t._handle
        if isinstance(t._backend, Tracer):
            raise TracingError("tf.function: a tensor from another function's trace was used here; "
                               "return it from that function instead")
        node = self.captures.get(id(t))
        if node is None:  # an eager tensor from outside: a constant, kept alive by the graph
            node = self.captures[id(t)] = self.graph.add("constant", [], t.shape, t.dtype, {"value": t})
        return node

    def from_numpy(self, array):
        return self.graph.add("constant", [], array.shape, dtypes.from_numpy_dtype(array.dtype), {"value": array})

    def fill(self, shape, value, dtype):
        return self.graph.add("fill", [], shape, dtype, {"shape": tuple(shape), "value": value, "dtype": dtype})

    def to_numpy(self, handle, dtype):
        # NOTE: a value made only of constants is known while tracing: a literal, or a shape (traces
        # have concrete shapes), so tf.ones([tf.shape(x)[0]]) or tf.fill([2, 3], 1.5) read it.
        value = _known_value(handle, {})
        if value is not None:
            return np.array(value, dtype.as_numpy_dtype)
        raise TracingError(
            "tf.function: the value of a tensor is not known while the function is traced, so Python "
            "cannot branch on it or read it (`if x > 0:`, `float(x)`, `x.numpy()`); use tf.where or "
            "tf.cond for data-dependent choices, and return values to read them"
        )

    def known(self, tensor):
        """A tensor's value if it is known while tracing (see to_numpy; an eager tensor's is), else None."""
        return tensor.numpy() if tensor._backend is not self else _known_value(tensor._handle, {})

    async def to_numpy_async(self, handle, dtype):
        return self.to_numpy(handle, dtype)

    def memory(self):
        return {"backend": self.name, "num_tensors": None, "num_bytes": None}

    # --- variables -------------------------------------------------------------------------

    def swap_in(self, var):
        """Give ``var`` a symbolic value for the rest of the trace (its first read or assign)."""
        from webflow.tensor import Tensor

        if id(var) not in self.swapped:
            eager = var._value
            node = self.graph.add("variable", [], eager.shape, eager.dtype, {"variable": var})
            symbolic = Tensor(node, self, eager.shape, eager.dtype)
            self.swapped[id(var)] = (var, eager, symbolic)
            var._value = symbolic

    def restore(self):
        """End of trace: record the updates, then give every variable its eager value back."""
        for var, eager, symbolic in self.swapped.values():
            if var._value is not symbolic:
                self.graph.updates.append((var, self.node_of(var._value)))
            var._value = eager
        self.swapped.clear()


def _known_value(node, memo):
    """The value of a node computed from constants and fills alone, worked out now on the host
    (NumPy kernels); None where it needs an argument, a variable or a host value (a random draw)."""
    if node.id in memo:
        return memo[node.id]
    if node.op == "constant":
        value = node.attrs["value"]
        value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    elif node.op == "fill":
        value = np.full(node.attrs["shape"], node.attrs["value"], node.attrs["dtype"].as_numpy_dtype)
    elif node.op in ("placeholder", "variable", "host") or not node.inputs:
        value = None
    else:
        inputs = [_known_value(x, memo) for x in node.inputs]
        value = None
        host = backends._instance("numpy")
        kernel = getattr(host, node.op, None)
        if kernel is not None and all(x is not None for x in inputs):
            result = kernel(*(host.from_numpy(x) for x in inputs), **node.attrs)
            value = np.asarray(result, node.dtype.as_numpy_dtype).reshape(node.shape)
    memo[node.id] = value
    return value


def current():
    """The innermost active Tracer, or None in eager mode."""
    return _tracers[-1] if _tracers else None


def is_symbolic(t):
    return isinstance(getattr(t, "_backend", None), Tracer)


@contextlib.contextmanager
def tracing(tracer):
    outer = backends._active
    _tracers.append(tracer)
    backends._active = tracer
    try:
        yield tracer
    finally:
        _tracers.pop()
        backends._active = outer
        tracer.restore()


@contextlib.contextmanager
def init_scope():
    """Run eagerly inside a trace (``tf.init_scope``): for creating Variables and their initial values."""
    if not _tracers:
        yield
        return
    saved = list(_tracers)
    active = backends._active
    _tracers.clear()
    backends._active = saved[0].graph.backend
    try:
        yield
    finally:
        _tracers[:] = saved
        backends._active = active


def host_values(fn, specs, name):
    """Tensors whose values Python computes: now in eager mode; on every run of a traced graph.

    ``fn()`` returns one array per (shape, dtype) in ``specs``. In a trace the call becomes
    ``host`` nodes, so a random draw or an optimizer's step count advances on every run.
    """
    from webflow.tensor import Tensor, constant

    tracer = current()
    if tracer is None:
        return [constant(np.asarray(a, dtype.as_numpy_dtype).reshape(shape), dtype=dtype)
                for a, (shape, dtype) in zip(fn(), specs)]
    call = HostCall(fn, name)
    return [Tensor(tracer.graph.add("host", [], shape, dtype, {"call": call, "index": i}), tracer, shape, dtype)
            for i, (shape, dtype) in enumerate(specs)]


def host_check(t, fn):
    """Run ``fn(values)`` on the host: now for an eager tensor; in a trace before each run (when
    ``t`` is an argument given as a NumPy array, without reading the GPU) or just after it."""
    tracer = current()
    if tracer is None or not is_symbolic(t):
        fn(np.asarray(t.numpy()))
        return
    node = t._handle
    if node.op == "cast" and node.inputs[0].op == "placeholder":
        # An argument cast (float labels to int32): its values are checked, cast on the host, before the run.
        dtype, check = node.attrs["dtype"].as_numpy_dtype, fn
        node, fn = node.inputs[0], lambda values: check(values.astype(dtype))
    tracer.graph.checks.append((fn, node))


def effect(fn, tensors):
    """``fn(*values)`` with the tensors' values: now, or after every run of a traced graph (tf.print)."""
    tracer = current()
    if tracer is None:
        fn(*(np.asarray(t.numpy()) for t in tensors))
        return
    tracer.graph.effects.append((fn, [tracer.node_of(t) for t in tensors]))
