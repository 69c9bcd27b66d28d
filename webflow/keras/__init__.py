"""tf.keras: so far the data sets (``tf.keras.datasets``); layers and models come next."""

from webflow import datasets

__all__ = ["datasets"]
