"""The three dtypes webflow knows: float32, int32 and bool.

NOTE: there is no float64 and no int64. WebGL2 textures hold 32-bit values,
so the NumPy backend keeps to the same set; NumPy float64/int64 input is
narrowed on conversion (int64 only when every value fits in int32).
"""

import numpy as np


class DType:
    """A tensor element type, named and compared like ``tf.DType``."""

    __slots__ = ("name", "as_numpy_dtype")

    def __init__(self, name, numpy_dtype):
        self.name = name
        self.as_numpy_dtype = np.dtype(numpy_dtype)

    @property
    def is_floating(self):
        return self.name == "float32"

    @property
    def is_integer(self):
        return self.name == "int32"

    @property
    def is_bool(self):
        return self.name == "bool"

    def __eq__(self, other):
        try:
            return self is as_dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"tf.{self.name}"


float32 = DType("float32", np.float32)
int32 = DType("int32", np.int32)
bool_ = DType("bool", np.bool_)

_BY_NAME = {"float32": float32, "int32": int32, "bool": bool_}


def as_dtype(value):
    """Return the DType named by ``value`` (a DType, a name, or a NumPy dtype).

    Raises:
        TypeError: for dtypes webflow does not support (float64, int64, str, ...).

    >>> as_dtype("float32")
    tf.float32
    """
    if isinstance(value, DType):
        return value
    if value is bool:
        return bool_
    if value is float:
        return float32
    if value is int:
        return int32
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    try:
        name = np.dtype(value).name
    except TypeError:
        name = None
    if name in _BY_NAME:
        return _BY_NAME[name]
    raise TypeError(
        f"dtype: expected one of float32, int32, bool; received {value!r}"
    )


def from_numpy_dtype(np_dtype):
    """The webflow dtype a NumPy array of ``np_dtype`` converts to.

    float16/float64 narrow to float32, int8..int64 and uint8/uint16 to int32.
    """
    kind = np.dtype(np_dtype).kind
    if kind == "f":
        return float32
    if kind in "iu":
        return int32
    if kind == "b":
        return bool_
    raise TypeError(
        f"convert_to_tensor: expected numbers or booleans; received NumPy dtype {np.dtype(np_dtype)}"
    )
