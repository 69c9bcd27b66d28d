"""Arithmetic rewrites that leave fusion fewer kernels, each giving the same numbers (as
rewrites in TF's arithmetic optimizer do):

- ``reshape(cast(x))`` becomes ``cast(reshape(x))``. A reshape keeps the values and their order,
  so the cast reads x's view, and fusion can copy it into each kernel that reads it instead of
  giving it a pass of its own (integer labels cast once for the loss and once for its gradient).
- ``negative(reduce_sum(x))``, where the sum has no other reader, becomes
  ``reduce_sum(negative(x))`` when only the sum reads x and x is elementwise: flipping every sign
  flips the sum's (exact in floating point, but for the sign of a zero sum), and the negation
  joins x's kernel (a cross-entropy's sign).

- ``reduce_sum(x)`` over axes of size 1 (as many values out as in) becomes ``reshape(x)``: each
  sum is of one value (a mean over a last axis of 1: a regression's loss per example), and a
  reshape is a view, not a pass.
- ``x * 1``, ``1 * x`` and ``x / 1`` (1: a constant or fill of ones, the result x's shape and dtype)
  become x (the mean's division by that axis's length of 1).
- ``reduce_sum(x) / n``, where n is a whole-number constant and the sum has no other reader,
  becomes ``reduce_sum(x, divisor=n)``: the sum's last pass makes the same division, so a mean
  (a loss's, over the batch) needs no pass of its own.
- ``reduce_sum(reduce_sum(x, A), B)``, where the inner sum has no other reader and no divisor,
  becomes one sum of x over A and B's axes (a loss's per-example sums, then their mean over the
  batch): a kernel of its own fewer. The values are added in another order, so the last bits may
  differ.

A node a rewrite leaves unread (the sum, a cast no other node reads, a product by 1) goes.
"""

import math

import numpy as np

from webflow.graph.passes.constant_folding import uniform_value
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

    same = {}  # id of a node that is one of its inputs -> that input

    for node in graph.nodes:
        if same:
            node.inputs = [same.get(x.id, x) for x in node.inputs]
        x = _identity_of(node)
        if x is not None:
            # x * 1, 1 * x, x / 1 -> x: its readers read x instead
            same[node.id] = x
            readers[x.id] = [r for r in readers.get(x.id, []) if r is not node] + readers.get(node.id, [])
            for other in node.inputs:
                if other is not x and node in readers.get(other.id, []):
                    readers[other.id].remove(node)
            count += 1
            continue
        inner = node.inputs[0] if len(node.inputs) == 1 else None
        if node.op == "reduce_sum" and math.prod(node.inputs[0].shape) == math.prod(node.shape):
            # a sum over axes of size 1 -> reshape (a view)
            node.op, node.attrs = "reshape", {"shape": tuple(node.shape)}
            count += 1
        elif node.op == "reshape" and inner is not None and inner.op == "cast":
            # reshape(cast(x)) -> cast(reshape(x))
            cast_attrs = dict(inner.attrs)
            reroute(node, inner, "reshape", node.attrs)
            node.op, node.attrs = "cast", cast_attrs
            count += 1
        elif (node.op == "divide" and node.inputs[0].op == "reduce_sum" and node.inputs[0].id not in keep
              and readers[node.inputs[0].id] == [node] and (n := _whole_divisor(node)) is not None):
            # reduce_sum(x) / n -> reduce_sum(x, divisor=n)
            total, divisor = node.inputs
            source = total.inputs[0]
            node.op, node.attrs = "reduce_sum", {**total.attrs, "divisor": n}
            node.inputs = [source]
            readers[source.id] = [node if r is total else r for r in readers[source.id]]
            readers[divisor.id].remove(node)
            placed.remove(total)
            count += 1
        elif (node.op == "negative" and inner is not None and inner.op == "reduce_sum" and inner.id not in keep
              and readers[inner.id] == [node] and inner.inputs[0].op in ELEMENTWISE
              and inner.inputs[0].id not in keep and readers[inner.inputs[0].id] == [inner]):
            # negative(reduce_sum(x)) -> reduce_sum(negative(x))
            sum_attrs = dict(inner.attrs)
            reroute(node, inner, "negative", {})
            node.op, node.attrs = "reduce_sum", sum_attrs
            count += 1
        if (node.op == "reduce_sum" and node.inputs[0].op == "reduce_sum" and node.inputs[0].id not in keep
                and readers[node.inputs[0].id] == [node] and node.inputs[0].attrs.get("divisor", 1) == 1):
            # reduce_sum(reduce_sum(x, A), B) -> reduce_sum(x, A + B) (after a mean's rewrite above too)
            inner = node.inputs[0]
            source = inner.inputs[0]
            left = [d for d in range(len(source.shape)) if d not in inner.attrs["axes"]]
            axes = tuple(sorted(set(inner.attrs["axes"]) | {left[d] for d in node.attrs["axes"]}))
            node.inputs, node.attrs = [source], {**node.attrs, "axes": axes}
            readers[source.id] = [node if r is inner else r for r in readers[source.id]]
            placed.remove(inner)
            count += 1
        placed.append(node)
    graph.nodes = placed
    if same:
        graph.replace_uses(same)
    return count


def _identity_of(node):
    """The input ``node`` equals exactly (x * 1, 1 * x, x / 1), or None."""
    if node.op not in ("multiply", "divide") or len(node.inputs) != 2:
        return None
    x, y = node.inputs
    candidates = [(x, y)] + ([(y, x)] if node.op == "multiply" else [])
    for value, one in candidates:
        if value.shape == node.shape and value.dtype == node.dtype and one.op in ("constant", "fill"):
            u = uniform_value(one)
            if u is not None and u == 1:
                return value
    return None


def _whole_divisor(node):
    """n for a float ``divide(reduce_sum(x), n)`` with n a constant whole number (2 .. 2**24, exact
    as a float32) and the quotient the sum's shape, else None."""
    total, divisor = node.inputs
    if (node.shape != total.shape or node.dtype != total.dtype or node.dtype.as_numpy_dtype.kind != "f"
            or total.attrs.get("divisor", 1) != 1 or divisor.op not in ("constant", "fill")):
        return None
    u = uniform_value(divisor)
    if u is None or not np.isfinite(u) or float(u) != int(u) or not 2 <= int(u) <= 1 << 24:
        return None
    return int(u)


def _node(graph, op, inputs, shape, dtype, attrs):
    """A new node of ``graph``, placed by the caller."""
    node = graph.add(op, inputs, shape, dtype, attrs)
    graph.nodes.pop()
    return node
