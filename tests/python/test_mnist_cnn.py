"""examples/mnist_cnn.py on CPython, on a subset: the full run (3 epochs over 8,000 images,
test accuracy >= 97%) takes minutes on the NumPy backend, so CI trains the same model for
2 epochs on 2,000 images and asserts a lower bar on the same 2,000 test images."""

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mnist_cnn.py"


def test_mnist_cnn_example_learns_on_a_subset():
    run = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "2", "--train", "2000", "--target", "0.9"],
                         capture_output=True, text=True, timeout=600, cwd=EXAMPLE.parents[1])
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    accuracy = float(re.search(r"test accuracy=([0-9.]+)", run.stdout).group(1))
    assert accuracy >= 0.9
    assert "conv2d" in run.stdout and "max_pooling2d" in run.stdout  # the summary lists the layers
