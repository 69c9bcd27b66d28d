"""Backend registry: which backend new tensors and ops use."""

from webflow.backends.numpy_backend import NumpyBackend

_BACKENDS = {"numpy": NumpyBackend}
_instances = {}
_active = None


def get_backend():
    """The active backend object (created on first use)."""
    global _active
    if _active is None:
        _active = _instance("numpy")
    return _active


def set_backend(name):
    """Make ``name`` the backend for new tensors and ops."""
    global _active
    if name not in _BACKENDS:
        raise ValueError(f"set_backend: expected one of {sorted(_BACKENDS)}; received {name!r}")
    _active = _instance(name)


def _instance(name):
    if name not in _instances:
        _instances[name] = _BACKENDS[name]()
    return _instances[name]
