"""tf.keras layers on the NumPy backend: the shared layer table (tests/layer_suite.py), plus
argument errors, regularizers and serialization."""

import json

import numpy as np
import pytest

import webflow as tf
from webflow import backends
from layer_suite import CASES, SPECIAL, check_config, check_gradient, check_values, grad_cases

layers = tf.keras.layers


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_values(case):
    check_values(tf, case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_config_round_trip(case):
    check_config(tf, case)


@pytest.mark.parametrize("case", grad_cases(), ids=[c.id for c in grad_cases()])
def test_gradient(case):
    check_gradient(tf, case)


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special(name):
    SPECIAL[name](tf)


def test_every_layer_class_has_a_row():
    """Each class deserialize knows (but InputLayer) has a row in the layer table."""
    tested = {type(case.make(tf)).__name__ for case in CASES}
    missing = {cls.__name__ for cls in layers.LAYER_CLASSES.values()} - tested - {
        "InputLayer", "Activation", "ReLU", "Softmax", "Reshape", "Dropout"}  # covered in test_keras.py
    assert not missing, f"layers without rows in tests/layer_suite.py: {sorted(missing)}"


# --- bad input: a clear error naming the layer, before any kernel runs ---------------------------


class CountingBackend(backends.NumpyBackend):
    """Counts kernel calls (not uploads or fills), to prove errors come before dispatch."""

    kernels = 0

    def __getattribute__(self, name):
        if name in backends.NumpyBackend.__dict__ and name not in ("from_numpy", "to_numpy", "fill", "memory", "name"):
            type(self).kernels += 1
        return super().__getattribute__(name)


def _built(layer, shape, dtype="float32"):
    layer(tf.zeros(shape, dtype))
    return layer


ERRORS = [
    # wrong rank, named with the layer and the shape received
    (lambda: layers.Conv2D(4, 3, name="c")(tf.zeros([28, 28, 1])), ValueError,
     r"c: Conv2D expects inputs of rank 4 \(batch, height, width, channels\); received shape \(28, 28, 1\)"),
    (lambda: layers.Conv1D(4, 3, name="c1")(tf.zeros([5, 3])), ValueError,
     r"c1: Conv1D expects inputs of rank 3 \(batch, steps, channels\); received shape \(5, 3\)"),
    (lambda: layers.MaxPooling2D(name="p")(tf.zeros([2, 8, 8])), ValueError,
     r"p: MaxPooling2D expects inputs of rank 4 .*received shape \(2, 8, 8\)"),
    (lambda: layers.AveragePooling2D(name="a")(tf.zeros([1, 2, 8, 8, 1])), ValueError,
     r"a: AveragePooling2D expects inputs of rank 4 .*received shape \(1, 2, 8, 8, 1\)"),
    (lambda: layers.GlobalAveragePooling2D(name="g")(tf.zeros([2, 8])), ValueError,
     r"g: GlobalAveragePooling2D expects inputs of rank 4 .*received shape \(2, 8\)"),
    (lambda: layers.DepthwiseConv2D(3, name="dw")(tf.zeros([8, 8, 3])), ValueError,
     r"dw: DepthwiseConv2D expects inputs of rank 4 .*received shape \(8, 8, 3\)"),
    # called again with other channels than it was built for
    (lambda: _built(layers.Conv2D(4, 3, name="c"), [1, 8, 8, 3])(tf.zeros([1, 8, 8, 5])), ValueError,
     r"c: Conv2D was built for inputs with 3 channels on the last axis; received shape \(1, 8, 8, 5\)"),
    (lambda: _built(layers.Conv2DTranspose(4, 3, name="t"), [1, 4, 4, 2])(tf.zeros([1, 4, 4, 1])), ValueError,
     r"t: Conv2DTranspose was built for inputs with 2 channels.*received shape \(1, 4, 4, 1\)"),
    (lambda: _built(layers.DepthwiseConv2D(3, name="dw"), [1, 8, 8, 3])(tf.zeros([1, 8, 8, 4])), ValueError,
     r"dw: DepthwiseConv2D was built for inputs with 3 channels"),
    (lambda: _built(layers.BatchNormalization(name="bn"), [2, 3])(tf.zeros([2, 4])), ValueError,
     r"bn: BatchNormalization was built for inputs of rank 2 with sizes \(3,\) on axes \[1\]; received shape \(2, 4\)"),
    (lambda: _built(layers.LayerNormalization(name="ln"), [2, 3])(tf.zeros([2, 3, 1])), ValueError,
     r"ln: LayerNormalization was built for inputs of rank 2 .*received shape \(2, 3, 1\)"),
    # bad arguments
    (lambda: layers.Conv2D(4, 3, padding="full"), ValueError, r"Conv2D: padding must be one of 'valid', 'same'; received 'full'"),
    (lambda: layers.MaxPooling2D(padding="causal"), ValueError, r"MaxPooling2D: padding must be one of 'valid', 'same'; received 'causal'"),
    (lambda: layers.Conv1D(4, 3, padding="zero"), ValueError, r"Conv1D: padding must be one of 'valid', 'same', 'causal'; received 'zero'"),
    (lambda: layers.Conv2D(4, 3, data_format="channels_first"), ValueError,
     r"Conv2D: only data_format='channels_last' \(NHWC\) is supported; received 'channels_first'"),
    (lambda: layers.GlobalMaxPooling2D(data_format="channels_first"), ValueError, r"GlobalMaxPooling2D: only data_format='channels_last'"),
    (lambda: layers.Conv2D(0, 3), ValueError, r"Conv2D: filters must be a positive integer; received 0"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), ValueError, r"Conv2D: kernel_size must be a positive int or a tuple of 2 positive ints; received \(3, 3, 3\)"),
    (lambda: layers.Conv2D(4, 3, strides="2"), ValueError, r"Conv2D: strides must be a positive int or a tuple of 2"),
    (lambda: layers.Conv2D(4, "x"), TypeError, r"Conv2D: kernel_size must be an int or a tuple of 2 ints; received 'x'"),
    (lambda: layers.Conv2D(4, 3, groups=3), ValueError, r"Conv2D: filters must be divisible by groups; received filters=4, groups=3"),
    (lambda: layers.Conv2D(6, 3, groups=3)(tf.zeros([1, 5, 5, 4])), ValueError,
     r"conv2d.*: the input's channels must be divisible by groups=3; received shape \(1, 5, 5, 4\)"),
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2), ValueError,
     r"Conv2DTranspose: output_padding must be .* in \[0, stride\) for strides=\(2, 2\); received 2"),
    (lambda: layers.MaxPooling2D(pool_size=0), ValueError, r"MaxPooling2D: pool_size must be a positive int"),
    (lambda: layers.BatchNormalization(momentum=1.5), ValueError, r"BatchNormalization: momentum must be in \[0, 1\]; received 1.5"),
    (lambda: layers.BatchNormalization(axis=3)(tf.zeros([2, 3])), ValueError, r"batch_normalization.*: axis 3 is out of range for inputs of rank 2"),
    (lambda: layers.BatchNormalization(axis=0)(tf.zeros([2, 3])), ValueError, r"batch_normalization.*: axis 0 names the batch axis"),
    (lambda: layers.Embedding(0, 4), ValueError, r"Embedding: input_dim must be a positive integer; received 0"),
    (lambda: layers.Embedding(10, 4, mask_zero=True), ValueError, r"Embedding: mask_zero=True is not supported"),
    (lambda: layers.LeakyReLU(negative_slope=-1), ValueError, r"LeakyReLU: negative_slope must be a non-negative number; received -1"),
    (lambda: layers.Rescaling("1/255"), TypeError, r"Rescaling: scale must be a number; received '1/255'"),
    (lambda: layers.Concatenate(axis="last"), TypeError, r"Concatenate: axis must be an int; received 'last'"),
    # merging
    (lambda: layers.Add(name="add")(tf.zeros([2, 3])), ValueError,
     r"add: Add must be called on a list of tensors; received one input of shape \(2, 3\)"),
    (lambda: layers.Add(name="add")([tf.zeros([2, 3]), tf.zeros([2, 4])]), ValueError,
     r"add: Add needs inputs of the same shape \(or broadcastable\); received shapes \[\(2, 3\), \(2, 4\)\]"),
    (lambda: layers.Subtract(name="sub")([tf.zeros([2, 3])] * 3), ValueError, r"sub: Subtract needs exactly 2 inputs; received 3"),
    (lambda: layers.Concatenate(name="cat")([tf.zeros([2, 3]), tf.zeros([3, 3])]), ValueError,
     r"cat: Concatenate needs inputs whose shapes match except on axis -1; received shapes \[\(2, 3\), \(3, 3\)\]"),
    (lambda: layers.Concatenate(axis=2, name="cat")([tf.zeros([2, 3]), tf.zeros([2, 3])]), ValueError,
     r"cat: Concatenate needs inputs of one rank with axis=2 inside it"),
    # regularizers
    (lambda: tf.keras.regularizers.get("l3"), ValueError, r"regularizers.get: unknown regularizer 'l3'; expected one of"),
    (lambda: tf.keras.regularizers.L2(-0.1), ValueError, r"L2: l2 must be a non-negative number; received -0.1"),
    (lambda: tf.keras.regularizers.L1("a"), TypeError, r"L1: l1 must be a number; received 'a'"),
    (lambda: layers.Dense(3, kernel_regularizer=5), TypeError, r"regularizers.get: expected None, a name, a dict or a callable; received int"),
    # serialization
    (lambda: layers.deserialize({"class_name": "Conv3D", "config": {}}), ValueError,
     r"layers.deserialize: unknown layer class 'Conv3D'; expected one of"),
    (lambda: layers.deserialize({"config": {}}), ValueError, r"layers.deserialize: expected \{\"class_name\""),
    (lambda: layers.serialize("dense"), TypeError, r"layers.serialize: expected a Layer; received str"),
]


