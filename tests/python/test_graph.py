"""Graph mode on the NumPy backend: tracing, retracing, variables, the passes, the IR, Keras steps."""

import json

import numpy as np
import pytest

import webflow as tf
from webflow import backends
from webflow.graph import passes
from webflow.graph.passes import fusion, memory


def _chain(x, y):
    """Six elementwise ops on two inputs (one broadcast): one fused kernel."""
    return tf.sigmoid(tf.exp(-tf.abs(x * y + 1.0)) - y) * 3.0


def test_chain_of_six_elementwise_ops_is_one_fused_node_equal_to_eager():
    x = tf.constant(np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4))
    y = tf.constant(np.array([0.5, -1.0, 2.0, 0.0], np.float32))
    f = tf.function(_chain)
    graph = f.get_concrete_function(x, y).graph
    kernels = [n for n in graph.nodes if n.inputs]
    assert [n.op for n in kernels] == ["fused"]
    assert [op for op, _, _ in kernels[0].attrs["steps"]] == ["multiply", "add", "abs", "negative", "exp",
                                                              "subtract", "sigmoid", "multiply"]
    np.testing.assert_allclose(f(x, y).numpy(), _chain(x, y).numpy(), rtol=1e-6)
    assert fusion.glsl(kernels[0].attrs["steps"]).count("op_") == 8


def test_fused_and_unfused_graphs_give_the_same_gradients(monkeypatch):
    x = tf.constant(np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4))
    y = tf.constant(np.array([0.5, -1.0, 2.0, 0.0], np.float32))

    def gradients(x, y):
        with tf.GradientTape() as tape:
            tape.watch([x, y])
            loss = tf.reduce_sum(_chain(x, y))
        return tape.gradient(loss, [x, y])

    fused = tf.function(gradients)
    assert fused.get_concrete_function(x, y).graph.count("fused") >= 2
    monkeypatch.setattr(backends.get_backend(), "max_fused_inputs", 0, raising=False)  # no group fits: no fusion
    unfused = tf.function(gradients)
    assert unfused.get_concrete_function(x, y).graph.count("fused") == 0
    for a, b, c in zip(fused(x, y), unfused(x, y), gradients(x, y)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
        np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-6)


def test_fusion_respects_the_input_limit_and_keeps_shared_values():
    def f(a, b, c, d):
        shared = a * b
        return shared + c * d, shared  # shared is an output: computed by its reader's pass too

    args = [tf.constant(np.full(5, v, np.float32)) for v in (1.0, 2.0, 3.0, 4.0)]
    graph = tf.function(f).get_concrete_function(*args).graph
    nodes = [n for n in graph.nodes if n.inputs]
    # One kernel with two results (the output and the shared product), each an item of it.
    assert [n.op for n in nodes] == ["fused", "item", "item"] and len(nodes[0].inputs) == 4
    assert [op for op, _, _ in nodes[0].attrs["steps"]] == ["multiply", "multiply", "add"]
    assert nodes[0].attrs["outputs"] == (0, 2)
    assert graph.outputs == [nodes[2], nodes[1]]
    out, shared = tf.function(f)(*args)
    np.testing.assert_array_equal(out.numpy(), np.full(5, 14.0))
    np.testing.assert_array_equal(shared.numpy(), np.full(5, 2.0))
    limited = tf.function(lambda a, b, c, d: a * b + c * d)
    backend = backends.get_backend()
    backend.max_fused_inputs = 3
    try:
        graph = limited.get_concrete_function(*args).graph
    finally:
        del backend.max_fused_inputs
    assert all(len(n.inputs) <= 3 for n in graph.nodes)
    np.testing.assert_array_equal(limited(*args).numpy(), np.full(5, 14.0))


def test_retracing_counts():
    f = tf.function(lambda x, scale: x * scale)
    f(tf.zeros([2, 3]), 2.0)
    f(tf.ones([2, 3]), 2.0)  # same signature: no retrace
    assert f.experimental_get_tracing_count() == 1
    f(tf.ones([4, 3]), 2.0)  # a new shape: one retrace
    assert f.experimental_get_tracing_count() == 2
    f(tf.ones([4, 3]), 3.0)  # a new Python value: one more
    assert f.experimental_get_tracing_count() == 3
    f(np.ones([4, 3], np.float32), 3.0)  # an array of the same spec as a tensor
    assert f.experimental_get_tracing_count() == 3
    np.testing.assert_array_equal(f(tf.ones([4, 3]), 3.0).numpy(), np.full((4, 3), 3.0))


def test_retracing_keys_on_structure_and_python_values():
    f = tf.function(lambda x, scale=1.0, shift=0.0: x * scale + shift)
    x = tf.ones([2])
    f(x, scale=2.0, shift=1.0)
    f(x, shift=1.0, scale=2.0)  # the same keywords in another order: no retrace
    assert f.experimental_get_tracing_count() == 1
    f(x, float("nan"), 1.0)
    f(x, float("nan"), 1.0)  # a NaN is the same value as itself here
    assert f.experimental_get_tracing_count() == 2
    f(x, 0.0, 1.0)
    f(x, -0.0, 1.0)  # -0.0 is not 0.0
    f(x, 1, 1.0)  # an int is not the float 1.0
    assert f.experimental_get_tracing_count() == 5
    g = tf.function(lambda pair: pair[0] + pair[1])
    g([x, x])
    g((x, x))  # a tuple is not a list
    g({0: x, 1: x})
    assert g.experimental_get_tracing_count() == 3
    np.testing.assert_array_equal(f(x, -0.0, 1.0).numpy(), [1.0, 1.0])


