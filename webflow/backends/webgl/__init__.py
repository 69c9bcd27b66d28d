"""The WebGL backend: the Python side of webgl_kernels/runtime.js.

A tensor is a ``GLTensor``: an integer handle to a texture owned by the JS
runtime, freed when the Python object is collected. Each op is one call
into the runtime; values cross to Python only in ``to_numpy``.

Only importable inside Pyodide, after the page has created the runtime
(``globalThis.webflowRuntime``).
"""

import contextlib
import math

import numpy as np

from webflow import dtypes
from webflow.backends.base import Backend
from webflow.graph.passes import fusion

MAX_RANK = 6  # as in prelude.glsl
MAX_BATCH_RANK = 4  # as in matmul.glsl
SCALAR_CACHE_SIZE = 256
STAGING_VALUES = 1 << 18  # 1 MiB: uploads and reads up to this size pass through the staging buffer


class GLTensor:
    """A texture handle. Views (reshape, free casts) keep their base alive
    instead of owning the texture, so the texture is freed exactly once."""

    __slots__ = ("id", "shape", "size", "base", "runtime")

    def __init__(self, runtime, id, shape, base=None, size=None):
        self.runtime = runtime
        self.id = id
        self.shape = shape if type(shape) is tuple else tuple(shape)
        self.size = math.prod(self.shape) if size is None else size
        self.base = base

    def view(self, shape):
        return GLTensor(self.runtime, self.id, shape, base=self.base or self)

    def __del__(self):
        if self.base is None and self.runtime is not None:
            pending = _pending_frees
            if pending is not None and pending[0] is self.runtime:
                pending[1].append(self.id)
            else:
                _free(self.runtime, self.id)


# (runtime, [handle]) while WebGLBackend.batched_frees collects the handles let go of, else None.
_pending_frees = None


def _free(runtime, id):
    """One handle freed: one call to runtime.js."""
    try:
        runtime.free(id)
    except Exception:  # interpreter shutdown: the page is going away anyway
        pass


def _contiguous_strides(shape):
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= d
    return strides[::-1]


def _padded(values, rank, fill):
    values = list(values)
    return [fill] * (rank - len(values)) + values


def _read_strides(in_shape, out_shape):
    """Strides reading an input of ``in_shape`` broadcast to ``out_shape``
    (right-aligned; 0 along broadcast axes), padded to MAX_RANK."""
    strides = _contiguous_strides(in_shape)
    lead = len(out_shape) - len(in_shape)
    out = [0] * lead + [0 if d == 1 and out_shape[lead + i] != 1 else s for i, (d, s) in enumerate(zip(in_shape, strides))]
    return _padded(out, MAX_RANK, 0)