@pytest.mark.parametrize("call,error,message", ERRORS, ids=[m[:50] for _, _, m in ERRORS])
def test_bad_input_raises_before_dispatch(call, error, message, monkeypatch):
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    try:
        with pytest.raises(error, match=message):
            call()
    finally:
        kernels = CountingBackend.kernels
    # NOTE: _built(...) runs the layer once on purpose before the bad call; only that may dispatch.
    if "_built" not in call.__code__.co_names:
        assert kernels == 0, "a kernel ran before the error"


def test_channel_mismatch_raises_before_dispatch(monkeypatch):
    layer = _built(layers.Conv2D(4, 3, name="c"), [1, 8, 8, 3])
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    x = tf.zeros([1, 8, 8, 5])
    CountingBackend.kernels = 0
    with pytest.raises(ValueError, match="c: Conv2D was built for inputs with 3 channels"):
        layer(x)
    assert CountingBackend.kernels == 0


def test_embedding_ids_out_of_range_name_the_layer_and_run_no_lookup(monkeypatch):
    layer = layers.Embedding(10, 4, name="words")
    layer(tf.constant([[0]]))
    ids = tf.constant([[1, 2], [10, 3]])
    monkeypatch.setattr(backends, "_active", CountingBackend())
    CountingBackend.kernels = 0
    with pytest.raises(ValueError, match=r"words: Embedding ids must be in \[0, input_dim=10\); "
                                         r"embedding_lookup: indices\[1, 0\] = 10 is not in \[0, 10\)"):
        layer(ids)
    assert CountingBackend.kernels == 0
    with pytest.raises(ValueError, match=r"indices\[0\] = -1"):
        layer(np.array([-1, 0]))


