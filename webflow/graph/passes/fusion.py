"""Elementwise fusion: a tree of elementwise nodes becomes one ``fused`` node, one kernel.

A node is absorbed into its reader when it is not itself needed after the run (an
output or a variable update) and the merged tree reads at most ``max_inputs``
distinct tensors (the WebGL elementwise kernel reads six). A node with several
readers is copied into each when all of them are elementwise (a few, and it is
small): each kernel computes it again, and it needs no pass of its own. Operands
may broadcast: every leaf is read at the broadcast position of the tree's output,
which is where each op in between would have read it.

Four more merges follow. A kernel whose value a run hands back (an optimizer's new moment) and
whose one reader is a kernel of its shape is computed by that reader's pass as a second result
(``outputs``; the former nodes become ``item`` nodes of it): Adam's three updates of a
variable are one pass. Two kernels of one shape that read a common input and need nothing of
each other are one pass with two results too. A 2-D matmul read only by a kernel of its shape
becomes that kernel's first step: WebGL reads the product from matmul's blocks, with no pass to
unpack it. A softmax or log_softmax along short rows, or a sum over a few rows, read only by a
kernel of its result's shape becomes a step of that kernel too: WebGL works out each row's
statistics or each sum where the kernel reads it (a classifier's loss reads its log_softmax,
Adam's update of a bias reads the sum of its gradient over the batch), with no pass of its own.

A fused node keeps its ops as ``steps``: (op, operands, attributes), an operand
("x", k) the fused node's input k, ("t", j) the result of step j, or ("c", value) a
one-value constant or fill written into the kernel (a literal costs no input). A backend runs
the steps (``Backend.fused``); WebGL runs ``glsl(steps)`` in one elementwise pass,
its body composed from the per-op functions of webgl_kernels/ops.glsl.
"""

import numpy as np

from webflow.backends.base import Backend
from webflow.graph.passes import constant_folding

ELEMENTWISE = frozenset(Backend.UNARY + Backend.ARITHMETIC + Backend.COMPARISON + ("where", "cast"))
# broadcast_to inside a tree is its operand read at the output's position: it joins a tree that
# reads it, but never leads one (alone it is its own kernel anyway).
ABSORBED_ONLY = frozenset(("broadcast_to",))


# A producer read by several elementwise nodes is copied into each of them (computed again in
# each kernel, which is cheaper than a pass of its own) when it is this small and this widely read.
MAX_COPIED_STEPS = 8
MAX_COPIES = 4
# The most results one fused kernel writes (one render target each; elementwise.glsl writes four).
MAX_OUTPUTS = 4
# A softmax or log_softmax whose rows (along the last axis) are this long is worked out in the
# kernel that reads it (each texel of the result reads the one or two rows it holds values of).
ROW_READS = (4, 64)
# A sum over this many rows at most (of columns: inner > 1; of consecutive values: inner 1) is
# worked out in the kernel that reads it, as the reduce kernel's one pass would (in the same order).
MAX_SUMMED_ROWS = {"columns": 256, "values": 64}
READ_STEPS = ("softmax", "log_softmax", "reduce_sum")


def run(graph, max_inputs=None):
    """Fuse in place; returns the number of fused nodes made."""
    order = {n.id: k for k, n in enumerate(graph.nodes)}
    readers = readers_of(graph)
    keep = {n.id for n in graph.results()}
    groups = {}  # leader id -> (members in execution order, distinct external inputs)
    taken = {}  # leader id -> how many readers absorbed its group
    for node in graph.nodes:
        if node.op not in ELEMENTWISE and node.op not in ABSORBED_ONLY:
            continue
        members, externals = [node], [x for x in _distinct(node.inputs) if _literal(x) is None]
        for x in _distinct(node.inputs):
            if x.id not in groups or x.id in keep:
                continue
            inner, inner_externals = groups[x.id]
            shared = len(readers[x.id]) > 1
            if shared and (len(readers[x.id]) > MAX_COPIES or len(inner) > MAX_COPIED_STEPS
                           or any(r.op not in ELEMENTWISE for r in readers[x.id])):
                continue
            merged = _distinct([e for e in externals if e is not x] + inner_externals)
            if max_inputs is None or len(merged) <= max_inputs:
                members = sorted(_distinct(inner + members), key=lambda m: order[m.id])
                externals = merged
                taken[x.id] = taken.get(x.id, 0) + 1
        groups[node.id] = (members, externals)
    for leader_id, count in taken.items():
        if count == len(readers[leader_id]):  # every reader computes it: no pass of its own
            del groups[leader_id]
    absorbed = set()
    fused = []
    for members, externals in groups.values():
        if len(members) < 2 or members[-1].op in ABSORBED_ONLY:
            continue
        position = {m.id: j for j, m in enumerate(members)}
        slot = {e.id: k for k, e in enumerate(externals)}
        steps = tuple((m.op, tuple(_operand(x, position, slot) for x in m.inputs), dict(m.attrs)) for m in members)
        absorbed.update(m.id for m in members[:-1])
        fused.append((members[-1], externals, steps))
    # NOTE: rewritten in place (after every group's steps are read: a copied node may lead a group
    # too), so the leader's readers and output references stay valid.
    for leader, externals, steps in fused:
        leader.op, leader.inputs, leader.attrs = "fused", list(externals), {"steps": steps, "shape": leader.shape}
    absorbed -= set(groups)  # a node copied into readers that still leads a group keeps its own pass
    graph.nodes = [n for n in graph.nodes if n.id not in absorbed]
    _merge_results(graph, max_inputs)
    _merge_siblings(graph, max_inputs)
    _absorb_products(graph)
    _absorb_reads(graph, max_inputs)
    for node in graph.nodes:
        if node.op == "fused":
            _shared_steps(node)
            _canonical(node)
    return len(fused)