class WebGLBackend(Backend):
    name = "webgl"
    max_fused_inputs = 6  # the elementwise kernel's inputs (elementwise.glsl)

    def __init__(self, runtime=None):
        if runtime is None:
            import js

            runtime = getattr(js, "webflowRuntime", None)
            if runtime is None:
                raise RuntimeError(
                    "set_backend: the WebGL runtime is not loaded in this page "
                    "(globalThis.webflowRuntime); webflow's site creates it at start-up"
                )
        self.runtime = runtime
        # NOTE: bound once; every `runtime.x` lookup is a JS attribute access (~5 us).
        self._elementwise = runtime.elementwise
        self._fused = runtime.fused
        self._matmul = runtime.matmul
        self._reduce = runtime.reduce
        self._softmax = runtime.softmax
        self._fill = runtime.fill
        self._concat = runtime.concat
        self._pad = runtime.pad
        self._gather = runtime.gather
        self._segment_sum = runtime.unsortedSegmentSum
        self._conv2d = runtime.conv2d
        self._pool = runtime.pool
        self._upload = runtime.uploadFrom
        self._read = runtime.readInto
        self._upload_staged = runtime.uploadStaged
        self._read_staged = runtime.readStaged
        self._free_staged = runtime.freeStaged
        self._staging = None  # see staging()
        self._scalars = {}  # float32 bytes -> GLTensor of shape ()
        # Four values per texel (see prelude.glsl), rows of at most rowLimit texels.
        self.max_values = 4 * runtime.textures.rowLimit * runtime.caps.maxTextureSize

    def _check_size(self, shape):
        """A tensor too large for one texture is refused before any GPU work."""
        n = math.prod(shape)
        if n > self.max_values:
            raise ValueError(
                f"webgl: a tensor of shape {tuple(shape)} has {n} values; this GPU's textures hold at most "
                f"{self.max_values} (MAX_TEXTURE_SIZE {self.runtime.caps.maxTextureSize}); "
                "use smaller tensors or tf.config.set_backend('numpy')"
            )

    # --- memory ---------------------------------------------------------------------

    def from_numpy(self, array):
        if array.ndim == 0:
            # NOTE: Python scalars in expressions (x * 0.5, relu's 0) become tensors on
            # every call; handles are immutable, so one upload per distinct value serves all.
            key = np.float32(array).tobytes()  # bytes: keeps -0.0 apart from 0.0
            handle = self._scalars.get(key)
            if handle is None:
                if len(self._scalars) >= SCALAR_CACHE_SIZE:
                    self._scalars.pop(next(iter(self._scalars)))
                handle = self._scalars[key] = self._upload_array(array)
            return handle
        return self._upload_array(array)

    def staging(self):
        """The float32 array runtime.js reads uploads from and writes reads to (its setStaging).

        NOTE: one per runtime, made on first use: a transfer through it passes only numbers to
        JS, where handing over an array costs a getBuffer each time (more than a small upload)."""
        if self._staging is None:
            staging = self.runtime.stagingArray  # a backend made earlier on the same runtime
            if staging is None:
                from pyodide.ffi import create_proxy

                staging = np.zeros(STAGING_VALUES, np.float32)
                self.runtime.setStaging(create_proxy(staging))
            self._staging = staging
        return self._staging

    @contextlib.contextmanager
    def batched_frees(self):
        """Handles let go of in the block are freed at its end, in one call to runtime.js.
        NOTE: a tf.function call lets go of about a handle per variable it updates (its old value)
        and one per uploaded argument; each free on its own is a call from Python (about 25 us)."""
        global _pending_frees
        if _pending_frees is not None:  # already inside a batch: its end frees these too
            yield
            return
        ids = []
        _pending_frees = (self.runtime, ids)
        try:
            yield
        finally:
            _pending_frees = None
            io = self.staging().view(np.int32)
            for start in range(0, len(ids), io.size):
                chunk = ids[start:start + io.size]
                io[:len(chunk)] = chunk
                self._free_staged(len(chunk))

    def _upload_array(self, array):
        self._check_size(array.shape)
        n = math.prod(array.shape)
        if n <= STAGING_VALUES:
            self.staging()[:n] = np.reshape(array, -1)
            return GLTensor(self.runtime, self._upload_staged(n), array.shape, size=n)
        flat = np.ascontiguousarray(array, dtype=np.float32).reshape(-1)
        return GLTensor(self.runtime, self._upload(flat, flat.size), array.shape)

    def to_numpy(self, handle, dtype):
        n = handle.size
        if 0 < n <= STAGING_VALUES:
            self._read_staged(handle.id)
            values = self.staging()[:n].copy()
        else:
            values = np.empty(n, dtype=np.float32)
            if n:
                self._read(handle.id, values)
        return _as_dtype(values, handle, dtype)

    async def to_numpy_async(self, handle, dtype):
        values = np.empty(0, np.float32)
        if handle.size:
            values = np.asarray((await self.runtime.readAsync(handle.id)).to_py(), dtype=np.float32)
        return _as_dtype(values, handle, dtype)

    def memory(self):
        stats = self.runtime.stats().to_py()
        return {"backend": self.name, "num_tensors": stats["liveTensors"], "num_bytes": stats["liveBytes"], **stats}

    def fill(self, shape, value, dtype):
        self._check_size(shape)
        return GLTensor(self.runtime, self._fill(math.prod(shape), float(value)), shape)

    # --- elementwise -----------------------------------------------------------------------

    def _run(self, expr, inputs, out_shape):
        # NOTE: the path of every eager elementwise op, kept short (a tiny op is mostly Python).
        n = math.prod(out_shape)
        if n > self.max_values:
            self._check_size(out_shape)
        handle = self._elementwise(expr, *self._input_args(inputs, out_shape, n=n))
        return GLTensor(self.runtime, handle, out_shape, size=n)

    def _input_args(self, inputs, out_shape, product=(), n=None, reads=None):
        """runtime.elementwise's arguments after the expression: n, k, how each input is read.
        ``product``: input 0's arguments when it is a matrix product (runtime.fused's mode 6);
        ``reads``: {input index: its mode and that mode's numbers} for inputs read another way."""
        # NOTE: numbers go to JS as separate arguments (cheaper than converting a list).
        args = [math.prod(out_shape) if n is None else n, len(inputs) + bool(product), *product]
        strided = False
        for k, x in enumerate(inputs):
            if reads and k in reads:
                args += (x.id, *reads[k])
            elif x.shape == out_shape:
                args += (x.id, 0)
            elif x.size == 1:
                args += (x.id, 2)  # a scalar: read one texel, no index arithmetic
            elif (pattern := _broadcast_pattern(x.shape, out_shape)) is not None:
                args += (x.id, *pattern)
            else:
                args += (x.id, 1, 0, *_read_strides(x.shape, out_shape))
                strided = True
        if strided:
            args += _padded(out_shape, MAX_RANK, 1)
        return args

    def _strided(self, x, out_shape, strides, offset=0):
        """identity(x) read with explicit strides and offset (transpose, broadcast_to, slices)."""
        self._check_size(out_shape)
        mode = 1
        if (out_shape and out_shape[-1] % 4 == 0 and strides[-1] == 1 and offset % 4 == 0
                and all(s % 4 == 0 for s in strides[:-1])):
            # Whole texels (mode 7): the last axis is read in order and every texel of the output
            # is one texel of x, found by one index walk (a transpose keeping 4k channels last).
            mode, offset, strides = 7, offset // 4, [s // 4 for s in strides[:-1]] + [1]
        args = (math.prod(out_shape), 1, x.id, mode, offset, *_padded(strides, MAX_RANK, 0),
                *_padded(out_shape, MAX_RANK, 1))
        return GLTensor(self.runtime, self._elementwise("op_identity(x0)", *args), out_shape)

    def fused(self, *xs, steps, shape, outputs=None):
        # NOTE: graph fusion's steps as one elementwise pass; literals are written into the shader.
        # A leading matmul step is read from the product's blocks (runtime.fused, mode 6).
        shape = tuple(shape)
        self._check_size(shape)
        product = ()
        if steps[0][0] == "matmul":
            a, b, *xs = xs
            ta, tb = steps[0][2]["transpose_a"], steps[0][2]["transpose_b"]
            m, k = (a.shape[1], a.shape[0]) if ta else a.shape
            product = (a.id, 6, b.id, m, b.shape[0] if tb else b.shape[1], k, int(ta), int(tb))
        count = 1 if outputs is None else len(outputs)
        reads = {}  # inputs read through a softmax or a sum (graph fusion's READ_STEPS)
        for op, operands, attrs in steps:
            if op in fusion.READ_STEPS:
                k = operands[0][1] - (2 if product else 0)  # the product's operands are not in xs
                reads[k] = _read_mode(op, attrs, xs[k].shape)
        ids = self._fused(fusion.glsl(steps, outputs), count, *self._input_args(list(xs), shape, product, reads=reads))
        if outputs is None:
            return GLTensor(self.runtime, ids, shape)
        return tuple(GLTensor(self.runtime, id, shape) for id in (ids if isinstance(ids, list) else ids.to_py()))

    def where(self, condition, x, y):
        return self._run("op_where(x0, x1, x2)", [condition, x, y], _broadcast(condition.shape, x.shape, y.shape))

    def cast(self, x, dtype):
        # NOTE: int32 and bool are held as floats, so a cast to float32 is a free view.
        if dtype.is_floating:
            return x.view(x.shape)
        return self._run(f"op_cast_{dtype.name}(x0)", [x], x.shape)

    # --- matmul ----------------------------------------------------------------------------

    def matmul(self, a, b, transpose_a, transpose_b):
        m, k = (a.shape[-1], a.shape[-2]) if transpose_a else (a.shape[-2], a.shape[-1])
        n = b.shape[-2] if transpose_b else b.shape[-1]
        batch = _broadcast(a.shape[:-2], b.shape[:-2])
        if len(batch) > MAX_BATCH_RANK:
            raise ValueError(f"matmul: at most {MAX_BATCH_RANK} batch dimensions on WebGL; received {len(batch)}")
        out_shape = batch + (m, n)
        self._check_size(out_shape)

        def batch_strides(shape):
            matrix = shape[-1] * shape[-2]
            strides = [s * matrix for s in _contiguous_strides(shape[:-2])]
            lead = len(batch) - len(strides)
            full = [0] * lead + [0 if d == 1 and batch[lead + i] != 1 else s for i, (d, s) in enumerate(zip(shape[:-2], strides))]
            return _padded(full, MAX_BATCH_RANK, 0)

        params = [a.id, b.id, m, n, k, int(transpose_a), int(transpose_b), math.prod(out_shape),
                  *_padded(batch, MAX_BATCH_RANK, 1), *batch_strides(a.shape), *batch_strides(b.shape)]
        return GLTensor(self.runtime, self._matmul(*params), out_shape)

    # --- softmax family -------------------------------------------------------------------

    def _softmax_family(self, op, x, axis):
        last = len(x.shape) - 1
        if axis != last:  # the kernel works along the last axis
            perm = [d for d in range(len(x.shape)) if d != axis] + [axis]
            moved = self._softmax_family(op, self.transpose(x, perm), last)
            return self.transpose(moved, [perm.index(d) for d in range(len(perm))])
        length = x.shape[-1]
        outer = x.size // length if length else 0
        return GLTensor(self.runtime, self._softmax(op, x.id, outer, length), x.shape)

    def softmax(self, x, axis):
        return self._softmax_family("softmax", x, axis)

    def log_softmax(self, x, axis):
        return self._softmax_family("log_softmax", x, axis)

    # --- reductions --------------------------------------------------------------------

    def _reduction(self, op, x, axes, divisor=1):
        keep = [i for i in range(len(x.shape)) if i not in axes]
        out_shape = tuple(x.shape[i] for i in keep)
        if axes and list(axes) == list(range(axes[0], axes[-1] + 1)):
            # NOTE: a block of neighbouring axes (a bias gradient's batch axis, say): the kernel
            # steps over the axes after it, no transpose first.
            outer, inner = math.prod(x.shape[:axes[0]]), math.prod(x.shape[axes[-1] + 1:])
            length = math.prod(x.shape[axes[0]:axes[-1] + 1])
        else:
            x = self.transpose(x, tuple(keep) + tuple(axes))  # reduced axes last
            outer, inner = math.prod(out_shape), 1
            length = x.size // outer if outer else 0
        return GLTensor(self.runtime, self._reduce(op, x.id, outer, length, inner, divisor), out_shape)

    def reduce_sum(self, x, axes, divisor=1):
        return self._reduction("sum", x, axes, divisor)

    def reduce_max(self, x, axes):
        return self._reduction("max", x, axes)

    # --- movement ----------------------------------------------------------------------

    def reshape(self, x, shape):
        return x.view(shape)  # same flat order, same texture

    def transpose(self, x, perm):
        strides = _contiguous_strides(x.shape)
        return self._strided(x, tuple(x.shape[p] for p in perm), [strides[p] for p in perm])

    def broadcast_to(self, x, shape):
        return self._strided(x, tuple(shape), _read_strides(x.shape, shape))

    # --- math ops: reductions and scans (elementwise ones come from UNARY/ARITHMETIC) ---

    def reduce_prod(self, x, axes):
        return self._reduction("prod", x, axes)

    def argmax(self, x, axis):
        return self._reduction("argmax", x, (axis,))

    def cumsum(self, x, axis, exclusive, reverse):
        # NOTE: no transpose: the kernel steps along the axis by its stride (inner).
        inner = math.prod(x.shape[axis + 1:])
        out = self.runtime.cumsum(x.id, x.size, x.shape[axis], inner, int(exclusive), int(reverse))
        return GLTensor(self.runtime, out, x.shape)


    # --- movement and indexing ------------------------------------------------------------

    def strided_slice(self, x, begin, size, strides):
        # NOTE: no kernel of its own: a strided read with an offset (negative strides walk backwards).
        contiguous = _contiguous_strides(x.shape)
        offset = sum(b * c for b, c in zip(begin, contiguous))
        return self._strided(x, tuple(size), [s * c for s, c in zip(strides, contiguous)], offset)

    def concat(self, *xs, axis):
        # Each input is [outer, inner_k] with inner_k = prod(shape[axis:]); the output row joins them.
        out_shape = list(xs[0].shape)
        out_shape[axis] = sum(x.shape[axis] for x in xs)
        self._check_size(out_shape)
        outer = math.prod(out_shape[:axis])
        args = [a for x in xs for a in (x.id, x.size // outer if outer else 0)]
        return GLTensor(self.runtime, self._concat(math.prod(out_shape), *args), out_shape)

    def pad(self, x, value, paddings):
        out_shape = tuple(d + a + b for d, (a, b) in zip(x.shape, paddings))
        self._check_size(out_shape)
        # NOTE: neighbouring unpadded axes merge into one (the kernel decodes fewer coordinates).
        dims, pads = [], []
        for d, (a, b) in zip(x.shape, paddings):
            if dims and not (a or b) and pads[-1] == (0, 0):
                dims[-1] *= d
            else:
                dims.append(d)
                pads.append((a, b))
        shape = [d + a + b for d, (a, b) in zip(dims, pads)]
        ints = (*_padded(shape, MAX_RANK, 1), *_padded(dims, MAX_RANK, 1), *_padded([a for a, _ in pads], MAX_RANK, 0), len(dims))
        return GLTensor(self.runtime, self._pad(x.id, value.id, math.prod(out_shape), *ints), out_shape)

    def gather(self, params, indices, axis, batch_dims):
        shape = params.shape
        out_shape = shape[:axis] + indices.shape[batch_dims:] + shape[axis + 1:]
        self._check_size(out_shape)
        outer, inner = math.prod(shape[batch_dims:axis]), math.prod(shape[axis + 1:])
        count = math.prod(indices.shape[batch_dims:])
        out = self._gather(params.id, indices.id, math.prod(out_shape), outer, shape[axis], count, inner)
        return GLTensor(self.runtime, out, out_shape)

    def unsorted_segment_sum(self, data, segment_ids, num_segments):
        out_shape = (num_segments,) + data.shape[len(segment_ids.shape):]
        self._check_size(out_shape)
        inner = math.prod(out_shape[1:])
        out = self._segment_sum(data.id, segment_ids.id, num_segments, segment_ids.size, inner)
        return GLTensor(self.runtime, out, out_shape)

    # --- convolution and pooling -------------------------------------------------------------

    def _window(self, run, variant, a, b, out_shape, x_shape, y_shape, kernel, strides, dilations, pads, *more):
        """One call of runtime.conv2d or runtime.pool; shapes as its argument list wants them."""
        self._check_size(out_shape)
        ints = (*x_shape, *y_shape, *kernel, *strides, *dilations, pads[0], pads[2], *more)
        return GLTensor(self.runtime, run(variant, a.id, b.id if b else 0, math.prod(out_shape), *ints), out_shape)

    def conv2d(self, x, w, strides, dilations, pads, groups):
        y_shape = _window_output(x.shape, w.shape[:2], w.shape[3], strides, dilations, pads)
        return self._window(self._conv2d, "conv2d", x, w, y_shape, x.shape, y_shape, w.shape[:2], strides, dilations, pads, groups)

    def conv2d_transpose(self, dy, w, input_shape, strides, dilations, pads, groups):
        kh, kw, cin, cout = w.shape
        if groups == 1 and strides == (1, 1) and dy.size and cin:
            # NOTE: with stride 1 the input gradient is a forward convolution of dy with the
            # filter flipped in space and its channel axes swapped, padded by the window's
            # reach minus the forward padding; conv2d's block path (4 pixels x 4 channels per
            # fragment) then does the work: 64x14x14x64 -> 32, 3x3, in a third of the time
            # of the per-value transpose kernel.
            size = cin * cout
            flipped = self._strided(w, (kh, kw, cout, cin), [-kw * size, -size, 1, cout],
                                    offset=(kh - 1) * kw * size + (kw - 1) * size)
            flipped_pads = ((kh - 1) * dilations[0] - pads[0], 0, (kw - 1) * dilations[1] - pads[2], 0)
            # NOTE: the block path wants whole texels of output channels: pad the filter's with
            # zeros (an image's 1 channel: 4x fewer reads than the per-value kernel), then slice.
            padded = -cin % 4
            if padded:
                flipped = self.concat(flipped, self.fill((kh, kw, cout, padded), 0.0, None), axis=3)
            shape = (*input_shape[:3], cin + padded)
            dx = self._window(self._conv2d, "conv2d", dy, flipped, shape, dy.shape, shape, (kh, kw),
                              (1, 1), dilations, flipped_pads, 1)
            return self._strided(dx, input_shape, _contiguous_strides(shape)) if padded else dx
        return self._window(self._conv2d, "conv2d_transpose", dy, w, input_shape, input_shape, dy.shape, w.shape[:2],
                            strides, dilations, pads, groups)

    def conv2d_backprop_filter(self, x, dy, filter_shape, strides, dilations, pads, groups):
        kh, kw, cin, cout = filter_shape
        if groups == 1 and cout % 4 == 0 and x.size and dy.size:
            # NOTE: the filter gradient is a forward convolution too, with the roles of the
            # axes exchanged: images [Cin, H, W, N] (batch as channels) under a "filter"
            # dy [OH, OW, N, Cout], strides and dilations swapped, giving [Cin, KH, KW, Cout].
            # The per-value kernel loops over N * OH * OW cells per filter value with little
            # parallelism (64x14x14x32 -> 64, 3x3: about 19 s); this is the block path's work
            # plus three transposes.
            images = self.transpose(x, (3, 1, 2, 0))
            taps = self.transpose(dy, (1, 2, 0, 3))
            out_shape = (cin, kh, kw, cout)
            grad = self._window(self._conv2d, "conv2d", images, taps, out_shape, images.shape, out_shape,
                                dy.shape[1:3], dilations, strides, pads, 1)
            return self.transpose(grad, (1, 2, 0, 3))
        return self._window(self._conv2d, "conv2d_backprop_filter", x, dy, filter_shape, x.shape, dy.shape,
                            filter_shape[:2], strides, dilations, pads, groups)

    def max_pool2d(self, x, ksize, strides, pads):
        y_shape = _window_output(x.shape, ksize, x.shape[3], strides, (1, 1), pads)
        return self._window(self._pool, "max_pool2d", x, None, y_shape, x.shape, y_shape, ksize, strides, (1, 1), pads)

    def max_pool2d_grad(self, x, dy, ksize, strides, pads):
        return self._window(self._pool, "max_pool2d_grad", x, dy, x.shape, x.shape, dy.shape, ksize, strides, (1, 1), pads)


def _window_output(x_shape, kernel, channels, strides, dilations, pads):
    """The NHWC shape of a convolution or pooling output (already checked by the op)."""
    n, h, w, _ = x_shape
    return (n, (h + pads[0] + pads[1] - (kernel[0] - 1) * dilations[0] - 1) // strides[0] + 1,
            (w + pads[2] + pads[3] - (kernel[1] - 1) * dilations[1] - 1) // strides[1] + 1, channels)


def _as_dtype(values, handle, dtype):
    """Flat float32 texture values -> the tensor's shape and dtype (all are held as floats)."""
    values = values.reshape(handle.shape)
    return values if dtype.is_floating else values.astype(dtype.as_numpy_dtype)


def _broadcast_pattern(in_shape, out_shape):
    """(mode, period) when an input broadcasts in one of the cheap ways of
    elementwise.glsl: [outer, 1]-like (mode 3, value i // inner, inner >= 4) or
    [inner]-like (modes 4/5, value i % inner); None otherwise."""
    padded = (1,) * (len(out_shape) - len(in_shape)) + tuple(in_shape)
    for k in range(1, len(out_shape)):
        inner = math.prod(out_shape[k:])
        if padded[:k] == tuple(out_shape[:k]) and all(d == 1 for d in padded[k:]) and inner >= 4:
            return 3, inner  # NOTE: four values then span two rows at most (elementwise.glsl)
        if all(d == 1 for d in padded[:k]) and padded[k:] == tuple(out_shape[k:]):
            return (5 if inner % 4 == 0 else 4), inner
    return None


def _read_mode(op, attrs, in_shape):
    """runtime.fused's mode and numbers for an input a fused kernel reads through ``op`` (graph
    fusion's READ_STEPS): 10 log_softmax or 11 softmax along rows of the last axis (their length);
    the sum over a block of neighbouring axes (the inner values' count and the rows summed), 12 a
    whole texel a row where the inner count is a multiple of 4, 14 a value at a time."""
    if op != "reduce_sum":
        return (10 if op == "log_softmax" else 11), in_shape[-1]
    axes = attrs["axes"]
    inner = math.prod(in_shape[axes[-1] + 1:])
    return (12 if inner % 4 == 0 else 14), inner, math.prod(in_shape[axes[0]:axes[-1] + 1])


def _broadcast(*shapes):
    if len(shapes) == 2 and shapes[0] == shapes[1]:
        return shapes[0]
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    return tuple(max(dims) if 0 not in dims else 0 for dims in zip(*padded))


def _unary(op):
    expr = f"op_{op}(x0)"

    def kernel(self, x):
        return self._run(expr, [x], x.shape)

    kernel.__name__ = op
    return kernel


def _binary(op):
    expr = f"op_{op}(x0, x1)"

    def kernel(self, x, y):
        return self._run(expr, [x, y], _broadcast(x.shape, y.shape))

    kernel.__name__ = op
    return kernel


for _op in Backend.UNARY:
    setattr(WebGLBackend, _op, _unary(_op))
for _op in Backend.ARITHMETIC + Backend.COMPARISON:
    setattr(WebGLBackend, _op, _binary(_op))
