"""Keras 3 ``.keras`` files (CPython): a zip of ``config.json`` (the architecture, Keras 3
serialization), ``metadata.json`` and ``model.weights.h5`` (each layer's weights under
``layers/<name>/vars/0, 1, ...``).

With these a model built and trained in the browser can continue training in TensorFlow/Keras
(``keras.saving.load_model("model.keras")``) and come back (``tf.keras.models.load_model``).
h5py is needed for this path only (``pip install h5py``); without it, a clear error says so.
"""

import datetime
import io
import json
import os
import zipfile

import numpy as np

from webflow.keras.saving import storage, topology

KERAS_VERSION = "3.15.1"  # the Keras whose loader these files are tested against
_MAX_CONFIG_BYTES = 64 << 20


def _h5py(where):
    try:
        import h5py
    except ImportError:
        raise ImportError(f"{where}: .keras files need h5py, which is not installed; run `pip install h5py` "
                          "(or save to a folder in the TF.js format, which needs nothing)") from None
    return h5py


def export_keras(model, path, overwrite=True):
    """Write ``model`` as a Keras 3 ``.keras`` file at ``path`` (atomically: a temporary file, then a rename).

    Raises:
        ImportError: h5py is missing.
        ValueError: a model the format cannot describe (subclassed, unbuilt, custom layers).
        FileExistsError: the file exists and overwrite is False.
    """
    where = f"save({os.fspath(path)!r})"
    h5py = _h5py(where)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{where}: the file exists and overwrite=False")
    config = topology.to_topology(model, "keras3")
    metadata = {"keras_version": KERAS_VERSION, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "saved_by": "webflow"}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_groups(f, model, "")
        f.create_group("vars").attrs["name"] = model.name
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("metadata.json", json.dumps(metadata))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buffer.getvalue())
    storage.atomic_write(os.fspath(path), archive.getvalue())


def _write_groups(f, model, prefix):
    for path, layer in topology.keras_weight_groups(model):
        group = f.create_group(f"{path}/vars")
        group.attrs["name"] = layer.name
        for i, variable in enumerate(layer.weights):
            group.create_dataset(str(i), data=variable.numpy())


def import_keras(path, custom_objects=None):
    """A webflow model from a Keras 3 ``.keras`` file. Nothing in the file is executed: the
    config is read as data (layer classes from webflow's table), the weights as arrays.

    Raises:
        FileNotFoundError: no file at path.
        ImportError: h5py is missing.
        ValueError: not a .keras zip, a Keras version other than 3, an unknown layer class, weights
            that do not match the architecture (counts, shapes, layer names).
    """
    where = f"load_model({os.fspath(path)!r})"
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{where}: no such file")
    h5py = _h5py(where)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError(f"{where}: not a .keras file (a zip with config.json and model.weights.h5)") from None
    with archive:
        names = set(archive.namelist())
        missing = {"config.json", "model.weights.h5"} - names
        if missing:
            raise ValueError(f"{where}: the .keras file has no {', '.join(sorted(missing))} (found "
                             f"{sorted(names)[:8]})")
        if archive.getinfo("config.json").file_size > _MAX_CONFIG_BYTES:
            raise ValueError(f"{where}: config.json is larger than {_MAX_CONFIG_BYTES >> 20} MB")
        metadata = _json(archive, "metadata.json", where) if "metadata.json" in names else {}
        config = _json(archive, "config.json", where)
        weights_bytes = archive.read("model.weights.h5")
    version = str(metadata.get("keras_version", "3")) if isinstance(metadata, dict) else "?"
    if not version.startswith("3"):
        raise ValueError(f"{where}: written by Keras {version}; webflow reads Keras 3 .keras files (for Keras 2, "
                         "convert the model with tensorflowjs_converter to the TF.js format)")
    model = topology.from_topology(config, where, custom_objects)
    try:
        weights_file = h5py.File(io.BytesIO(weights_bytes), "r")
    except OSError:
        raise ValueError(f"{where}: model.weights.h5 is not a readable HDF5 file") from None
    with weights_file:
        values = []
        for group_path, layer in topology.keras_weight_groups(model):
            values += _layer_values(weights_file, f"{group_path}/vars", layer, where)
    for variable, value in values:  # NOTE: only after every layer was checked: never half-loaded
        variable.assign(value)
    return model


def _json(archive, name, where):
    try:
        return json.loads(archive.read(name))
    except ValueError:
        raise ValueError(f"{where}: {name} in the .keras file is not valid JSON") from None


def _layer_values(f, path, layer, where):
    variables = layer.weights
    if path not in f:
        if variables:
            raise ValueError(f"{where}: model.weights.h5 has no {path} for layer {layer.name!r}")
        return []
    group = f[path]
    saved_name = group.attrs.get("name")
    if isinstance(saved_name, bytes):
        saved_name = saved_name.decode()
    if saved_name is not None and saved_name != layer.name:
        raise ValueError(f"{where}: {path} holds the weights of layer {saved_name!r}; expected {layer.name!r}")
    keys = sorted(group.keys(), key=lambda k: int(k) if k.isdigit() else -1)
    if keys != [str(i) for i in range(len(variables))]:
        raise ValueError(f"{where}: layer {layer.name!r} has {len(variables)} weights; {path} holds {keys}")
    out = []
    for i, variable in enumerate(variables):
        dataset = group[str(i)]
        if tuple(dataset.shape) != tuple(variable.shape) or dataset.dtype.kind not in "fiu":
            raise ValueError(f"{where}: {path}/{i} has shape {tuple(dataset.shape)} and dtype {dataset.dtype}; "
                             f"layer {layer.name!r} expects {tuple(variable.shape)} {variable.dtype.name}")
        out.append((variable, np.asarray(dataset[()], variable.dtype.name)))
    return out
