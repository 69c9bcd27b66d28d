"""Running an optimized Graph: a Plan binds it to one backend.

``Plan.run(args)`` evaluates the host calls, binds arguments, variables and
constants to backend handles, runs every node's kernel in order and releases
each value after its last reader (passes/memory.py). On NumPy this straight-line
interpreter is the reference. On WebGL the same kernels are recorded once into
a plan the JS runtime keeps, so a run is one call into runtime.js (webgl_plan.py).
"""

import functools

import numpy as np

from webflow.graph.passes import constant_folding, memory
from webflow.tensor import Tensor, TensorShape, Variable


class Plan:
    def __init__(self, graph, backend):
        self.graph = graph
        self.backend = backend
        # Constants and fills become handles once, kept by the plan.
        self.constants = {n.id: constant_folding.handle(n, backend) for n in graph.nodes if n.op in ("constant", "fill")}
        self.host_calls = list({id(n.attrs["call"]): n.attrs["call"] for n in graph.nodes if n.op == "host"}.values())
        self._input_checks = [(fn, n.attrs["index"]) for fn, n in graph.checks if n.op == "placeholder"]
        self._output_checks = [(fn, n) for fn, n in graph.checks if n.op != "placeholder"]
        # The shapes of the nodes finish() makes Tensors of, made once (a Tensor takes a TensorShape as is).
        self._shapes = {n.id: TensorShape(n.shape) for n in (
            *graph.outputs, *(n for _, n in graph.updates), *(n for _, n in self._output_checks),
            *(n for _, nodes in graph.effects for n in nodes))}

    @functools.cached_property
    def release(self):
        """For each node position, the values dead after it (passes/memory.py); made on the first run."""
        return memory.plan(self.graph)

    def host_values(self):
        """{id(call): its arrays} for this run: each host call's Python runs once, in trace order."""
        return {id(call): call.fn() for call in self.host_calls}

    def check_inputs(self, args):
        for fn, index in self._input_checks:
            value = args[index]
            fn(np.asarray(value.numpy() if isinstance(value, (Tensor, Variable)) else value))

    def input_handle(self, node, args, host):
        """The handle for a node without kernel inputs: an argument, a variable, a constant or a host value."""
        if node.op not in ("placeholder", "variable", "host"):
            return self.constants[node.id]
        value = self._source_value(node, args, host)
        if isinstance(value, Tensor) and value._backend is self.backend:
            return value._handle
        return self.upload(self._as_array(node, value))

    def host_array(self, node, args, host):
        """An argument's or host value's values as a NumPy array of the node's dtype and shape;
        None for a tensor already on this backend."""
        value = self._source_value(node, args, host)
        if isinstance(value, Tensor) and value._backend is self.backend:
            return None
        return self._as_array(node, value)

    @staticmethod
    def _source_value(node, args, host):
        """What an argument, variable or host value node stands for in this run (a Variable's Tensor)."""
        if node.op == "host":
            return host[id(node.attrs["call"])][node.attrs["index"]]
        value = args[node.attrs["index"]] if node.op == "placeholder" else node.attrs["variable"]
        return value._value if isinstance(value, Variable) else value

    @staticmethod
    def _as_array(node, value):
        if isinstance(value, Tensor):
            value = value.numpy()
        return np.asarray(value, node.dtype.as_numpy_dtype).reshape(node.shape)

    def upload(self, array):
        """A host array's handle (arguments given as arrays, host values), on every run."""
        return self.backend.from_numpy(array)

    def run(self, args):
        """Run the graph on ``args`` (one per placeholder); returns {node id: handle} of the results."""
        self.check_inputs(args)
        host = self.host_values()
        backend = self.backend
        values = {}
        for node, dead in zip(self.graph.nodes, self.release):
            if node.op == "item":  # one result of a several-result fused kernel
                values[node.id] = values[node.inputs[0].id][node.attrs["index"]]
            elif node.inputs:
                values[node.id] = getattr(backend, node.op)(*(values[x.id] for x in node.inputs), **node.attrs)
            else:
                values[node.id] = self.input_handle(node, args, host)
            for node_id in dead:
                del values[node_id]
        return values

    def __call__(self, args):
        """run, then finish: the output Tensors."""
        return self.finish(self.run(args))

    def finish(self, values):
        """After a run: apply variable updates, run checks and effects; returns the output Tensors."""
        backend, shapes = self.backend, self._shapes
        tensor = lambda n: Tensor(values[n.id], backend, shapes[n.id], n.dtype)  # noqa: E731
        outputs = [tensor(n) for n in self.graph.outputs]
        for var, node in self.graph.updates:
            var._value = tensor(node)
        for fn, node in self._output_checks:
            fn(np.asarray(tensor(node).numpy()))
        for fn, nodes in self.graph.effects:
            fn(*(np.asarray(tensor(n).numpy()) for n in nodes))
        return outputs
