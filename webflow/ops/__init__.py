"""All ops, and GRADIENTS: op name -> gradient rule (None: no gradient)."""

# NOTE: webflow.tensor first; it imports the op modules back once Tensor exists.
from webflow import tensor as _tensor  # noqa: F401  isort:skip
from webflow.ops import array_ops, math_ops, nn_ops, random_ops
from webflow.ops.array_ops import (
    broadcast_to,
    fill,
    identity,
    ones,
    ones_like,
    rank,
    reshape,
    shape,
    size,
    stop_gradient,
    transpose,
    zeros,
    zeros_like,
)
from webflow.ops.math_ops import (
    abs,
    add,
    cast,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    reduce_max,
    reduce_mean,
    reduce_sum,
    sigmoid,
    sign,
    sqrt,
    square,
    subtract,
    tanh,
    where,
)
from webflow.ops.nn_ops import log_softmax, relu, softmax
from webflow.tensor import constant, convert_to_tensor

GRADIENTS = {**math_ops.GRADIENTS, **array_ops.GRADIENTS, **nn_ops.GRADIENTS}