def test_python_side_effects_run_once_and_tf_print_every_call(capsys):
    @tf.function
    def f(x):
        print("tracing")
        tf.print("value:", x)
        return x + 1

    for k in range(3):
        f(tf.constant(float(k)))
    assert capsys.readouterr().out.splitlines() == ["tracing", "value: 0.0", "value: 1.0", "value: 2.0"]


def test_variables_are_read_and_assigned_by_reference():
    v = tf.Variable([1.0, 2.0])
    counter = tf.Variable(0, trainable=False)

    @tf.function
    def step(x):
        v.assign_add(x)
        doubled = v * 2.0  # reads the value just assigned
        counter.assign_add(1)
        return doubled

    np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(), [6.0, 8.0])
    v.assign([0.0, 0.0])  # an eager assign between calls is seen by the next call
    np.testing.assert_array_equal(step(tf.constant([1.0, 1.0])).numpy(), [2.0, 2.0])
    assert int(counter.numpy()) == 3 and step.experimental_get_tracing_count() == 1
    assert not tf.graph.tracing.is_symbolic(v.read_value())


def test_a_training_step_with_a_tape_and_an_optimizer_is_one_graph():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    results = {}
    for mode in ("eager", "graph"):
        w, b = tf.Variable(np.zeros((3, 1), np.float32)), tf.Variable(np.zeros(1, np.float32))
        opt = tf.keras.optimizers.Adam(0.1)

        def step(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
            grads = tape.gradient(loss, [w, b])
            opt.apply_gradients(zip(grads, [w, b]))
            return loss

        run = tf.function(step) if mode == "graph" else step
        losses = [float(run(x, y)) for _ in range(50)]
        results[mode] = (losses, w.numpy(), opt.iterations)
    assert results["graph"][2] == results["eager"][2] == 50  # the step count advances on every call
    np.testing.assert_allclose(results["graph"][0], results["eager"][0], rtol=1e-5)
    np.testing.assert_allclose(results["graph"][1], results["eager"][1], rtol=1e-5)
    assert results["graph"][0][-1] < 0.05


def test_random_ops_draw_anew_on_every_call():
    f = tf.function(lambda x: tf.nn.dropout(x, 0.5) + tf.random.uniform([64]))
    a, b = f(tf.ones([64])).numpy(), f(tf.ones([64])).numpy()
    assert not np.array_equal(a, b)
    assert f.experimental_get_tracing_count() == 1


def test_input_signature():
    f = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    np.testing.assert_array_equal(f(tf.ones([2, 3])).numpy(), np.full((2, 3), 2.0))
    np.testing.assert_array_equal(f(np.ones([5, 3], np.float32)).numpy(), np.full((5, 3), 2.0))
    with pytest.raises(ValueError, match=r"argument 0 does not match the input_signature: expected "
                                         r"TensorSpec\(shape=\(None, 3\), dtype=tf.float32.*received "
                                         r"TensorSpec\(shape=\(2, 4\)"):
        f(tf.ones([2, 4]))
    with pytest.raises(ValueError, match="received TensorSpec.*tf.int32"):
        f(tf.ones([2, 3], tf.int32))
    with pytest.raises(ValueError, match="has 1 arguments; received 2"):
        f(tf.ones([2, 3]), tf.ones([2, 3]))


def test_get_concrete_function_from_specs_and_from_the_input_signature():
    # A TensorSpec stands for a tensor of its shape: the trace it makes serves later calls.
    f = tf.function(lambda x, scale: x * scale + 1.0)
    concrete = f.get_concrete_function(tf.TensorSpec([2, 3], tf.float32), 2.0)
    np.testing.assert_array_equal(concrete(np.ones([2, 3], np.float32), 2.0).numpy(), np.full((2, 3), 3.0))
    np.testing.assert_array_equal(f(tf.ones([2, 3]), 2.0).numpy(), np.full((2, 3), 3.0))
    assert f.experimental_get_tracing_count() == 1
    # No arguments: the input_signature, which must then give every size.
    g = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([4, 3], tf.float32)])
    assert g.get_concrete_function() is g.get_concrete_function(np.zeros([4, 3], np.float32))
    assert g.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="argument 0 does not match the input_signature"):
        g.get_concrete_function(tf.TensorSpec([4, 2], tf.float32))
    h = tf.function(lambda x: x * 2.0, input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    with pytest.raises(ValueError, match=r"traces for concrete shapes; argument 0 is TensorSpec\(shape=\(None, 3\)"):
        h.get_concrete_function()
    with pytest.raises(ValueError, match="has 1 arguments; received 0"):
        h()  # a call is not a trace: it needs its argument


def test_compatibility_arguments_are_accepted():
    # TF's positional order (func, input_signature, autograph, jit_compile, reduce_retracing) and the
    # older name of reduce_retracing; none of them changes what is traced.
    for f in (tf.function(lambda x: x + 1.0, None, False, True, True),
              tf.function(experimental_relax_shapes=True)(lambda x: x + 1.0)):
        np.testing.assert_array_equal(f(tf.ones([2])).numpy(), [2.0, 2.0])


def test_cond_eager_runs_one_branch_and_traced_chooses_per_run(capsys):
    ran = []
    assert tf.cond(tf.constant(True), lambda: ran.append("t") or 1, lambda: ran.append("f") or 2) == 1
    assert ran == ["t"]  # eagerly only the chosen branch runs
    assert tf.cond(False, lambda: 1, lambda: 2) == 2  # a Python bool picks a branch, traced or not

    v, w = tf.Variable(0.0), tf.Variable(10.0)

    @tf.function
    def step(x):
        # a branch's assign happens only on the runs that choose it; so does its tf.print
        tf.cond(x > 0, lambda: (v.assign_add(x), tf.print("up", x)), lambda: (w.assign_add(x), tf.print("down", x)))
        return tf.cond(x > 0, lambda: {"a": x * 2.0, "b": [x]}, lambda: {"a": -x, "b": [x * x]})

    @tf.function
    def returned(x):  # a branch returning the Variable it assigns returns the new value
        return tf.cond(x > 0, lambda: v.assign_add(x), lambda: w.assign_add(x))

    np.testing.assert_array_equal([float(returned(tf.constant(t))) for t in (1.0, -1.0)], [1.0, 9.0])
    v.assign(0.0), w.assign(10.0)
    outs = [step(tf.constant(value)) for value in (1.0, -2.0, 3.0)]
    assert step.experimental_get_tracing_count() == 1
    assert [float(o["a"]) for o in outs] == [2.0, 2.0, 6.0] and [float(o["b"][0]) for o in outs] == [1.0, 4.0, 3.0]
    assert float(v) == 4.0 and float(w) == 8.0
    assert capsys.readouterr().out.split() == ["up", "1.0", "down", "-2.0", "up", "3.0"]

    @tf.function
    def by_shape(x):  # pred known while tracing (a shape): only the chosen branch is traced
        return tf.cond(tf.shape(x)[0] > 2, lambda: tf.reduce_sum(x), lambda: x)

    assert by_shape(tf.ones([3])).shape == () and by_shape(tf.ones([2])).shape == (2,)

    x = tf.Variable([1.0, -3.0])

    @tf.function
    def gradient():
        with tf.GradientTape() as tape:
            y = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(x * x), lambda: tf.reduce_sum(3.0 * x))
        return tape.gradient(y, x)

    np.testing.assert_array_equal(gradient().numpy(), [3.0, 3.0])  # the chosen branch's gradient
    x.assign([2.0, 1.0])
    np.testing.assert_array_equal(gradient().numpy(), [4.0, 2.0])


