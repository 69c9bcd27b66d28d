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
    from webflow import backends
    from webflow.tensor import Tensor

    folded = 0
    for node in graph.nodes:
        if node.op in NEVER or not node.inputs or any(x.op not in SOURCES for x in node.inputs):
            continue
        if np.prod(node.shape) == 1 and all(x.op == "fill" or isinstance(x.attrs["value"], np.ndarray)
                                            for x in node.inputs):
            # NOTE: one value made from host values (1 - beta_1, a gradient's seed) is folded on the
            # host by the reference backend: fusion writes it into a kernel as a literal, and nothing
            # is read back from the GPU to learn it.
            reference = backends._instance("numpy")
            result = getattr(reference, node.op)(*(handle(x, reference) for x in node.inputs), **node.attrs)
            value = np.asarray(result, node.dtype.as_numpy_dtype).reshape(node.shape)
        else:
            result = getattr(backend, node.op)(*(handle(x, backend) for x in node.inputs), **node.attrs)
            value = Tensor(result, backend, node.shape, node.dtype)
        # NOTE: rewritten in place, so every reference to the node (readers, outputs) stays valid.
        node.op, node.inputs, node.attrs = "constant", [], {"value": value}
        folded += 1
    return folded
