"""What every op shares: operand conversion, shape rules, and `apply`, the
one place an op calls its backend kernel and is recorded for autodiff."""

from webflow import autodiff, backends
from webflow.tensor import Tensor, Variable, convert_to_tensor


def apply(name, inputs, shape, dtype, /, **attrs):
    """Run kernel ``name`` of the active backend on ``inputs`` (Tensors) and
    return the output Tensor with the given (already inferred) shape and dtype.
    Active GradientTapes record the call with ``attrs`` for the gradient rule."""
    backend = backends.get_backend()
    if backend.symbolic:  # tracing a tf.function: a graph node instead of a kernel
        out = Tensor(backend.add(name, inputs, shape, dtype, attrs), backend, shape, dtype)
    else:
        handles = [t._handle if t._backend is backend else _move(t, backend) for t in inputs]
        out = Tensor(getattr(backend, name)(*handles, **attrs), backend, shape, dtype)
    autodiff.record(name, inputs, out, attrs)
    return out


def _move(t, backend):
    """A tensor made on another backend (before set_backend) is copied over."""
    return backend.from_numpy(t._backend.to_numpy(t._handle, t.dtype))


def operands(op, *values, names=("x", "y", "z")):
    """Convert op operands to Tensors of one dtype.

    Python and NumPy values take the dtype of the Tensor operands (``x + 1``
    stays float32 for float x); Tensors of different dtypes are an error.
    """
    if len(values) == 2 and type(values[0]) is Tensor and type(values[1]) is Tensor:
        if values[0].dtype is values[1].dtype:
            return values  # the common case, kept cheap: ops are dispatched per call in eager mode
    dtype = next((v.dtype for v in values if isinstance(v, (Tensor, Variable))), None)
    tensors = [convert_to_tensor_for(op, v, dtype, n) for v, n in zip(values, names)]
    first = tensors[0]
    for t, n in zip(tensors[1:], names[1:]):
        if t.dtype is not first.dtype:
            raise TypeError(
                f"{op}: {names[0]} and {n} must have the same dtype; "
                f"received {names[0]}.dtype={first.dtype.name}, {n}.dtype={t.dtype.name}"
            )
    return tensors


def convert_to_tensor_for(op, value, dtype=None, arg="x"):
    """convert_to_tensor, with errors that name the op and the argument."""
    if isinstance(value, (Tensor, Variable)):
        return convert_to_tensor(value)
    try:
        return convert_to_tensor(value, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{op}: argument {arg}: {e}") from None


def broadcast_shape(op, *shapes):
    """The NumPy broadcast of ``shapes``, or a ValueError naming the op."""
    if len(shapes) == 2 and shapes[0] == shapes[1]:
        return shapes[0]
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = {s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0}
        dims.discard(1)
        if len(dims) > 1:
            shown = ", ".join(str(tuple(s)) for s in shapes)
            raise ValueError(f"{op}: shapes cannot be broadcast together: {shown}")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def normalize_axes(op, axis, rank):
    """``axis`` (None, int or sequence; negative allowed) as a sorted tuple."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = set()
    for a in axes:
        if not isinstance(a, int) or not -rank <= a < max(rank, 1):
            raise ValueError(f"{op}: axis {a!r} is out of range for a tensor of rank {rank}")
        out.add(a % rank if rank else 0)
    return tuple(sorted(out))


def require_float(op, t, arg="x"):
    if not t.dtype.is_floating:
        raise TypeError(f"{op}: {arg} must be float32; received dtype {t.dtype.name}")