def test_cond_bad_input():
    with pytest.raises(ValueError, match=r"cond: pred must be a scalar; received shape \(2,\)"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="cond: pred must be a bool tensor; received dtype float32"):
        tf.cond(tf.constant(1.0), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="cond: true_fn and false_fn must be callables; received int and function"):
        tf.cond(tf.constant(True), 1, lambda: 2)
    traced = lambda true_fn, false_fn: tf.function(lambda x: tf.cond(x > 0, true_fn, false_fn))(tf.constant(1.0))  # noqa: E731
    with pytest.raises(ValueError, match=r"the same structure; received '.' and \('.', '.'\)"):
        traced(lambda: tf.ones([]), lambda: (tf.ones([]), tf.ones([])))
    with pytest.raises(ValueError, match=r"output 0 must have the same shape and dtype in both branches; received "
                                         r"\(\) float32 and \(2,\) float32"):
        traced(lambda: tf.ones([]), lambda: tf.ones([2]))
    with pytest.raises(ValueError, match=r"output 0 is a Python value that differs between the branches \(1 and 2\)"):
        traced(lambda: 1, lambda: 2)
    with pytest.raises(ValueError, match="output 0 is a tensor in one branch and int in the other"):
        traced(lambda: tf.ones([]), lambda: 3)


def test_values_made_of_constants_and_shapes_are_known_while_tracing():
    # A trace has concrete shapes, so tf.shape(x) and what is computed from it alone can size ops.
    @tf.function
    def f(x):
        rows = tf.shape(x)[0]
        return tf.ones([rows]) * tf.cast(rows, tf.float32), tf.reshape(x, [rows, -1]), tf.fill([2], 1.5 * 2.0)

    ones, flat, filled = f(tf.zeros([3, 2, 2]))
    np.testing.assert_array_equal(ones.numpy(), [3.0, 3.0, 3.0])
    assert flat.shape == (3, 4)
    np.testing.assert_array_equal(filled.numpy(), [3.0, 3.0])
    assert [t.shape for t in f(tf.zeros([5, 1]))[:2]] == [(5,), (5, 1)]  # a new shape: a new trace
    with pytest.raises(tf.TracingError, match="use tf.where or tf.cond"):
        tf.function(lambda x: tf.ones([tf.cast(tf.reduce_sum(x), tf.int32)]))(tf.ones([2]))  # an argument's values


def test_while_loop_eagerly_and_unrolled_in_a_trace():
    assert tf.while_loop(lambda x: tf.reduce_sum(x) < 100.0, lambda x: x * 3.0, tf.ones([2])).numpy().tolist() == [81.0, 81.0]
    i, x = tf.while_loop(lambda i, x: i < 10, lambda i, x: (i + 1, x * 2.0), (0, tf.constant(1.0)), maximum_iterations=3)
    assert i == 3 and float(x) == 8.0  # maximum_iterations stops it first

    v = tf.Variable(2.0)

    @tf.function
    def cube(x):
        with tf.GradientTape() as tape:
            count = tf.constant(0)  # a counter from constants: known while tracing, so unrolled
            _, y = tf.while_loop(lambda k, y: k < 3, lambda k, y: [k + 1, y * v], [count, x])
        return y, tape.gradient(y, v)

    y, grad = cube(tf.constant(1.0))
    assert float(y) == 8.0 and float(grad) == 12.0  # v^3 and 3 v^2, every step on the tape
    assert cube.experimental_get_tracing_count() == 1

    with pytest.raises(ValueError, match=r"while_loop: inside a tf.function the loop is unrolled while tracing.*"
                                         r"depends on an argument's or a variable's values"):
        tf.function(lambda x: tf.while_loop(lambda x: tf.reduce_sum(x) < 100.0, lambda x: x * 3.0, x))(tf.ones([2]))
    with pytest.raises(ValueError, match=r"body must return the loop variables' structure, \('.', '.'\); received '.'"):
        tf.while_loop(lambda i, x: i < 3, lambda i, x: x, (0, 1.0))
    with pytest.raises(ValueError, match=r"cond must return a scalar; received shape \(2,\)"):
        tf.while_loop(lambda x: x > 0, lambda x: x - 1.0, tf.ones([2]))
    with pytest.raises(TypeError, match="cond and body must be callables; received function and int"):
        tf.while_loop(lambda x: True, 3, tf.ones([2]))


