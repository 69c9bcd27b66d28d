"""The home page: Pyodide + webflow boot in a Web Worker, Python runs there, the demo trains."""
import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
pytestmark = pytest.mark.browser


def test_pyodide_and_webflow_load(run_py):
    versions = run_py("import sys, numpy, webflow; [sys.platform, numpy.__version__]")
    assert versions == ["emscripten", "2.0.2"]


def test_run_python_computes_with_webflow(run_py):
    result = run_py("""
import webflow as tf
x = tf.constant([1.0, 2.0, 3.0])
w = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = tf.reduce_mean(tf.square(w * x))
grad, = tape.gradient(y, [w])
[y.numpy().tolist(), grad.numpy().tolist()]
""")
    # y = w^2 * mean(x^2) = 4 * 14/3, and dy/dw = 2 * w * mean(x^2) = 4 * 14/3 as well.
    assert result == pytest.approx([56 / 3, 56 / 3], rel=1e-5)


def test_linear_regression_demo_converges(browser_page, run_py):
    page = browser_page
    page.wait_for_selector("#status[data-state=done]", timeout=120_000)
    shown_a = float(page.text_content("#fit-a"))
    shown_b = float(page.text_content("#fit-b"))
    a, b, true_a, true_b = run_py(
        "[float(demo['a'].numpy()), float(demo['b'].numpy()), demo['TRUE_A'], demo['TRUE_B']]")
    assert abs(a - true_a) < 0.05 and abs(b - true_b) < 0.05, (a, b, true_a, true_b)
    assert abs(shown_a - true_a) < 0.05 and abs(shown_b - true_b) < 0.05, (shown_a, shown_b)
    assert shown_a == pytest.approx(a, abs=1e-4) and shown_b == pytest.approx(b, abs=1e-4)
    assert float(page.text_content("#loss")) < 0.05
    assert "GradientTape" in page.text_content("#demo-code")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "linear_regression.png"), full_page=True)


def test_load_progress_names_each_download_with_its_size(browser_page):
    steps = browser_page.eval_on_selector_all(
        "#boot-steps li", "items => items.map((li) => [li.dataset.stage, li.className, li.textContent])")
    assert [stage for stage, _, _ in steps] == ["Pyodide", "NumPy", "webflow"]
    for stage, state, text in steps:
        assert state == "done", steps
        loaded, total = re.search(r"([\d.]+) MB / ([\d.]+) MB", text).groups()
        assert loaded == total and float(total) > 0, text
    assert float(re.search(r"([\d.]+) MB", steps[0][2]).group(1)) > 5  # Pyodide's wasm and stdlib
    assert browser_page.get_attribute("#runtime", "data-state") == "ready"
    assert "Python in a Web Worker" in browser_page.text_content("#backend")


def test_train_button_trains_again(browser_page):
    page = browser_page
    page.wait_for_selector("#status[data-state=done]", timeout=120_000)
    page.click("#train")
    page.wait_for_selector("#status[data-state=training]")
    page.wait_for_selector("#status[data-state=done]", timeout=120_000)
    assert float(page.text_content("#step")) == 300


def test_no_console_errors(browser_page, browser_problems):
    # Runs last (see conftest). Nothing is filtered: the pages must load and run cleanly.
    assert browser_problems == []
