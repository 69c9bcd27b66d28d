"""GradientTape behaviour beyond single-op gradients (those are in test_ops)."""

import numpy as np
import pytest

import webflow as tf


def test_trainable_variables_are_watched_automatically():
    w = tf.Variable(3.0)
    frozen = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = w * w * frozen
    gw, gf = tape.gradient(y, [w, frozen])
    assert float(gw) == 12.0 and gf is None
    assert tape.watched_variables() == (w,)


def test_watch_accessed_variables_false():
    w = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = w * w
    assert tape.gradient(y, w) is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = w * w
    assert float(tape.gradient(y, w)) == 6.0


def test_unconnected_gives_none_or_zero():
    x, z = tf.constant(1.0), tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2
    assert tape.gradient(y, z) is None
    np.testing.assert_array_equal(tape.gradient(y, z, unconnected_gradients="zero").numpy(), [0.0, 0.0])


def test_gradient_twice_needs_persistent():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="only be called once.*persistent=True"):
        tape.gradient(y, x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * x
    assert float(tape.gradient(y, x)) == 4.0 and float(tape.gradient(z, x)) == 12.0


def test_nested_structure_of_sources():
    a, b, c = tf.Variable(1.0), tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        loss = a * 2 + tf.reduce_sum(b * b) + c * c
    grads = tape.gradient(loss, {"first": a, "rest": [b, (c,)]})
    assert float(grads["first"]) == 2.0
    np.testing.assert_array_equal(grads["rest"][0].numpy(), [2.0, 4.0])
    assert float(grads["rest"][1][0]) == 6.0


def test_non_scalar_target_sums_and_output_gradients():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(tape.gradient(y, x, output_gradients=[1.0, 0.0, 2.0]).numpy(), [2.0, 0.0, 12.0])
    np.testing.assert_array_equal(tape.gradient([y, x], x).numpy(), [3.0, 5.0, 7.0])


def test_stop_gradient_and_stop_recording():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stop_gradient(x * x) * x
        with tape.stop_recording():
            z = x * x
    assert float(tape.gradient(y, x)) == 9.0
    assert tape.gradient(z, x) is None


def test_second_derivative_with_nested_tapes():
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert abs(float(dy) - 12.0) < 1e-4 and abs(float(d2y) - 12.0) < 1e-4


def test_second_derivative_of_sigmoid():
    x = tf.constant([0.5, -1.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.sigmoid(x)
        dy = inner.gradient(y, x)
    s = 1 / (1 + np.exp(-np.array([0.5, -1.0])))
    np.testing.assert_allclose(outer.gradient(dy, x).numpy(), s * (1 - s) * (1 - 2 * s), rtol=1e-5)


def test_variable_used_across_assign_sums_both_reads():
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * 3.0
        v.assign(5.0)
        y = y + v * v
    assert float(tape.gradient(y, v)) == 3.0 + 10.0


def test_reduce_max_splits_ties_evenly():
    x = tf.constant([1.0, 3.0, 3.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.5, 0.5, 0.0])


def test_relu_gradient_at_zero_is_zero():
    x = tf.constant([-1.0, 0.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0, 1.0])


def test_integer_and_bool_paths_get_no_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(tf.cast(x, tf.int32), tf.float32) * x
    assert float(tape.gradient(y, x)) == 2.0  # only the direct path


def test_sigmoid_gradient_is_finite_for_large_inputs():
    x = tf.constant([-100.0, 100.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sigmoid(x)
    assert np.all(np.isfinite(tape.gradient(y, x).numpy()))


def test_softmax_is_stable_for_large_logits():
    logits = tf.constant([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(tf.nn.softmax(logits).numpy(), [0.5, 0.5, 0.0])
    assert np.all(np.isfinite(tf.nn.log_softmax(logits).numpy()[:2]))


def test_linear_regression_converges():
    tf.random.set_seed(0)
    xs = tf.random.normal([200])
    ys = 2.0 * xs - 1.0 + tf.random.normal([200], stddev=0.1)
    a, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(200):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(a * xs + b - ys))
        ga, gb = tape.gradient(loss, [a, b])
        a.assign_sub(0.1 * ga)
        b.assign_sub(0.1 * gb)
    assert abs(float(a) - 2.0) < 0.05 and abs(float(b) + 1.0) < 0.05


def test_training_step_leaves_no_reference_cycles():
    """Tensors must be freed by reference counting alone: on WebGL a tensor
    kept alive by a cycle holds its GPU texture until the collector runs."""
    import gc

    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 5.0])
    w = {"a": tf.Variable(0.0), "b": [tf.Variable(0.0)]}

    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w["a"] * x + w["b"][0] - y))
        grads = tape.gradient(loss, w)
        w["a"].assign_sub(0.1 * grads["a"])

    step()
    gc.collect()
    gc.disable()
    try:
        step()
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_custom_gradient_with_variables_and_second_order():
    v = tf.Variable(3.0)

    @tf.custom_gradient
    def scaled_square(x):
        y = v * x * x

        def grad(dy, variables=None):
            return dy * 2.0 * v * x, [dy * x * x]

        return y, grad

    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = scaled_square(x)
        dx, dv = inner.gradient(y, [x, v])
    assert float(dx) == 12.0 and float(dv) == 4.0
    assert float(outer.gradient(dx, x)) == 6.0  # grad_fn's ops were recorded by the outer tape


def test_custom_gradient_errors():
    @tf.custom_gradient
    def two_grads(x):
        return x * 2.0, lambda dy: [dy, dy]

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = two_grads(x)
    with pytest.raises(ValueError, match=r"custom_gradient: grad_fn must return one gradient per Tensor argument \(1\).*received 2"):
        tape.gradient(y, x)

    @tf.custom_gradient
    def not_a_tensor(x):
        return 1.0, lambda dy: dy

    with pytest.raises(TypeError, match=r"custom_gradient: not_a_tensor must return \(Tensor, grad_fn\); received \(float"):
        not_a_tensor(x)


def test_jacobian_matches_finite_differences():
    w = np.array([[1.0, -2.0, 0.5], [0.3, 0.0, 2.0]], np.float32)
    x = tf.constant([0.5, -1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(tf.reshape(tf.matmul(tf.constant(w), tf.reshape(x, [3, 1])), [2])) * x[:2]
    jac = tape.jacobian(y, x).numpy()

    def f(v):
        return np.tanh(w @ v) * v[:2]

    eps, v = 1e-3, x.numpy().astype(np.float64)
    numeric = np.stack([(f(v + eps * e) - f(v - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1)
    assert jac.shape == (2, 3)
    np.testing.assert_allclose(jac, numeric, rtol=1e-3, atol=1e-4)


def test_jacobian_of_nested_sources_and_unconnected():
    a, b, c = tf.constant([1.0, 2.0]), tf.Variable([[3.0]]), tf.constant(5.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        tape.watch(c)
        y = a * b[0, 0]
    jac = tape.jacobian(y, {"a": a, "b": b, "c": c})
    np.testing.assert_array_equal(jac["a"].numpy(), [[3.0, 0.0], [0.0, 3.0]])
    assert jac["b"].shape == (2, 1, 1)
    np.testing.assert_array_equal(jac["b"].numpy().reshape(2), [1.0, 2.0])
    assert jac["c"] is None


def test_batch_jacobian_per_example():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.concat([x * x, tf.reduce_sum(x, axis=1, keepdims=True)], axis=1)  # [3, 3]
    jac = tape.batch_jacobian(y, x).numpy()
    assert jac.shape == (3, 3, 2)
    for row, values in zip(jac, x.numpy()):
        np.testing.assert_array_equal(row, [[2 * values[0], 0], [0, 2 * values[1]], [1, 1]])
    with pytest.raises(ValueError, match=r"batch_jacobian: .*same batch.*target.shape=\(3, 3\), source.shape=\(2,\)"):
        tape.batch_jacobian(y, tf.constant([1.0, 2.0]))


def test_inputs_nothing_watched_flows_into_get_no_gradient_computed(monkeypatch):
    # As TF's gradients skip inputs that need none: the images under a conv and a dense layer
    # are not watched, so neither the conv's input gradient nor the dense layer's is computed.
    from webflow import backends

    backend = backends.get_backend()
    calls = []
    for name in ("matmul", "conv2d_transpose", "conv2d_backprop_filter"):
        original = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(2, 5, 5, 1)).astype(np.float32))
    w = tf.Variable(rng.normal(size=(3, 3, 1, 2)).astype(np.float32))
    d = tf.Variable(rng.normal(size=(50, 3)).astype(np.float32))

    def gradients(watch_x):
        with tf.GradientTape() as tape:
            if watch_x:
                tape.watch(x)
            y = tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME"))
            loss = tf.reduce_sum(tf.matmul(tf.reshape(y, (2, 50)), d) ** 2)
        calls.clear()
        return tape.gradient(loss, [w, d, x]), sorted(calls)

    (gw, gd, gx), made = gradients(False)
    assert gx is None and made == ["conv2d_backprop_filter", "matmul", "matmul"]
    (gw2, gd2, gx2), made = gradients(True)
    assert gx2 is not None and made == ["conv2d_backprop_filter", "conv2d_transpose", "matmul", "matmul"]
    np.testing.assert_allclose(gw.numpy(), gw2.numpy(), rtol=1e-6)
    np.testing.assert_allclose(gd.numpy(), gd2.numpy(), rtol=1e-6)