def test_data_dependent_python_control_flow_is_a_clear_error():
    @tf.function
    def f(x):
        if tf.reduce_sum(x) > 0:
            return x
        return -x

    with pytest.raises(tf.TracingError, match=r"use tf.where"):
        f(tf.ones([3]))
    with pytest.raises(tf.TracingError, match=r"float\(x\)"):
        tf.function(lambda x: float(x))(tf.ones([]))


def test_bad_labels_are_refused_on_every_call_before_the_step_runs():
    w = tf.Variable(np.zeros((2, 3), np.float32))

    @tf.function
    def step(x, labels):
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, tf.matmul(x, w)))
        w.assign_sub(0.1 * tf.ones_like(w))
        return loss

    x = np.ones((4, 2), np.float32)
    step(x, np.array([0, 1, 2, 0], np.int32))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\); received label 3"):
        step(x, np.array([0, 1, 3, 0], np.int32))
    np.testing.assert_allclose(w.numpy(), np.full((2, 3), -0.1))  # the refused call changed nothing
    # Float labels (as Keras passes them) are cast in the graph; the check reads the argument,
    # cast on the host, before the run (no read-back of the cast after it).
    cast_step = tf.function(lambda x, labels: step.python_function(x, tf.cast(labels, tf.int32)))
    graph = cast_step.get_concrete_function(x, np.zeros(4, np.float32)).graph
    assert [n.op for _, n in graph.checks] == ["placeholder"]
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\); received label 3"):
        cast_step(x, np.array([0, 1, 3.0, 0], np.float32))
    np.testing.assert_allclose(w.numpy(), np.full((2, 3), -0.1))


def test_dead_code_common_subexpressions_and_constant_folding():
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = tf.Variable(np.ones((3, 2), np.float32))

    def loss_gradient(x):
        with tf.GradientTape() as tape:
            tape.watch(x)  # the input's gradient is computed, but nobody returns it
            y = tf.matmul(x, w)
            loss = tf.reduce_sum(tf.exp(y) + tf.exp(y)) * (2.0 * 3.0)
        return tape.gradient(loss, w)

    graph = tf.function(loss_gradient).get_concrete_function(x).graph
    assert graph.count("matmul") == 2  # the forward product and w's gradient: x's gradient is dead code
    assert sum(1 for n in graph.nodes if n.op == "fused" and any(s[0] == "exp" for s in n.attrs["steps"])) <= 2
    np.testing.assert_allclose(tf.function(loss_gradient)(x).numpy(), loss_gradient(x).numpy(), rtol=1e-5)


def test_passes_one_by_one():
    graph = tf.graph.Graph("g", backends.get_backend())
    f32 = tf.float32
    a = graph.add("placeholder", [], (3,), f32, {"index": 0})
    two = graph.add("constant", [], (), f32, {"value": np.array(2.0, np.float32)})
    three = graph.add("constant", [], (), f32, {"value": np.array(3.0, np.float32)})
    six = graph.add("multiply", [two, three], (), f32)  # folds to a constant
    p = graph.add("multiply", [a, six], (3,), f32)
    q = graph.add("multiply", [a, six], (3,), f32)  # the same as p
    unused = graph.add("exp", [a], (3,), f32)
    graph.outputs = [graph.add("add", [p, q], (3,), f32)]
    assert passes.dce.run(graph) == 1 and unused not in graph.nodes
    assert passes.cse.run(graph) == 1 and graph.outputs[0].inputs == [p, p]
    # Made of values known while tracing, the same everywhere: a fill, written into kernels as a literal.
    assert passes.constant_folding.run(graph, backends.get_backend()) == 1
    assert six.op == "fill" and six.attrs["value"] == 6.0 and six.attrs["shape"] == ()
    assert passes.fusion.run(graph) == 1
    assert passes.dce.run(graph) == 3  # the folded constant and its two inputs, now a literal in the kernel
    assert [n.op for n in graph.nodes] == ["placeholder", "fused"]
    release = memory.plan(graph)
    assert release == [[], [a.id]]  # the input goes once its last reader (the fused node) has run; not the output
    plan = tf.graph.execute.Plan(graph, backends.get_backend())
    values = plan.finish(plan.run([np.array([1.0, 2.0, 3.0], np.float32)]))
    np.testing.assert_array_equal(values[0].numpy(), [12.0, 24.0, 36.0])


