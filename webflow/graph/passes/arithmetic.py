"""Arithmetic rewrites that leave fusion fewer kernels, each giving the same numbers (as
rewrites in TF's arithmetic optimizer do):

- ``reshape(cast(x))`` becomes ``cast(reshape(x))``. A reshape keeps the values and their order,
  so the cast reads x's view, and fusion can copy it into each kernel that reads it instead of
  giving it a pass of its own (integer labels cast once for the loss and once for its gradient).
- ``negative(reduce_sum(x))``, where the sum has no other reader, becomes
  ``reduce_sum(negative(x))`` when only the sum reads x and x is elementwise: flipping every sign
  gives the same sum with the sign flipped (exact in floating point), and the negation joins x's
  kernel (a cross-entropy's sign).
"""

from webflow.graph.passes.fusion import ELEMENTWISE


def run(graph):
    """Rewrite in place; returns the number of rewrites."""
    readers = {}
    for node in graph.nodes:
        for x in {x.id: x for x in node.inputs}.values():
            readers.setdefault(x.id, []).append(node)
    keep = {n.id for n in graph.results()}
    placed = []  # the new order: a moved op's new input goes just before it
    dropped = set()  # sums now unread
    count = 0
    for node in graph.nodes:
        inner = node.inputs[0] if len(node.inputs) == 1 else None
        if node.op == "reshape" and inner is not None and inner.op == "cast":
            # reshape(cast(x)) -> cast(reshape(x)): the cast node stays for its other readers (if any).
            source = inner.inputs[0]
            placed.append(_node(graph, "reshape", [source], node.shape, source.dtype, node.attrs))
            node.op, node.inputs, node.attrs = "cast", [placed[-1]], dict(inner.attrs)
            count += 1
        elif (node.op == "negative" and inner is not None and inner.op == "reduce_sum" and inner.id not in keep
              and readers[inner.id] == [node] and inner.inputs[0].op in ELEMENTWISE
              and inner.inputs[0].id not in keep and readers[inner.inputs[0].id] == [inner]):
            # negative(reduce_sum(x)) -> reduce_sum(negative(x)); the old sum goes.
            source = inner.inputs[0]
            dropped.add(inner.id)
            placed.append(_node(graph, "negative", [source], source.shape, source.dtype, {}))
            node.op, node.inputs, node.attrs = "reduce_sum", [placed[-1]], dict(inner.attrs)
            count += 1
        placed.append(node)
    graph.nodes = [n for n in placed if n.id not in dropped]
    return count


def _node(graph, op, inputs, shape, dtype, attrs):
    """A new node of ``graph``, placed by the caller."""
    node = graph.add(op, inputs, shape, dtype, attrs)
    graph.nodes.pop()
    return node
