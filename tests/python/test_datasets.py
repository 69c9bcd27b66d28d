"""tf.keras.datasets: the real MNIST digits and Boston housing, shaped as Keras returns them."""

import numpy as np
import pytest

import webflow as tf


def test_mnist_shapes_dtypes_and_balanced_split():
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert x_train.min() == 0 and x_train.max() == 255
    train, test = np.bincount(y_train, minlength=10), np.bincount(y_test, minlength=10)
    assert train.min() >= 600 and test.min() >= 150
    np.testing.assert_allclose(train / (train + test), 0.8, atol=0.002)  # stratified 80/20
    assert len(set(y_train[:100].tolist())) == 10  # shuffled: classes mixed within a batch
    # Real digits: the mean image of each class differs from every other's.
    means = np.stack([x_train[y_train == d].mean(0) for d in range(10)])
    assert min(np.abs(means[i] - means[j]).mean() for i in range(10) for j in range(i)) > 5


def test_mnist_returns_copies():
    (x_train, _), _ = tf.keras.datasets.mnist.load_data()
    x_train[:] = 0
    assert tf.keras.datasets.mnist.load_data()[0][0].max() == 255


def test_boston_housing_split_like_keras():
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert x_train.dtype == np.float64 and y_train.dtype == np.float64
    # Keras's boston_housing (seed 113) starts its training targets with these values.
    np.testing.assert_allclose(y_train[:5], [15.2, 42.3, 50.0, 21.1, 17.7])
    everything = np.concatenate([y_train, y_test])
    assert everything.min() == 5.0 and everything.max() == 50.0 and abs(everything.mean() - 22.5328) < 1e-3
    (x2, _), (x3, _) = tf.keras.datasets.boston_housing.load_data(test_split=0.5, seed=1)
    assert len(x2) == 253 and len(x3) == 253
    with pytest.raises(ValueError, match=r"boston_housing.load_data: test_split must be in \[0, 1\); received 1.5"):
        tf.keras.datasets.boston_housing.load_data(test_split=1.5)


def test_missing_file_names_the_fix(monkeypatch, tmp_path):
    from webflow import datasets

    monkeypatch.setattr(datasets, "_CHECKOUT_CACHE", tmp_path)
    monkeypatch.delenv("WEBFLOW_DATASETS", raising=False)
    with pytest.raises(FileNotFoundError, match=r"datasets: nope.npz was not found in .*run `python3 build.py setup`"):
        datasets.load_npz("nope.npz")
