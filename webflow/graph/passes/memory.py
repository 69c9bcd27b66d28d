"""Memory planning: release each value right after its last reader has run.

On WebGL a released texture goes back to the pool, and the next kernel that
needs one of its size takes it, so a step reuses textures instead of growing.
"""


def plan(graph):
    """For each node position in ``graph.nodes``: the ids of the values dead after it runs.

    Values a run must hand back (outputs, variable updates, effects' and checks' inputs)
    are never released; a value nobody reads is released right after it is made.
    """
    keep = {n.id for n in graph.results()}
    last = {}
    for k, node in enumerate(graph.nodes):
        last[node.id] = k
        for x in node.inputs:
            last[x.id] = k
    release = [[] for _ in graph.nodes]
    for node_id, k in last.items():
        if node_id not in keep:
            release[k].append(node_id)
    return release
