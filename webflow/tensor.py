"""Tensor, Variable and TensorShape.

A Tensor is immutable: a backend handle (a NumPy array on the NumPy backend,
a texture handle on WebGL) plus its shape and dtype. Python operators route
to the ops in ``webflow.ops``. A Variable holds a Tensor that ``assign``
replaces; ops read it through ``convert_to_tensor``, which is where
GradientTape sees variable reads.
"""

import math

import numpy as np

from webflow import dtypes
from webflow.dtypes import as_dtype


class TensorShape(tuple):
    """A shape: a tuple of ints with ``as_list``, ``rank`` and ``num_elements``
    as in ``tf.TensorShape``. A tensor's shape is always known; specs (such as
    a dataset's batch dimension) may hold None for an unknown dimension.

    >>> TensorShape((2, 3)).num_elements()
    6
    """

    def __new__(cls, dims=()):
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    def as_list(self):
        return list(self)

    def num_elements(self):
        """The number of values, or None when a dimension is unknown."""
        return None if None in self else math.prod(self)  # NOTE: math.prod: np.prod costs ~10x on every reshape

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return str(tuple(self))


class TensorSpec:
    """The shape and dtype of a tensor, without values (``tf.TensorSpec``).

    >>> import webflow as tf
    >>> tf.TensorSpec([None, 28], tf.float32)
    TensorSpec(shape=(None, 28), dtype=tf.float32, name=None)
    """

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value):
        """Whether a Tensor, array or spec has this dtype and a matching shape (None matches any size)."""
        shape = tuple(value.shape)
        dtype = value.dtype if isinstance(value, (TensorSpec, Tensor, Variable)) else dtypes.from_numpy_dtype(value.dtype)
        return dtype is self.dtype and len(shape) == len(self.shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, shape)
        )

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (other.shape, other.dtype, other.name)

    def __hash__(self):
        return hash((self.shape, self.dtype.name))

    def __repr__(self):
        return f"TensorSpec(shape={tuple(self.shape)}, dtype={self.dtype!r}, name={self.name!r})"


class _Operators:
    """Python operators shared by Tensor and Variable (as in TF, a Variable
    takes part in arithmetic like the tensor it holds)."""

    __slots__ = ()
    __array_priority__ = 100  # make `ndarray + Tensor` call Tensor.__radd__

    def __add__(self, other):
        return math_ops.add(self, other)

    def __radd__(self, other):
        return math_ops.add(other, self)

    def __sub__(self, other):
        return math_ops.subtract(self, other)

    def __rsub__(self, other):
        return math_ops.subtract(other, self)

    def __mul__(self, other):
        return math_ops.multiply(self, other)

    def __rmul__(self, other):
        return math_ops.multiply(other, self)

    def __truediv__(self, other):
        return math_ops.divide(self, other)

    def __rtruediv__(self, other):
        return math_ops.divide(other, self)

    def __floordiv__(self, other):
        return math_ops.floordiv(self, other)

    def __rfloordiv__(self, other):
        return math_ops.floordiv(other, self)

    def __mod__(self, other):
        return math_ops.floormod(self, other)

    def __rmod__(self, other):
        return math_ops.floormod(other, self)

    def __pow__(self, other):
        return math_ops.pow(self, other)

    def __rpow__(self, other):
        return math_ops.pow(other, self)

    def __matmul__(self, other):
        return math_ops.matmul(self, other)

    def __rmatmul__(self, other):
        return math_ops.matmul(other, self)

    def __neg__(self):
        return math_ops.negative(self)

    def __abs__(self):
        return math_ops.abs(self)

    def __lt__(self, other):
        return math_ops.less(self, other)

    def __le__(self, other):
        return math_ops.less_equal(self, other)

    def __gt__(self, other):
        return math_ops.greater(self, other)

    def __ge__(self, other):
        return math_ops.greater_equal(self, other)

    # NOTE: as in TF 2, == and != are elementwise, so tensors are unhashable.
    def __eq__(self, other):
        return math_ops.equal(self, other)

    def __ne__(self, other):
        return math_ops.not_equal(self, other)

    __hash__ = None

    def __bool__(self):
        if self.shape.num_elements() != 1:
            raise ValueError(
                f"bool: the truth value of a tensor with shape {tuple(self.shape)} is ambiguous; "
                "use tf.reduce_any or tf.reduce_all"
            )
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        if not self.dtype.is_integer or self.shape.rank != 0:
            raise TypeError(f"__index__: only scalar int32 tensors can be used as an index; received {self!r}")
        return int(self.numpy())

    def __getitem__(self, key):
        return array_ops.getitem(self, key)

    def __len__(self):
        if self.shape.rank == 0:
            raise TypeError("len: a scalar tensor has no len()")
        return self.shape[0]

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()
        return value if dtype is None else value.astype(dtype)


