"""The shared layer table: one row per (layer, configuration), run on every backend.

Each case makes a layer (``make(tf)``), feeds it random inputs of odd shapes,
gives every weight random values, and checks the output shape, the parameter
count and the values against an independent NumPy reference evaluated in
float64 (``ref(weights, *inputs)``, written with plain loops and slicing, not
with webflow). ``check_gradient`` compares GradientTape's gradients for every
trainable weight (and float input) with central differences of the reference
along random directions; ``check_config`` rebuilds the layer from its config
(directly, through JSON, and through layers.serialize/deserialize) and checks
it computes the same. The BatchNormalization, regularizer and merge checks at
the end are special cases. This file is plain Python + NumPy so the very same
rows run on CPython (tests/python/test_layers.py) and inside Pyodide on WebGL
(tests/browser/test_layers_webgl.py).
"""

import json
import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Case:
    id: str
    make: object  # make(tf) -> a new layer
    inputs: list  # one shape per input; a merge layer gets them as a list
    output: tuple  # the expected output shape
    params: int  # count_params() once built
    ref: object  # ref(weights as float64 arrays, *inputs as float64) -> expected output
    ids: int = 0  # > 0: integer inputs drawn from [0, ids) (Embedding)
    training: bool = False
    merge: bool = False  # pass the inputs as a list
    tol: float = 1e-4  # relative to the largest |expected| (float32 sums of up to a few hundred terms)
    kwargs: dict = field(default_factory=dict)


# --- NumPy references ---------------------------------------------------------------------------


