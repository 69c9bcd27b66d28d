"""tf.data.Dataset: a re-iterable pipeline of elements.

An element is a Tensor, or a tuple or dict of them (a list is one tensor,
as in TF). Pipelines run in Python on the host: ``from_tensor_slices`` keeps
NumPy arrays, ``batch`` stacks them, and a batch becomes a Tensor (one upload
on WebGL) only when the dataset is iterated. ``map`` functions receive
Tensors, as in TF; map after ``batch`` to work on whole batches.

Each Dataset holds a function that starts a fresh iteration, so a dataset can
be iterated once per epoch.
"""

import math

import numpy as np

from webflow import nest
from webflow.tensor import Tensor, TensorSpec, Variable, _host_array, constant

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
AUTOTUNE = -1


class Dataset:
    """A sequence of elements, built with the constructors below and
    transformed by methods that return new datasets.

    >>> import webflow as tf
    >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [0, 1, 0, 1, 0]))
    >>> [x.tolist() for x, y in ds.batch(2).as_numpy_iterator()]
    [[1, 2], [3, 4], [5]]
    """

    def __init__(self, start, spec, cardinality):
        self._start = start  # () -> iterator over elements (leaves: NumPy arrays or Tensors)
        self._spec = spec
        self._cardinality = cardinality

    # --- sources -----------------------------------------------------------------

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """One element per index along the first axis of every component.

        Raises:
            ValueError: components with different first dimensions, or a scalar.
        """
        structure = _to_host("Dataset.from_tensor_slices", tensors)
        leaves = nest.flatten(structure)
        sizes = {leaf.shape[0] if leaf.ndim else None for leaf in leaves}
        if None in sizes or len(sizes) != 1:
            shown = ", ".join(str(leaf.shape) for leaf in leaves)
            raise ValueError(
                "Dataset.from_tensor_slices: every component needs the same first dimension (rank >= 1); "
                f"received shapes {shown}"
            )
        n = sizes.pop()
        spec = nest.map_structure(lambda a: TensorSpec(a.shape[1:], _dtype_of(a)), structure)
        return Dataset(lambda: _slices(structure, leaves, n), spec, n)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element: ``tensors`` itself."""
        structure = _to_host("Dataset.from_tensors", tensors)
        return Dataset(lambda: iter([structure]), nest.map_structure(_spec_of, structure), 1)

    @staticmethod
    def range(*args, dtype=None, name=None):
        """Like Python's range: int32 scalars (TF uses int64, which webflow does not have).

        >>> import webflow as tf
        >>> list(tf.data.Dataset.range(1, 8, 3).as_numpy_iterator())
        [np.int32(1), np.int32(4), np.int32(7)]
        """
        values = range(*args)
        spec = TensorSpec((), "int32" if dtype is None else dtype)
        return Dataset(lambda: (np.asarray(v, spec.dtype.as_numpy_dtype) for v in values), spec, len(values))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        """Elements from ``generator()`` (called anew for each iteration), checked against
        ``output_signature`` (a TensorSpec or tuple/dict of them).

        Raises:
            ValueError: while iterating, an element that does not match the signature.
        """
        if output_signature is None:
            if output_types is None:
                raise ValueError("Dataset.from_generator: output_signature (or output_types) is required")
            shapes = output_shapes if output_shapes is not None else nest.map_structure(lambda _: None, output_types)
            output_signature = _zip_specs(output_types, shapes)
        args = tuple(args or ())
        return Dataset(lambda: _generated(generator, args, output_signature), output_signature, UNKNOWN_CARDINALITY)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of several datasets side by side, as a tuple (or the structure given)."""
        structure = datasets[0] if len(datasets) == 1 else datasets
        parts = nest.flatten(structure)
        if not parts or not all(isinstance(d, Dataset) for d in parts):
            raise TypeError("Dataset.zip: expected datasets (or a tuple or dict of them)")
        spec = nest.pack_sequence_as(structure, [d._spec for d in parts])
        counts = [d._cardinality for d in parts]
        known = [c for c in counts if c >= 0]
        count = min(known) if known else (UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else INFINITE_CARDINALITY)
        return Dataset(lambda: _zipped(structure, parts), spec, count)

    # --- transformations -------------------------------------------------------------

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Apply ``map_func`` to each element (a tuple is passed as separate arguments)."""
        spec = _peek_spec(_mapped(self._start(), map_func), self._spec)
        return Dataset(lambda: _mapped(self._start(), map_func), spec, self._cardinality)

    def filter(self, predicate, name=None):
        """Keep the elements for which ``predicate`` is True."""
        return Dataset(lambda: _filtered(self._start(), predicate), self._spec, UNKNOWN_CARDINALITY)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Stack consecutive elements into batches of ``batch_size`` (the last may be smaller).

        Raises:
            ValueError: batch_size below 1.
        """
        batch_size = _positive("Dataset.batch", "batch_size", batch_size)
        first = batch_size if drop_remainder else None
        spec = nest.map_structure(lambda s: TensorSpec((first, *s.shape), s.dtype), self._spec)
        count = self._cardinality
        if count >= 0:
            count = count // batch_size if drop_remainder else math.ceil(count / batch_size)
        return Dataset(lambda: _batched(self._start(), batch_size, drop_remainder), spec, count)

    def unbatch(self, name=None):
        """Split each element along its first axis into separate elements."""
        spec = nest.map_structure(lambda s: TensorSpec(s.shape[1:], s.dtype), self._spec)
        return Dataset(lambda: _unbatched(self._start()), spec, UNKNOWN_CARDINALITY)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffle with a buffer of ``buffer_size`` elements, as TF does (a buffer at least
        as large as the dataset gives a uniform shuffle). Seeded like ``tf.random``."""
        from webflow.ops.random_ops import _generator

        buffer_size = _positive("Dataset.shuffle", "buffer_size", buffer_size)
        fixed = None if reshuffle_each_iteration else int(_generator(seed).integers(2**63))

        def start():
            rng = _generator(seed) if fixed is None else np.random.default_rng(fixed)
            return _shuffled(self._start(), buffer_size, rng)

        return Dataset(start, self._spec, self._cardinality)

    def repeat(self, count=None, name=None):
        """Iterate ``count`` times (forever when None or -1)."""
        count = None if count is None or count == -1 else int(count)
        n = self._cardinality
        total = INFINITE_CARDINALITY if count is None and n != 0 else n * count if n >= 0 and count is not None else n
        return Dataset(lambda: _repeated(self._start, count), self._spec, total)

    def take(self, count, name=None):
        """The first ``count`` elements (all of them when count is -1)."""
        count = int(count)
        n = self._cardinality
        total = n if count < 0 else count if n == INFINITE_CARDINALITY else min(n, count) if n >= 0 else UNKNOWN_CARDINALITY
        return Dataset(lambda: _taken(self._start(), count), self._spec, total)

    def skip(self, count, name=None):
        """All but the first ``count`` elements."""
        count = int(count)
        n = self._cardinality
        total = max(0, n - count) if n >= 0 else n
        return Dataset(lambda: _skipped(self._start(), count), self._spec, total)

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then ``dataset``'s.

        Raises:
            TypeError: element structures or dtypes that differ.
        """
        mine, theirs = nest.flatten(self._spec), nest.flatten(dataset._spec)
        if len(mine) != len(theirs) or any(a.dtype is not b.dtype or len(a.shape) != len(b.shape)
                                           for a, b in zip(mine, theirs)):
            raise TypeError(
                f"Dataset.concatenate: the datasets' elements differ; received {self._spec} and {dataset._spec}"
            )
        spec = nest.pack_sequence_as(self._spec, [
            TensorSpec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype) for a, b in zip(mine, theirs)
        ])
        a, b = self._cardinality, dataset._cardinality
        total = a + b if a >= 0 and b >= 0 else INFINITE_CARDINALITY if INFINITE_CARDINALITY in (a, b) else UNKNOWN_CARDINALITY
        return Dataset(lambda: _chained(self._start(), dataset._start()), spec, total)

    def cache(self, filename="", name=None):
        """Keep the elements of the first complete iteration in memory and replay them.

        Raises:
            ValueError: a filename (only the in-memory cache exists here).
        """
        if filename:
            raise ValueError(f"Dataset.cache: only the in-memory cache is supported; received filename={filename!r}")
        stored = []

        def start():
            return iter(stored[0]) if stored else _recorded(self._start(), stored)

        return Dataset(start, self._spec, self._cardinality)

    def prefetch(self, buffer_size, name=None):
        """The same dataset. NOTE: the pipeline runs on the page's one Python thread,
        so there is nothing to overlap; accepted for TF compatibility."""
        return self

    # --- reading ----------------------------------------------------------------------

    @property
    def element_spec(self):
        """A TensorSpec per component (None for a dimension that varies, such as a batch's)."""
        return self._spec

    def cardinality(self):
        """The number of elements, or INFINITE_CARDINALITY (-1) / UNKNOWN_CARDINALITY (-2)."""
        return constant(self._cardinality)

    def __len__(self):
        if self._cardinality < 0:
            kind = "infinite" if self._cardinality == INFINITE_CARDINALITY else "unknown"
            raise TypeError(f"Dataset: the length is {kind}")
        return self._cardinality

    def __iter__(self):
        for element in self._start():
            yield nest.map_structure(_as_tensor, element)

    def as_numpy_iterator(self):
        """Iterate with NumPy arrays in place of Tensors."""
        for element in self._start():
            yield nest.map_structure(_as_numpy, element)

    def __repr__(self):
        return f"<Dataset element_spec={self._spec}>"