# --- behaviour beyond the table ------------------------------------------------------------------


def test_keras_default_names_and_arguments():
    assert layers.Conv2D(2, 3).name.startswith("conv2d")
    assert layers.BatchNormalization().name.startswith("batch_normalization")
    assert layers.GlobalAveragePooling2D().name.startswith("global_average_pooling2d")
    assert layers.LeakyReLU().name.startswith("leaky_re_lu")
    conv = layers.Conv2D(8, 5, padding="Same")
    assert (conv.kernel_size, conv.strides, conv.padding, conv.dilation_rate) == ((5, 5), (1, 1), "same", (1, 1))
    pool = layers.MaxPooling2D((3, 2))
    assert pool.strides == (3, 2) and layers.MaxPool2D is layers.MaxPooling2D
    bn = layers.BatchNormalization()
    assert (bn.axis, bn.momentum, bn.epsilon, bn.center, bn.scale) == (-1, 0.99, 1e-3, True, True)
    assert layers.LeakyReLU().negative_slope == 0.3 and layers.LeakyReLU(alpha=0.2).negative_slope == 0.2
    emb = layers.Embedding(5, 2)
    emb(tf.constant([0]))
    assert np.abs(emb.get_weights()[0]).max() <= 0.05  # Keras's "uniform": U(-0.05, 0.05)


