"""Common-subexpression elimination: one node for each (op, inputs, attributes).

Constants are merged when they are the same array values or the same captured
tensor; variable reads when they read the same variable. Host nodes are never
merged (two random draws are different draws).
"""

import numpy as np


def _key(node):
    if node.op == "host":
        return None
    if node.op == "constant":
        value = node.attrs["value"]
        if isinstance(value, np.ndarray):
            return ("constant", value.dtype.str, value.shape, value.tobytes()) if value.size <= 64 else None
        return ("constant", id(value))
    if node.op == "variable":
        return ("variable", id(node.attrs["variable"]))
    return (node.op, tuple(x.id for x in node.inputs), repr(sorted(node.attrs.items())))


def run(graph):
    seen, mapping = {}, {}
    kept = []
    for node in graph.nodes:
        node.inputs = [mapping.get(x.id, x) for x in node.inputs]
        key = _key(node)
        if key is not None and key in seen:
            mapping[node.id] = seen[key]
            continue
        if key is not None:
            seen[key] = node
        kept.append(node)
    graph.nodes = kept
    graph.replace_uses(mapping)
    return len(mapping)
