"""Weight penalties (``tf.keras.regularizers``): ``regularizer(weight)`` is a scalar
added to the training loss.

A layer given ``kernel_regularizer=...`` lists the penalty of its current
weights in ``layer.losses``; ``Model.fit`` adds ``sum(model.losses)`` to the
loss of every step.

>>> import webflow as tf
>>> float(tf.keras.regularizers.L2(0.5)(tf.constant([1.0, -2.0])))
2.5
"""

from webflow.ops import math_ops
from webflow.tensor import constant


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty; ``get_config`` its arguments."""

    def __call__(self, x):
        return constant(0.0)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _factor(name, arg, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: {arg} must be a number; received {value!r}") from None
    if not value >= 0:  # NOTE: also rejects NaN
        raise ValueError(f"{name}: {arg} must be a non-negative number; received {value!r}")
    return value


class L1(Regularizer):
    """``l1 * reduce_sum(abs(x))``.

    >>> import webflow as tf
    >>> float(tf.keras.regularizers.L1(0.1)(tf.constant([1.0, -2.0])))
    0.30000001192092896
    """

    def __init__(self, l1=0.01):
        self.l1 = _factor("L1", "l1", l1)

    def __call__(self, x):
        return math_ops.multiply(math_ops.reduce_sum(math_ops.abs(x)), self.l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * reduce_sum(square(x))``."""

    def __init__(self, l2=0.01):
        self.l2 = _factor("L2", "l2", l2)

    def __call__(self, x):
        return math_ops.multiply(math_ops.reduce_sum(math_ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * reduce_sum(abs(x)) + l2 * reduce_sum(square(x))`` (both 0 by default, as Keras)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _factor("L1L2", "l1", l1), _factor("L1L2", "l2", l2)

    def __call__(self, x):
        penalty = math_ops.multiply(math_ops.reduce_sum(math_ops.abs(x)), self.l1)
        return math_ops.add(penalty, math_ops.multiply(math_ops.reduce_sum(math_ops.square(x)), self.l2))

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


# Names accepted by ``get``: Keras's short aliases and the class names.
ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def serialize(regularizer):
    """``{"class_name", "config"}`` of a regularizer, or None for None.

    >>> import webflow as tf
    >>> tf.keras.regularizers.serialize(tf.keras.regularizers.L2(0.5))
    {'class_name': 'L2', 'config': {'l2': 0.5}}
    """
    if regularizer is None:
        return None
    if isinstance(regularizer, Regularizer):
        return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}
    raise TypeError(f"regularizers.serialize: expected a Regularizer; received {type(regularizer).__name__}")


def deserialize(config):
    """The regularizer that ``serialize`` described."""
    if not isinstance(config, dict) or set(config) != {"class_name", "config"}:
        raise ValueError(f'regularizers.deserialize: expected {{"class_name": ..., "config": ...}}; received {config!r}')
    cls = ALIASES.get(config["class_name"])
    if cls is None:
        raise ValueError(f"regularizers.deserialize: unknown regularizer {config['class_name']!r}; "
                         f"expected one of {sorted(set(ALIASES))}")
    return cls.from_config(config["config"])


def get(identifier):
    """A regularizer from None, a name ("l1", "l2", "l1_l2"), a serialized dict, or a callable.

    Raises:
        ValueError: an unknown name.

    >>> import webflow as tf
    >>> tf.keras.regularizers.get("l2").get_config()
    {'l2': 0.01}
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        if identifier not in ALIASES:
            raise ValueError(f"regularizers.get: unknown regularizer {identifier!r}; expected one of "
                             f"{sorted(set(ALIASES))} or a Regularizer")
        return ALIASES[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"regularizers.get: expected None, a name, a dict or a callable; "
                    f"received {type(identifier).__name__}")
