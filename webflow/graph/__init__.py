"""Graph mode: ``tf.function`` traces Python into a dataflow graph, optimizes it, and runs it.

    tracing.py    symbolic tensors: the Tracer backend, variables by reference, host values
    ir.py         Graph and Node; repr, JSON and Graphviz DOT
    passes/       dead code, common subexpressions, constant folding, fusion, memory planning
    execute.py    Plan: runs a graph on a backend (the NumPy interpreter)
    webgl_plan.py the WebGL plan: recorded once into runtime.js, one call per run
    function.py   tf.function, Function, ConcreteFunction
    control_flow.py  tf.cond, tf.while_loop
"""

from webflow.graph.function import ConcreteFunction, Function, function
from webflow.graph.ir import Graph, Node
from webflow.graph.tracing import TracingError, init_scope

__all__ = ["ConcreteFunction", "Function", "Graph", "Node", "TracingError", "function", "init_scope"]