def same_pads(size, kernel, stride, dilation):
    """TF's "same" padding along one axis: the output has ceil(size / stride) cells,
    and the odd cell of padding goes after."""
    span = (kernel - 1) * dilation + 1
    total = max((-(-size // stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def conv2d_ref(x, k, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, pads=None):
    """Cross-correlation of NHWC x with an HWIO kernel, by summing one matmul per kernel cell."""
    n, h, w, c = x.shape
    kh, kw, cg, f = k.shape
    if pads is None:
        pads = (0, 0, 0, 0) if padding == "valid" else (
            same_pads(h, kh, strides[0], dilation[0]) + same_pads(w, kw, strides[1], dilation[1]))
    xp = np.pad(x, ((0, 0), pads[:2], pads[2:], (0, 0)))
    oh = (h + pads[0] + pads[1] - (kh - 1) * dilation[0] - 1) // strides[0] + 1
    ow = (w + pads[2] + pads[3] - (kw - 1) * dilation[1] - 1) // strides[1] + 1
    out = np.zeros((n, oh, ow, f))
    fg = f // groups
    for i in range(kh):
        for j in range(kw):
            r, s = i * dilation[0], j * dilation[1]
            patch = xp[:, r:r + (oh - 1) * strides[0] + 1:strides[0], s:s + (ow - 1) * strides[1] + 1:strides[1]]
            for g in range(groups):
                out[..., g * fg:(g + 1) * fg] += patch[..., g * cg:(g + 1) * cg] @ k[i, j, :, g * fg:(g + 1) * fg]
    return out


def conv1d_ref(x, k, stride=1, padding="valid", dilation=1, groups=1):
    pads = None
    if padding == "causal":
        pads = (0, 0, (k.shape[0] - 1) * dilation, 0)
    y = conv2d_ref(x[:, None], k[None], (1, stride), padding, (1, dilation), groups, pads)
    return y[:, 0]


def conv2d_transpose_ref(x, k, out_hw, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """Scatter every input cell times the kernel into the output, then crop TF's padding."""
    n, h, w, c = x.shape
    kh, kw, f, _ = k.shape
    pads = []
    for size, out, kern, s, d in zip((h, w), out_hw, (kh, kw), strides, dilation):
        total = max((size - 1) * s + (kern - 1) * d + 1 - out, 0) if padding == "same" else 0
        pads.append(total // 2)
    big = np.zeros((n, (h - 1) * strides[0] + (kh - 1) * dilation[0] + 1 + out_hw[0],
                    (w - 1) * strides[1] + (kw - 1) * dilation[1] + 1 + out_hw[1], f))
    for i in range(kh):
        for j in range(kw):
            r, s = i * dilation[0], j * dilation[1]
            big[:, r:r + (h - 1) * strides[0] + 1:strides[0], s:s + (w - 1) * strides[1] + 1:strides[1]] += \
                x @ k[i, j].T
    return big[:, pads[0]:pads[0] + out_hw[0], pads[1]:pads[1] + out_hw[1]]


def pool_ref(x, size, strides, padding, kind):
    n, h, w, c = x.shape
    if padding == "valid":
        pads = (0, 0, 0, 0)
    else:
        pads = same_pads(h, size[0], strides[0], 1) + same_pads(w, size[1], strides[1], 1)
    oh = (h + pads[0] + pads[1] - size[0]) // strides[0] + 1
    ow = (w + pads[2] + pads[3] - size[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for a in range(oh):
        for b in range(ow):
            r0, s0 = a * strides[0] - pads[0], b * strides[1] - pads[2]
            window = x[:, max(r0, 0):min(r0 + size[0], h), max(s0, 0):min(s0 + size[1], w)]
            out[:, a, b] = window.max(axis=(1, 2)) if kind == "max" else window.mean(axis=(1, 2))
    return out


def dense_ref(weights, x, activation=lambda v: v):
    kernel, *bias = weights
    return activation(x @ kernel + (bias[0] if bias else 0))


def relu(v):
    return np.maximum(v, 0)


def _with_bias(y, weights):
    return y + weights[1] if len(weights) > 1 else y


def normalize_ref(x, mean, variance, gamma, beta, epsilon):
    y = (x - mean) / np.sqrt(variance + epsilon)
    return y * (1 if gamma is None else gamma) + (0 if beta is None else beta)


def batchnorm_ref(weights, x, training, axis=-1, epsilon=1e-3):
    gamma, beta, moving_mean, moving_variance = weights
    axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    if training:
        mean, variance = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    else:
        mean, variance = moving_mean.reshape(shape), moving_variance.reshape(shape)
    return normalize_ref(x, mean, variance, gamma.reshape(shape), beta.reshape(shape), epsilon)


def layernorm_ref(weights, x, axes=(-1,), epsilon=1e-3, center=True, scale=True):
    axes = tuple(a % x.ndim for a in axes)
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    weights = list(weights)
    gamma = weights.pop(0).reshape(shape) if scale else None
    beta = weights.pop(0).reshape(shape) if center else None
    mean, variance = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return normalize_ref(x, mean, variance, gamma, beta, epsilon)


# --- the table ------------------------------------------------------------------------------------

L = lambda tf: tf.keras.layers  # noqa: E731  (short for the factories below)

CASES = [
    Case("Dense", lambda tf: L(tf).Dense(4), [(3, 5)], (3, 4), 24, lambda w, x: dense_ref(w, x)),
    Case("Dense[rank3,relu]", lambda tf: L(tf).Dense(3, "relu"), [(2, 3, 5)], (2, 3, 3), 18,
         lambda w, x: dense_ref(w, x, relu)),
    Case("Conv2D[valid]", lambda tf: L(tf).Conv2D(4, 3), [(2, 7, 5, 3)], (2, 5, 3, 4), 112,
         lambda w, x: _with_bias(conv2d_ref(x, w[0]), w)),
    Case("Conv2D[same,stride2,3x2]", lambda tf: L(tf).Conv2D(5, (3, 2), strides=2, padding="SAME"),
         [(1, 9, 7, 3)], (1, 5, 4, 5), 95,
         lambda w, x: _with_bias(conv2d_ref(x, w[0], (2, 2), "same"), w)),
    Case("Conv2D[dilation2,same,relu,nobias]",
         lambda tf: L(tf).Conv2D(3, 3, padding="same", dilation_rate=2, activation="relu", use_bias=False),
         [(2, 8, 6, 2)], (2, 8, 6, 3), 54, lambda w, x: relu(conv2d_ref(x, w[0], padding="same", dilation=(2, 2)))),
    Case("Conv2D[groups3,stride(1,2)]", lambda tf: L(tf).Conv2D(6, 3, strides=(1, 2), groups=3),
         [(2, 5, 7, 3)], (2, 3, 3, 6), 60,
         lambda w, x: _with_bias(conv2d_ref(x, w[0], (1, 2), groups=3), w)),
    Case("Conv2D[1x1]", lambda tf: L(tf).Conv2D(1, 1), [(3, 1, 1, 257)], (3, 1, 1, 1), 258,
         lambda w, x: _with_bias(conv2d_ref(x, w[0]), w)),
    Case("Conv1D[valid]", lambda tf: L(tf).Conv1D(4, 3), [(2, 11, 3)], (2, 9, 4), 40,
         lambda w, x: _with_bias(conv1d_ref(x, w[0]), w)),
    Case("Conv1D[causal,dilation2]", lambda tf: L(tf).Conv1D(2, 3, padding="causal", dilation_rate=2),
         [(2, 11, 3)], (2, 11, 2), 20, lambda w, x: _with_bias(conv1d_ref(x, w[0], 1, "causal", 2), w)),
    Case("Conv1D[same,stride2,groups2]", lambda tf: L(tf).Conv1D(4, 4, strides=2, padding="same", groups=2),
         [(1, 9, 4)], (1, 5, 4), 36, lambda w, x: _with_bias(conv1d_ref(x, w[0], 2, "same", groups=2), w)),
    Case("Conv2DTranspose[valid,stride2]", lambda tf: L(tf).Conv2DTranspose(2, 3, strides=2),
         [(1, 4, 5, 3)], (1, 9, 11, 2), 56,
         lambda w, x: _with_bias(conv2d_transpose_ref(x, w[0], (9, 11), (2, 2)), w)),
    Case("Conv2DTranspose[same,stride2]", lambda tf: L(tf).Conv2DTranspose(3, 3, strides=2, padding="same"),
         [(2, 3, 4, 2)], (2, 6, 8, 3), 57,
         lambda w, x: _with_bias(conv2d_transpose_ref(x, w[0], (6, 8), (2, 2), "same"), w)),
    Case("Conv2DTranspose[valid,output_padding1]",
         lambda tf: L(tf).Conv2DTranspose(2, 3, strides=2, output_padding=1), [(1, 4, 3, 2)], (1, 10, 8, 2), 38,
         lambda w, x: _with_bias(conv2d_transpose_ref(x, w[0], (10, 8), (2, 2)), w)),
    Case("Conv2DTranspose[kernel2<stride3]", lambda tf: L(tf).Conv2DTranspose(1, 2, strides=3),
         [(1, 3, 2, 1)], (1, 9, 6, 1), 5, lambda w, x: _with_bias(conv2d_transpose_ref(x, w[0], (9, 6), (3, 3)), w)),
    Case("DepthwiseConv2D[same,multiplier2]", lambda tf: L(tf).DepthwiseConv2D(3, padding="same", depth_multiplier=2),
         [(2, 6, 5, 3)], (2, 6, 5, 6), 60,
         lambda w, x: _with_bias(conv2d_ref(x, w[0].reshape(3, 3, 1, 6), padding="same", groups=3), w)),
    Case("DepthwiseConv2D[valid,stride2]", lambda tf: L(tf).DepthwiseConv2D((2, 3), strides=2, use_bias=False),
         [(1, 7, 8, 2)], (1, 3, 3, 2), 12,
         lambda w, x: conv2d_ref(x, w[0].reshape(2, 3, 1, 2), (2, 2), groups=2)),
    Case("MaxPooling2D", lambda tf: L(tf).MaxPooling2D(), [(2, 7, 5, 3)], (2, 3, 2, 3), 0,
         lambda w, x: pool_ref(x, (2, 2), (2, 2), "valid", "max")),
    Case("MaxPooling2D[3,stride2,same]", lambda tf: L(tf).MaxPooling2D(3, strides=2, padding="same"),
         [(2, 7, 5, 3)], (2, 4, 3, 3), 0, lambda w, x: pool_ref(x, (3, 3), (2, 2), "same", "max")),
    Case("AveragePooling2D", lambda tf: L(tf).AveragePooling2D((2, 3)), [(1, 5, 7, 2)], (1, 2, 2, 2), 0,
         lambda w, x: pool_ref(x, (2, 3), (2, 3), "valid", "avg")),
    Case("AveragePooling2D[3,stride1,same]", lambda tf: L(tf).AveragePooling2D(3, strides=1, padding="same"),
         [(2, 5, 4, 3)], (2, 5, 4, 3), 0, lambda w, x: pool_ref(x, (3, 3), (1, 1), "same", "avg")),
    Case("GlobalAveragePooling2D", lambda tf: L(tf).GlobalAveragePooling2D(), [(2, 5, 3, 4)], (2, 4), 0,
         lambda w, x: x.mean(axis=(1, 2))),
    Case("GlobalMaxPooling2D[keepdims]", lambda tf: L(tf).GlobalMaxPooling2D(keepdims=True), [(3, 4, 5, 2)],
         (3, 1, 1, 2), 0, lambda w, x: x.max(axis=(1, 2), keepdims=True)),
    Case("BatchNormalization[inference]", lambda tf: L(tf).BatchNormalization(), [(5, 3)], (5, 3), 12,
         lambda w, x: batchnorm_ref(w, x, False)),
    Case("BatchNormalization[training]", lambda tf: L(tf).BatchNormalization(), [(4, 3, 5)], (4, 3, 5), 20,
         lambda w, x: batchnorm_ref(w, x, True), training=True),
    Case("BatchNormalization[training,NHWC]", lambda tf: L(tf).BatchNormalization(epsilon=0.01), [(2, 3, 3, 4)],
         (2, 3, 3, 4), 16, lambda w, x: batchnorm_ref(w, x, True, epsilon=0.01), training=True),
    Case("BatchNormalization[axis1,inference]", lambda tf: L(tf).BatchNormalization(axis=1), [(3, 4, 5)],
         (3, 4, 5), 16, lambda w, x: batchnorm_ref(w, x, False, axis=1)),
    Case("LayerNormalization", lambda tf: L(tf).LayerNormalization(), [(3, 7)], (3, 7), 14,
         lambda w, x: layernorm_ref(w, x)),
    Case("LayerNormalization[axes12]", lambda tf: L(tf).LayerNormalization(axis=[1, 2], epsilon=1e-5),
         [(2, 3, 5)], (2, 3, 5), 30, lambda w, x: layernorm_ref(w, x, (1, 2), 1e-5)),
    Case("LayerNormalization[no center]", lambda tf: L(tf).LayerNormalization(center=False), [(2, 3, 5)],
         (2, 3, 5), 5, lambda w, x: layernorm_ref(w, x, center=False)),
    Case("Embedding", lambda tf: L(tf).Embedding(11, 5), [(3, 4)], (3, 4, 5), 55, lambda w, ids: w[0][ids], ids=11),
    Case("Embedding[1d,257 rows]", lambda tf: L(tf).Embedding(257, 3), [(7,)], (7, 3), 771,
         lambda w, ids: w[0][ids], ids=257),
    Case("LeakyReLU", lambda tf: L(tf).LeakyReLU(), [(3, 7)], (3, 7), 0, lambda w, x: np.where(x > 0, x, 0.3 * x)),
    Case("LeakyReLU[alpha0.1]", lambda tf: L(tf).LeakyReLU(alpha=0.1), [(2, 3, 5)], (2, 3, 5), 0,
         lambda w, x: np.where(x > 0, x, 0.1 * x)),
    Case("Rescaling", lambda tf: L(tf).Rescaling(1 / 255, offset=0.5), [(2, 5)], (2, 5), 0,
         lambda w, x: x / 255 + 0.5),
    Case("Rescaling[int pixels]", lambda tf: L(tf).Rescaling(1 / 255), [(2, 3, 3, 1)], (2, 3, 3, 1), 0,
         lambda w, x: x / 255, ids=256),
    Case("Add", lambda tf: L(tf).Add(), [(2, 3), (2, 3), (2, 3)], (2, 3), 0, lambda w, a, b, c: a + b + c, merge=True),
    Case("Add[broadcast]", lambda tf: L(tf).Add(), [(2, 3, 4), (2, 1, 4)], (2, 3, 4), 0, lambda w, a, b: a + b,
         merge=True),
    Case("Subtract", lambda tf: L(tf).Subtract(), [(3, 5), (3, 5)], (3, 5), 0, lambda w, a, b: a - b, merge=True),
    Case("Multiply", lambda tf: L(tf).Multiply(), [(2, 5), (2, 5)], (2, 5), 0, lambda w, a, b: a * b, merge=True),
    Case("Average", lambda tf: L(tf).Average(), [(2, 5), (2, 5), (2, 5)], (2, 5), 0,
         lambda w, a, b, c: (a + b + c) / 3, merge=True),
    Case("Maximum", lambda tf: L(tf).Maximum(), [(4, 3), (4, 3)], (4, 3), 0, lambda w, a, b: np.maximum(a, b),
         merge=True),
    Case("Minimum", lambda tf: L(tf).Minimum(), [(4, 3), (4, 3)], (4, 3), 0, lambda w, a, b: np.minimum(a, b),
         merge=True),
    Case("Concatenate", lambda tf: L(tf).Concatenate(), [(2, 3), (2, 4), (2, 1)], (2, 8), 0,
         lambda w, *xs: np.concatenate(xs, -1), merge=True),
    Case("Concatenate[axis1]", lambda tf: L(tf).Concatenate(axis=1), [(2, 3, 4), (2, 1, 4)], (2, 4, 4), 0,
         lambda w, *xs: np.concatenate(xs, 1), merge=True),
    Case("Flatten", lambda tf: L(tf).Flatten(), [(2, 3, 4, 1)], (2, 12), 0, lambda w, x: x.reshape(2, -1)),
]
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


# --- checks ----------------------------------------------------------------------------------------


def inputs_for(case, seed=0):
    rng = np.random.default_rng(seed)
    if case.ids:
        return [rng.integers(0, case.ids, size=s).astype(np.int32) for s in case.inputs]
    return [rng.normal(size=s).astype(np.float32) for s in case.inputs]


def _random_weights(layer, seed):
    """Random values for every weight (variances kept positive), so that bias, beta and the
    moving statistics all matter in the reference."""
    rng = np.random.default_rng(seed + 100)
    values = []
    for w in layer.weights:
        shape = tuple(w.shape)
        name = w.name.rsplit("/", 1)[-1]
        values.append(rng.uniform(0.5, 1.5, shape) if "variance" in name else rng.normal(0, 0.5, shape))
    return [v.astype(np.float32) for v in values]


def _call(tf, layer, case, arrays):
    xs = [tf.constant(a) for a in arrays]
    return layer(xs if case.merge else xs[0], training=case.training)


def built(tf, case, seed=0):
    """(layer, input arrays): the layer built by one call, with random weights set."""
    arrays = inputs_for(case, seed)
    layer = case.make(tf)
    _call(tf, layer, case, arrays)
    layer.set_weights(_random_weights(layer, seed))
    return layer, arrays


def _compare(got, expected, case, what=""):
    expected = np.asarray(expected, np.float64)
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    np.testing.assert_allclose(got, expected, rtol=case.tol, atol=case.tol * scale, err_msg=f"{case.id} {what}")


def check_values(tf, case, seed=0):
    layer, arrays = built(tf, case, seed)
    weights = [w.astype(np.float64) for w in layer.get_weights()]
    y = _call(tf, layer, case, arrays)
    assert tuple(y.shape) == case.output, f"{case.id}: output shape {tuple(y.shape)} != {case.output}"
    assert layer.count_params() == case.params, f"{case.id}: count_params {layer.count_params()} != {case.params}"
    expected = case.ref(weights, *[a if case.ids else a.astype(np.float64) for a in arrays])
    assert expected.shape == case.output, f"{case.id}: the reference gives shape {expected.shape}"
    _compare(y.numpy(), expected, case)


def _listify(value):
    """A config as JSON would give it back (tuples become lists)."""
    return json.loads(json.dumps(value))


def check_config(tf, case, seed=0):
    """from_config(get_config()) -- directly, through JSON and through serialize -- gives a layer
    with the same config that, given the same weights, computes the same outputs."""
    layer, arrays = built(tf, case, seed)
    config = layer.get_config()
    expected = _call(tf, layer, case, arrays).numpy()
    s = tf.keras.layers.serialize(layer)
    assert s == {"class_name": type(layer).__name__, "config": config}
    clones = [type(layer).from_config(config), type(layer).from_config(_listify(config)),
              tf.keras.layers.deserialize(_listify(s))]
    for how, clone in zip(["from_config", "JSON", "deserialize"], clones):
        assert type(clone) is type(layer), f"{case.id} {how}: {type(clone).__name__}"
        assert _listify(clone.get_config()) == _listify(config), f"{case.id} {how}: config differs"
        _call(tf, clone, case, arrays)
        assert clone.count_params() == case.params
        clone.set_weights(layer.get_weights())
        _compare(_call(tf, clone, case, arrays).numpy(), expected, case, how)


def check_gradient(tf, case, seed=0, eps=1e-5, directions=2):
    """Every trainable weight (and every float input) gets a gradient from GradientTape that
    matches central differences of the float64 reference along random directions."""
    layer, arrays = built(tf, case, seed)
    rng = np.random.default_rng(seed + 7)
    projection = rng.normal(size=case.output)
    xs = [tf.constant(a) for a in arrays]
    trainable = layer.trainable_weights
    float_inputs = [] if case.ids else xs
    with tf.GradientTape() as tape:
        for x in float_inputs:
            tape.watch(x)
        y = layer(xs if case.merge else xs[0], training=case.training)
        loss = tf.reduce_sum(y * tf.constant(projection.astype(np.float32)))
    grads = tape.gradient(loss, trainable + float_inputs)

    weights = [w.astype(np.float64) for w in layer.get_weights()]
    inputs = [a if case.ids else a.astype(np.float64) for a in arrays]
    index = {id(w): i for i, w in enumerate(layer.weights)}
    targets = [("weight", w.name, index[id(w)]) for w in trainable] + [("input", f"input {i}", i)
                                                                       for i in range(len(float_inputs))]

    def objective(ws, xs_):
        return float(np.sum(case.ref(ws, *xs_) * projection))

    for (kind, name, i), g in zip(targets, grads):
        assert g is not None, f"{case.id}: no gradient for {name}"
        g = g.numpy().astype(np.float64)
        base = weights[i] if kind == "weight" else inputs[i]
        assert g.shape == base.shape, f"{case.id}: gradient of {name} has shape {g.shape}, not {base.shape}"
        assert np.all(np.isfinite(g)), f"{case.id}: gradient of {name} is not finite"
        assert np.abs(g).max() > 0, f"{case.id}: gradient of {name} is all zeros"
        for _ in range(directions):
            d = rng.normal(size=base.shape)
            plus_w, minus_w, plus_x, minus_x = list(weights), list(weights), list(inputs), list(inputs)
            (plus_w if kind == "weight" else plus_x)[i] = base + eps * d
            (minus_w if kind == "weight" else minus_x)[i] = base - eps * d
            numeric = (objective(plus_w, plus_x) - objective(minus_w, minus_x)) / (2 * eps)
            analytic = float(np.sum(g * d))
            bound = 5e-4 * np.linalg.norm(g) * np.linalg.norm(d) + 1e-4
            assert abs(analytic - numeric) <= bound, (
                f"{case.id}: d(loss)/d({name}) along a random direction: tape {analytic:.6g}, "
                f"finite differences {numeric:.6g}")


def grad_cases():
    """Cases with something to differentiate: a trainable weight or a float input."""
    return [case for case in CASES if not case.ids or case.params]


# --- special checks ---------------------------------------------------------------------------------


def check_batchnorm_statistics(tf, seed=0):
    """Training uses the batch's statistics and moves the moving ones by (1 - momentum);
    inference uses the moving ones and changes nothing; a frozen layer never updates."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(6, 5, 3)) * [1.0, 2.0, 0.5] + [2.0, -1.0, 0.0]).astype(np.float32)
    layer = tf.keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer(tf.constant(x))  # build
    gamma, beta = rng.normal(size=3).astype(np.float32), rng.normal(size=3).astype(np.float32)
    mm0, mv0 = rng.normal(size=3).astype(np.float32), rng.uniform(0.5, 2, 3).astype(np.float32)
    layer.set_weights([gamma, beta, mm0, mv0])
    assert [w.name.rsplit("/", 1)[-1] for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert len(layer.trainable_weights) == 2

    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(0, 1)), x64.var(axis=(0, 1))
    y = layer(tf.constant(x), training=True).numpy()
    np.testing.assert_allclose(y, (x64 - mean) / np.sqrt(var + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-4)
    mm1, mv1 = 0.9 * mm0 + 0.1 * mean, 0.9 * mv0 + 0.1 * var
    np.testing.assert_allclose(layer.moving_mean.numpy(), mm1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), mv1, rtol=1e-5, atol=1e-5)

    for training in (False, None):
        y = layer(tf.constant(x), training=training).numpy()
        np.testing.assert_allclose(y, (x64 - mm1) / np.sqrt(mv1 + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(layer.moving_mean.numpy(), mm1, rtol=1e-5, atol=1e-5)

    layer.trainable = False  # a frozen BatchNormalization runs in inference mode, as in Keras
    y = layer(tf.constant(x), training=True).numpy()
    np.testing.assert_allclose(y, (x64 - mm1) / np.sqrt(mv1 + 1e-3) * gamma + beta, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_variance.numpy(), mv1, rtol=1e-5, atol=1e-5)


def check_batchnorm_in_fit(tf, seed=0):
    """One train_on_batch step: gamma and beta move by the optimizer, the moving statistics by
    the momentum rule from the batch the model saw, and only gamma/beta are trainable."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(8, 4)) * 3 + 1).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    bn = tf.keras.layers.BatchNormalization(momentum=0.5)
    dense = tf.keras.layers.Dense(1)
    model = tf.keras.Sequential([tf.keras.Input((4,)), bn, dense])
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    assert bn.moving_mean.numpy().tolist() == [0.0] * 4  # building ran in inference mode: no update
    gamma0 = bn.gamma.numpy().copy()
    model.train_on_batch(x, y)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x64.mean(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + 0.5 * x64.var(0), rtol=1e-5, atol=1e-5)
    assert not np.allclose(bn.gamma.numpy(), gamma0), "gamma did not train"
    assert {id(w) for w in model.trainable_weights} == {id(bn.gamma), id(bn.beta), id(dense.kernel), id(dense.bias)}
    # evaluate runs in inference mode: the moving statistics stay
    model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x64.mean(0), rtol=1e-5, atol=1e-5)


def check_regularizers(tf, seed=0):
    """layer.losses: the penalties of the current weights; model.losses gathers the layers';
    the training loss adds them, and so does its gradient."""
    rng = np.random.default_rng(seed)
    regs = tf.keras.regularizers
    dense = tf.keras.layers.Dense(3, kernel_regularizer=regs.L2(0.5), bias_regularizer="l1")
    conv = tf.keras.layers.Conv2D(2, 3, kernel_regularizer=regs.L1L2(l1=0.1, l2=0.2))
    embed = tf.keras.layers.Embedding(7, 2, embeddings_regularizer=regs.L1(0.3))
    dense(tf.zeros([1, 4]))
    conv(tf.zeros([1, 5, 5, 2]))
    embed(tf.constant([[1, 2]]))
    dense.set_weights([rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)])
    k, b = dense.get_weights()
    assert len(dense.losses) == 2
    np.testing.assert_allclose([float(p) for p in dense.losses], [0.5 * np.sum(k ** 2), 0.01 * np.sum(np.abs(b))],
                               rtol=1e-5)
    ck = conv.get_weights()[0]
    np.testing.assert_allclose(float(conv.losses[0]), 0.1 * np.abs(ck).sum() + 0.2 * (ck ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(float(embed.losses[0]), 0.3 * np.abs(embed.get_weights()[0]).sum(), rtol=1e-5)
    dense.kernel.assign(np.zeros((4, 3), np.float32))  # computed from the current weights
    assert float(dense.losses[0]) == 0.0

    x = rng.normal(size=(5, 4)).astype(np.float32)
    y = rng.normal(size=(5, 1)).astype(np.float32)
    hidden = tf.keras.layers.Dense(3, kernel_regularizer=regs.L2(0.25))
    out = tf.keras.layers.Dense(1)
    model = tf.keras.Sequential([tf.keras.Input((4,)), hidden, out])
    assert len(model.losses) == 1
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    w0, b0, v0, c0 = [w.astype(np.float64) for w in model.get_weights()]
    loss = model.train_on_batch(x, y)
    h = x @ w0 + b0
    err = h @ v0 + c0 - y
    mse = np.mean(err ** 2)
    np.testing.assert_allclose(loss, mse + 0.25 * np.sum(w0 ** 2), rtol=1e-4)
    grad_w = x.T @ ((2 * err / err.size) @ v0.T) + 0.5 * w0  # the penalty's gradient 2 * 0.25 * w
    np.testing.assert_allclose(model.get_weights()[0], w0 - 0.1 * grad_w, rtol=1e-4, atol=1e-5)


SPECIAL = {"batchnorm_statistics": check_batchnorm_statistics, "batchnorm_in_fit": check_batchnorm_in_fit,
           "regularizers": check_regularizers}