class _Kernel:
    """An elementwise or fused node as steps over distinct inputs, with the steps it hands back."""

    def __init__(self, node):
        if node.op == "fused":
            self.steps, self.inputs = list(node.attrs["steps"]), list(node.inputs)
        else:
            self.inputs = _distinct(node.inputs)
            slot = {x.id: k for k, x in enumerate(self.inputs)}
            self.steps = [(node.op, tuple(("x", slot[x.id]) for x in node.inputs), dict(node.attrs))]
        self.results = [(node, len(self.steps) - 1)]  # (node whose value it is, step)

    def absorb(self, producer, node, steps, inputs):
        """Run ``steps`` over ``inputs`` first, their step ``producer`` standing for ``node``'s value."""
        merged = _distinct(inputs + [x for x in self.inputs if x is not node])
        slot = {x.id: k for k, x in enumerate(merged)}
        shift = len(steps)

        def operand(kind, k, own, offset):
            if kind == "x":
                x = own[k]
                return ("t", producer) if x is node else ("x", slot[x.id])
            return ("t", k + offset) if kind == "t" else (kind, k)

        self.steps = [(op, tuple(operand(kind, k, own, offset) for kind, k in operands), attrs)
                      for own, offset, part in ((inputs, 0, steps), (self.inputs, shift, self.steps))
                      for op, operands, attrs in part]
        self.results = [(n, j + shift) for n, j in self.results]
        self.inputs = merged


def readers_of(graph):
    """{id: the distinct nodes that read it}, in graph order."""
    readers = {}
    for node in graph.nodes:
        for x in _distinct(node.inputs):
            readers.setdefault(x.id, []).append(node)
    return readers


def _merge_results(graph, max_inputs):
    """A kernel whose value a run hands back (an optimizer's new moment) and whose one reader is a
    kernel of the same shape is merged into that reader: one pass computes both, each written to
    a target of its own (at most MAX_OUTPUTS). The merged node's value is the tuple of results;
    each former node becomes an ``item`` of it, so outputs and updates still name it."""
    readers = readers_of(graph)
    keep = {n.id for n in graph.results()}
    kernels = {}  # node id -> the _Kernel it leads
    for node in graph.nodes:
        if node.op != "fused" and node.op not in ELEMENTWISE:
            continue
        kernel = _Kernel(node)
        for x in _distinct(node.inputs):
            inner = kernels.get(x.id)
            if (inner is None or x.id not in keep or readers[x.id] != [node] or x.shape != node.shape
                    or len(inner.results) + len(kernel.results) > MAX_OUTPUTS):
                continue
            inputs = len(_distinct(inner.inputs + [y for y in kernel.inputs if y is not x]))
            if max_inputs is None or inputs <= max_inputs:
                kernel.absorb(inner.results[-1][1], x, inner.steps, inner.inputs)
                kernel.results = inner.results + kernel.results
                del kernels[x.id]
        kernels[node.id] = kernel
    for kernel in kernels.values():
        if len(kernel.results) > 1:
            _materialize(graph, kernel)


