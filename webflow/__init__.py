"""webflow: TensorFlow-style deep learning that runs in the browser.

``import webflow as tf`` gives the TF-shaped namespace below. Nothing else
lives here: every name is defined in a module of the package.
"""

from types import SimpleNamespace as _Namespace

from webflow import backends as _backends
from webflow import nest
from webflow.autodiff import GradientTape
from webflow.dtypes import DType, as_dtype, bool_ as bool, float32, int32
from webflow.ops import (
    abs,
    add,
    broadcast_to,
    cast,
    constant,
    convert_to_tensor,
    divide,
    equal,
    exp,
    fill,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    ones,
    ones_like,
    pow,
    rank,
    reduce_max,
    reduce_mean,
    reduce_sum,
    reshape,
    shape,
    sigmoid,
    sign,
    size,
    sqrt,
    square,
    stop_gradient,
    subtract,
    tanh,
    transpose,
    where,
    zeros,
    zeros_like,
)
from webflow.ops import conv_ops as _conv_ops
from webflow.ops import image_ops as _image_ops
from webflow.ops import nn_ops as _nn_ops
from webflow.ops import random_ops as _random_ops
from webflow.tensor import Tensor, TensorShape, Variable

__version__ = "0.1.0"

nn = _Namespace(
    relu=_nn_ops.relu,
    sigmoid=_nn_ops.sigmoid,
    tanh=_nn_ops.tanh,
    softmax=_nn_ops.softmax,
    log_softmax=_nn_ops.log_softmax,
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
)
random = _Namespace(
    set_seed=_random_ops.set_seed,
    uniform=_random_ops.uniform,
    normal=_random_ops.normal,
)
config = _Namespace(
    get_backend=lambda: _backends.get_backend().name,
    set_backend=_backends.set_backend,
)


def memory():
    """What the active backend holds: live tensors and bytes (where it counts them)."""
    return _backends.get_backend().memory()
