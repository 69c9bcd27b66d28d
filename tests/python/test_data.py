"""tf.data.Dataset: sources, transformations, specs, cardinality, seeds and errors."""

import numpy as np
import pytest

import webflow as tf

Dataset = tf.data.Dataset


def items(ds):
    return [_plain(e) for e in ds.as_numpy_iterator()]


def _plain(element):
    if isinstance(element, tuple):
        return tuple(_plain(e) for e in element)
    if isinstance(element, dict):
        return {k: _plain(v) for k, v in element.items()}
    return np.asarray(element).tolist()


def test_from_tensor_slices_structures_and_specs():
    x = np.arange(12, dtype=np.float64).reshape(4, 3)
    ds = Dataset.from_tensor_slices((x, [1, 0, 1, 0]))
    assert ds.element_spec == (tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.int32))
    assert items(ds)[1] == ([3.0, 4.0, 5.0], 0) and len(ds) == 4
    first = next(iter(ds))
    assert isinstance(first[0], tf.Tensor) and first[0].dtype == tf.float32
    d = Dataset.from_tensor_slices({"a": [1.0, 2.0], "b": [[1], [2]]})
    assert items(d) == [{"a": 1.0, "b": [1]}, {"a": 2.0, "b": [2]}]
    lists = Dataset.from_tensor_slices([[1, 2], [3, 4]])  # a list is one tensor, as in TF
    assert items(lists) == [[1, 2], [3, 4]]
    assert items(Dataset.from_tensor_slices(tf.constant([5, 6]))) == [5, 6]


def test_batch_unbatch_and_drop_remainder():
    ds = Dataset.range(7)
    assert items(ds.batch(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert ds.batch(3).element_spec == tf.TensorSpec([None], tf.int32)
    assert items(ds.batch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5]]
    assert ds.batch(3, drop_remainder=True).element_spec.shape == (3,)
    assert len(ds.batch(3)) == 3 and len(ds.batch(3, drop_remainder=True)) == 2
    assert items(ds.batch(3).unbatch()) == list(range(7))


def test_map_filter_take_skip_repeat_concatenate_zip():
    ds = Dataset.range(10).map(lambda x: x * 2).filter(lambda x: x % 3 == 0)
    assert items(ds) == [0, 6, 12, 18]
    pairs = Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])).map(lambda a, b: a + b)
    assert items(pairs) == [5.0, 7.0, 9.0]
    assert items(Dataset.range(5).skip(1).take(2)) == [1, 2]
    assert items(Dataset.range(2).repeat(3)) == [0, 1, 0, 1, 0, 1] and len(Dataset.range(2).repeat(3)) == 6
    assert items(Dataset.range(3).repeat().take(5)) == [0, 1, 2, 0, 1]
    assert tf.data.Dataset.range(3).repeat().cardinality().numpy() == tf.data.INFINITE_CARDINALITY
    assert items(Dataset.range(2).concatenate(Dataset.range(5, 7))) == [0, 1, 5, 6]
    zipped = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert items(zipped) == [(0, 10), (1, 11), (2, 12)] and len(zipped) == 3
    with pytest.raises(TypeError, match="Dataset: the length is unknown"):
        len(ds)


def test_map_after_batch_gets_whole_batches_and_keeps_the_batch_dimension_unknown():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    ds = Dataset.from_tensor_slices((x, np.arange(5))).batch(2).map(lambda a, b: (a / 10.0, b))
    assert ds.element_spec == (tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.int32))
    batches = list(ds)
    assert isinstance(batches[0][0], tf.Tensor) and batches[0][0].shape == (2, 2) and batches[-1][0].shape == (1, 2)
    np.testing.assert_allclose(batches[1][0].numpy(), x[2:4] / 10.0)


def test_shuffle_is_seeded_uniform_and_reshuffles():
    tf.random.set_seed(5)
    ds = Dataset.range(100).shuffle(100, seed=1)
    first, second = items(ds), items(ds)
    assert sorted(first) == list(range(100)) and first != list(range(100)) and first != second
    tf.random.set_seed(5)
    assert items(ds) == first  # reproducible under the global seed
    fixed = Dataset.range(50).shuffle(50, seed=2, reshuffle_each_iteration=False)
    assert items(fixed) == items(fixed)
    small = items(Dataset.range(1000).shuffle(10, seed=3))
    assert sorted(small) == list(range(1000)) and max(abs(v - i) for i, v in enumerate(small)) < 200  # a local shuffle


def test_cache_replays_the_first_iteration():
    calls = []

    def gen():
        calls.append(1)
        yield from ([1.0, 2.0], [3.0, 4.0])

    ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec([2], tf.float32)).cache()
    assert items(ds) == [[1.0, 2.0], [3.0, 4.0]] and items(ds) == [[1.0, 2.0], [3.0, 4.0]]
    assert len(calls) == 1
    assert ds.prefetch(tf.data.AUTOTUNE) is ds


def test_from_generator_checks_the_signature():
    def gen(n):
        for i in range(n):
            yield (np.ones([i + 1], np.float32), i)

    sig = (tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32))
    ds = Dataset.from_generator(gen, args=(3,), output_signature=sig)
    assert [len(a) for a, _ in items(ds)] == [1, 2, 3] and ds.element_spec == sig
    bad = Dataset.from_generator(lambda: iter([np.ones([2, 2])]), output_signature=tf.TensorSpec([2], tf.float32))
    with pytest.raises(ValueError, match=r"Dataset.from_generator: an element does not match output_signature"):
        items(bad)


@pytest.mark.parametrize("call,error,message", [
    (lambda: Dataset.from_tensor_slices(([1, 2], [1, 2, 3])), ValueError, r"from_tensor_slices: every component needs the same first dimension.*\(2,\), \(3,\)"),
    (lambda: Dataset.from_tensor_slices(1.0), ValueError, r"from_tensor_slices: .*rank >= 1.*\(\)"),
    (lambda: Dataset.range(3).batch(0), ValueError, r"Dataset.batch: batch_size must be >= 1; received 0"),
    (lambda: Dataset.range(3).shuffle(0), ValueError, r"Dataset.shuffle: buffer_size must be >= 1; received 0"),
    (lambda: Dataset.range(3).concatenate(Dataset.from_tensor_slices([1.0])), TypeError, r"Dataset.concatenate: the datasets' elements differ"),
    (lambda: Dataset.range(3).cache("/tmp/x"), ValueError, r"Dataset.cache: only the in-memory cache"),
    (lambda: Dataset.from_generator(lambda: iter([])), ValueError, r"from_generator: output_signature .* is required"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_mnist_pipeline_shapes():
    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    ds = Dataset.from_tensor_slices((x_train[:100] / 255.0, y_train[:100])).shuffle(100, seed=0).batch(32)
    assert ds.element_spec == (tf.TensorSpec([None, 28, 28], tf.float32), tf.TensorSpec([None], tf.int32))
    shapes = [tuple(x.shape) for x, _ in ds]
    assert shapes == [(32, 28, 28)] * 3 + [(4, 28, 28)]
