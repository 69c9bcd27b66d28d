"""Graph passes, each a function of a Graph that rewrites it in place.

``optimize`` runs them in order: dead code, common subexpressions and
arithmetic rewrites, constant folding, elementwise fusion, dead code again
(folded and inlined constants and rewritten ops leave unread nodes).
``memory.plan`` then says when each value's storage can be released.

Which passes run is set as in TF's graph optimizer (Grappler), with
``tf.config.optimizer.set_experimental_options``; the options are read when a
function is traced. The option names are TF's: ``constant_folding``,
``arithmetic_optimization`` (common subexpressions and arithmetic rewrites),
``remapping`` (fusion), ``disable_model_pruning`` (True keeps dead code) and
``disable_meta_optimizer`` (True: no pass at all; the graph runs as traced).
"""

from webflow.graph.passes import arithmetic, constant_folding, cse, dce, fusion, memory

_SWITCHES = ("constant_folding", "arithmetic_optimization", "remapping")  # True runs the pass
_DISABLES = ("disable_model_pruning", "disable_meta_optimizer")           # True turns passes off
_options = {}


def set_experimental_options(options):
    """``tf.config.optimizer.set_experimental_options``: turn graph passes on or off for later traces."""
    if not isinstance(options, dict):
        raise TypeError("set_experimental_options: options must be a dict of option name to bool; "
                        f"received {type(options).__name__}")
    for name, value in options.items():
        if name not in _SWITCHES + _DISABLES:
            raise ValueError(f"set_experimental_options: unknown option {name!r}; expected one of "
                             + ", ".join(_SWITCHES + _DISABLES))
        if not isinstance(value, bool):
            raise TypeError(f"set_experimental_options: option {name!r} must be True or False; "
                            f"received {value!r}")
    _options.update(options)


def get_experimental_options():
    """``tf.config.optimizer.get_experimental_options``: the options set so far."""
    return dict(_options)


def optimize(graph, backend, max_inputs):
    """The passes the options allow; ``max_inputs``: the most distinct inputs one fused kernel may read."""
    if _options.get("disable_meta_optimizer"):
        return graph
    prune = not _options.get("disable_model_pruning")
    if prune:
        dce.run(graph)
    if _options.get("arithmetic_optimization", True):
        cse.run(graph)
        arithmetic.run(graph)
    if _options.get("constant_folding", True):
        constant_folding.run(graph, backend)
    if _options.get("remapping", True):
        fusion.run(graph, max_inputs)
    if prune:
        dce.run(graph)
    return graph


__all__ = ["arithmetic", "constant_folding", "cse", "dce", "fusion", "memory", "optimize",
           "set_experimental_options", "get_experimental_options"]
