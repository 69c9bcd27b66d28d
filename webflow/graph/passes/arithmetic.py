"""Arithmetic rewrites that leave fusion fewer kernels, each giving the same numbers (as
rewrites in TF's arithmetic optimizer do):

- ``reshape(cast(x))`` becomes ``cast(reshape(x))``. A reshape keeps the values and their order,
  so the cast reads x's view, and fusion can copy it into each kernel that reads it instead of
  giving it a pass of its own (integer labels cast once for the loss and once for its gradient).
- ``negative(reduce_sum(x))``, where the sum has no other reader, becomes
  ``reduce_sum(negative(x))`` when only the sum reads x and x is elementwise: flipping every sign
  flips the sum's (exact in floating point, but for the sign of a zero sum), and the negation
  joins x's kernel (a cross-entropy's sign).

A node a rewrite leaves unread (the sum, a cast no other node reads) goes.
"""

from webflow.graph.passes.fusion import ELEMENTWISE, readers_of


def run(graph):
    """Rewrite in place; returns the number of rewrites."""
    readers = readers_of(graph)
    keep = {n.id for n in graph.results()}
    placed = []  # the new order: a moved op's new input goes just before it
    count = 0

    def reroute(node, inner, op, attrs):
        """``node`` (reading ``inner``, which reads ``source``) reads a new ``op`` of source instead."""
        source = inner.inputs[0]
        made = _node(graph, op, [source], node.shape if op == "reshape" else source.shape, source.dtype, attrs)
        placed.append(made)
        readers[made.id] = [node]
        readers[source.id].append(made)
        readers[inner.id].remove(node)
        node.inputs = [made]
        if not readers[inner.id] and inner.id not in keep:  # unread now: it goes
            readers[source.id].remove(inner)
            placed.remove(inner)

    for node in graph.nodes:
        inner = node.inputs[0] if len(node.inputs) == 1 else None
        if node.op == "reshape" and inner is not None and inner.op == "cast":
            # reshape(cast(x)) -> cast(reshape(x))
            cast_attrs = dict(inner.attrs)
            reroute(node, inner, "reshape", node.attrs)
            node.op, node.attrs = "cast", cast_attrs
            count += 1
        elif (node.op == "negative" and inner is not None and inner.op == "reduce_sum" and inner.id not in keep
              and readers[inner.id] == [node] and inner.inputs[0].op in ELEMENTWISE
              and inner.inputs[0].id not in keep and readers[inner.inputs[0].id] == [inner]):
            # negative(reduce_sum(x)) -> reduce_sum(negative(x))
            sum_attrs = dict(inner.attrs)
            reroute(node, inner, "negative", {})
            node.op, node.attrs = "reduce_sum", sum_attrs
            count += 1
        placed.append(node)
    graph.nodes = placed
    return count


def _node(graph, op, inputs, shape, dtype, attrs):
    """A new node of ``graph``, placed by the caller."""
    node = graph.add(op, inputs, shape, dtype, attrs)
    graph.nodes.pop()
    return node
