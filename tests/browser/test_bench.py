"""The benchmark page (`build.py bench`) in quick mode: complete, sane results, and webflow's
matmul agrees with TensorFlow.js's and NumPy's on the same inputs. Not a speed check."""
import json
import math
from pathlib import Path

import pytest

import build
from conftest import BOOT_TIMEOUT_MS, watch

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

pytestmark = pytest.mark.browser

FRAMEWORKS = ("webflow", "tfjs", "numpy")
OPS4_ROWS = {"conv2d-28x28x1-32-dx", "conv2d-28x28x1-32-dw", "conv2d-14x14x32-64-dx", "conv2d-14x14x32-64-dw",
             "concat-axis0", "concat-axis1", "pad"}


@pytest.fixture(scope="module")
def bench_page(browser, site_url, browser_problems):
    """The Benchmark page as a visitor uses it: open it, choose the quick check, press Run."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    watch(page, browser_problems)
    page.goto(site_url + "bench.html")
    # Nothing runs until asked; the project's own last results are shown to compare with.
    page.wait_for_selector("#reference:not([hidden])")
    assert page.evaluate("window.benchResults") is None
    assert page.text_content("#bench-status") == "Choose what to run."
    page.select_option("#mode", "quick")
    page.click("#run")
    page.wait_for_url("**/bench.html?quick=1")
    page.wait_for_function("window.benchResults !== undefined")
    yield page
    page.close()


@pytest.fixture(scope="module")
def quick_results(bench_page):
    return bench_page.evaluate("() => window.benchResults")  # raises with the page's error, if any


def test_the_page_shows_its_results_beside_the_projects(bench_page, quick_results):
    assert bench_page.eval_on_selector_all("#topbar nav a.active", "links => links.map((a) => a.textContent)") == ["Benchmark"]
    bench_page.wait_for_selector("#bench-status[data-state=done]")
    assert bench_page.is_enabled("#run")
    shown = bench_page.eval_on_selector_all("#table table", """tables => tables.map((t) =>
        Array.from(t.rows).slice(1).map((r) => Array.from(r.cells).map((c) => c.textContent)))""")
    assert [len(rows) for rows in shown] == [len(quick_results[k]) for k in ("rows", "training", "steps")]
    by_label = {row[0]: row for row in shown[0]}
    matmul = next(row for row in quick_results["rows"] if row["id"] == "matmul-64-kernel")
    assert float(by_label[matmul["label"]][2]) == pytest.approx(matmul["webflow"], rel=5e-3, abs=5e-4)
    reference = json.loads((build.ROOT / "bench" / "results.json").read_text())
    reference_rows = bench_page.locator("#reference-table tr").count()
    assert reference_rows == sum(len(reference[k]) + 1 for k in ("rows", "training", "steps"))
    ARTIFACTS.mkdir(exist_ok=True)
    bench_page.screenshot(path=str(ARTIFACTS / "benchmark.png"), full_page=True)


def test_environment_is_recorded(quick_results):
    env = quick_results["environment"]
    assert quick_results["quick"] is True
    assert env["tfjs"] == "4.22.0" and env["tfjsBackend"] == "webgl"
    assert env["pyodide"] == "0.27.7" and env["backend"] == "webgl"
    assert env["renderer"] and env["browser"]
    stats = quick_results["webflowStats"]
    assert stats["programsCompiled"] > 0 and stats["draws"] > 0


def test_every_row_has_positive_finite_numbers(quick_results):
    rows = {row["id"]: row for row in quick_results["rows"]}
    assert set(rows) == {"matmul-64-kernel", "matmul-64-readback", "add", "relu", "softmax",
                         "dispatch", "roundtrip", "upload", "download",
                         "conv2d-28x28x1-32", "conv2d-14x14x32-64", "max_pool2d"} | OPS4_ROWS
    host_side = {"roundtrip", "upload", "download"}  # no NumPy column: nothing to move
    for id, row in rows.items():
        for framework in FRAMEWORKS:
            if framework == "numpy" and id in host_side:
                assert row[framework] is None, id
                continue
            value = row[framework]
            assert isinstance(value, (int, float)) and math.isfinite(value), (id, framework, value)
            assert value > 0, (id, framework, value)
            assert row["reps"][framework] >= 1 and len(row["samples"][framework]) >= 1, (id, framework)
        assert math.isfinite(row["speedup"]) and row["speedup"] > 0, id
    assert "| matmul 64×64, kernel only | GFLOP/s |" in quick_results["table"]


def test_matmul_agrees_across_frameworks(quick_results):
    (check,) = quick_results["matmulCheck"]
    assert check["n"] == 64
    # Relative to the largest |value|; float32 sums of 64 products in different orders.
    for pair in ("webflow_vs_numpy", "tfjs_vs_numpy", "webflow_vs_tfjs"):
        assert check[pair] < 1e-5, (pair, check)


def test_training_rows(quick_results):
    """Each model trained by all three, on the same data: positive epoch times, a sane metric, and
    webflow's two backends agreeing (same seed, same shuffles; float32 on both)."""
    rows = {row["id"]: row for row in quick_results["training"]}
    assert set(rows) == {"train-boston", "train-mnist_mlp", "train-mnist_cnn"}
    for id, row in rows.items():
        for framework in FRAMEWORKS:
            assert row[framework] > 0 and math.isfinite(row[framework]), (id, framework)
            assert len(row["epochSeconds"][framework]) == row["settings"]["epochs"], (id, framework)
            metric = row["metric"][framework]
            if row["metricName"] == "test MAE":
                assert 0 < metric < 30, (id, framework, metric)  # house prices are 5-50 ($1000s)
            else:
                assert 0 <= metric <= 1, (id, framework, metric)
        assert abs(row["metric"]["webflow"] - row["metric"]["numpy"]) < 0.02, (id, row["metric"])
        assert row["speedup"] > 0
    assert rows["train-mnist_mlp"]["trainSamples"] == 128 and rows["train-boston"]["trainSamples"] == 404
    assert "| training | webflow WebGL s/epoch |" in quick_results["table"]


def test_training_step_rows(quick_results):
    """Graph mode, eager mode and TF.js's trainOnBatch on the issue's MLP and CNN: positive times,
    a learning step in each, and graph mode with fewer draws and far fewer Python->JS calls."""
    rows = {row["id"]: row for row in quick_results["steps"]}
    assert set(rows) == {"step-mlp", "step-cnn"}
    for id, row in rows.items():
        for who in ("graph", "eager", "tfjs"):
            run = row[who]
            assert run["ms"] > 0 and run["first_ms"] >= run["ms"] * 0.5 and len(run["step_ms"]) == row["steps"], (id, who)
            assert run["loss_last"] < run["loss_first"], (id, who, run)  # the same batch: the loss falls
        assert row["graph"]["draws"] < row["eager"]["draws"], (id, row["graph"]["draws"], row["eager"]["draws"])
        # graph: one runPlan (it uploads x, y and the optimizer's two step scalars from the staging
        # buffer), the loss read back, one call freeing the variables' old values, then the loss's free
        assert row["graph"]["crossings"] <= 4 < row["eager"]["crossings"], (id, row["graph"], row["eager"])
    assert "| training step | webflow graph ms/step |" in quick_results["table"]
