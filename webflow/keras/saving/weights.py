"""Weights as TensorFlow.js stores them: a manifest (name, shape, dtype, quantization per
weight) plus the values packed back to back, little-endian, in shards of at most 4 MB.

``quantize="float16"`` halves each float32 weight to IEEE half precision;
``quantize="uint8"`` (or ``"uint16"``) stores ``round((x - min) / scale)`` per tensor, with
``scale`` and ``min`` in the manifest, as TF.js's converter does. Both are
dequantized to float32 on load, by webflow and by TF.js alike.

>>> import numpy as np
>>> specs, data = encode([("w", np.array([-1.0, 0.0, 0.5, 1.0], np.float32))], quantize="uint8")
>>> specs[0]["quantization"]["dtype"], len(data)
('uint8', 4)
>>> decode(specs, data, "example")["w"].round(2)
array([-1. ,  0. ,  0.5,  1. ], dtype=float32)
"""

import numpy as np

SHARD_BYTES = 4 * 1024 * 1024  # TF.js's default shard size

# Stored dtypes a manifest may name, and the NumPy layout of each (all little-endian).
DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4"), "bool": np.dtype("u1")}
QUANTIZED = {"float16": np.dtype("<f2"), "uint8": np.dtype("u1"), "uint16": np.dtype("<u2")}
QUANTIZE_CHOICES = (None, "float16", "uint8", "uint16")


def check_quantize(where, quantize):
    if quantize not in QUANTIZE_CHOICES:
        raise ValueError(f"{where}: quantize must be one of None, 'float16', 'uint8', 'uint16'; received {quantize!r}")


def affine_range(values, quant_max):
    """(scale, min) for affine quantization to 0..quant_max, the range widened to hold 0 and
    nudged so that 0 is stored exactly (as TF.js's converter does: zero padding stays zero)."""
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    if high == low:  # all zeros
        return 1.0, 0.0
    scale = (high - low) / quant_max
    zero_point = round(-low / scale)
    return scale, -zero_point * scale


def encode(named_arrays, quantize=None):
    """(weight specs, bytes) for [(name, array), ...] in order; floats quantized if asked.

    Raises:
        ValueError: a dtype the format cannot hold, or an unknown quantize.
    """
    check_quantize("save", quantize)
    specs, chunks = [], []
    for name, array in named_arrays:
        array = np.asarray(array)
        dtype = {"f": "float32", "i": "int32", "u": "int32", "b": "bool"}.get(array.dtype.kind)
        if dtype is None:
            raise ValueError(f"save: weight {name!r} has dtype {array.dtype}; expected float32, int32 or bool")
        spec = {"name": name, "shape": [int(d) for d in array.shape], "dtype": dtype}
        values = array.astype(DTYPES[dtype])
        if quantize and dtype == "float32":
            if quantize == "float16":
                spec["quantization"] = {"dtype": "float16"}
                values = values.astype(QUANTIZED["float16"])
            else:
                quant_max = np.iinfo(QUANTIZED[quantize]).max
                scale, low = affine_range(values, quant_max) if values.size else (1.0, 0.0)
                spec["quantization"] = {"dtype": quantize, "scale": scale, "min": low}
                codes = np.rint((np.clip(values, low, low + quant_max * scale) - low) / scale)
                values = codes.astype(QUANTIZED[quantize])
        specs.append(spec)
        chunks.append(values.tobytes())
    return specs, b"".join(chunks)


def spec_bytes(spec, where):
    """The number of bytes a weight spec takes, after checking its fields."""
    name = spec.get("name") if isinstance(spec, dict) else None
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: every weight in the manifest needs a name; received {spec!r}")
    shape = spec.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                              for d in shape):
        raise ValueError(f"{where}: weight {name!r} needs a shape of non-negative ints; received {shape!r}")
    dtype = spec.get("dtype")
    if dtype not in DTYPES:
        raise ValueError(f"{where}: weight {name!r} has dtype {dtype!r}; expected one of {sorted(DTYPES)}")
    stored = DTYPES[dtype]
    quantization = spec.get("quantization")
    if quantization is not None:
        kind = quantization.get("dtype") if isinstance(quantization, dict) else None
        if kind not in QUANTIZED or dtype != "float32":
            raise ValueError(f"{where}: weight {name!r} has quantization {quantization!r}; expected dtype float16, "
                             "uint8 or uint16 on a float32 weight")
        if kind != "float16":
            for key in ("scale", "min"):
                value = quantization.get(key)
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
                    raise ValueError(f"{where}: weight {name!r}: {kind} quantization needs a finite number "
                                     f"{key!r}; received {value!r}")
        stored = QUANTIZED[kind]
    return int(np.prod(shape, dtype=np.int64)) * stored.itemsize


def decode(specs, data, where):
    """{name: float32/int32/bool array} from specs and their packed bytes (dequantized).

    Raises:
        ValueError: a bad spec, a repeated name, or a byte count that differs from the specs'.
    """
    sizes = [spec_bytes(spec, where) for spec in specs]
    if sum(sizes) != len(data):
        problem = "truncated" if len(data) < sum(sizes) else "longer than the manifest says"
        raise ValueError(f"{where}: the weight data is {problem}: the manifest describes {sum(sizes)} bytes; "
                         f"received {len(data)} bytes")
    out, offset = {}, 0
    for spec, size in zip(specs, sizes):
        name, shape = spec["name"], tuple(spec["shape"])
        if name in out:
            raise ValueError(f"{where}: weight {name!r} appears twice in the manifest")
        chunk = data[offset:offset + size]
        offset += size
        quantization = spec.get("quantization")
        if quantization is None:
            values = np.frombuffer(chunk, DTYPES[spec["dtype"]])
            values = values.astype(bool) if spec["dtype"] == "bool" else values.astype(values.dtype.newbyteorder("="))
        elif quantization["dtype"] == "float16":
            values = np.frombuffer(chunk, QUANTIZED["float16"]).astype(np.float32)
        else:
            codes = np.frombuffer(chunk, QUANTIZED[quantization["dtype"]]).astype(np.float32)
            values = (codes * np.float32(quantization["scale"]) + np.float32(quantization["min"])).astype(np.float32)
        out[name] = values.reshape(shape)
    return out


def shard(data, shard_bytes=SHARD_BYTES):
    """data cut into pieces of at most shard_bytes (one empty piece for no data)."""
    return [data[i:i + shard_bytes] for i in range(0, len(data), shard_bytes)] or [b""]