def _merge_siblings(graph, max_inputs):
    """Two kernels of one shape that read a common input, neither needing the other, become one
    pass with the results of both (XLA's sibling fusion): one draw and one program instead of two
    (a loss's one-hot labels, for its value and for its gradient; a regression's error, for its
    loss, its gradient and its MAE). Either may already have several results, up to MAX_OUTPUTS in
    all. The pass goes where one of them was: the first, when the second's inputs are all ready
    there; else the second, when nothing reads the first's results before it. A pair that read two
    matmuls is left apart, so that each can still take its product in (``_absorb_products``). Pairs
    merge one at a time, each judged on the graph the merges before it left."""
    merged = 0
    while (pair := _sibling_pair(graph, max_inputs)) is not None:
        first, second = pair
        items = _items_of(graph)
        kernel, other = _kernel_with_items(second, items), _kernel_with_items(first, items)
        kernel.absorb(None, None, other.steps, other.inputs)  # no input of one is the other
        kernel.results = other.results + kernel.results  # the pass goes where the last result was
        _materialize(graph, kernel)
        # A kernel that had several results is replaced: its items are the new kernel's now.
        graph.nodes = [n for n in graph.nodes if not (n is first or n is second) or n.op == "item"]
        merged += 1
    return merged


def _items_of(graph):
    """{id of a several-result fused node: its item nodes, by index}."""
    items = {}
    for n in graph.nodes:
        if n.op == "item" and n.inputs[0].op == "fused":
            items.setdefault(n.inputs[0].id, []).append(n)
    return {k: sorted(v, key=lambda n: n.attrs["index"]) for k, v in items.items()}


def _kernel_with_items(node, items):
    """_Kernel(node); a several-result node's results are its items."""
    kernel = _Kernel(node)
    if "outputs" in node.attrs:
        kernel.results = [(item, node.attrs["outputs"][item.attrs["index"]]) for item in items[node.id]]
    return kernel


def _sibling_pair(graph, max_inputs):
    """The first pair of siblings ``_merge_siblings`` can merge, as (first, second): the merged pass
    goes where ``second`` is; None when there is none."""
    readers = readers_of(graph)
    position = {n.id: k for k, n in enumerate(graph.nodes)}
    items = _items_of(graph)
    # Kernels and their results' count; a several-result kernel's values are read through its items.
    results = {n.id: 1 for n in graph.nodes if n.op in ELEMENTWISE or (n.op == "fused" and "outputs" not in n.attrs)}
    results.update({n.id: len(n.attrs["outputs"]) for n in graph.nodes
                    if n.op == "fused" and "outputs" in n.attrs and len(items.get(n.id, ())) == len(n.attrs["outputs"])})

    def readers_of_results(node):
        return [r for item in items[node.id] for r in readers.get(item.id, [])] if node.id in items \
            else readers.get(node.id, [])

    for earlier in graph.nodes:
        if earlier.id not in results:
            continue
        for x in _distinct(earlier.inputs):
            for later in readers[x.id]:
                if (later.id not in results or later.shape != earlier.shape or position[later.id] <= position[earlier.id]
                        or results[earlier.id] + results[later.id] > MAX_OUTPUTS):
                    continue
                inputs = _distinct(earlier.inputs + later.inputs)
                if (max_inputs is not None and len(inputs) > max_inputs) or sum(y.op == "matmul" for y in inputs) > 1:
                    continue
                # Either place works only when neither needs the other (a path between them fails both).
                if all(position[y.id] < position[earlier.id] for y in later.inputs):
                    return later, earlier
                if all(position[r.id] > position[later.id] for r in readers_of_results(earlier)):
                    return earlier, later
    return None


def _materialize(graph, kernel):
    """Put a several-result kernel in the graph where its last result was: the fused node, then
    its former nodes, rewritten in place as items of it (only the kernel itself read them)."""
    members = [n for n, _ in kernel.results]
    last = members[-1]
    node = graph.add("fused", kernel.inputs, last.shape, last.dtype,
                     {"steps": tuple(kernel.steps), "shape": last.shape, "outputs": tuple(j for _, j in kernel.results)})
    graph.nodes.pop()  # placed below
    for index, member in enumerate(members):
        member.op, member.inputs, member.attrs = "item", [node], {"index": index}
    ids = {n.id for n in members}
    placed = []
    for n in graph.nodes:
        if n is last:
            placed += [node] + members
        elif n.id not in ids:
            placed.append(n)
    graph.nodes = placed


