"""Constant folding: a kernel whose inputs are all constants runs once, at plan time.

Its result (on the backend the graph will run on) becomes a constant node, so a
run never repeats it: fills, the seeds of gradients, arithmetic on literals. A result
made of host values that are the same everywhere becomes a fill instead, whose one
value fusion writes into kernels. Nodes are in execution order, so a chain of
foldable nodes folds in one walk.
"""

import numpy as np

SOURCES = ("constant", "fill")
NEVER = ("placeholder", "variable", "host", "constant")
MOVES = ("broadcast_to", "reshape")  # of a value everywhere the same: that value


def uniform_value(node):
    """The value of a fill, or of a host constant whose elements are all the same, as a 0-d
    array; None for anything else (an eager Tensor's values are on the device)."""
    if node.op == "fill":
        return np.asarray(node.attrs["value"], node.dtype.as_numpy_dtype)
    value = node.attrs.get("value") if node.op == "constant" else None
    if not isinstance(value, np.ndarray) or not value.size:
        return None
    flat = value.reshape(-1)
    return flat[0].copy() if (flat == flat[0]).all() else None


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

    from webflow.graph.passes.fusion import ELEMENTWISE

    reference = backends._instance("numpy")  # host values fold on the host
    folded = 0
    for node in graph.nodes:
        if node.op in NEVER or not node.inputs or any(x.op not in SOURCES for x in node.inputs):
            continue
        uniform = [uniform_value(x) for x in node.inputs]
        if (node.op in ELEMENTWISE or node.op in MOVES) and all(u is not None for u in uniform):
            # NOTE: the same value everywhere in, the same value everywhere out: a fill, whose one
            # value fusion writes into kernels (a gradient's seed spread over a batch, say).
            value = uniform[0] if node.op in MOVES else getattr(reference, node.op)(*uniform, **node.attrs)
            value = np.asarray(value, node.dtype.as_numpy_dtype).reshape(()).item()
            node.op, node.inputs, node.attrs = "fill", [], {"shape": tuple(node.shape), "value": value,
                                                            "dtype": node.dtype}
            folded += 1
            continue
        if np.prod(node.shape) == 1 and all(x.op == "fill" or isinstance(x.attrs["value"], np.ndarray)
                                            for x in node.inputs):
            # NOTE: one value made from host values (1 - beta_1, a gradient's seed) is folded on the
            # host by the reference backend: fusion writes it into a kernel as a literal, and nothing
            # is read back from the GPU to learn it.
            result = getattr(reference, node.op)(*(handle(x, reference) for x in node.inputs), **node.attrs)
            value = np.asarray(result, node.dtype.as_numpy_dtype).reshape(node.shape)
        else:
            result = getattr(backend, node.op)(*(handle(x, backend) for x in node.inputs), **node.attrs)
            value = Tensor(result, backend, node.shape, node.dtype)
        # NOTE: rewritten in place, so every reference to the node (readers, outputs) stays valid.
        node.op, node.inputs, node.attrs = "constant", [], {"value": value}
        folded += 1
    return folded
