"""Elementwise fusion: a tree of elementwise nodes becomes one ``fused`` node, one kernel.

A node is absorbed into its reader when it is not itself needed after the run (an
output or a variable update) and the merged tree reads at most ``max_inputs``
distinct tensors (the WebGL elementwise kernel reads six). A node with several
readers is copied into each when all of them are elementwise (a few, and it is
small): each kernel computes it again, and it needs no pass of its own. Operands
may broadcast: every leaf is read at the broadcast position of the tree's output,
which is where each op in between would have read it.

A fused node keeps its ops as ``steps``: (op, operands, attributes), an operand
("x", k) the fused node's input k, ("t", j) the result of step j, or ("c", value) a
one-value constant or fill written into the kernel (a literal costs no input). A backend runs
the steps (``Backend.fused``); WebGL runs ``glsl(steps)`` in one elementwise pass,
its body composed from the per-op functions of webgl_kernels/ops.glsl.
"""

import numpy as np

from webflow.backends.base import Backend
from webflow.graph.passes import constant_folding

ELEMENTWISE = frozenset(Backend.UNARY + Backend.ARITHMETIC + Backend.COMPARISON + ("where", "cast"))
# broadcast_to inside a tree is its operand read at the output's position: it joins a tree that
# reads it, but never leads one (alone it is its own kernel anyway).
ABSORBED_ONLY = frozenset(("broadcast_to",))


# A producer read by several elementwise nodes is copied into each of them (computed again in
# each kernel, which is cheaper than a pass of its own) when it is this small and this widely read.
MAX_COPIED_STEPS = 8
MAX_COPIES = 4


def run(graph, max_inputs=None):
    """Fuse in place; returns the number of fused nodes made."""
    order = {n.id: k for k, n in enumerate(graph.nodes)}
    readers = {}  # id -> the distinct nodes that read it
    for node in graph.nodes:
        for x in _distinct(node.inputs):
            readers.setdefault(x.id, []).append(node)
    keep = {n.id for n in graph.results()}
    groups = {}  # leader id -> (members in execution order, distinct external inputs)
    taken = {}  # leader id -> how many readers absorbed its group
    for node in graph.nodes:
        if node.op not in ELEMENTWISE and node.op not in ABSORBED_ONLY:
            continue
        members, externals = [node], [x for x in _distinct(node.inputs) if _literal(x) is None]
        for x in _distinct(node.inputs):
            if x.id not in groups or x.id in keep:
                continue
            inner, inner_externals = groups[x.id]
            shared = len(readers[x.id]) > 1
            if shared and (len(readers[x.id]) > MAX_COPIES or len(inner) > MAX_COPIED_STEPS
                           or any(r.op not in ELEMENTWISE for r in readers[x.id])):
                continue
            merged = _distinct([e for e in externals if e is not x] + inner_externals)
            if max_inputs is None or len(merged) <= max_inputs:
                members = sorted(_distinct(inner + members), key=lambda m: order[m.id])
                externals = merged
                taken[x.id] = taken.get(x.id, 0) + 1
        groups[node.id] = (members, externals)
    for leader_id, count in taken.items():
        if count == len(readers[leader_id]):  # every reader computes it: no pass of its own
            del groups[leader_id]
    absorbed = set()
    fused = []
    for members, externals in groups.values():
        if len(members) < 2 or members[-1].op in ABSORBED_ONLY:
            continue
        position = {m.id: j for j, m in enumerate(members)}
        slot = {e.id: k for k, e in enumerate(externals)}
        steps = tuple((m.op, tuple(_operand(x, position, slot) for x in m.inputs), dict(m.attrs)) for m in members)
        absorbed.update(m.id for m in members[:-1])
        fused.append((members[-1], externals, steps))
    # NOTE: rewritten in place (after every group's steps are read: a copied node may lead a group
    # too), so the leader's readers and output references stay valid.
    for leader, externals, steps in fused:
        leader.op, leader.inputs, leader.attrs = "fused", list(externals), {"steps": steps, "shape": leader.shape}
    absorbed -= set(groups)  # a node copied into readers that still leads a group keeps its own pass
    graph.nodes = [n for n in graph.nodes if n.id not in absorbed]
    return len(fused)


def _distinct(nodes):
    return list({n.id: n for n in nodes}.values())


def _literal(node):
    """The one finite value of a fill or uniform host constant known at trace time, written into
    the kernel instead of read; None for anything else. The fused node's ``shape`` keeps the
    output shape such a value may have set."""
    value = constant_folding.uniform_value(node)
    return value if value is not None and np.isfinite(value) else None


def _operand(x, position, slot):
    if x.id in position:
        return ("t", position[x.id])
    if x.id in slot:
        return ("x", slot[x.id])
    return ("c", _literal(x))


def glsl(steps):
    """The fused expression over x0, x1, ... as nested calls of ops.glsl's functions.

    >>> glsl((("add", (("x", 0), ("x", 1)), {}), ("relu", (("t", 0),), {})))
    'op_relu(op_add(x0, x1))'
    """
    texts = []
    for op, operands, attrs in steps:
        args = [f"x{k}" if kind == "x" else texts[k] if kind == "t" else float_literal(k) for kind, k in operands]
        if op == "broadcast_to":  # the operand, read at the output's position like every leaf
            texts.append(args[0])
        elif op == "cast":
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
