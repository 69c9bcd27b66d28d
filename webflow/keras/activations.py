"""Activation functions by name (``tf.keras.activations``)."""

from webflow.ops import math_ops, nn_ops


def linear(x):
    return x


def _by_name():
    names = ["relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "softplus", "softsign", "leaky_relu",
             "sigmoid", "tanh", "softmax", "log_softmax"]
    table = {name: getattr(nn_ops, name) for name in names}
    table.update(linear=linear, exponential=math_ops.exp)
    return table


def get(identifier):
    """A callable from a name ("relu"), None (linear) or a callable."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    table = _by_name()
    if identifier in table:
        return table[identifier]
    raise ValueError(f"activations.get: unknown activation {identifier!r}; expected one of {sorted(table)}")


def serialize(fn):
    """The name of an activation function (for get_config)."""
    table = _by_name()
    return next((name for name, f in table.items() if f is fn), getattr(fn, "__name__", repr(fn)))
