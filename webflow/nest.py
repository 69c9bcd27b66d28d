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
    leaves = iter(flat)

    def build(s):
        if isinstance(s, dict):
            built = {key: build(s[key]) for key in sorted(s)}
            return {key: built[key] for key in s}
        if isinstance(s, (list, tuple)):
            items = [build(item) for item in s]
            return type(s)(*items) if hasattr(s, "_fields") else type(s)(items)
        return next(leaves)

    return build(structure)


def map_structure(fn, structure):
    """Apply ``fn`` to every leaf, keeping the structure."""
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])