def test_embedding_casts_float_ids():
    layer = layers.Embedding(4, 2)
    y = layer(tf.constant([[1.0, 3.0]]))
    np.testing.assert_array_equal(y.numpy()[0], layer.get_weights()[0][[1, 3]])


def test_conv_model_summary_and_shapes():
    model = tf.keras.Sequential([
        tf.keras.Input((28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    assert [layer.output_shape for layer in model.layers] == [
        (None, 26, 26, 16), (None, 13, 13, 16), (None, 11, 11, 32), (None, 5, 5, 32), (None, 800), (None, 10)]
    assert model.count_params() == (9 * 16 + 16) + (9 * 16 * 32 + 32) + (800 * 10 + 10)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("conv2d" in line and "(None, 26, 26, 16)" in line and "160" in line for line in lines)


def test_model_losses_include_nested_layers():
    class Block(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = [layers.Dense(2, kernel_regularizer="l2"), layers.Dense(2, bias_regularizer="l1")]

        def call(self, x):
            return self.inner[1](self.inner[0](x))

    block = Block()
    block(tf.ones([1, 3]))
    assert len(block.losses) == 2
    model = tf.keras.Sequential([tf.keras.Input((3,)), block, layers.Dense(1, kernel_regularizer="l1")])
    assert len(model.losses) == 3
    expected = 0.01 * np.sum(block.inner[0].get_weights()[0] ** 2) + 0.01 * np.sum(np.abs(block.inner[1].get_weights()[1]))
    expected += 0.01 * np.sum(np.abs(model.layers[-1].get_weights()[0]))
    np.testing.assert_allclose(sum(float(p) for p in model.losses), expected, rtol=1e-5)


def test_regularizers_get_and_config():
    regs = tf.keras.regularizers
    assert isinstance(regs.get("l1"), regs.L1) and regs.get("l1").l1 == 0.01
    assert isinstance(regs.get("l1_l2"), regs.L1L2) and regs.get("L2").l2 == 0.01
    assert regs.get(None) is None
    r = regs.L1L2(l1=0.5, l2=0.25)
    assert regs.get(r) is r and r.get_config() == {"l1": 0.5, "l2": 0.25}
    again = regs.get(json.loads(json.dumps(regs.serialize(r))))
    assert type(again) is regs.L1L2 and again.get_config() == r.get_config()
    custom = regs.get(lambda w: tf.reduce_sum(w) * 0.0)
    assert callable(custom)
    np.testing.assert_allclose(float(r(tf.constant([1.0, -2.0]))), 0.5 * 3 + 0.25 * 5)


def test_deserialize_whole_sequential_config():
    model = tf.keras.Sequential([tf.keras.Input((6, 6, 2)), layers.Conv2D(3, 3, kernel_regularizer="l2"),
                                 layers.BatchNormalization(), layers.GlobalMaxPooling2D(), layers.Dense(2)])
    config = json.loads(json.dumps(model.get_config()))
    rebuilt = [layers.deserialize(entry) for entry in config["layers"]]
    assert [type(l).__name__ for l in rebuilt] == ["InputLayer", "Conv2D", "BatchNormalization",
                                                   "GlobalMaxPooling2D", "Dense"]
    clone = tf.keras.Sequential(rebuilt)
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(3, 6, 6, 2)).astype(np.float32)
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6)
    assert isinstance(rebuilt[1].kernel_regularizer, tf.keras.regularizers.L2)
