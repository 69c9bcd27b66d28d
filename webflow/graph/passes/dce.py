"""Dead-code elimination: drop nodes no output, variable update, check or effect needs.

Host calls stay (their Python may have effects, such as an optimizer's step count).
A gradient nobody reads (of a watched tensor tape.gradient was not asked about) is
dead here, so graph mode never computes it.
"""


def run(graph):
    live = set()
    stack = graph.roots()
    while stack:
        node = stack.pop()
        if node.id not in live:
            live.add(node.id)
            stack.extend(node.inputs)
    removed = len(graph.nodes) - len(live)
    graph.nodes = [n for n in graph.nodes if n.id in live]
    return removed
