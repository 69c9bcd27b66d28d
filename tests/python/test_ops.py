"""The shared op table on the NumPy backend: values, gradients, special values."""

import pytest

import webflow as tf
from webflow import ops
from webflow.backends.base import Backend
from webflow.backends.numpy_backend import NumpyBackend
from op_suite import ROWS, SPECIAL_BINARY, SPECIAL_OPS, check_gradient, check_special, check_values, grad_cases

VALUE_CASES = [(row, case) for row in ROWS for case in row.shapes]
GRAD_CASES = [(row, case) for row in ROWS for case in grad_cases(row)]


@pytest.mark.parametrize("row,case", VALUE_CASES, ids=[f"{r.id}-{c}" for r, c in VALUE_CASES])
def test_values(row, case):
    check_values(tf, row, case)


@pytest.mark.parametrize("row,case", GRAD_CASES, ids=[f"{r.id}-{c}" for r, c in GRAD_CASES])
def test_gradient(row, case):
    check_gradient(tf, row, case)


@pytest.mark.parametrize("row,case", VALUE_CASES, ids=[f"{r.id}-{c}" for r, c in VALUE_CASES])
def test_values_in_function(row, case):
    check_values(tf, row, case, graph=True)


@pytest.mark.parametrize("row,case", GRAD_CASES, ids=[f"{r.id}-{c}" for r, c in GRAD_CASES])
def test_gradient_in_function(row, case):
    check_gradient(tf, row, case, graph=True)


@pytest.mark.parametrize("op", sorted(SPECIAL_OPS) + sorted(SPECIAL_BINARY))
def test_special_values(op):
    check_special(tf, op)


def test_every_primitive_has_definition_kernel_and_rows():
    """One name, four places: every op with a gradient entry is a primitive;
    it must have a public definition, a NumPy kernel, and rows in the table."""
    tested = {row.op for row in ROWS}
    for name in ops.GRADIENTS:
        assert hasattr(ops, name), f"{name}: no definition in webflow.ops"
        if name not in ("identity", "custom_gradient"):  # these share handles; no kernel
            assert callable(getattr(NumpyBackend, name, None)), f"{name}: no NumPy kernel"
            assert getattr(NumpyBackend, name) is not getattr(Backend, name, None), f"{name}: NumPy kernel missing"
        assert name in tested, f"{name}: no rows in tests/op_suite.py"
