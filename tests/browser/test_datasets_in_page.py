"""The data sets load in the page (fetched from the site) and equal what CPython loads from disk."""

import numpy as np

import webflow as tf


def test_datasets_in_the_page_match_cpython(run_py):
    got = run_py("""
import webflow as tf
(_xt, _yt), (_xs, _ys) = tf.keras.datasets.mnist.load_data()
(_bt, _byt), (_bs, _bys) = tf.keras.datasets.boston_housing.load_data()
[list(_xt.shape), str(_xt.dtype), int(_xt.sum(dtype='int64')), _yt[:20].tolist(), int(_xs.sum(dtype='int64')),
 list(_bt.shape), float(_bt.sum()), _bys[:5].tolist()]
""")
    (xt, yt), (xs, _) = tf.keras.datasets.mnist.load_data()
    (bt, _), (_, bys) = tf.keras.datasets.boston_housing.load_data()
    assert got == [list(xt.shape), "uint8", int(xt.sum(dtype=np.int64)), yt[:20].tolist(), int(xs.sum(dtype=np.int64)),
                   list(bt.shape), float(bt.sum()), bys[:5].tolist()]
