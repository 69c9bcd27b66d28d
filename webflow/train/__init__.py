"""``tf.train.Checkpoint``: save and restore training state (model weights, optimizer slots and
step count, Variables), so that training resumed from a checkpoint takes exactly the step it
would have taken without stopping.

A checkpoint ``<prefix>-<n>`` is two files in the prefix's folder: ``<prefix>-<n>.json`` (a
weightsManifest naming every value: ``model/dense/kernel``, ``optimizer/iterations``,
``optimizer/model/dense/kernel/m``, ...) and its weight shard; a ``checkpoint`` file (JSON) names
the latest. Writes are atomic (the .json is renamed into place last), and a restore checks every
value before assigning any.

>>> import os, tempfile
>>> import webflow as tf
>>> step = tf.Variable(3)
>>> folder = tempfile.mkdtemp()
>>> path = tf.train.Checkpoint(step=step).save(os.path.join(folder, "ckpt"))
>>> os.path.basename(path)
'ckpt-1'
>>> _ = step.assign(10)
>>> _ = tf.train.Checkpoint(step=step).restore(tf.train.latest_checkpoint(folder))
>>> int(step.numpy())
3
"""

import json
import os

import numpy as np

from webflow.keras import optimizers
from webflow.keras.layers import Layer
from webflow.keras.saving import storage
from webflow.keras.saving import weights as weights_module
from webflow.tensor import Variable

FORMAT = "webflow-checkpoint"
FORMAT_VERSION = 1


