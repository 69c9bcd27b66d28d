"""Graph passes, each a function of a Graph that rewrites it in place.

``optimize`` runs them in order: dead code, common subexpressions, constant
folding, elementwise fusion, dead code again (folded and inlined constants
leave unread nodes).
``memory.plan`` then says when each value's storage can be released.
"""

from webflow.graph.passes import constant_folding, cse, dce, fusion, memory


def optimize(graph, backend, max_inputs):
    """All passes; ``max_inputs``: the most distinct inputs one fused kernel may read (None: any)."""
    dce.run(graph)
    cse.run(graph)
    constant_folding.run(graph, backend)
    fusion.run(graph, max_inputs)
    dce.run(graph)
    return graph


__all__ = ["constant_folding", "cse", "dce", "fusion", "memory", "optimize"]
