"""Elementwise fusion: a tree of elementwise nodes becomes one ``fused`` node, one kernel.

A node is absorbed into its reader when that reader is its only one, it is not
itself needed after the run (an output or a variable update), and the merged
tree reads at most ``max_inputs`` distinct tensors (the WebGL elementwise kernel
reads three). Operands may broadcast: every leaf is read at the broadcast position
of the tree's output, which is where each op in between would have read it.

A fused node keeps its ops as ``steps``: (op, operands, attributes), an operand
("x", k) the fused node's input k, ("t", j) the result of step j, or ("c", value) a
one-value constant written into the kernel (a literal costs no input). A backend runs
the steps (``Backend.fused``); WebGL runs ``glsl(steps)`` in one elementwise pass,
its body composed from the per-op functions of webgl_kernels/ops.glsl.
"""

import numpy as np

from webflow.backends.base import Backend

ELEMENTWISE = frozenset(Backend.UNARY + Backend.ARITHMETIC + Backend.COMPARISON + ("where", "cast"))


def run(graph, max_inputs=None):
    """Fuse in place; returns the number of fused nodes made."""
    readers = {}
    for node in graph.nodes:
        for x in {x.id: x for x in node.inputs}.values():
            readers[x.id] = readers.get(x.id, 0) + 1
    keep = {n.id for n in graph.results()}
    groups = {}  # leader id -> (members in execution order, distinct external inputs)
    for node in graph.nodes:
        if node.op not in ELEMENTWISE:
            continue
        members, externals = [node], [x for x in _distinct(node.inputs) if not _literal(x)]
        for x in _distinct(node.inputs):
            if x.id not in groups or readers[x.id] != 1 or x.id in keep:
                continue
            inner, inner_externals = groups[x.id]
            merged = _distinct([e for e in externals if e is not x] + inner_externals)
            if max_inputs is None or len(merged) <= max_inputs:
                del groups[x.id]
                members, externals = inner + members, merged
        groups[node.id] = (members, externals)
    absorbed = set()
    made = 0
    for leader_id, (members, externals) in groups.items():
        if len(members) < 2:
            continue
        leader = members[-1]
        position = {m.id: j for j, m in enumerate(members)}
        slot = {e.id: k for k, e in enumerate(externals)}
        steps = tuple((m.op, tuple(_operand(x, position, slot) for x in m.inputs), dict(m.attrs)) for m in members)
        absorbed.update(m.id for m in members[:-1])
        # NOTE: rewritten in place, so the leader's readers and output references stay valid.
        leader.op, leader.inputs, leader.attrs = "fused", list(externals), {"steps": steps}
        made += 1
    graph.nodes = [n for n in graph.nodes if n.id not in absorbed]
    return made


def _distinct(nodes):
    return list({n.id: n for n in nodes}.values())


def _literal(node):
    """A constant of one finite value, known at trace time: written into the kernel, not read."""
    value = node.attrs.get("value") if node.op == "constant" else None
    return isinstance(value, np.ndarray) and value.size == 1 and bool(np.isfinite(value).all())


def _operand(x, position, slot):
    if x.id in position:
        return ("t", position[x.id])
    if x.id in slot:
        return ("x", slot[x.id])
    return ("c", x.attrs["value"].reshape(()))


def glsl(steps):
    """The fused expression over x0, x1, ... as nested calls of ops.glsl's functions.

    >>> glsl((("add", (("x", 0), ("x", 1)), {}), ("relu", (("t", 0),), {})))
    'op_relu(op_add(x0, x1))'
    """
    texts = []
    for op, operands, attrs in steps:
        args = [f"x{k}" if kind == "x" else texts[k] if kind == "t" else float_literal(k) for kind, k in operands]
        if op == "cast":
            # NOTE: int32 and bool are held as floats, so a cast to float32 is the value itself.
            texts.append(args[0] if attrs["dtype"].is_floating else f"op_cast_{attrs['dtype'].name}({args[0]})")
        else:
            texts.append(f"op_{op}({', '.join(args)})")
    return texts[-1]


def float_literal(value):
    """A GLSL float literal that reads back as the same float32 (every value is held as a float).

    NOTE: NumPy's shortest round-trip text always has a '.' or an exponent, as GLSL needs.

    >>> float_literal(0.1), float_literal(3)
    ('(0.1)', '(3.0)')
    """
    return f"({str(np.float32(value))})"
