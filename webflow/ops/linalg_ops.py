"""tensordot and einsum, composed from transpose, reshape, matmul and reduce_sum.

Every contraction becomes one batched matmul: the operands are transposed
to [batch, free, contracted] and [batch, contracted, free], flattened to
rank 3, multiplied, and the result is reshaped and transposed to the
requested order. No kernels or gradient rules of their own.
"""

import math
import string

from webflow.ops import array_ops, math_ops
from webflow.ops.dispatch import convert_to_tensor_for, operands


def tensordot(a, b, axes, name=None):
    """Sum of products over ``axes``: an int N (the last N axes of a with the
    first N of b) or a pair of lists [axes of a, axes of b].

    Raises:
        ValueError: axes out of range, of unequal count, or of unequal sizes.

    >>> import webflow as tf
    >>> tf.tensordot([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0], axes=1).numpy()
    array([3., 7.], dtype=float32)
    """
    a, b = operands("tensordot", a, b, names=("a", "b"))
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, int):
        if not 0 <= axes <= min(ra, rb):
            raise ValueError(f"tensordot: axes={axes} must be in 0..{min(ra, rb)} for ranks {ra} and {rb}")
        axes_a, axes_b = list(range(ra - axes, ra)), list(range(axes))
    else:
        try:
            axes_a, axes_b = ([x] if isinstance(x, int) else list(x) for x in axes)
        except (TypeError, ValueError):
            raise ValueError(f"tensordot: axes must be an int or a pair of lists; received {axes!r}") from None
    if len(axes_a) != len(axes_b):
        raise ValueError(f"tensordot: axes must pair up; received {axes_a} for a and {axes_b} for b")
    for ax, rank, arg in ((axes_a, ra, "a"), (axes_b, rb, "b")):
        if any(not -rank <= x < rank for x in ax):
            raise ValueError(f"tensordot: axes {ax} are out of range for {arg} of rank {rank}")
    axes_a, axes_b = [x % ra for x in axes_a], [x % rb for x in axes_b]
    for i, j in zip(axes_a, axes_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"tensordot: contracted sizes differ: a.shape[{i}]={a.shape[i]}, b.shape[{j}]={b.shape[j]}; "
                f"received a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}"
            )
    letters = iter(string.ascii_letters)
    sub_a = [next(letters) for _ in range(ra)]
    sub_b = [next(letters) for _ in range(rb)]
    for i, j in zip(axes_a, axes_b):
        sub_b[j] = sub_a[i]
    out = [s for i, s in enumerate(sub_a) if i not in axes_a] + [s for j, s in enumerate(sub_b) if j not in axes_b]
    return _contract(a, b, sub_a, sub_b, out)