def test_fusion_copies_shared_producers_and_writes_uniform_constants_in():
    graph = tf.graph.Graph("g", backends.get_backend())
    f32 = tf.float32
    x = graph.add("placeholder", [], (10,), f32, {"index": 0})
    e = graph.add("exp", [x], (10,), f32)  # read by two elementwise nodes: computed in each
    twos = graph.add("constant", [], (4, 10), f32, {"value": np.full((4, 10), 2.0, np.float32)})
    doubled = graph.add("multiply", [e, twos], (4, 10), f32)  # the constant sets the shape
    graph.outputs = [graph.add("relu", [doubled], (4, 10), f32), graph.add("add", [e, x], (10,), f32)]
    assert passes.fusion.run(graph) == 2
    passes.dce.run(graph)
    assert [n.op for n in graph.nodes] == ["placeholder", "fused", "fused"]  # no exp pass, no constant read
    assert [n.inputs for n in graph.nodes[1:]] == [[x], [x]]
    plan = tf.graph.execute.Plan(graph, backends.get_backend())
    values = np.arange(10, dtype=np.float32) / 10
    relu, added = plan.finish(plan.run([values]))
    np.testing.assert_allclose(relu.numpy(), np.broadcast_to(2 * np.exp(values), (4, 10)), rtol=1e-6)
    np.testing.assert_allclose(added.numpy(), np.exp(values) + values, rtol=1e-6)


def test_arithmetic_moves_casts_past_reshapes_and_signs_into_sums():
    graph = tf.graph.Graph("g", backends.get_backend())
    f32 = tf.float32
    labels = graph.add("placeholder", [], (4,), f32, {"index": 0})
    x = graph.add("placeholder", [], (4, 3), f32, {"index": 1})
    cast = graph.add("cast", [labels], (4,), tf.int32, {"dtype": tf.int32})
    column = graph.add("reshape", [cast], (4, 1), tf.int32, {"shape": (4, 1)})
    product = graph.add("multiply", [x, column], (4, 3), f32)
    total = graph.add("reduce_sum", [product], (4,), f32, {"axes": (1,)})
    graph.outputs = [graph.add("negative", [total], (4,), f32)]
    assert passes.arithmetic.run(graph) == 2
    # reshape(cast(labels)) -> cast(reshape(labels)); negative(sum(x * c)) -> sum(negative(x * c)).
    assert column.op == "cast" and column.inputs[0].op == "reshape" and column.inputs[0].inputs == [labels]
    assert graph.outputs[0].op == "reduce_sum" and graph.outputs[0].inputs[0].op == "negative"
    assert total not in graph.nodes
    passes.dce.run(graph)
    assert passes.fusion.run(graph) == 1
    assert [n.op for n in graph.nodes if n.inputs] == ["reshape", "fused", "reduce_sum"]  # no cast, no sign pass
    plan = tf.graph.execute.Plan(graph, backends.get_backend())
    values = np.arange(12, dtype=np.float32).reshape(4, 3)
    (result,) = plan.finish(plan.run([np.array([1.0, 2.0, 0.0, 3.0], np.float32), values]))
    np.testing.assert_array_equal(result.numpy(), -(values * np.array([[1], [2], [0], [3]])).sum(1))


def test_arithmetic_turns_sums_of_one_value_into_views_and_drops_products_by_one():
    # A regression's loss: the mean over a last axis of 1 (a sum of one value, divided by 1), then
    # over the batch; x * 1 and 1 * x go too, x * 2 and broadcasting by a 1 stay.
    def f(pred, y):
        per_example = tf.reduce_mean(tf.square(pred - y), axis=-1)
        return tf.reduce_mean(per_example), pred * 1.0, 1.0 * (pred * 2.0), y * tf.ones((4, 3))

    args = [tf.constant(np.arange(4, dtype=np.float32).reshape(4, 1) / 3), tf.constant([[1.0], [0.5], [-2.0], [0.0]])]
    graph = tf.function(f).get_concrete_function(*args).graph
    # The squared error, its view as [4], the batch's mean (a sum dividing by 4); pred * 2.0; y
    # broadcast by ones.
    assert [n.op for n in graph.nodes if n.inputs] == ["fused", "reshape", "reduce_sum", "multiply",
                                                       "multiply"], graph
    assert graph.outputs[0].op == "reduce_sum" and graph.outputs[0].attrs["divisor"] == 4
    pred = graph.nodes[0]
    assert graph.outputs[1] is pred  # pred * 1.0 is pred
    assert graph.outputs[2].op == "multiply" and graph.outputs[2].inputs[0] is pred  # 1.0 * (pred * 2.0)
    for got, want in zip(tf.function(f)(*args), f(*args)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())

    g = tf.graph.Graph("g", backends.get_backend())
    f32 = tf.float32
    x = g.add("placeholder", [], (4,), f32, {"index": 0})
    ones = g.add("constant", [], (4,), f32, {"value": np.ones(4, np.float32)})
    twos = g.add("fill", [], (), f32, {"shape": (), "value": 2.0, "dtype": f32})
    wide = g.add("fill", [], (3, 4), f32, {"shape": (3, 4), "value": 1.0, "dtype": f32})
    by_one = g.add("divide", [x, ones], (4,), f32)
    g.outputs = [g.add("multiply", [by_one, twos], (4,), f32), g.add("multiply", [x, wide], (3, 4), f32)]
    assert passes.arithmetic.run(g) == 1  # x / ones only: x * 2 is not x, x * wide is x broadcast
    assert g.outputs[0].inputs == [x, twos] and by_one not in g.nodes


