"""webflow: TensorFlow-style deep learning that runs in the browser.

``import webflow as tf`` gives the TF-shaped namespace below. Nothing else
lives here: every name is defined in a module of the package.
"""

from types import SimpleNamespace as _Namespace

from webflow import backends as _backends
from webflow import data, graph, keras, nest, train
from webflow.autodiff import GradientTape, custom_gradient
from webflow.dtypes import DType, as_dtype, bool_ as bool, float32, int32
from webflow.graph import TracingError, function, init_scope
from webflow.graph.control_flow import cond, while_loop
from webflow.graph import passes as _graph_passes
from webflow.graph.function import print_ as print
from webflow.ops import (
    abs,
    add,
    broadcast_to,
    cast,
    concat,
    constant,
    convert_to_tensor,
    divide,
    equal,
    exp,
    expand_dims,
    fill,
    gather,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    linspace,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    newaxis,
    not_equal,
    one_hot,
    ones,
    ones_like,
    pad,
    pow,
    range,
    rank,
    reduce_max,
    reduce_mean,
    reduce_sum,
    reshape,
    reverse,
    shape,
    sigmoid,
    sign,
    size,
    slice,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    subtract,
    tanh,
    tile,
    transpose,
    unsorted_segment_sum,
    unstack,
    where,
    zeros,
    zeros_like,
)
from webflow.ops import (  # math ops (issue 4)
    argmax,
    argmin,
    ceil,
    clip_by_value,
    cos,
    cumsum,
    einsum,
    erf,
    expm1,
    floor,
    floordiv,
    floormod,
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
    tensordot,
)
from webflow.ops import l2_normalize as _l2_normalize
from webflow.ops import array_ops as _array_ops
from webflow.ops import conv_ops as _conv_ops
from webflow.ops import image_ops as _image_ops
from webflow.ops import nn_ops as _nn_ops
from webflow.ops import random_ops as _random_ops
from webflow.tensor import Tensor, TensorShape, TensorSpec, Variable

__version__ = "0.1.0"

nn = _Namespace(
    relu=_nn_ops.relu,
    sigmoid=_nn_ops.sigmoid,
    tanh=_nn_ops.tanh,
    softmax=_nn_ops.softmax,
    log_softmax=_nn_ops.log_softmax,
    dropout=_random_ops.dropout,
    relu6=_nn_ops.relu6,
    leaky_relu=_nn_ops.leaky_relu,
    elu=_nn_ops.elu,
    selu=_nn_ops.selu,
    gelu=_nn_ops.gelu,
    silu=_nn_ops.silu,
    swish=_nn_ops.swish,
    softplus=_nn_ops.softplus,
    softsign=_nn_ops.softsign,
    moments=_nn_ops.moments,
    batch_normalization=_nn_ops.batch_normalization,
    l2_normalize=_l2_normalize,
    softmax_cross_entropy_with_logits=_nn_ops.softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits=_nn_ops.sparse_softmax_cross_entropy_with_logits,
    sigmoid_cross_entropy_with_logits=_nn_ops.sigmoid_cross_entropy_with_logits,
    embedding_lookup=_array_ops.embedding_lookup,
    conv1d=_conv_ops.conv1d,
    conv2d=_conv_ops.conv2d,
    conv2d_transpose=_conv_ops.conv2d_transpose,
    conv2d_backprop_filter=_conv_ops.conv2d_backprop_filter,
    depthwise_conv2d=_conv_ops.depthwise_conv2d,
    max_pool2d=_conv_ops.max_pool2d,
    avg_pool2d=_conv_ops.avg_pool2d,
)
image = _Namespace(resize=_image_ops.resize)
math = _Namespace(
    abs=abs, add=add, divide=divide, equal=equal, exp=exp, greater=greater, greater_equal=greater_equal,
    less=less, less_equal=less_equal, log=log, maximum=maximum, minimum=minimum, multiply=multiply,
    negative=negative, not_equal=not_equal, pow=pow, reduce_max=reduce_max, reduce_mean=reduce_mean,
    reduce_sum=reduce_sum, sigmoid=sigmoid, sign=sign, sqrt=sqrt, square=square, subtract=subtract, tanh=tanh,
    argmax=argmax, argmin=argmin, ceil=ceil, cos=cos, cumsum=cumsum, erf=erf, expm1=expm1, floor=floor,
    floordiv=floordiv, floormod=floormod, l2_normalize=_l2_normalize, log1p=log1p, mod=mod, reciprocal=reciprocal,
    reduce_all=reduce_all, reduce_any=reduce_any, reduce_logsumexp=reduce_logsumexp, reduce_min=reduce_min,
    reduce_prod=reduce_prod, reduce_std=reduce_std, reduce_variance=reduce_variance, round=round, rsqrt=rsqrt,
    sin=sin, softplus=_nn_ops.softplus, clip_by_value=clip_by_value, einsum=einsum, tensordot=tensordot,
    unsorted_segment_sum=unsorted_segment_sum,
)
random = _Namespace(
    set_seed=_random_ops.set_seed,
    uniform=_random_ops.uniform,
    normal=_random_ops.normal,
    truncated_normal=_random_ops.truncated_normal,
    categorical=_random_ops.categorical,
    shuffle=_random_ops.shuffle,
)
config = _Namespace(
    get_backend=lambda: _backends.get_backend().name,
    set_backend=_backends.set_backend,
    optimizer=_Namespace(set_experimental_options=_graph_passes.set_experimental_options,
                         get_experimental_options=_graph_passes.get_experimental_options),
)


def memory():
    """What the active backend holds: live tensors and bytes (where it counts them)."""
    return _backends.get_backend().memory()
