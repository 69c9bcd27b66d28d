"""The WebGL plan: a graph's kernel calls recorded once, kept by runtime.js, run by one call.

Recording runs the WebGL backend's own methods against a ``Recorder`` standing in for
runtime.js: every kernel call (``elementwise``, ``matmul``, ``conv2d``, ...) is noted with its
arguments instead of being sent, and its result is a *slot*, an int subclass the recording
writes as ``{"slot": k}``. Slots 0..n-1 are the run's inputs: arguments, variables, host values
and constants, which Python owns; a fused kernel with several results makes a slot for each.
runtime.js's ``createPlan`` works out when each other slot is
last read and frees its texture right there, so textures return to the pool during the run.

A run uploads the arguments and host values that are not already on the GPU, writes all input
handles into the backend's staging buffer (as int32), and calls ``runtime.runPlan`` once; the
output handles come back in the same buffer. A one-value argument or host value (an optimizer's
step size) reaches the kernels that read it as a uniform, with no texture; an input no call
reads is not sent.
"""

import json
import math

import numpy as np

from webflow.backends.webgl import GLTensor, WebGLBackend
from webflow.graph.execute import Plan

KERNELS = ("elementwise", "fused", "matmul", "reduce", "softmax", "fill", "concat", "pad", "gather",
           "unsortedSegmentSum", "conv2d", "pool", "cumsum")
COPY_VALUES = 4096  # results up to this size that the caller reads right away are copied out where made


class Slot(int):
    """A handle in a recorded plan: input k, or the result of a recorded call."""


class Recorder:
    """Takes runtime.js's place while a plan is recorded (the backend binds its kernels from it)."""

    def __init__(self, runtime, inputs):
        self.textures = runtime.textures
        self.caps = runtime.caps
        self.calls = []
        self.next_slot = inputs
        for method in KERNELS:
            setattr(self, method, self._recording(method))

    def _recording(self, method):
        def record(*args):
            # NOTE: fused with several outputs (args[1]) makes that many slots, handed back as a list.
            count = args[1] if method == "fused" and args[1] > 1 else 1
            slots = [Slot(self.next_slot + j) for j in range(count)]
            self.next_slot += count
            made = [int(s) for s in slots] if count > 1 else int(slots[0])
            self.calls.append([method, [{"slot": int(a)} if type(a) is Slot else a for a in args], made])
            return slots if count > 1 else slots[0]

        return record

    def free(self, id):
        """Recorded handles are freed by the plan itself (runtime.js knows each slot's last reader)."""

    def uploadFrom(self, *args):
        raise AssertionError("webgl plan: a kernel uploaded data while being recorded")

    def readInto(self, *args):
        raise AssertionError("webgl plan: a kernel read data back while being recorded")

    def freeStaged(self, *args):
        raise AssertionError("webgl plan: handles were freed in a batch while being recorded")

    uploadStaged = uploadFrom
    readStaged = readInto