def test_arithmetic_makes_a_mean_one_sum_that_divides_in_its_last_pass():
    def f(x):
        total = tf.reduce_sum(x, axis=0)
        return (tf.reduce_mean(x), tf.reduce_mean(x, axis=1), total / 6.0, total * 0.5 / 2.5,
                tf.reduce_sum(x * 2.0) / 3.0 + tf.reduce_sum(x * 2.0))

    x = tf.constant(np.random.default_rng(7).normal(size=(6, 5)).astype(np.float32) * 100)
    graph = tf.function(f).get_concrete_function(x).graph
    # The sums: nodes, or steps of the kernel that reads them (fusion works a short sum out there).
    sums = [n.attrs for n in graph.nodes if n.op == "reduce_sum"] + [
        attrs for n in graph.nodes if n.op == "fused" for op, _, attrs in n.attrs["steps"] if op == "reduce_sum"]
    # Both means; a sum divided by 6 stays a sum, as it is read twice (and 2.5 is not a whole
    # number), and so does sum(x * 2), which the addition reads too (one sum after CSE).
    assert sorted(a.get("divisor", 1) for a in sums) == [1, 1, 5, 30], graph
    for got, want in zip(tf.function(f)(x), f(x)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())  # the same division, the same numbers

    g = tf.graph.Graph("g", backends.get_backend())
    counts = g.add("placeholder", [], (4, 3), tf.int32, {"index": 0})
    total = g.add("reduce_sum", [counts], (), tf.int32, {"axes": (0, 1)})
    four = g.add("fill", [], (), tf.int32, {"shape": (), "value": 4, "dtype": tf.int32})
    g.outputs = [g.add("divide", [total, four], (), tf.int32)]
    assert passes.arithmetic.run(g) == 0  # integers divide as integers: left alone


