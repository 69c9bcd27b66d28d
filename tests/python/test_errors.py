"""Bad input: each raises a clear error naming the op, the argument, what was
expected and what was received -- before any backend work."""

import doctest
import importlib

import numpy as np
import pytest

import webflow as tf
from webflow import backends


class CountingBackend(backends.NumpyBackend):
    """Counts kernel calls (not uploads or fills), to prove errors come before dispatch."""

    kernels = 0

    def __getattribute__(self, name):
        if name in backends.NumpyBackend.__dict__ and name not in ("from_numpy", "to_numpy", "fill", "memory", "name"):
            type(self).kernels += 1
        return super().__getattribute__(name)


ERRORS = [
    (lambda: tf.matmul(tf.zeros([3, 4]), tf.zeros([5, 2])), ValueError, r"matmul: inner dimensions differ: \(3, 4\) @ \(5, 2\)"),
    (lambda: tf.matmul(tf.zeros([3]), tf.zeros([3, 2])), ValueError, r"matmul: a and b must have rank >= 2; received a.shape=\(3,\)"),
    (lambda: tf.add(tf.zeros([2, 3]), tf.zeros([4])), ValueError, r"add: shapes cannot be broadcast together: \(2, 3\), \(4,\)"),
    (lambda: tf.zeros([2, 3]) * tf.zeros([3, 2]), ValueError, r"multiply: shapes cannot be broadcast.*\(2, 3\), \(3, 2\)"),
    (lambda: tf.add(tf.zeros([2]), tf.zeros([2], tf.int32)), TypeError, r"add: x and y must have the same dtype; received x.dtype=float32, y.dtype=int32"),
    (lambda: tf.matmul(tf.zeros([2, 2]), tf.zeros([2, 2], tf.int32)), TypeError, r"matmul: a and b must have the same dtype.*float32.*int32"),
    (lambda: tf.constant([1, 2]) + 1.5, TypeError, r"add: argument y: .*cannot convert non-integer values to int32"),
    (lambda: tf.exp(tf.constant([1, 2])), TypeError, r"exp: x must be float32; received dtype int32"),
    (lambda: tf.constant("text"), TypeError, r"constant: expected numbers or booleans; received <U4"),
    (lambda: tf.constant([[1, 2], [3]]), ValueError, r"constant: expected a rectangular nested list"),
    (lambda: tf.constant(2**40), ValueError, r"constant: values do not fit in int32"),
    (lambda: tf.reshape(tf.zeros([2, 3]), [4, 2]), ValueError, r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into \(4, 2\)"),
    (lambda: tf.reshape(tf.zeros([2, 3]), [-1, -1]), ValueError, r"reshape: shape may hold at most one -1"),
    (lambda: tf.reduce_sum(tf.zeros([2, 3]), axis=2), ValueError, r"reduce_sum: axis 2 is out of range for a tensor of rank 2"),
    (lambda: tf.transpose(tf.zeros([2, 3]), [0, 0]), ValueError, r"transpose: perm must be a permutation of 0..1; received \(0, 0\)"),
    (lambda: tf.broadcast_to(tf.zeros([3]), [2, 4]), ValueError, r"broadcast_to: .*\(3,\).*\(2, 4\)"),
    (lambda: tf.where(tf.constant([1.0]), 1.0, 2.0), TypeError, r"where: condition must be bool; received dtype float32"),
    (lambda: tf.where(tf.constant([True])), ValueError, r"where: x and y are required"),
    (lambda: tf.nn.softmax(tf.constant(1.0)), ValueError, r"softmax: logits must have rank >= 1"),
    (lambda: tf.nn.softmax(tf.constant([1, 2])), TypeError, r"softmax: logits must be float32; received dtype int32"),
    (lambda: tf.nn.log_softmax(tf.constant([1, 2])), TypeError, r"log_softmax: logits must be float32; received dtype int32"),
    (lambda: tf.nn.softmax(tf.zeros([2, 3]), axis=2), ValueError, r"softmax: axis 2 is out of range for a tensor of rank 2"),
    (lambda: tf.nn.log_softmax(tf.zeros([2, 3]), axis=[0, 1]), TypeError, r"log_softmax: axis must be an int; received \[0, 1\]"),
    (lambda: tf.nn.relu(tf.constant([True])), TypeError, r"relu: features must be float32 or int32; received dtype bool"),
    (lambda: tf.fill([2, -1], 1.0), ValueError, r"fill: dims must be non-negative; received \(2, -1\)"),
    (lambda: tf.random.uniform([2], dtype=tf.int32), ValueError, r"random.uniform: maxval is required for dtype int32"),
    (lambda: tf.as_dtype("float64"), TypeError, r"dtype: expected one of float32, int32, bool; received 'float64'"),
    (lambda: tf.config.set_backend("cuda"), ValueError, r"set_backend: expected one of .*received 'cuda'"),
    (lambda: tf.GradientTape().watch("x"), TypeError, r"GradientTape.watch: expected Tensors or Variables; received str"),
]


@pytest.mark.parametrize("call,error,message", ERRORS, ids=[m[:40] for _, _, m in ERRORS])
def test_bad_input_raises_before_dispatch(call, error, message, monkeypatch):
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    with pytest.raises(error, match=message):
        call()
    assert CountingBackend.kernels == 0, "a kernel ran before the error"


def test_counting_backend_counts_kernels(monkeypatch):
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    tf.zeros([2]) + tf.zeros([2])
    assert CountingBackend.kernels == 1


def test_no_silent_float64():
    assert tf.constant(np.float64(1.0)).dtype == tf.float32
    assert (tf.constant([1.0]) + np.array([2.0])).dtype == tf.float32


@pytest.mark.parametrize(
    "module", ["webflow.tensor", "webflow.dtypes", "webflow.nest", "webflow.autodiff", "webflow.ops.math_ops",
               "webflow.ops.array_ops", "webflow.ops.nn_ops", "webflow.ops.random_ops"]
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
