"""Image resizing (tf.image.resize), composed from matmul.

Both methods are separable and linear in the image: resizing is
``R_h @ image @ R_w^T`` per channel, with interpolation matrices built on the
host from the sizes alone. So resize needs no kernel of its own; its
gradient is the same two products with the matrices transposed (a
custom_gradient, so the tape never differentiates the constant matrices). The cost is a dense [new, old] matrix per
axis, O(old) work per output value instead of O(2): fine for the image sizes
of the lessons (28x28 digits), and one matmul kernel serves every shape.

Sampling follows TF2 (half-pixel centers): output cell i looks at input
position (i + 0.5) * old / new - 0.5 (bilinear) or floor((i + 0.5) * old / new)
(nearest), clamped to the image.
"""

import numpy as np

from webflow import autodiff, dtypes
from webflow.ops import array_ops, math_ops
from webflow.ops.dispatch import convert_to_tensor_for
from webflow.tensor import constant

METHODS = ("bilinear", "nearest")


def _bilinear_matrix(old, new):
    position = np.clip((np.arange(new) + 0.5) * (old / new) - 0.5, 0, old - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, old - 1)
    weights = np.zeros((new, old))
    np.add.at(weights, (np.arange(new), low), 1 - (position - low))
    np.add.at(weights, (np.arange(new), high), position - low)
    return weights


def _nearest_matrix(old, new):
    index = np.minimum(np.floor((np.arange(new) + 0.5) * (old / new)).astype(int), old - 1)
    return np.eye(old)[index]


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False, name=None):
    """Resize [batch, height, width, channels] (or [height, width, channels]) images to ``size``.

    Args:
        images: a 3-D or 4-D tensor (NHWC).
        size: [new_height, new_width], positive ints.
        method: "bilinear" (float32 result) or "nearest" (keeps the dtype).

    Raises:
        ValueError: bad rank, non-positive sizes, or an unknown method.

    >>> import webflow as tf
    >>> tf.image.resize([[[0.0], [1.0]]], [1, 4]).numpy()[0, :, 0]
    array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
    """
    op = "resize"
    method = getattr(method, "value", method)
    if method not in METHODS:
        raise ValueError(f"{op}: method must be one of {', '.join(METHODS)}; received {method!r}")
    if preserve_aspect_ratio or antialias:
        raise ValueError(f"{op}: preserve_aspect_ratio and antialias are not supported; received "
                         f"preserve_aspect_ratio={preserve_aspect_ratio}, antialias={antialias}")
    x = convert_to_tensor_for(op, images, arg="images")
    if x.shape.rank not in (3, 4):
        raise ValueError(f"{op}: images must be rank 3 (HWC) or 4 (NHWC); received shape {tuple(x.shape)}")
    try:
        new_h, new_w = (int(s) for s in (size.numpy() if hasattr(size, "numpy") else size))
    except (TypeError, ValueError):
        raise ValueError(f"{op}: size must be [new_height, new_width]; received {size!r}") from None
    if new_h < 1 or new_w < 1:
        raise ValueError(f"{op}: size must be positive; received {[new_h, new_w]}")
    if x.dtype.is_bool or (method == "bilinear" and not x.dtype.is_floating):
        x = math_ops.cast(x, dtypes.float32)
    batched = x if x.shape.rank == 4 else array_ops.reshape(x, [1, *x.shape])
    n, h, w, c = batched.shape
    matrix = _bilinear_matrix if method == "bilinear" else _nearest_matrix
    rows = constant(matrix(h, new_h).astype(x.dtype.as_numpy_dtype))
    cols = constant(matrix(w, new_w).astype(x.dtype.as_numpy_dtype))

    # NOTE: its own gradient, the same two products with the matrices transposed. Through
    # the forward matmuls the tape would also compute the gradients with respect to the
    # constant matrices (each as large a product as the resize itself), then drop them.
    @autodiff.custom_gradient
    def separable(images):
        def grad(dy):
            # [h, new_h] @ [n, new_h, new_w * c], then [w, new_w] @ [n * h, new_w, c].
            g = math_ops.matmul(rows, array_ops.reshape(dy, [n, new_h, new_w * c]), transpose_a=True)
            g = math_ops.matmul(cols, array_ops.reshape(g, [n * h, new_w, c]), transpose_a=True)
            return array_ops.reshape(g, [n, h, w, c])
        # [new_h, h] @ [n, h, w * c] resizes the rows, then [new_w, w] @ [n * new_h, w, c] the columns.
        y = math_ops.matmul(rows, array_ops.reshape(images, [n, h, w * c]))
        y = math_ops.matmul(cols, array_ops.reshape(y, [n * new_h, w, c]))
        return array_ops.reshape(y, [n, new_h, new_w, c]), grad

    y = separable(batched)
    return y if x.shape.rank == 4 else array_ops.reshape(y, [new_h, new_w, c])