def test_short_softmaxes_and_sums_become_steps_of_the_kernel_that_reads_them():
    # A classifier's training step: its loss reads log_softmax of the logits, Adam's update of each
    # bias reads the sum of its gradient over the batch; each is worked out in its reader's kernel.
    tf.random.set_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((6,)), tf.keras.layers.Dense(8, "relu"),
                                 tf.keras.layers.Dense(5, "softmax")])
    model.compile(tf.keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(32, 6)).astype(np.float32), rng.integers(0, 5, 32).astype(np.float32)
    model.train_on_batch(x, y)
    graph = next(iter(model._step_functions["train"]._concrete.values())).graph
    ops = [n.op for n in graph.nodes]
    steps = [op for n in graph.nodes if n.op == "fused" for op, _, _ in n.attrs["steps"]]
    assert "log_softmax" not in ops and steps.count("log_softmax") == 1
    assert steps.count("reduce_sum") == 2, graph  # the two bias gradients, in their Adam kernels
    assert ops.count("reduce_sum") == 1, graph  # the loss: per-example sums and their mean, one sum

    def f(a, b, c, d):
        rows3 = tf.nn.softmax(a) * 2.0  # rows of 3: a texel holds up to three rows (left alone)
        rows65 = tf.nn.log_softmax(b) + 1.0  # rows of 65: too long to work out in each texel
        long_sum = tf.reduce_sum(c, axis=0) * 2.0  # over 300 rows: the reduce kernel's passes
        shared = tf.reduce_sum(d, axis=1)  # read by a kernel and a reshape: one pass for both
        return rows3, rows65, long_sum, tf.exp(shared), tf.reshape(shared, (2, 2))

    args = [rng.normal(size=s).astype(np.float32) for s in ((4, 3), (4, 65), (300, 4), (4, 20))]
    graph = tf.function(f).get_concrete_function(*args).graph
    ops = [n.op for n in graph.nodes]
    assert ops.count("softmax") == 1 and ops.count("log_softmax") == 1 and ops.count("reduce_sum") == 2, graph
    assert not any(op in fusion.READ_STEPS for n in graph.nodes if n.op == "fused" for op, _, _ in n.attrs["steps"])
    for got, want in zip(tf.function(f)(*args), f(*args)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_arithmetic_makes_a_sum_of_a_sum_one_sum():
    def f(x):
        total = tf.reduce_mean(tf.reduce_sum(x, axis=2))  # a loss's per-example sums, then their mean
        inner = tf.reduce_sum(tf.reduce_sum(x, axis=1), axis=1)  # [2, 3, 4]: axes 1, then 2 of x
        kept = tf.reduce_sum(x, axis=0)
        return total, inner, tf.reduce_sum(kept) + kept[0, 0]  # kept read twice: left alone

    x = tf.constant(np.random.default_rng(8).normal(size=(2, 3, 4)).astype(np.float32))
    graph = tf.function(f).get_concrete_function(x).graph
    sums = sorted((tuple(n.attrs["axes"]), n.attrs.get("divisor", 1)) for n in graph.nodes if n.op == "reduce_sum")
    assert sums == [((0,), 1), ((0, 1, 2), 6), ((1, 2), 1)], graph
    for got, want in zip(tf.function(f)(x), f(x)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_sibling_kernels_of_one_shape_are_one_pass_with_two_results():
    def f(x, y, z):
        a = tf.exp(x) * y  # a and b read x and y; neither needs the other
        b = tf.exp(x) - y
        return tf.reduce_sum(a, axis=1) + tf.reduce_sum(b * z, axis=1)

    args = [tf.constant(np.random.default_rng(k).normal(size=(3, 4)).astype(np.float32)) for k in range(3)]
    graph = tf.function(f).get_concrete_function(*args).graph
    kernels = [n for n in graph.nodes if n.op == "fused"]
    # a and b * z; then the addition, which works out both row sums where it reads them
    assert len(kernels) == 2 and len(kernels[0].attrs["outputs"]) == 2
    assert [op for op, _, _ in kernels[1].attrs["steps"]] == ["reduce_sum", "reduce_sum", "add"]
    # exp(x), copied into both before they merged, is one step of the merged kernel.
    assert sorted(op for op, _, _ in kernels[0].attrs["steps"]) == ["exp", "multiply", "multiply", "subtract"]
    np.testing.assert_allclose(tf.function(f)(*args).numpy(), f(*args).numpy(), rtol=1e-6)

    def chained(x, y):
        a = tf.exp(x) * y
        return tf.reduce_sum(a, axis=1, keepdims=True) * (x - y)  # reads x and y too, but needs a: kept apart

    graph = tf.function(chained).get_concrete_function(*args[:2]).graph
    assert [n.op for n in graph.nodes if n.inputs] == ["fused", "reduce_sum", "reshape", "fused"]
    np.testing.assert_allclose(tf.function(chained)(*args[:2]).numpy(), chained(*args[:2]).numpy(), rtol=1e-6)


def test_a_sibling_joins_a_kernel_that_already_has_several_results():
    # A regression's error feeds its loss, its gradient and its MAE: the first two merge, then the
    # MAE's kernel joins them (three results), and the product they share is theirs alone again.
    def f(x, w, y):
        err = tf.matmul(x, w) - y
        a = tf.exp(err) * y  # a and b: one pass with two results
        b = tf.exp(err) - y
        mae = tf.abs(err)  # joins that pass
        return tf.reduce_sum(a), tf.reduce_sum(b), tf.reduce_sum(mae)

    rng = np.random.default_rng(5)
    args = [tf.constant(rng.normal(size=s).astype(np.float32)) for s in ((6, 3), (3, 1), (6, 1))]
    graph = tf.function(f).get_concrete_function(*args).graph
    kernels = [n for n in graph.nodes if n.op == "fused"]
    assert len(kernels) == 1 and len(kernels[0].attrs["outputs"]) == 3, graph
    assert kernels[0].attrs["steps"][0][0] == "matmul"  # the product, now read by one kernel, is in it
    assert [n.op for n in graph.nodes if n.inputs].count("item") == 3
    for got, want in zip(tf.function(f)(*args), f(*args)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)

    def five(x, y):  # four results at most: the fifth stays apart
        return [tf.reduce_sum(fn(x) * y) for fn in (tf.exp, tf.sin, tf.cos, tf.tanh, tf.abs)]

    graph = tf.function(five).get_concrete_function(args[2], args[2]).graph
    assert sorted(len(n.attrs.get("outputs", (0,))) for n in graph.nodes if n.op == "fused") == [1, 4], graph
    for got, want in zip(tf.function(five)(args[2], args[2]), five(args[2], args[2])):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)


def test_sibling_merges_each_see_the_graph_the_ones_before_left():
    # Two pairs each fine alone: merged one at a time, the second is judged on the reordered graph
    # (else a node reads a value not yet made, or two merged kernels read each other's results).
    def crossed(a, b):
        e1, e2 = tf.exp(a), tf.sin(b)
        return a * e2, e1 + b, tf.reduce_sum(e1), tf.reduce_sum(e2)

    def after_a_sum(a, b, c):
        e1, e2 = tf.exp(a), tf.sin(b)
        return a * tf.reduce_sum(c), e1 + b, e2, tf.reduce_sum(e1)

    for f in (crossed, after_a_sum):
        args = [tf.constant(np.arange(1, 5, dtype=np.float32) * k) for k in (0.1, 0.2, 0.3)][:f.__code__.co_argcount]
        graph = tf.function(f).get_concrete_function(*args).graph
        made = set()
        for node in graph.nodes:
            assert all(x.id in made for x in node.inputs), graph
            made.add(node.id)
        for got, want in zip(tf.function(f)(*args), f(*args)):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_arithmetic_rewrites_a_rewritten_node_again():
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 10)
    f = lambda x: -(-tf.reduce_sum(tf.exp(x), axis=1))  # noqa: E731
    graph = tf.function(f).get_concrete_function(x).graph
    assert [n.op for n in graph.nodes if n.inputs] == ["fused", "reduce_sum"]  # both signs in the kernel
    np.testing.assert_allclose(tf.function(f)(x).numpy(), f(x).numpy(), rtol=1e-6)


def test_optimizer_options_turn_passes_off_and_the_graph_still_runs():
    x = np.random.default_rng(3).normal(size=(8, 5)).astype(np.float32)
    w0 = np.random.default_rng(4).normal(size=(5, 2)).astype(np.float32)

    def traced(options):
        w = tf.Variable(w0)
        opt = tf.keras.optimizers.Adam(0.1)

        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.nn.relu(tf.matmul(x, w) * 2.0 + 1.0))
            opt.apply_gradients([(tape.gradient(loss, w), w)])
            tf.matmul(x, x, transpose_b=True)  # read by nothing: dead code
            return loss

        before = tf.config.optimizer.get_experimental_options()
        tf.config.optimizer.set_experimental_options(options)
        try:
            function = tf.function(step)
            graph = function.get_concrete_function(x).graph
        finally:
            defaults = {name: not name.startswith("disable") for name in options}
            tf.config.optimizer.set_experimental_options(defaults)
        assert tf.config.optimizer.get_experimental_options() == {**before, **defaults}
        losses = [float(function(x)) for _ in range(3)]
        return graph, losses, w.numpy()

    optimized, losses, w = traced({})
    raw, raw_losses, raw_w = traced({"disable_meta_optimizer": True})
    assert optimized.count("fused") >= 1 and raw.count("fused") == 0
    assert len(raw.nodes) > len(optimized.nodes)
    assert raw.count("matmul") == 3  # the unread product too: dead code stays when no pass runs
    np.testing.assert_allclose(raw_losses, losses, rtol=1e-5)
    np.testing.assert_allclose(raw_w, w, rtol=1e-5, atol=1e-6)
    unfused, _, _ = traced({"remapping": False})
    assert unfused.count("fused") == 0 and unfused.count("matmul") == 2
    with pytest.raises(ValueError, match="unknown option 'fusion'; expected one of constant_folding"):
        tf.config.optimizer.set_experimental_options({"fusion": False})
    with pytest.raises(TypeError, match="option 'remapping' must be True or False; received 'no'"):
        tf.config.optimizer.set_experimental_options({"remapping": "no"})


