"""The shared layer table (tests/layer_suite.py) inside the page, on the WebGL backend.

Same cases, same checks as tests/python/test_layers.py; here every op of every layer
runs as a WebGL2 shader (SwiftShader in headless Chromium) and is compared with the
float64 NumPy reference computed in the page. Float32 on the GPU, so the suite's
tolerances are relative to the output's magnitude."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

from layer_suite import CASES, SPECIAL, grad_cases

SUITE = pathlib.Path(__file__).resolve().parents[1] / "layer_suite.py"


@pytest.fixture(scope="session")
def layer_suite(run_py):
    """Load layer_suite.py into Pyodide and switch the page to the WebGL backend."""
    run_py(f"""
import sys, traceback
open('/tmp/layer_suite.py', 'w').write({SUITE.read_text()!r})
sys.path.insert(0, '/tmp')
import layer_suite, webflow as tf
tf.config.set_backend('webgl')

def _layer_suite_check(kind, case_id):
    try:
        if kind in layer_suite.SPECIAL:
            layer_suite.SPECIAL[kind](tf)
        else:
            getattr(layer_suite, 'check_' + kind)(tf, layer_suite.BY_ID[case_id])
        return ''
    except Exception:
        return traceback.format_exc()
""")
    assert run_py("tf.config.get_backend()") == "webgl"

    def check(kind, case_id=""):
        failure = run_py(f"_layer_suite_check({kind!r}, {case_id!r})")
        if failure:
            pytest.fail(failure, pytrace=False)

    return check


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_layer_values_webgl(layer_suite, case_id):
    layer_suite("values", case_id)


@pytest.mark.parametrize("case_id", [c.id for c in grad_cases()])
def test_layer_gradient_webgl(layer_suite, case_id):
    layer_suite("gradient", case_id)


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_layer_config_round_trip_webgl(layer_suite, case_id):
    layer_suite("config", case_id)


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_layer_special_webgl(layer_suite, name):
    layer_suite(name)


def test_mnist_cnn_example_runs_in_the_page_as_on_cpython(run_script):
    """examples/mnist_cnn.py as `build.py run` runs it, on WebGL, cut to 4 steps (one step of
    this model takes seconds on SwiftShader; see the report in the commit log). Seeded, so the
    page's test accuracy must match CPython's run of the same command (a few of the 100 test
    images may flip: float32 sums in another order)."""
    example = pathlib.Path(__file__).resolve().parents[2] / "examples" / "mnist_cnn.py"
    args = ["--epochs", "1", "--train", "128", "--test", "100", "--target", "0"]
    status, lines = run_script(example.read_text(), *args)
    out = "\n".join(text for _, text in lines)
    assert status == 0, out[-3000:]
    assert "backend: webgl" in out and "conv2d (Conv2D)" in out
    cpython = subprocess.run([sys.executable, str(example), *args], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert cpython.returncode == 0, cpython.stderr
    accuracy = [float(re.search(r"test accuracy=([0-9.]+)", text).group(1)) for text in (out, cpython.stdout)]
    assert abs(accuracy[0] - accuracy[1]) <= 0.03, f"WebGL {accuracy[0]}, NumPy {accuracy[1]}"
