"""tf.nest, small: flatten and rebuild nested lists, tuples and dicts.

Dicts flatten in sorted-key order, as in TF; anything else is a leaf.
"""


def flatten(structure):
    """Leaves of ``structure`` in order.

    >>> flatten({"b": [1, 2], "a": (3,)})
    [3, 1, 2]
    """
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    """Rebuild ``structure``'s shape from the leaves in ``flat``.

    >>> pack_sequence_as({"b": [0, 0], "a": (0,)}, [3, 1, 2])
    {'b': [1, 2], 'a': (3,)}
    """
    return _build(structure, iter(flat))


# NOTE: a module-level function, not a recursive closure: a closure that calls
# itself is a reference cycle, which would keep tensors (and GPU textures)
# alive until the cyclic garbage collector runs.
def _build(structure, leaves):
    if isinstance(structure, dict):
        built = {key: _build(structure[key], leaves) for key in sorted(structure)}
        return {key: built[key] for key in structure}
    if isinstance(structure, (list, tuple)):
        items = [_build(item, leaves) for item in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else type(structure)(items)
    return next(leaves)


def map_structure(fn, structure):
    """Apply ``fn`` to every leaf, keeping the structure."""
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])
