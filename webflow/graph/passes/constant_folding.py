"""Constant folding: a kernel whose inputs are all constants runs once, at plan time.

Its result (on the backend the graph will run on) becomes a constant node, so a
run never repeats it: fills, the seeds of gradients, arithmetic on literals.
Nodes are in execution order, so a chain of foldable nodes folds in one walk.
"""

import numpy as np

SOURCES = ("constant", "fill")
NEVER = ("placeholder", "variable", "host", "constant")


def handle(node, backend):
    """The backend handle of a constant or fill node."""
    if node.op == "fill":
        return backend.fill(node.attrs["shape"], node.attrs["value"], node.attrs["dtype"])
    value = node.attrs["value"]
    if hasattr(value, "_handle"):  # a captured eager Tensor
        return value._handle if value._backend is backend else backend.from_numpy(value.numpy())
    return backend.from_numpy(value)


def run(graph, backend):
    from webflow.tensor import Tensor

    folded = 0
    for node in graph.nodes:
        if node.op in NEVER or not node.inputs or any(x.op not in SOURCES for x in node.inputs):
            continue
        result = getattr(backend, node.op)(*(handle(x, backend) for x in node.inputs), **node.attrs)
        # NOTE: rewritten in place, so every reference to the node (readers, outputs) stays valid.
        node.op, node.inputs = "constant", []
        value = Tensor(result, backend, node.shape, node.dtype)
        # NOTE: one value is read back once (plan time), so fusion can write it into a kernel as a literal.
        node.attrs = {"value": np.asarray(value.numpy()).reshape(node.shape) if value.shape.num_elements() == 1 else value}
        folded += 1
    return folded
