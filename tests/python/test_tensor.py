"""Tensors, Variables, dtypes, conversion and Python operators."""

import numpy as np
import pytest

import webflow as tf


@pytest.mark.parametrize(
    "value,dtype,shape",
    [
        (1.5, "float32", ()),
        (3, "int32", ()),
        (True, "bool", ()),
        ([[1, 2], [3, 4]], "int32", (2, 2)),
        (np.arange(6, dtype=np.float64).reshape(2, 3), "float32", (2, 3)),  # no float64: narrowed
        (np.arange(3, dtype=np.int64), "int32", (3,)),
        (np.zeros((0, 4), np.float32), "float32", (0, 4)),
        ([], "float32", (0,)),
    ],
)
def test_constant_infers_dtype_and_shape(value, dtype, shape):
    t = tf.constant(value)
    assert t.dtype == dtype and t.dtype.name == dtype
    assert t.shape == shape and t.shape.as_list() == list(shape)
    np.testing.assert_array_equal(t.numpy(), np.asarray(value))


def test_constant_with_dtype_and_shape():
    assert tf.constant(2, dtype=tf.float32).numpy().dtype == np.float32
    np.testing.assert_array_equal(tf.constant(7.0, shape=[2, 3]).numpy(), np.full((2, 3), 7.0, np.float32))
    np.testing.assert_array_equal(tf.constant([1, 2, 3, 4], shape=(2, 2)).numpy(), [[1, 2], [3, 4]])


def test_numpy_returns_a_copy():
    t = tf.constant([1.0, 2.0])
    a = t.numpy()
    a[0] = 100
    assert t.numpy()[0] == 1.0


def test_repr_matches_tf_eager():
    assert repr(tf.constant(3)) == "<tf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert repr(tf.constant([1.0, 2.0])) == "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert repr(tf.Variable(2.5, name="w")) == "<tf.Variable 'w' shape=() dtype=float32, numpy=2.5>"


def test_python_operators():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    a = x.numpy()
    cases = [
        (x + 1, a + 1), (1 + x, 1 + a), (x - 1, a - 1), (1 - x, 1 - a), (x * 2, a * 2), (2 * x, 2 * a),
        (x / 2, a / 2), (2 / x, 2 / a), (x ** 2, a ** 2), (2 ** x, 2 ** a), (-x, -a), (abs(-x), a), (x @ x, a @ a),
        (x < 2, a < 2), (x <= 2, a <= 2), (x > 2, a > 2), (x >= 2, a >= 2), (x == 2, a == 2), (x != 2, a != 2),
        (np.float32(2) * x, 2 * a), (a + x, a + a),
    ]
    for got, expected in cases:
        assert isinstance(got, tf.Tensor)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


def test_scalar_conversions_and_truth():
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(3)) == 3
    assert bool(tf.constant(True)) is True
    assert len(tf.zeros([4, 2])) == 4
    assert list(range(10))[tf.constant(3)] == 3
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(tf.constant([1, 2])), [1, 2])


def test_tensors_are_unhashable_like_tf():
    with pytest.raises(TypeError):
        {tf.constant(1.0)}


def test_variable_assign_family():
    v = tf.Variable([1.0, 2.0], name="v")
    assert v.trainable and v.name == "v" and v.dtype == tf.float32 and v.shape == (2,)
    assert v.assign([5.0, 6.0]) is v
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [5.5, 6.5])
    np.testing.assert_array_equal((v * 2).numpy(), [11.0, 13.0])  # takes part in arithmetic
    assert not tf.Variable(1.0, trainable=False).trainable


def test_variable_assign_checks_shape_and_dtype():
    v = tf.Variable([1.0, 2.0], name="w")
    with pytest.raises(ValueError, match=r"assign: .*\(2,\).*\(3,\).*'w'"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="int32"):
        tf.Variable([1, 2]).assign([1.5, 2.5])


def test_dtypes():
    assert tf.as_dtype("float32") is tf.float32 and tf.as_dtype(np.int32) is tf.int32 and tf.as_dtype(bool) is tf.bool
    assert tf.float32 == "float32" and tf.float32 != tf.int32
    with pytest.raises(TypeError, match="float64"):
        tf.as_dtype("float64")


def test_shape_helpers():
    t = tf.zeros([2, 3, 4])
    assert t.shape.rank == 3 and t.shape.num_elements() == 24 and t.ndim == 3
    assert tf.shape(t).numpy().tolist() == [2, 3, 4]
    assert int(tf.size(t)) == 24 and int(tf.rank(t)) == 3
