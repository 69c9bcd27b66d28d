"""The graph IR: a dataflow graph of nodes, each one op with one output (a tuple for some fused nodes).

A node's ``op`` is a backend kernel name (``matmul``, ``add``, ...) or one of
the graph's own kinds:

    placeholder   argument ``index`` of the traced function
    variable      the current value of ``attrs["variable"]``, read when the graph runs
    constant      a value fixed at trace time (``attrs["value"]``: a NumPy array or an eager Tensor)
    fill          ``attrs`` shape and value (a creation kernel with no inputs)
    host          a value computed by Python on each run (random draws, optimizer step sizes):
                  output ``index`` of ``attrs["call"]``, a HostCall run once per run
    fused         elementwise nodes (and a matmul they read) merged by the fusion pass:
                  ``attrs["steps"]`` lists their ops in order, the last one the result; with
                  ``attrs["outputs"]`` (step indices) the value is a tuple of several results
    item          result ``attrs["index"]`` of such a several-result fused node (see passes/fusion.py)

A Graph lists its nodes in execution order (every input before its readers),
its outputs, and ``updates``: (Variable, node) pairs whose node's value becomes
the variable's value after a run. ``to_json`` and ``to_dot`` draw it.
"""

import json

import numpy as np


class Node:
    __slots__ = ("id", "op", "inputs", "attrs", "shape", "dtype")

    def __init__(self, id, op, inputs, attrs, shape, dtype):
        self.id = id
        self.op = op
        self.inputs = list(inputs)
        self.attrs = dict(attrs)
        self.shape = tuple(shape)
        self.dtype = dtype

    def __repr__(self):
        args = ", ".join(f"%{x.id}" for x in self.inputs)
        attrs = ", ".join(f"{k}={_attr_text(v)}" for k, v in self.attrs.items())
        return f"%{self.id} = {self.op}({', '.join(p for p in (args, attrs) if p)}) : {self.dtype.name}{list(self.shape)}"


class HostCall:
    """A Python function run once per graph run, before the GPU work; its results
    (a list of arrays) are the values of the ``host`` nodes that name it."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name):
        self.fn, self.name = fn, name

    def __repr__(self):
        return self.name


class Graph:
    def __init__(self, name="graph", backend=None):
        self.name = name
        self.backend = backend  # the eager backend it runs on (init_scope goes back to it)
        self.nodes = []
        self.outputs = []
        self.updates = []  # (Variable, Node)
        self.effects = []  # (fn, [Node]): Python run after each run with the nodes' values (tf.print)
        self.checks = []  # (fn, Node): host checks of a value (labels in range), before or after a run
        self._next_id = 0

    def add(self, op, inputs, shape, dtype, attrs=None):
        node = Node(self._next_id, op, inputs, attrs or {}, shape, dtype)
        self._next_id += 1
        self.nodes.append(node)
        return node

    def results(self):
        """The nodes whose values a run hands back: outputs, variable updates, effects' and checks' inputs."""
        return (list(self.outputs) + [n for _, n in self.updates] + [n for _, ns in self.effects for n in ns]
                + [n for _, n in self.checks])

    def roots(self):
        """What a run must execute: the results, and every host call (its Python may have effects)."""
        return self.results() + [n for n in self.nodes if n.op == "host"]

    def replace_uses(self, mapping):
        """Point every reference to a node id in ``mapping`` at its replacement node."""
        def fix(n):
            while n.id in mapping:
                n = mapping[n.id]
            return n

        for node in self.nodes:
            node.inputs = [fix(x) for x in node.inputs]
        self.outputs = [fix(n) for n in self.outputs]
        self.updates = [(v, fix(n)) for v, n in self.updates]
        self.effects = [(fn, [fix(n) for n in ns]) for fn, ns in self.effects]
        self.checks = [(fn, fix(n)) for fn, n in self.checks]

    def count(self, op=None):
        """Nodes of ``op`` (None: all nodes), with the ``op`` steps fused kernels hold."""
        if op is None:
            return len(self.nodes)
        return sum((n.op == op) + _fused_ops(n).count(op) for n in self.nodes)

    def __repr__(self):
        lines = [f"graph {self.name} ({len(self.nodes)} nodes)"]
        lines += [f"  {node!r}" for node in self.nodes]
        lines.append("  return " + ", ".join(f"%{n.id}" for n in self.outputs))
        lines += [f"  {var.name} <- %{n.id}" for var, n in self.updates]
        return "\n".join(lines)

    def to_json(self):
        """Nodes, edges, outputs and variable updates as a JSON string (the site's graph viewer reads it)."""
        nodes = [{"id": n.id, "op": n.op, "label": _label(n), "inputs": [x.id for x in n.inputs],
                  "shape": list(n.shape), "dtype": n.dtype.name,
                  "fused": _fused_ops(n)} for n in self.nodes]
        return json.dumps({"name": self.name, "nodes": nodes, "outputs": [n.id for n in self.outputs],
                           "updates": [{"variable": v.name, "node": n.id} for v, n in self.updates]})

    def to_dot(self):
        """The graph in Graphviz's DOT language; fused nodes are filled and list the ops they hold."""
        lines = [f'digraph "{self.name}" {{', "  rankdir=TB;", '  node [shape=box, fontname="monospace"];']
        for n in self.nodes:
            text = _label(n) + "\\n" + f"{n.dtype.name}{list(n.shape)}"
            style = ""
            if n.op == "fused":
                text += "\\n(" + " ".join(_fused_ops(n)) + ")"
                style = ', style=filled, fillcolor="#ffe9a8"'
            elif n.op in ("placeholder", "variable"):
                style = ', shape=ellipse'
            lines.append(f'  n{n.id} [label="{text}"{style}];')
            lines += [f"  n{x.id} -> n{n.id};" for x in n.inputs]
        for k, n in enumerate(self.outputs):
            lines.append(f'  out{k} [label="output {k}", shape=plaintext];')
            lines.append(f"  n{n.id} -> out{k};")
        for var, n in self.updates:
            lines.append(f'  n{n.id} -> "{var.name}" [style=dashed];')
        lines.append("}")
        return "\n".join(lines)


def _fused_ops(node):
    return [op for op, _, _ in node.attrs.get("steps", ())] if node.op == "fused" else []


def _label(node):
    if node.op == "placeholder":
        return f"input {node.attrs['index']}"
    if node.op == "variable":
        return node.attrs["variable"].name
    if node.op == "host":
        return f"{node.attrs['call'].name}[{node.attrs['index']}]"
    if node.op == "item":
        return f"result {node.attrs['index']}"
    return node.op


def _attr_text(value):
    if isinstance(value, np.ndarray):
        return f"array{list(value.shape)}" if value.size > 4 else np.array2string(value, separator=",")
    if isinstance(value, tuple) and value and isinstance(value[0], tuple) and len(value[0]) == 3:  # fused steps
        return "[" + " ".join(str(step[0]) for step in value) + "]"
    if hasattr(value, "name") and not isinstance(value, (str, tuple)):
        return str(value.name)
    return repr(value)