class Tensor(_Operators):
    """An immutable n-dimensional array living on a backend.

    Create one with ``tf.constant`` or get one from an op; ``.numpy()`` copies
    the values to a NumPy array.

    >>> import webflow as tf
    >>> tf.constant([[1.0, 2.0]]).shape
    TensorShape([1, 2])
    """

    # NOTE: _logits, set only on a traced softmax's output: the tensor it normalized (see nn_ops.softmax).
    __slots__ = ("_handle", "_backend", "shape", "dtype", "_logits", "__weakref__")

    def __init__(self, handle, backend, shape, dtype):
        self._handle = handle
        self._backend = backend
        self.shape = shape if type(shape) is TensorShape else TensorShape(shape)
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    def numpy(self):
        """Copy the values to a new NumPy array (a sync readback on WebGL)."""
        value = self._backend.to_numpy(self._handle, self.dtype)
        return value[()] if value.ndim == 0 else value  # a NumPy scalar, as TF gives

    async def data(self):
        """The values as a NumPy array, read without blocking the page.

        On WebGL the readback waits on a GPU fence (``await t.data()``), so
        the page keeps repainting; a blocking ``numpy()`` is faster here.
        """
        value = await self._backend.to_numpy_async(self._handle, self.dtype)
        return value[()] if value.ndim == 0 else value

    def __repr__(self):
        values = _values_repr(self.numpy())
        return f"<tf.Tensor: shape={tuple(self.shape)}, dtype={self.dtype.name}, numpy={values}>"

    def __str__(self):
        return f"tf.Tensor({np.array2string(self.numpy())}, shape={tuple(self.shape)}, dtype={self.dtype.name})"


