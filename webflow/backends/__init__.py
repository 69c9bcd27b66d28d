"""Backend registry: which backend new tensors and ops use.

On CPython the default is NumPy. In the browser (Pyodide) it is WebGL when
the page has created the WebGL2 runtime, else NumPy with one warning.
"""

import sys
import warnings

from webflow.backends.numpy_backend import NumpyBackend

NAMES = ("numpy", "webgl")
_instances = {}
_active = None


def _create(name):
    if name == "numpy":
        return NumpyBackend()
    if sys.platform != "emscripten":
        raise RuntimeError("set_backend: the webgl backend runs only in the browser (Pyodide); use 'numpy' here")
    from webflow.backends.webgl import WebGLBackend  # imports Pyodide's js module

    return WebGLBackend()


def _default():
    if sys.platform == "emscripten":
        import js

        if getattr(js, "webflowRuntime", None) is not None:
            return "webgl"
        reason = getattr(js, "webflowRuntimeError", None) or "the page did not start the WebGL runtime"
        warnings.warn(f"webflow: WebGL2 is not available ({reason}); using the NumPy backend", stacklevel=3)
    return "numpy"


def get_backend():
    """The active backend object (chosen on first use)."""
    global _active
    if _active is None:
        _active = _instance(_default())
    return _active


def set_backend(name):
    """Make ``name`` ("numpy" or "webgl") the backend for new tensors and ops.

    Tensors made on another backend are moved when an op first uses them.
    """
    global _active
    if name not in NAMES:
        raise ValueError(f"set_backend: expected one of {list(NAMES)}; received {name!r}")
    _active = _instance(name)


def _instance(name):
    if name not in _instances:
        _instances[name] = _create(name)
    return _instances[name]
