"""Optimizers against Keras's update equations (every variant, float64 NumPy references, on
scalar and matrix variables), the fused update expressions, metrics accumulated on the device,
and the sparse loss's label check."""
import math

import numpy as np
import pytest

import webflow as tf
from webflow.keras import optimizers
from webflow.keras.optimizers import X0, X1, X2

RNG = np.random.default_rng(0)
GRADS = [RNG.normal(size=(3, 5)).astype(np.float32) for _ in range(4)]
W0 = RNG.normal(size=(3, 5)).astype(np.float32)


def run(optimizer, grads=GRADS, w0=W0):
    w = tf.Variable(w0)
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), w)])
    return w.numpy()


def adam_reference(lr=0.01, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, weight_decay=0.0):
    w, m, v, v_max = W0.astype(np.float64), 0.0, 0.0, 0.0
    for t, g in enumerate(GRADS, 1):
        w = w - lr * weight_decay * w
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        v_max = np.maximum(v_max, v)
        w = w - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v_max if amsgrad else v) + eps)
    return w


def rmsprop_reference(lr=0.01, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    w, v, avg, mom = W0.astype(np.float64), 0.0, 0.0, 0.0
    for g in GRADS:
        v = rho * v + (1 - rho) * g * g
        avg = rho * avg + (1 - rho) * g
        step = lr * g / (np.sqrt(v - avg * avg if centered else v) + eps)
        mom = momentum * mom + step
        w = w - (mom if momentum else step)
    return w


def sgd_reference(lr=0.05, momentum=0.0, nesterov=False):
    w, v = W0.astype(np.float64), 0.0
    for g in GRADS:
        v = momentum * v - lr * g
        w = w + (momentum * v - lr * g if nesterov else v) if momentum else w - lr * g
    return w


def adagrad_reference(lr=0.1, initial=0.1, eps=1e-7):
    w, acc = W0.astype(np.float64), initial
    for g in GRADS:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w


CASES = [
    ("sgd", lambda: optimizers.SGD(0.05), sgd_reference()),
    ("sgd momentum", lambda: optimizers.SGD(0.05, momentum=0.9), sgd_reference(momentum=0.9)),
    ("sgd nesterov", lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True), sgd_reference(momentum=0.9, nesterov=True)),
    ("adam", lambda: optimizers.Adam(0.01), adam_reference()),
    ("adam betas", lambda: optimizers.Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=1e-3), adam_reference(0.02, 0.5, 0.9, 1e-3)),
    ("adam amsgrad", lambda: optimizers.Adam(0.01, amsgrad=True), adam_reference(amsgrad=True)),
    ("adamw", lambda: optimizers.AdamW(0.01, weight_decay=0.1), adam_reference(weight_decay=0.1)),
    ("rmsprop", lambda: optimizers.RMSprop(0.01), rmsprop_reference()),
    ("rmsprop momentum", lambda: optimizers.RMSprop(0.01, momentum=0.5), rmsprop_reference(momentum=0.5)),
    ("rmsprop centered", lambda: optimizers.RMSprop(0.01, centered=True), rmsprop_reference(centered=True)),
    ("adagrad", lambda: optimizers.Adagrad(0.1), adagrad_reference()),
]


@pytest.mark.parametrize("name, make, expected", CASES, ids=[c[0] for c in CASES])
def test_optimizer_follows_keras_equations(name, make, expected):
    np.testing.assert_allclose(run(make()), expected, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("make", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop, optimizers.Adagrad])
def test_scalar_variables_keep_their_shape(make):
    w = tf.Variable(1.5)
    make().apply_gradients([(tf.constant(0.25), w)])
    assert w.shape == () and float(w.numpy()) < 1.5


def test_schedule_gives_each_step_its_rate():
    schedule = optimizers.schedules.PiecewiseConstantDecay([1], [0.5, 0.1])
    w = run(optimizers.SGD(schedule), GRADS[:3])
    expected = W0 - 0.5 * GRADS[0] - 0.5 * GRADS[1] - 0.1 * GRADS[2]  # steps 0 and 1, then 2
    np.testing.assert_allclose(w, expected, rtol=1e-5)