class Variable(_Operators):
    """A mutable tensor: model weights. ``assign*`` replace its value.

    Args:
        initial_value: anything ``tf.constant`` accepts, or a Tensor.
        trainable: whether GradientTape watches it automatically.
        name: a label shown in ``repr``.
        dtype: converts ``initial_value`` to this dtype.

    >>> import webflow as tf
    >>> v = tf.Variable([1.0, 2.0])
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    __slots__ = ("_value", "trainable", "name", "__weakref__")
    _count = 0

    def __init__(self, initial_value, trainable=True, name=None, dtype=None):
        if callable(initial_value):
            with tracing.init_scope():  # inside tf.function, an initializer runs once, eagerly
                initial_value = initial_value()
        if isinstance(initial_value, Variable):
            initial_value = initial_value.read_value()
        self._value = array_ops.stop_gradient(convert_to_tensor(initial_value, dtype=dtype))
        if tracing.is_symbolic(self._value):
            raise ValueError(
                "Variable: the initial value was computed inside a tf.function trace; create variables "
                "outside the function, or pass a callable initial value (it runs once, eagerly)")
        self.trainable = bool(trainable)
        if name is None:
            Variable._count += 1
            name = "Variable" if Variable._count == 1 else f"Variable_{Variable._count - 1}"
        self.name = name

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return len(self._value.shape)

    def read_value(self):
        """The current value as a Tensor; active GradientTapes see the read."""
        self._current()
        autodiff.note_variable_read(self)
        return self._value

    def _current(self):
        """The value; inside a tf.function trace, a symbolic read of the variable by reference."""
        tracer = tracing.current()
        if tracer is not None:
            tracer.swap_in(self)
        return self._value

    value = read_value

    def numpy(self):
        return self._value.numpy()

    def assign(self, value):
        """Replace the value; shape and dtype must stay the same. Returns self.

        Inside a tf.function the assignment is part of the graph: later reads in the function
        see it, and the variable holds the last value assigned after each run."""
        self._current()
        value = convert_to_tensor(value, dtype=self.dtype)
        if value.shape != self.shape:
            raise ValueError(
                f"assign: value must have the variable's shape {tuple(self.shape)}; "
                f"received shape {tuple(value.shape)} for variable {self.name!r}"
            )
        self._value = array_ops.stop_gradient(value)
        return self

    def assign_add(self, delta):
        return self.assign(math_ops.add(self._current(), delta))

    def assign_sub(self, delta):
        return self.assign(math_ops.subtract(self._current(), delta))

    def __repr__(self):
        values = _values_repr(self.numpy())
        return f"<tf.Variable '{self.name}' shape={tuple(self.shape)} dtype={self.dtype.name}, numpy={values}>"


def _values_repr(value):
    """The ``numpy=`` part of a repr, as TF eager prints it."""
    if np.ndim(value) == 0:
        return np.array2string(np.asarray(value))
    return ("\n" if np.ndim(value) > 1 else "") + repr(value)


def _host_array(value, dtype, op):
    """Turn Python/NumPy input into a C-contiguous array of a webflow dtype."""
    try:
        array = np.asarray(value)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{op}: expected a rectangular nested list or array; received {value!r:.80} ({e})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: expected numbers or booleans; received {array.dtype} value {value!r:.80}")
    target = from_value = dtypes.from_numpy_dtype(array.dtype)
    if dtype is not None:
        target = as_dtype(dtype)
        # NOTE: like tf.constant, refuse a lossy Python/NumPy conversion
        # (1.5 -> int32) rather than silently truncating.
        if from_value.is_floating and not target.is_floating:
            if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
                raise TypeError(f"{op}: cannot convert non-integer values to {target.name}; received {value!r:.80}")
    if target.is_integer and array.dtype.kind in "iu" and array.size:
        if array.min() < -(2**31) or array.max() >= 2**31:
            raise ValueError(f"{op}: values do not fit in int32; received range [{array.min()}, {array.max()}]")
    # NOTE: not ascontiguousarray, which turns a 0-d array into shape (1,).
    return np.asarray(array, dtype=target.as_numpy_dtype, order="C"), target


def constant(value, dtype=None, shape=None, name=None):
    """Create a Tensor from a Python value or NumPy array.

    Args:
        value: a number, bool, nested list, NumPy array or Tensor.
        dtype: float32, int32 or bool; inferred when None (Python floats and
            float64 arrays give float32, ints give int32).
        shape: optional; a scalar value is filled to this shape, otherwise
            the value is reshaped to it.

    Raises:
        TypeError: for strings, complex numbers, or a lossy dtype conversion.
        ValueError: for ragged lists or a shape that does not fit.

    >>> import webflow as tf
    >>> tf.constant([1, 2, 3]).dtype
    tf.int32
    """
    if isinstance(value, (Tensor, Variable)):
        result = convert_to_tensor(value, dtype=dtype)
        return result if shape is None else array_ops.reshape(result, shape)
    array, dt = _host_array(value, dtype, "constant")
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if array.size == 1:
            array = np.full(shape, array.reshape(()), dtype=array.dtype)
        elif array.size == int(np.prod(shape)):
            array = array.reshape(shape)
        else:
            raise ValueError(f"constant: cannot reshape {array.size} values to shape {shape}")
    backend = backends.get_backend()
    return Tensor(backend.from_numpy(array), backend, array.shape, dt)


def convert_to_tensor(value, dtype=None, name=None):
    """Return ``value`` as a Tensor (reading a Variable, converting Python/NumPy).

    Args:
        value: Tensor, Variable, number, bool, nested list or NumPy array.
        dtype: if given, the result must have (or a Python value is converted to) it.

    Raises:
        TypeError: a Tensor whose dtype differs from ``dtype``.
    """
    if isinstance(value, Variable):
        value = value.read_value()
    if isinstance(value, Tensor):
        if dtype is not None and as_dtype(dtype) is not value.dtype:
            raise TypeError(
                f"convert_to_tensor: expected dtype {as_dtype(dtype).name}; received a {value.dtype.name} tensor"
            )
        return value
    return constant(value, dtype=dtype)


# Imported last: these modules use Tensor and Variable defined above.
from webflow import autodiff, backends  # noqa: E402
from webflow.graph import tracing  # noqa: E402
from webflow.ops import array_ops, math_ops  # noqa: E402
