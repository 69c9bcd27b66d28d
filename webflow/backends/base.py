"""The backend protocol: the only surface ops may call.

A backend stores tensors as opaque *handles* (a NumPy array here, an integer
texture handle on WebGL) and runs one kernel per method. Ops have already
checked arguments and worked out shapes and dtypes; a backend trusts them.
Data leaves a backend only through ``to_numpy``, so a device-resident
backend never copies to the host behind the user's back.

Method names are op names, so ``tf.matmul`` -> ``Backend.matmul`` -> the
``matmul`` kernel. Shapes and axes arrive as plain tuples of ints; dtypes as
webflow DType objects.
"""


class Backend:
    """Abstract backend; every method here must be implemented."""

    name = "abstract"
    symbolic = False  # True only for the tracer of tf.function (its handles are graph nodes)
    max_fused_inputs = None  # the most inputs one fused elementwise kernel may read (None: any)

    # --- memory -----------------------------------------------------------
    def from_numpy(self, array):
        """Upload a C-contiguous float32/int32/bool array; return a handle."""
        raise NotImplementedError

    def to_numpy(self, handle, dtype):
        """Copy a handle's values into a new NumPy array of ``dtype`` (the tensor's)."""
        raise NotImplementedError

    async def to_numpy_async(self, handle, dtype):
        """Like to_numpy, without blocking the page while the GPU finishes."""
        return self.to_numpy(handle, dtype)

    def memory(self):
        """A dict describing live storage (at least ``num_tensors`` and ``num_bytes``)."""
        raise NotImplementedError

    # --- creation -----------------------------------------------------------
    def fill(self, shape, value, dtype):
        raise NotImplementedError

    # --- elementwise: unary (same shape and dtype out) ------------------------
    UNARY = ("negative", "abs", "sign", "exp", "log", "sqrt", "tanh", "sigmoid", "relu",
             "log1p", "expm1", "erf", "sin", "cos", "floor", "ceil", "round")

    # --- elementwise: binary with NumPy broadcasting -----------------------------
    ARITHMETIC = ("add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "floormod", "floordiv")
    COMPARISON = ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")  # -> bool

    def fused(self, *xs, steps, shape, outputs=None):
        """Ops merged into one node by graph fusion (webflow/graph/passes/fusion.py): each step is
        (op, operands, attrs), an operand ("x", k) input k, ("t", j) step j's result or ("c",
        array) a one-value constant; ``shape`` is the result's. The result is the last step's, or
        with ``outputs`` (step indices) a tuple of those steps' results.
        This default runs the steps one kernel each; WebGL runs them as one pass."""
        results = []
        for op, operands, attrs in steps:
            args = [xs[k] if kind == "x" else results[k] if kind == "t" else self.from_numpy(k) for kind, k in operands]
            results.append(getattr(self, op)(*args, **attrs))
        shape = tuple(shape)
        # NOTE: a literal that stood for a whole constant may have set the shape.
        full = lambda r: r if tuple(r.shape) == shape else self.broadcast_to(r, shape)  # noqa: E731
        return full(results[-1]) if outputs is None else tuple(full(results[j]) for j in outputs)

    def where(self, condition, x, y):
        """Elementwise select with broadcasting of all three operands."""
        raise NotImplementedError

    def cast(self, x, dtype):
        raise NotImplementedError

    # --- linear algebra -------------------------------------------------------
    def matmul(self, a, b, transpose_a, transpose_b):
        """Batched matrix product; batch dimensions broadcast."""
        raise NotImplementedError

    # --- softmax family (axis: a non-negative int) --------------------------------
    def softmax(self, x, axis):
        raise NotImplementedError

    def log_softmax(self, x, axis):
        raise NotImplementedError

    # --- reductions (axes: a sorted tuple; reduced axes are removed) ---------------
    def reduce_sum(self, x, axes, divisor=1):
        """The sum over ``axes``, divided by ``divisor`` (a whole number; graph mode's mean) when not 1."""
        raise NotImplementedError

    def reduce_max(self, x, axes):
        raise NotImplementedError

    def reduce_prod(self, x, axes):
        raise NotImplementedError

    def argmax(self, x, axis):
        """int32 index of the first maximum along ``axis`` (NaN counts as largest); the axis is removed."""
        raise NotImplementedError

    def cumsum(self, x, axis, exclusive, reverse):
        """Running sum along ``axis``, same shape."""
        raise NotImplementedError

    # --- movement ------------------------------------------------------------------
    def reshape(self, x, shape):
        raise NotImplementedError

    def transpose(self, x, perm):
        raise NotImplementedError

    def broadcast_to(self, x, shape):
        raise NotImplementedError

    # --- convolution and pooling (NHWC images, HWIO filters) ----------------------------
    # strides, dilations, ksize: (h, w); pads: (top, bottom, left, right); groups: channel
    # groups (1: a full convolution; input channels: depthwise).

    def conv2d(self, x, w, strides, dilations, pads, groups):
        raise NotImplementedError

    def conv2d_transpose(self, dy, w, input_shape, strides, dilations, pads, groups):
        """The gradient of conv2d with respect to x, of shape ``input_shape``."""
        raise NotImplementedError

    def conv2d_backprop_filter(self, x, dy, filter_shape, strides, dilations, pads, groups):
        """The gradient of conv2d with respect to w, of shape ``filter_shape``."""
        raise NotImplementedError

    def max_pool2d(self, x, ksize, strides, pads):
        raise NotImplementedError

    def max_pool2d_grad(self, x, dy, ksize, strides, pads):
        """dy of each window added at the first (row-major) position of the window's maximum."""
        raise NotImplementedError


    # --- movement and indexing (indices already checked to be in range) ---------------
    def strided_slice(self, x, begin, size, strides):
        """Along axis d, the values begin[d] + k * strides[d] for k < size[d] (strides may be negative)."""
        raise NotImplementedError

    def concat(self, *xs, axis):
        raise NotImplementedError

    def pad(self, x, value, paddings):
        """x with paddings[d] = (before, after) cells of the scalar ``value`` added along axis d."""
        raise NotImplementedError

    def gather(self, params, indices, axis, batch_dims):
        raise NotImplementedError

    def unsorted_segment_sum(self, data, segment_ids, num_segments):
        """out[s] = sum of data[j] over j with segment_ids[j] == s (segment_ids: a prefix of data's shape)."""
        raise NotImplementedError

def _abstract(name):
    def method(self, *args):
        raise NotImplementedError(f"{type(self).__name__} does not implement {name}")

    method.__name__ = name
    return method


for _name in Backend.UNARY + Backend.ARITHMETIC + Backend.COMPARISON:
    setattr(Backend, _name, _abstract(_name))