def einsum(equation, *inputs, name=None):
    """Einstein summation for one or two operands.

    Supported: contractions, batch indices, outer products and sums
    ('ij,jk->ik', 'bij,bjk->bik', '...ij,...jk->...ik', 'bi,bi->b'),
    transposes and sums of one operand ('ij->ji', 'ij->i'), and the implicit
    output (indices seen once, in alphabetical order).

    Raises:
        ValueError: a malformed equation, more than two operands, an index
            repeated within one operand (diagonals), sizes that differ, or
            ``...`` dimensions that differ between the operands.

    >>> import webflow as tf
    >>> tf.einsum('ij,jk->ik', [[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    >>> tf.einsum('bi,bi->b', [[1.0, 2.0]], [[3.0, 4.0]]).numpy()
    array([11.], dtype=float32)
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: equation must be a str; received {type(equation).__name__}")
    if len(inputs) not in (1, 2):
        raise ValueError(f"einsum: one or two operands are supported; received {len(inputs)}")
    tensors = operands("einsum", *inputs, names=("x", "y")) if len(inputs) == 2 else [
        convert_to_tensor_for("einsum", inputs[0])
    ]
    if tensors[0].dtype.is_bool:
        raise TypeError("einsum: operands must be float32 or int32; received dtype bool")
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(tensors):
        raise ValueError(f"einsum: equation {equation!r} names {len(terms)} operands; received {len(tensors)}")
    subs = [_subscripts(equation, t, x.shape.rank) for t, x in zip(terms, tensors)]
    if arrow:
        out = _expand_ellipsis(_subscripts(equation, rhs, None), subs)
        if len(set(out)) != len(out) or not set(out) <= set().union(*subs):
            raise ValueError(f"einsum: output {rhs!r} of {equation!r} must name distinct indices of the inputs")
    else:
        counts = {s: sum(sub.count(s) for sub in subs) for s in set().union(*subs)}
        ellipsis = sorted((s for s in counts if s.isdigit()), reverse=True)
        out = ellipsis + sorted(s for s, n in counts.items() if n == 1 and not s.isdigit())
    _check_sizes(equation, tensors, subs)
    if len(tensors) == 1:
        return _reorder(_sum_out(tensors[0], subs[0], out), [s for s in subs[0] if s in out], out)
    return _contract(tensors[0], tensors[1], subs[0], subs[1], out)


def _subscripts(equation, term, rank):
    """Index labels of one term; ``...`` becomes digit labels, right-aligned
    so that the same digit means the same broadcast dimension in every term."""
    body = term.replace("...", "")
    if not all(c in string.ascii_letters for c in body) or term.count("...") > 1:
        raise ValueError(f"einsum: invalid term {term!r} in {equation!r}; use letters and at most one '...'")
    if len(set(body)) != len(body):
        raise ValueError(f"einsum: repeated index in {term!r} of {equation!r} (diagonals) is not supported")
    if "..." not in term:
        if rank is not None and rank != len(body):
            raise ValueError(f"einsum: term {term!r} of {equation!r} has {len(body)} indices for an operand of rank {rank}")
        return list(body)
    before, after = term.split("...")
    count = (rank - len(body)) if rank is not None else 9
    if count < 0:
        raise ValueError(f"einsum: term {term!r} of {equation!r} has more indices than the operand's rank {rank}")
    # NOTE: digits name ellipsis dimensions counted from the right, so '...ij' of
    # rank 4 and '...jk' of rank 3 share the label '0' for their last batch axis.
    dims = [str(i) for i in reversed(range(count))]
    if rank is None:  # the output: its ellipsis is filled in by the caller's labels
        dims = ["..."]
    return list(before) + dims + list(after)


def _check_sizes(equation, tensors, subs):
    sizes = {}
    for x, sub in zip(tensors, subs):
        for s, d in zip(sub, x.shape):
            if sizes.setdefault(s, d) != d:
                what = "'...' dimensions" if s.isdigit() else f"index {s!r}"
                raise ValueError(
                    f"einsum: {what} of {equation!r} have different sizes ({sizes[s]} and {d}); "
                    f"received shapes {', '.join(str(tuple(t.shape)) for t in tensors)} (broadcasting is not supported)"
                )


def _sum_out(x, sub, keep):
    """Sum the axes of x whose labels are not in ``keep``."""
    axes = [i for i, s in enumerate(sub) if s not in keep]
    return math_ops.reduce_sum(x, axes) if axes else x


def _reorder(x, sub, out):
    """Transpose x (labelled ``sub``) into the order ``out``."""
    return array_ops.transpose(x, [sub.index(s) for s in out])


def _contract(a, b, sub_a, sub_b, out):
    """One batched matmul for labelled operands: batch labels are in both and
    the output, contracted labels in both but not the output."""
    a = _sum_out(a, sub_a, set(sub_b) | set(out))
    sub_a = [s for s in sub_a if s in set(sub_b) | set(out)]
    b = _sum_out(b, sub_b, set(sub_a) | set(out))
    sub_b = [s for s in sub_b if s in set(sub_a) | set(out)]
    batch = [s for s in sub_a if s in sub_b and s in out]
    summed = [s for s in sub_a if s in sub_b and s not in out]
    free_a = [s for s in sub_a if s not in sub_b]
    free_b = [s for s in sub_b if s not in sub_a]
    size = dict(zip(sub_a, a.shape)) | dict(zip(sub_b, b.shape))

    def count(labels):
        return math.prod(size[s] for s in labels)

    a3 = array_ops.reshape(_reorder(a, sub_a, batch + free_a + summed), [count(batch), count(free_a), count(summed)])
    b3 = array_ops.reshape(_reorder(b, sub_b, batch + summed + free_b), [count(batch), count(summed), count(free_b)])
    product = math_ops.matmul(a3, b3)
    labels = batch + free_a + free_b
    return _reorder(array_ops.reshape(product, [size[s] for s in labels]), labels, out)


def _expand_ellipsis(out, subs):
    """The output's '...' replaced by the inputs' ellipsis labels, outermost first."""
    if "..." not in out:
        return out
    digits = sorted({s for sub in subs for s in sub if s.isdigit()}, reverse=True)
    at = out.index("...")
    return out[:at] + digits + out[at + 1:]
