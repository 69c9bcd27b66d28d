"""The shared op table (tests/op_suite.py) inside the page, on the WebGL backend.

Same rows, same checks as tests/python/test_ops.py; here every op runs as a
WebGL2 shader (SwiftShader in headless Chromium) and is compared with the
NumPy reference computed in the page, called directly and inside a tf.function."""

import pathlib

import pytest

from op_suite import ROWS, SPECIAL_BINARY, SPECIAL_OPS, grad_cases

SUITE = pathlib.Path(__file__).resolve().parents[1] / "op_suite.py"

VALUE_CASES = [(r, c) for r, row in enumerate(ROWS) for c in range(len(row.shapes))]
GRAD_CASES = [(r, row.shapes.index(case)) for r, row in enumerate(ROWS) for case in grad_cases(row)]


@pytest.fixture(scope="session")
def suite(run_py):
    """Load op_suite.py into Pyodide and switch the page to the WebGL backend."""
    run_py(f"""
import sys, traceback
open('/tmp/op_suite.py', 'w').write({SUITE.read_text()!r})
sys.path.insert(0, '/tmp')
import op_suite, webflow as tf
tf.config.set_backend('webgl')

def _suite_check(kind, r, c):
    row = op_suite.ROWS[r]
    try:
        if kind in ('values', 'values_graph'):
            op_suite.check_values(tf, row, row.shapes[c], graph=kind == 'values_graph')
        elif kind in ('gradient', 'gradient_graph'):
            op_suite.check_gradient(tf, row, row.shapes[c], graph=kind == 'gradient_graph')
        else:
            op_suite.check_special(tf, kind)
        return ''
    except Exception:
        return traceback.format_exc()
""")
    assert run_py("tf.config.get_backend()") == "webgl"

    def check(kind, r=0, c=0):
        failure = run_py(f"_suite_check({kind!r}, {r}, {c})")
        if failure:
            pytest.fail(failure, pytrace=False)

    return check


def _ids(cases):
    return [f"{ROWS[r].id}-{ROWS[r].shapes[c]}" for r, c in cases]


@pytest.mark.parametrize("r,c", VALUE_CASES, ids=_ids(VALUE_CASES))
def test_values_webgl(suite, r, c):
    suite("values", r, c)


@pytest.mark.parametrize("r,c", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_gradient_webgl(suite, r, c):
    suite("gradient", r, c)


@pytest.mark.parametrize("r,c", VALUE_CASES, ids=_ids(VALUE_CASES))
def test_values_webgl_in_function(suite, r, c):
    """The op inside a tf.function: traced, optimized (fused), run as one recorded plan."""
    suite("values_graph", r, c)


@pytest.mark.parametrize("r,c", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_gradient_webgl_in_function(suite, r, c):
    suite("gradient_graph", r, c)


@pytest.mark.parametrize("op", sorted(SPECIAL_OPS) + sorted(SPECIAL_BINARY))
def test_special_values_webgl(suite, op):
    suite(op)
