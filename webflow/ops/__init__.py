"""All ops, and GRADIENTS: op name -> gradient rule (None: no gradient)."""

# NOTE: webflow.tensor first; it imports the op modules back once Tensor exists.
from webflow import tensor as _tensor  # noqa: F401  isort:skip
from webflow import autodiff

from webflow.ops import array_ops, linalg_ops, math_ops, nn_ops, random_ops
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
from webflow.ops.math_ops import (  # math ops, activations and losses (issue 4)
    argmax,
    argmin,
    ceil,
    clip_by_value,
    cos,
    cumsum,
    erf,
    expm1,
    floor,
    floordiv,
    floormod,
    l2_normalize,
    log1p,
    mod,
    norm,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_variance,
    round,
    rsqrt,
    sin,
)
from webflow.ops.linalg_ops import einsum, tensordot
from webflow.tensor import constant, convert_to_tensor

from webflow.autodiff import custom_gradient  # noqa: E402  (needs the ops above)

GRADIENTS = {**math_ops.GRADIENTS, **array_ops.GRADIENTS, **autodiff.GRADIENTS}
