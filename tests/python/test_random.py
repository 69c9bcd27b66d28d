"""Seeded random ops: reproducible sequences, the right distributions."""

import numpy as np

import webflow as tf


def _sequence():
    return [tf.random.uniform([3], seed=7).numpy(), tf.random.normal([3]).numpy(), tf.random.uniform([3], seed=7).numpy()]


def test_set_seed_makes_the_sequence_reproducible():
    tf.random.set_seed(42)
    first = _sequence()
    tf.random.set_seed(42)
    second = _sequence()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[2]), "repeated calls with one op seed must differ"
    tf.random.set_seed(43)
    assert not np.array_equal(_sequence()[1], first[1])


def test_distributions():
    tf.random.set_seed(1)
    u = tf.random.uniform([20000], minval=-2.0, maxval=3.0).numpy()
    assert u.dtype == np.float32 and u.min() >= -2.0 and u.max() < 3.0 and abs(u.mean() - 0.5) < 0.05
    n = tf.random.normal([20000], mean=1.0, stddev=2.0).numpy()
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    i = tf.random.uniform([1000], minval=0, maxval=10, dtype=tf.int32).numpy()
    assert i.dtype == np.int32 and set(i.tolist()) == set(range(10))


def test_truncated_normal_stays_within_two_stddevs():
    x = tf.random.truncated_normal([20000], mean=1.0, stddev=0.5, seed=4).numpy()
    assert x.dtype == np.float32 and x.min() >= 0.0 and x.max() <= 2.0
    # A normal truncated at +-2 sigma has standard deviation 0.880 sigma.
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.std() - 0.88 * 0.5) < 0.02


def test_categorical_follows_the_logits():
    logits = np.log([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30]]).astype(np.float32)
    draws = tf.random.categorical(logits, 20000, seed=2).numpy()
    assert draws.shape == (2, 20000) and draws.dtype == np.int32
    np.testing.assert_allclose(np.bincount(draws[0], minlength=3) / 20000, [0.1, 0.2, 0.7], atol=0.02)
    assert set(draws[1].tolist()) == {0, 1}
    tf.random.set_seed(9)
    first = tf.random.categorical(logits, 50, seed=2).numpy()
    tf.random.set_seed(9)
    np.testing.assert_array_equal(first, tf.random.categorical(logits, 50, seed=2).numpy())


def test_shuffle_permutes_the_first_axis():
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    y = tf.random.shuffle(x, seed=1).numpy()
    assert not np.array_equal(x, y)
    np.testing.assert_array_equal(np.sort(y[:, 0]), x[:, 0])
    np.testing.assert_array_equal(y[:, 1:] - y[:, :1], np.tile([1, 2], (10, 1)))  # rows stay whole


def test_dropout_scales_kept_values_and_shares_noise_shape():
    x = tf.ones([200, 50])
    y = tf.nn.dropout(x, rate=0.25, seed=3).numpy()
    assert set(np.unique(y).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02
    z = tf.nn.dropout(x, rate=0.5, noise_shape=[200, 1], seed=3).numpy()
    assert all(len(set(row.tolist())) == 1 for row in z)  # one draw per row
    assert tf.nn.dropout(x, rate=0.0) is x


def test_dropout_gradient_is_the_mask():
    x = tf.constant(np.linspace(-1, 1, 40, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, rate=0.3, seed=8)
    g = tape.gradient(y, x).numpy()
    kept = y.numpy() != 0
    np.testing.assert_allclose(g, np.where(kept, 1 / 0.7, 0.0), rtol=1e-6)