# --- element helpers (module-level generators: no closures that refer to themselves) ---------


def _to_host(op, value):
    """Tuples and dicts stay structure; every other value becomes one NumPy array."""
    if isinstance(value, dict):
        return {key: _to_host(op, value[key]) for key in value}
    if isinstance(value, tuple):
        items = [_to_host(op, item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, (Tensor, Variable)):
        return np.asarray(value.numpy())
    return _host_array(value, None, op)[0]


def _dtype_of(leaf):
    return leaf.dtype if isinstance(leaf, Tensor) else _host_array(leaf, None, "Dataset")[1]


def _spec_of(leaf):
    return TensorSpec(np.shape(leaf), _dtype_of(leaf))


def _as_tensor(leaf):
    return leaf if isinstance(leaf, Tensor) else constant(leaf)


def _as_numpy(leaf):
    if isinstance(leaf, Tensor):
        return leaf.numpy()
    return leaf[()] if isinstance(leaf, np.ndarray) and leaf.ndim == 0 else leaf  # a NumPy scalar, as TF gives


def _positive(op, arg, value):
    value = int(value)
    if value < 1:
        raise ValueError(f"{op}: {arg} must be >= 1; received {value}")
    return value


def _zip_specs(types, shapes):
    if isinstance(types, dict):
        return {k: _zip_specs(types[k], shapes[k]) for k in types}
    if isinstance(types, tuple):
        return tuple(_zip_specs(t, s) for t, s in zip(types, shapes))
    return TensorSpec(shapes if shapes is not None else (), types)


def _peek_spec(iterator, source_spec):
    """The spec of a transformed dataset, from its first element; a leading dimension
    unknown in the source (a batch's) stays unknown."""
    first = next(iterator, None)
    if first is None:
        return source_spec
    unknown_batch = any(s.shape and s.shape[0] is None for s in nest.flatten(source_spec))

    def spec(leaf):
        shape = list(np.shape(leaf) if not isinstance(leaf, Tensor) else leaf.shape)
        if unknown_batch and shape:
            shape[0] = None
        return TensorSpec(shape, _dtype_of(leaf))

    return nest.map_structure(spec, first)


def _slices(structure, leaves, n):
    for i in range(n):
        yield nest.pack_sequence_as(structure, [leaf[i] for leaf in leaves])


def _generated(generator, args, signature):
    specs = nest.flatten(signature)
    for element in generator(*args):
        leaves = nest.flatten(_to_host("Dataset.from_generator", element))
        if len(leaves) != len(specs) or not all(s.is_compatible_with(_cast_like(x, s)) for x, s in zip(leaves, specs)):
            raise ValueError(
                f"Dataset.from_generator: an element does not match output_signature {signature}; "
                f"received shapes {[np.shape(x) for x in leaves]}"
            )
        yield nest.pack_sequence_as(signature, [_cast_like(x, s) for x, s in zip(leaves, specs)])


def _cast_like(array, spec):
    return np.asarray(array, dtype=spec.dtype.as_numpy_dtype)


def _zipped(structure, parts):
    for elements in zip(*[d._start() for d in parts]):
        yield nest.pack_sequence_as(structure, list(elements))


def _call(fn, element):
    tensors = nest.map_structure(_as_tensor, element)
    return fn(*tensors) if isinstance(tensors, tuple) else fn(tensors)


def _mapped(iterator, fn):
    for element in iterator:
        out = _call(fn, element)
        yield nest.map_structure(lambda x: x if isinstance(x, Tensor) else _to_host("Dataset.map", x), out)


def _filtered(iterator, predicate):
    for element in iterator:
        keep = _call(predicate, element)
        if bool(keep.numpy() if isinstance(keep, Tensor) else keep):
            yield element


def _stack(leaves):
    if any(isinstance(x, Tensor) for x in leaves):
        from webflow.ops import stack

        return stack(leaves)
    return np.stack(leaves)


def _batched(iterator, size, drop_remainder):
    batch = []
    for element in iterator:
        batch.append(element)
        if len(batch) == size:
            yield _stacked(batch)
            batch = []
    if batch and not drop_remainder:
        yield _stacked(batch)


def _stacked(batch):
    columns = zip(*[nest.flatten(e) for e in batch])
    return nest.pack_sequence_as(batch[0], [_stack(list(c)) for c in columns])


def _unbatched(iterator):
    for element in iterator:
        leaves = nest.flatten(element)
        for i in range(leaves[0].shape[0] if leaves else 0):
            yield nest.pack_sequence_as(element, [leaf[i] for leaf in leaves])


def _shuffled(iterator, size, rng):
    buffer = []
    for element in iterator:
        if len(buffer) < size:
            buffer.append(element)
            continue
        i = int(rng.integers(size))
        yield buffer[i]
        buffer[i] = element
    order = np.arange(len(buffer))
    rng.shuffle(order)
    for i in order:
        yield buffer[i]


def _repeated(start, count):
    done = 0
    while count is None or done < count:
        empty = True
        for element in start():
            empty = False
            yield element
        done += 1
        if empty:  # repeating nothing forever would never return
            return


def _taken(iterator, count):
    for i, element in enumerate(iterator):
        if 0 <= count <= i:
            return
        yield element


def _skipped(iterator, count):
    for i, element in enumerate(iterator):
        if i >= count:
            yield element


def _chained(first, second):
    yield from first
    yield from second


def _recorded(iterator, stored):
    elements = []
    for element in iterator:
        elements.append(element)
        yield element
    stored.append(elements)