class Checkpoint:
    """Checkpoint(model=..., optimizer=..., any_name=Variable): what ``save`` writes and ``restore`` reads.

    Raises:
        TypeError: an object that is not a Layer/Model, an optimizer or a Variable.
    """

    def __init__(self, **objects):
        for key, value in objects.items():
            if not isinstance(value, (Layer, optimizers.Optimizer, Variable)):
                raise TypeError(f"Checkpoint: {key} must be a Model/Layer, an optimizer or a Variable; received "
                                f"{type(value).__name__}")
        self._objects = objects
        self.save_counter = 0

    # --- the state, as named arrays --------------------------------------------------

    def _variables(self):
        """[(name, Variable)] of models and Variables; optimizers come after, from these."""
        named = []
        for key, value in self._objects.items():
            if isinstance(value, Variable):
                named.append((key, value))
            else:
                named += _positional(value, key) if isinstance(value, Layer) else []
        return named

    def _state(self):
        """{name: array}: every variable, each optimizer's iterations and slots, the save counter."""
        named = self._variables()
        state = {name: v.numpy() for name, v in named}
        for key, value in self._objects.items():
            if isinstance(value, optimizers.Optimizer):
                state[f"{key}/iterations"] = np.array(value.iterations, np.int32)
                for name, var in named:
                    for slot, slot_var in value.slot_variables(var).items():
                        state[f"{key}/{name}/{slot}"] = slot_var.numpy()
        state["save_counter"] = np.array(self.save_counter, np.int32)
        return state

    # --- save --------------------------------------------------------------------------

    def write(self, file_prefix):
        """Write the state to ``file_prefix`` (no numbering, no ``checkpoint`` file); returns it."""
        path = os.fspath(file_prefix)
        specs, data = weights_module.encode(sorted(self._state().items()))
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "weightsManifest": [{"paths": [], "weights": specs}]}
        storage.write_directory(path + ".json", manifest, data)
        return path

    def save(self, file_prefix):
        """Write ``<file_prefix>-<n>`` (n counts saves, restored with the rest) and note it as the
        latest in the folder's ``checkpoint`` file; returns that path (for ``restore``)."""
        self.save_counter += 1
        path = self.write(f"{os.fspath(file_prefix)}-{self.save_counter}")
        folder = os.path.dirname(path) or "."
        index = _read_index(folder)
        names = [p for p in index.get("all_model_checkpoint_paths", []) if p != os.path.basename(path)]
        index = {"model_checkpoint_path": os.path.basename(path),
                 "all_model_checkpoint_paths": names + [os.path.basename(path)]}
        storage.atomic_write(os.path.join(folder, "checkpoint"), json.dumps(index).encode())
        return path

    # --- restore -----------------------------------------------------------------------

    def restore(self, save_path):
        """Load the state written at ``save_path`` (what ``save`` returned, or latest_checkpoint's
        answer) into the objects: every value is checked first, then all are assigned.

        Raises:
            FileNotFoundError: no checkpoint there.
            ValueError: a checkpoint of other objects (missing names, other shapes), a damaged file.
        """
        from webflow.keras import saving

        where = f"Checkpoint.restore({os.fspath(save_path)!r})" if save_path is not None else "Checkpoint.restore"
        if save_path is None:
            raise FileNotFoundError(f"{where}: no checkpoint path (latest_checkpoint found none?)")
        source = storage.DirectorySource(where, os.fspath(save_path) + ".json")
        try:
            manifest = json.loads(source.model_json())
        except ValueError:
            raise ValueError(f"{where}: the checkpoint's .json is not valid JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError(f"{where}: not a webflow checkpoint (format {manifest.get('format')!r})"
                             if isinstance(manifest, dict) else f"{where}: not a webflow checkpoint")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{where}: unsupported checkpoint format version {manifest.get('format_version')!r}; "
                             f"expected {FORMAT_VERSION}")
        values = saving._read_weights(manifest, source, where)

        named = self._variables()
        targets = list(named)
        slots = []
        for key, opt in self._objects.items():
            if isinstance(opt, optimizers.Optimizer):
                prefix = f"{key}/"
                for name, var in named:
                    for slot_name in _slot_names(values, prefix + name + "/"):
                        slots.append((f"{prefix}{name}/{slot_name}", opt, var, slot_name))
                if f"{key}/iterations" not in values:
                    raise ValueError(f"{where}: the checkpoint has no {key}/iterations; it was not saved with an "
                                     f"optimizer named {key!r}")
        missing = [name for name, _ in targets if name not in values]
        if missing:
            raise ValueError(f"{where}: the checkpoint has no values for {missing} (saved from other objects?)")
        # NOTE: values of objects this Checkpoint does not hold (an optimizer, when restoring only the
        # model for inference) are left unread, as TF does.
        for name, var in targets + [(s[0], s[2]) for s in slots]:
            if tuple(values[name].shape) != tuple(var.shape):
                raise ValueError(f"{where}: {name!r} has shape {tuple(values[name].shape)} in the checkpoint; "
                                 f"expected {tuple(var.shape)}")
        # NOTE: only now, after every check: nothing is half-restored.
        for name, var in targets:
            var.assign(values[name].astype(var.dtype.name))
        for name, opt, var, slot_name in slots:
            opt.slot(var, slot_name).assign(values[name])
        for key, opt in self._objects.items():
            if isinstance(opt, optimizers.Optimizer):
                opt.iterations = int(values[f"{key}/iterations"])
        self.save_counter = int(values.get("save_counter", 0))
        return self


def _positional(layer, prefix):
    """A layer's weights named by position, as TF's object graph names them
    ("model/layer_with_weights-0/kernel"): two instances of one architecture match, whatever
    their layers happen to be called."""
    if isinstance(getattr(type(layer), "layers", None), property):
        with_weights = [sub for sub in layer.layers if sub.weights]
        return [pair for i, sub in enumerate(with_weights) for pair in _positional(sub, f"{prefix}/layer_with_weights-{i}")]
    return [(f"{prefix}/{v.name.rsplit('/', 1)[-1]}", v) for v in layer.weights]


def _slot_names(values, prefix):
    return [name[len(prefix):] for name in values if name.startswith(prefix) and "/" not in name[len(prefix):]]


def _read_index(folder):
    path = os.path.join(folder, "checkpoint")
    if not os.path.isfile(path):
        return {}
    try:
        index = json.loads(open(path, "rb").read())
    except ValueError:
        return {}
    return index if isinstance(index, dict) else {}


def latest_checkpoint(checkpoint_dir):
    """The path of the newest checkpoint saved in ``checkpoint_dir`` (by Checkpoint.save), or None."""
    name = _read_index(os.fspath(checkpoint_dir)).get("model_checkpoint_path")
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        return None
    path = os.path.join(os.fspath(checkpoint_dir), name)
    return path if os.path.isfile(path + ".json") else None