def test_clipping_then_update():
    g = np.array([3.0, 4.0], np.float32)  # norm 5
    assert np.allclose(run(optimizers.SGD(1.0, clipnorm=1.0), [g], np.zeros(2, np.float32)), [-0.6, -0.8])
    assert np.allclose(run(optimizers.SGD(1.0, clipvalue=3.5), [g], np.zeros(2, np.float32)), [-3.0, -3.5])


def test_gradient_of_the_wrong_shape_is_refused():
    w = tf.Variable(np.zeros((2, 3), np.float32), name="kernel")
    with pytest.raises(ValueError, match=r"Adam.apply_gradients: a gradient must have its variable's shape; "
                                         r"received \(3, 2\) for 'kernel' of shape \(2, 3\)"):
        optimizers.Adam().apply_gradients([(tf.zeros([3, 2]), w)])


def test_fused_expressions_compose_glsl_and_evaluate_with_ops():
    expression = ("subtract", X0, ("multiply", ("divide", X1, ("add", ("sqrt", X2), 1e-7)), 0.5))
    assert optimizers._glsl(expression) == "op_subtract(x0, op_multiply(op_divide(x1, op_add(op_sqrt(x2), (1e-07))), (0.5)))"
    a, b, c = (np.array([1.0, 2.0, 3.0], np.float32), np.array([0.5, -1.0, 2.0], np.float32),
               np.array([4.0, 1.0, 0.25], np.float32))
    got = optimizers._fused(expression, tf.constant(a), tf.constant(b), tf.constant(c)).numpy()
    np.testing.assert_allclose(got, a - b / (np.sqrt(c) + 1e-7) * 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match="constants must be finite; received inf"):
        optimizers._glsl(("multiply", X0, math.inf))


# --- metrics ------------------------------------------------------------------------------------


def test_metrics_accumulate_over_batches_and_reset():
    acc = tf.keras.metrics.SparseCategoricalAccuracy()
    acc.update_state(np.array([0, 1, 2]), np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.5, 0.3, 0.2]], np.float32))
    acc.update_state(np.array([[1]]), np.array([[0.1, 0.8, 0.1]], np.float32))
    assert acc.result() == pytest.approx(3 / 4)
    acc.reset_state()
    assert acc.result() == 0.0

    mae = tf.keras.metrics.MeanAbsoluteError()
    mae.update_state(np.array([[1.0], [2.0]]), np.array([[1.5], [1.0]], np.float32))
    mae.update_state(np.array([[0.0]]), np.array([[3.0]], np.float32))
    assert mae.result() == pytest.approx((0.5 + 1.0 + 3.0) / 3)

    mean = tf.keras.metrics.Mean()
    mean.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 1.0])
    mean.update_state(tf.constant([10.0]), sample_weight=tf.constant([2.0]))
    assert mean.result() == pytest.approx((1 + 3 + 20) / 4)


@pytest.mark.parametrize("metric, y_true, y_pred, expected", [
    (tf.keras.metrics.Accuracy(), [1, 2, 3, 4], [1, 2, 0, 4], 0.75),
    (tf.keras.metrics.BinaryAccuracy(), [[1.0], [0.0], [1.0]], [[0.7], [0.6], [0.2]], 1 / 3),
    (tf.keras.metrics.CategoricalAccuracy(), [[0, 1], [1, 0]], [[0.3, 0.7], [0.4, 0.6]], 0.5),
    (tf.keras.metrics.MeanSquaredError(), [[1.0, 2.0]], [[2.0, 4.0]], 2.5),
])
def test_metric_values(metric, y_true, y_pred, expected):
    metric.reset_state()
    metric.update_state(np.asarray(y_true, np.float32), np.asarray(y_pred, np.float32))
    assert metric.result() == pytest.approx(expected)


def test_sparse_loss_refuses_labels_out_of_range():
    loss = tf.keras.losses.SparseCategoricalCrossentropy()
    probs = np.full((2, 3), 1 / 3, np.float32)
    with pytest.raises(ValueError, match=r"SparseCategoricalCrossentropy: labels must be in \[0, 3\); "
                                         r"received values in \[0, 3\]"):
        loss(np.array([0, 3]), probs)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\); received values in \[-1, 1\]"):
        loss(tf.constant([-1, 1]), probs)
    assert float(loss(np.array([0, 2], np.uint8), probs)) == pytest.approx(math.log(3), rel=1e-6)
