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
    UNARY = ("negative", "abs", "sign", "exp", "log", "sqrt", "tanh", "sigmoid", "relu")

    # --- elementwise: binary with NumPy broadcasting -----------------------------
    ARITHMETIC = ("add", "subtract", "multiply", "divide", "pow", "maximum", "minimum")
    COMPARISON = ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")  # -> bool

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
    def reduce_sum(self, x, axes):
        raise NotImplementedError

    def reduce_max(self, x, axes):
        raise NotImplementedError

    # --- movement ------------------------------------------------------------------
    def reshape(self, x, shape):
        raise NotImplementedError

    def transpose(self, x, perm):
        raise NotImplementedError

    def broadcast_to(self, x, shape):
        raise NotImplementedError


def _abstract(name):
    def method(self, *args):
        raise NotImplementedError(f"{type(self).__name__} does not implement {name}")

    method.__name__ = name
    return method


for _name in Backend.UNARY + Backend.ARITHMETIC + Backend.COMPARISON:
    setattr(Backend, _name, _abstract(_name))
