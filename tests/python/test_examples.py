"""The examples run as scripts on CPython (the NumPy backend) and reach their targets:
Boston housing test MAE < 4 ($1000s), MNIST MLP test accuracy >= 95%."""
import os
import re
import subprocess
import sys

import pytest

import build

# NOTE: one BLAS thread: on a small, shared machine OpenBLAS's threads spin against each other and
# a 128x784 matmul takes 20x longer than on one thread.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


def run_example(name, *args):
    result = subprocess.run([sys.executable, f"examples/{name}", *args], cwd=build.ROOT, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def value(output, label):
    match = re.search(rf"{label}: ([0-9.]+)", output)
    assert match, f"no '{label}:' in the output:\n{output}"
    return float(match.group(1))


def test_boston_housing_reaches_mae_below_4():
    output = run_example("boston_housing.py")
    assert "backend: numpy" in output
    assert value(output, "test mae") < 4.0, output
    assert value(output, "seconds per epoch") > 0


def test_mnist_mlp_reaches_95_percent():
    output = run_example("mnist_mlp.py")
    assert "backend: numpy" in output and "training on 24000 images" in output
    assert value(output, "test accuracy") >= 0.95, output


@pytest.mark.parametrize("script, args, message", [
    ("boston_housing.py", ["--epochs", "x"], "--epochs expects int (default 100); received 'x'"),
    ("mnist_mlp.py", ["--learning-rate"], "--learning-rate expects float (default 0.002); received ''"),
])
def test_bad_arguments_fail_clearly(script, args, message):
    result = subprocess.run([sys.executable, f"examples/{script}", *args], cwd=build.ROOT, env=ENV,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_graph_step_prints_the_traced_training_step(tmp_path):
    dot = tmp_path / "step.dot"
    output = run_example("graph_step.py", "--dot", str(dot))
    losses = [float(v) for v in re.search(r"loss over 3 steps on one batch: (.*)", output).group(1).split(", ")]
    assert losses[0] > losses[1] > losses[2], output  # the traced step trains
    assert re.search(r"\d+ nodes, \d+ kernels, \d+ of them fused; 12 variable updates", output), output
    assert "sqrt add divide multiply subtract" in output  # an Adam update, fused into one kernel
    text = dot.read_text()
    assert text.startswith('digraph "train_step"') and "fillcolor" in text