def _absorb_products(graph):
    """A 2-D matmul whose one reader is a fused or elementwise kernel of its shape becomes that
    kernel's first step: WebGL then reads the product straight from matmul's blocks, with no pass
    of its own to unpack them (runtime.fused, mode 6)."""
    readers = readers_of(graph)
    keep = {n.id for n in graph.results()}
    absorbed = set()
    for node in graph.nodes:
        if node.op != "fused" and node.op not in ELEMENTWISE:
            continue
        kernel = _Kernel(node)
        product = next((x for x in kernel.inputs if x.op == "matmul" and x.id not in keep and readers[x.id] == [node]
                        and x.shape == node.shape and all(len(y.shape) == 2 for y in x.inputs)), None)
        if product is None or kernel.steps[0][0] == "matmul":
            continue
        # NOTE: the other inputs keep their own slots even when one is also an operand of the
        # product: glsl() reads the kernel's input k >= 2 as x{k-1}, inputs 0 and 1 never.
        others = [x for x in kernel.inputs if x is not product]
        slot = {x.id: k + 2 for k, x in enumerate(others)}

        def operand(kind, k):
            if kind == "x":
                x = kernel.inputs[k]
                return ("t", 0) if x is product else ("x", slot[x.id])
            return ("t", k + 1) if kind == "t" else (kind, k)

        steps = [("matmul", (("x", 0), ("x", 1)), dict(product.attrs))] + [
            (op, tuple(operand(kind, k) for kind, k in operands), attrs) for op, operands, attrs in kernel.steps]
        outputs = node.attrs.get("outputs")
        node.op, node.inputs = "fused", list(product.inputs) + others
        node.attrs = {"steps": tuple(steps), "shape": node.shape,
                      **({"outputs": tuple(j + 1 for j in outputs)} if outputs else {})}
        absorbed.add(product.id)
    graph.nodes = [n for n in graph.nodes if n.id not in absorbed]


def absorbable_read(node):
    """Whether a reader kernel of ``node``'s shape can work ``node`` out where it reads it (see
    ROW_READS, MAX_SUMMED_ROWS): a softmax or log_softmax along the last axis, or a sum over one
    block of neighbouring axes."""
    if node.op in ("softmax", "log_softmax"):
        return (node.attrs["axis"] == len(node.shape) - 1
                and ROW_READS[0] <= node.shape[-1] <= ROW_READS[1])
    if node.op == "reduce_sum":
        source, axes = node.inputs[0].shape, node.attrs["axes"]
        if not axes or list(axes) != list(range(axes[0], axes[-1] + 1)):
            return False
        rows = int(np.prod([source[a] for a in axes]))
        inner = int(np.prod(source[axes[-1] + 1:]))
        return rows <= MAX_SUMMED_ROWS["columns" if inner > 1 else "values"]
    return False


def _absorb_reads(graph, max_inputs):
    """A softmax, log_softmax or sum (``absorbable_read``) whose one reader is a fused or
    elementwise kernel of its shape becomes a step of that kernel, reading the op's input where the
    op was read: WebGL works it out in the kernel's pass (runtime.fused, modes 10-12 and 14), so it
    needs no pass of its own. The step goes first (after a leading matmul step); the op's input takes
    the op's input slot, its own, even where the kernel also reads that tensor as it is, so the
    kernel reads as many inputs as before (a kernel over ``max_inputs``, as when fusion is held
    back, is left alone)."""
    readers = readers_of(graph)
    keep = {n.id for n in graph.results()}
    absorbed = set()
    for node in graph.nodes:
        if node.op != "fused" and node.op not in ELEMENTWISE:
            continue
        kernel, outputs = None, node.attrs.get("outputs")
        if max_inputs is not None and len(_distinct(node.inputs)) > max_inputs:
            continue
        for x in list(_distinct(node.inputs)):
            if x.id in keep or readers[x.id] != [node] or x.shape != node.shape or not absorbable_read(x):
                continue
            if kernel is None:
                kernel = _Kernel(node)
            lead = 1 if kernel.steps[0][0] == "matmul" else 0
            k = next(j for j, y in enumerate(kernel.inputs) if y is x)

            def operand(kind, j):
                if kind == "x" and j == k:
                    return ("t", lead)
                return ("t", j + 1) if kind == "t" and j >= lead else (kind, j)

            steps = [(op, tuple(operand(kind, j) for kind, j in operands), attrs) for op, operands, attrs in kernel.steps]
            steps.insert(lead, (x.op, (("x", k),), dict(x.attrs)))
            kernel.steps, kernel.inputs[k] = steps, x.inputs[0]
            if outputs:
                outputs = tuple(j + 1 if j >= lead else j for j in outputs)
            absorbed.add(x.id)
        if kernel is not None:
            node.op, node.inputs = "fused", kernel.inputs
            node.attrs = {"steps": tuple(kernel.steps), "shape": node.shape, **({"outputs": outputs} if outputs else {})}
    graph.nodes = [n for n in graph.nodes if n.id not in absorbed]


