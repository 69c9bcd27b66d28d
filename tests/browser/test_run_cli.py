"""`build.py run SCRIPT`: the runner page's exit statuses, and the CLI end to end."""
import subprocess

import pytest

import build

pytestmark = pytest.mark.browser


def test_script_output_and_argv(run_script):
    status, lines = run_script("import sys\nprint('hello', sys.argv[1:])\n", "a", "b")
    assert status == 0
    assert lines == [("stdout", "hello ['a', 'b']")]


def test_uncaught_exception_exits_1_with_traceback(run_script):
    status, lines = run_script("def f():\n    raise ValueError('boom')\n\nf()\n")
    assert status == 1
    stderr = "\n".join(text for stream, text in lines if stream == "stderr")
    assert "Traceback (most recent call last)" in stderr
    assert "raise ValueError('boom')" in stderr  # the source line: tracebacks read the file
    assert stderr.endswith("ValueError: boom")


@pytest.mark.parametrize("code, status", [("raise SystemExit(3)", 3), ("import sys; sys.exit()", 0),
                                          ("raise SystemExit('bad input')", 1)])
def test_system_exit_sets_status(run_script, code, status):
    assert run_script(code)[0] == status


def test_cli_runs_linear_regression_example():
    # Boots its own browser, as a user's terminal would; the site is already built.
    result = subprocess.run([str(build.VENV_PY), "build.py", "run", "--no-build",
                             "examples/linear_regression.py"],
                            cwd=build.ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    final = result.stdout.strip().splitlines()[-1]
    fit = dict(part.split("=") for part in final.split()[:2])
    assert abs(float(fit["a"]) - 2.0) < 0.05 and abs(float(fit["b"]) + 1.0) < 0.05, final