class WebGLPlan(Plan):
    def __init__(self, graph, backend):
        super().__init__(graph, backend)
        self.sources = [n for n in graph.nodes if not n.inputs]  # the run's inputs, in slot order
        recorder = Recorder(backend.runtime, len(self.sources))
        recording = WebGLBackend(recorder)
        handles = {n.id: GLTensor(recorder, Slot(k), n.shape) for k, n in enumerate(self.sources)}
        for node in graph.nodes:
            if node.op == "item":
                handles[node.id] = handles[node.inputs[0].id][node.attrs["index"]]
            elif node.inputs:
                handles[node.id] = getattr(recording, node.op)(*(handles[x.id] for x in node.inputs), **node.attrs)
        # What the run hands back; an argument checked on the host before the run (Plan.check_inputs,
        # sparse labels) is not, so it can be one the run uploads itself.
        results = graph.results()
        self._results = (results[:len(results) - len(graph.checks)]
                         + [n for _, n in graph.checks if n.op != "placeholder"])
        self.output_slots = [int(handles[n.id].id) for n in self._results]
        self.kernel_calls = len(recorder.calls)  # runtime.js calls per run (a matmul is one, of up to 4 draws)
        # Arguments and host values the run uploads itself from the staging buffer (runPlan), unless
        # handed back as an output (then Python needs their handle).
        self._staged = [n.op in ("placeholder", "host") and k not in self.output_slots
                        for k, n in enumerate(self.sources)]
        # An input no call reads and the run does not hand back (a host value only the host call's
        # other results need, Adam's learning rate beside its step size) is not uploaded at all.
        read = {a["slot"] for _, args, _ in recorder.calls for a in args if type(a) is dict}
        self._unread = [k not in read and k not in self.output_slots for k in range(len(self.sources))]
        # Small results read right after the run (what the function returns, tf.print's values,
        # checks) are copied out where they are made, so reading one waits for the GPU work up to
        # it only: a training step's loss is read while the gradients and the update still run.
        read_soon = {n.id for n in graph.outputs} | {n.id for _, ns in graph.effects for n in ns} | {
            n.id for _, n in self._output_checks}
        copied = sorted({slot for n, slot in zip(self._results, self.output_slots)
                         if n.id in read_soon and slot >= len(self.sources) and math.prod(n.shape) <= COPY_VALUES})
        spec = {"inputs": len(self.sources), "calls": recorder.calls, "outputs": self.output_slots,
                "sizes": [math.prod(n.shape) if staged else 0 for n, staged in zip(self.sources, self._staged)],
                "copied": copied}
        self.id = backend.runtime.createPlan(json.dumps(spec))
        self._run_plan = backend.runtime.runPlan
        self.uploads_per_run = sum(1 for n, unread in zip(self.sources, self._unread)
                                   if n.op in ("placeholder", "host") and not unread)
        self.runs = 0  # NOTE: no self.release here: runtime.js frees each slot after its last reader

    def upload(self, array):
        # NOTE: past the backend's cache of one-value tensors: a step size changes every step and
        # would fill that cache with values never used again.
        return self.backend._upload_array(array)

    def __call__(self, args):
        # The uploaded arguments and the variables' old values are let go of here: one call frees them.
        with self.backend.batched_frees():
            return self.finish(self.run(args))

    def run(self, args):
        """Bind the inputs, run the recorded calls in one call to runtime.js; {node id: handle} of the results."""
        self.check_inputs(args)
        host = self.host_values()
        staging = self.backend.staging()
        # Values runPlan uploads go after its handles; what does not fit there is uploaded first
        # (an upload of its own also passes through the staging buffer).
        at = start = len(self.sources) + len(self.output_slots)
        arrays, inputs = [], []
        for node, staged, unread in zip(self.sources, self._staged, self._unread):
            value = self.host_array(node, args, host) if staged and not unread else None
            if unread:
                arrays.append(None)
                inputs.append(None)
            elif value is not None and at + value.size <= staging.size:
                at += value.size
                arrays.append(value)
                inputs.append(None)
            else:
                arrays.append(None)
                inputs.append(self.input_handle(node, args, host) if value is None else self.upload(value))
        io = staging.view(np.int32)  # runPlan's handles, in and out
        at = start
        for k, (handle, value) in enumerate(zip(inputs, arrays)):
            if value is None:
                io[k] = 0 if handle is None else handle.id  # 0: an unread input (no call looks it up)
            else:  # written as float32 (bool and int32 are held as floats)
                staging[at:at + value.size] = value.reshape(-1)
                io[k] = -1 - at
                at += value.size
        self._run_plan(self.id)
        self.runs += 1
        values, made = {}, {}
        made_ids = io[len(inputs):len(inputs) + len(self.output_slots)].tolist()
        for node, slot, id in zip(self._results, self.output_slots, made_ids):
            if slot < len(inputs):  # an input handed back unchanged (or a view of it)
                values[node.id] = inputs[slot].view(node.shape)
            elif slot in made:  # the same result twice (an output that is also a variable update)
                values[node.id] = made[slot].view(node.shape)
            else:
                values[node.id] = made[slot] = GLTensor(self.backend.runtime, id, node.shape)
        return values