def _distinct(nodes):
    return list({n.id: n for n in nodes}.values())


def _literal(node):
    """The one finite value of a fill or uniform host constant known at trace time, written into
    the kernel instead of read; None for anything else. The fused node's ``shape`` keeps the
    output shape such a value may have set."""
    value = constant_folding.uniform_value(node)
    return value if value is not None and np.isfinite(value) else None


def _operand(x, position, slot):
    if x.id in position:
        return ("t", position[x.id])
    if x.id in slot:
        return ("x", slot[x.id])
    return ("c", _literal(x))


def glsl(steps, outputs=None):
    """The fused kernel's GLSL over x0, x1, ...: one result, an expression of nested calls of
    ops.glsl's functions; several (``outputs``: step indices), statements setting y[0], y[1], ...
    A leading matmul step is the kernel's input x0 (read from the product's blocks); the node's
    inputs 0 and 1 are its operands, so input k >= 2 is x{k-1}. A step of READ_STEPS is its
    input as the kernel reads it (the backend reads that input in the step's way).

    >>> glsl((("add", (("x", 0), ("x", 1)), {}), ("relu", (("t", 0),), {})))
    'op_relu(op_add(x0, x1))'
    >>> glsl((("negative", (("x", 0),), {}), ("exp", (("t", 0),), {})), outputs=(0, 1))
    'float t0 = op_negative(x0); float t1 = op_exp(t0); y[0] = t0; y[1] = t1;'
    """
    shift = 1 if steps[0][0] == "matmul" else 0
    texts, statements = [], []
    for op, operands, attrs in steps:
        args = [f"x{k - shift}" if kind == "x" else texts[k] if kind == "t" else float_literal(k) for kind, k in operands]
        if op == "matmul":
            text = "x0"
        elif op in READ_STEPS:  # the input, worked out where it is read (absorbable_read)
            text = args[0] if attrs.get("divisor", 1) == 1 else f"op_divide({args[0]}, {float_literal(attrs['divisor'])})"
        elif op == "broadcast_to":  # the operand, read at the output's position like every leaf
            text = args[0]
        elif op == "cast" and attrs["dtype"].is_floating:
            text = args[0]  # NOTE: int32 and bool are held as floats: a cast to float32 is the value itself
        else:
            text = f"op_cast_{attrs['dtype'].name}({args[0]})" if op == "cast" else f"op_{op}({', '.join(args)})"
            if outputs:  # a statement each, its value named (temporaries are numbered as written)
                statements.append(f"float t{len(statements)} = {text};")
                text = f"t{len(statements) - 1}"
        texts.append(text)
    if not outputs:
        return texts[-1]
    return " ".join(statements + [f"y[{i}] = {texts[j]};" for i, j in enumerate(outputs)])


def _shared_steps(node):
    """A step that repeats an earlier one (the common part of merged siblings) is computed once."""
    steps, first, renumber = [], {}, {}
    for j, (op, operands, attrs) in enumerate(node.attrs["steps"]):
        operands = tuple(("t", renumber[k]) if kind == "t" else (kind, k) for kind, k in operands)
        key = repr((op, operands, sorted(attrs.items())))
        if key not in first:
            first[key] = len(steps)
            steps.append((op, operands, attrs))
        renumber[j] = first[key]
    node.attrs["steps"] = tuple(steps)
    if "outputs" in node.attrs:
        node.attrs["outputs"] = tuple(renumber[j] for j in node.attrs["outputs"])


def _canonical(node):
    """Number a fused node's inputs in the order its steps first read them, so kernels made of the
    same steps (Adam's update of each variable) have the same GLSL and share one program."""
    order = {}
    for _, operands, _ in node.attrs["steps"]:
        for kind, k in operands:
            if kind == "x":
                order.setdefault(k, len(order))
    node.inputs = [node.inputs[k] for k in sorted(order, key=order.get)]
    node.attrs["steps"] = tuple((op, tuple(("x", order[k]) if kind == "x" else (kind, k) for kind, k in operands), attrs)
                                for op, operands, attrs in node.attrs["steps"])


def float_literal(value):
    """A GLSL float literal that reads back as the same float32 (every value is held as a float).

    NOTE: NumPy's shortest round-trip text always has a '.' or an exponent, as GLSL needs.

    >>> float_literal(0.1), float_literal(3)
    ('(0.1)', '(3.0)')
    """
    return f"({str(np.float32(value))})"