def test_graph_repr_json_and_dot():
    v = tf.Variable(np.ones(3, np.float32), name="weights")

    @tf.function
    def f(x):
        v.assign(tf.nn.relu(v * x + 1.0))
        return tf.reduce_sum(v)

    concrete = f.get_concrete_function(tf.ones([3]))
    text = repr(concrete.graph)
    assert "fused(" in text and "reduce_sum(" in text and "weights <- %" in text
    data = json.loads(concrete.graph.to_json())
    fused = [n for n in data["nodes"] if n["op"] == "fused"]
    assert fused and fused[0]["fused"] == ["multiply", "add", "relu"]
    assert data["updates"] == [{"variable": "weights", "node": fused[0]["id"]}]
    dot = concrete.graph.to_dot()
    assert dot.startswith('digraph "f"') and "(multiply add relu)" in dot and dot.rstrip().endswith("}")


def test_method_decoration_keeps_one_cache_per_instance():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    assert float(a(tf.constant(1.0))) == 2.0 and float(b(tf.constant(1.0))) == 3.0
    assert float(a(tf.constant(2.0))) == 4.0
    assert Scaler.__call__.__get__(a, Scaler).experimental_get_tracing_count() == 1


def test_keras_fit_in_graph_mode_matches_eager():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 4)).astype(np.float32)
    y = (x[:, :1] - 2 * x[:, 1:2] > 0).astype(np.int32).reshape(-1)
    results = {}
    for eager in (True, False):
        tf.random.set_seed(3)
        model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, "relu"),
                                     tf.keras.layers.Dense(2, "softmax")])
        model.compile(tf.keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=eager)
        history = model.fit(x, y, batch_size=32, epochs=5, verbose=0, shuffle=False)
        results[eager] = (history.history, model.evaluate(x, y, verbose=0), model.predict(x[:5]),
                          [w.numpy() for w in model.weights])
        if not eager:  # 100 = 3 x 32 + 4: the short last batch is one more trace
            assert model._step_function("train").experimental_get_tracing_count() == 2
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(results[False][0][key], results[True][0][key], rtol=1e-4)
    np.testing.assert_allclose(results[False][1], results[True][1], rtol=1e-4)
    np.testing.assert_allclose(results[False][2], results[True][2], rtol=1e-4, atol=1e-6)
    for a, b in zip(results[False][3], results[True][3]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert results[False][0]["accuracy"][-1] > 0.9


def test_keras_fit_in_graph_mode_refuses_bad_labels():
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(3)])
    model.compile("sgd", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        model.fit(np.ones((4, 2), np.float32), np.array([0, 1, 5, 2]), verbose=0)


def test_traced_cross_entropies_of_a_softmax_read_its_logits_as_tfs_keras_does():
    # In a graph, Keras's cross-entropy of a softmax output is computed from the logits
    # (log_softmax): no softmax kernel, no clipping of probabilities at 1e-7.
    logits = tf.constant(np.array([[0.0, 30.0, -30.0], [1.0, 2.0, 3.0]], np.float32))
    labels = np.array([2, 0], np.int32)
    sparse = tf.keras.losses.SparseCategoricalCrossentropy()
    dense = tf.keras.losses.CategoricalCrossentropy()
    one_hot = np.eye(3, dtype=np.float32)[labels]
    exact = -np.log(np.exp(logits.numpy()[[0, 1], labels]) / np.exp(logits.numpy()).sum(-1))
    traced = tf.function(lambda z: (sparse(labels, tf.nn.softmax(z)), dense(one_hot, tf.nn.softmax(z))))
    for value in traced(logits):
        np.testing.assert_allclose(value.numpy(), exact.mean(), rtol=1e-5)  # 60 nats for row 0
    graph = traced.get_concrete_function(logits).graph
    assert graph.count("softmax") == 0 and graph.count("log_softmax") == 1  # one, shared by both losses
    eager = sparse(labels, tf.nn.softmax(logits)).numpy()  # eager clips: -log(1e-7) for row 0
    np.testing.assert_allclose(eager, (-np.log(1e-7) + exact[1]) / 2, rtol=1e-4)
    # The gradient reaches the logits through the shortcut: (softmax - one_hot) / batch.
    traced_grad = tf.function(lambda z: _logit_gradient(sparse, labels, z))(logits)
    softmax = np.exp(logits.numpy()) / np.exp(logits.numpy()).sum(-1, keepdims=True)
    np.testing.assert_allclose(traced_grad.numpy(), (softmax - one_hot) / 2, atol=1e-6)


def _logit_gradient(loss_fn, labels, z):
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = loss_fn(labels, tf.nn.softmax(z))
    return tape.gradient(loss, z)
