"""Where saved models live: a directory (CPython, or Pyodide's file system), an http(s) URL
(read only), and in the browser ``indexeddb://name`` and ``downloads://name``.

Every target stores the same artifacts: ``model.json`` (TF.js's Layers format: modelTopology,
weightsManifest, ...) and the weight bytes. A directory save is atomic: the weight shards get
names that contain a digest of their bytes, and model.json is replaced last, in one rename, so a
save that fails midway leaves the previous model.json and the shards it names untouched.
"""

import hashlib
import json
import os
import posixpath
import sys
import tempfile

from webflow.keras.saving import weights as weights_module

IN_BROWSER = sys.platform == "emscripten"


def scheme(target):
    """"indexeddb", "downloads", "http" or "path"."""
    text = str(target)
    for name in ("indexeddb", "downloads"):
        if text.startswith(name + "://"):
            return name
    return "http" if text.startswith(("http://", "https://")) else "path"


def check_relative(where, path):
    """A weights path from a manifest: relative, inside the model's folder (no ``..``, no scheme)."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"{where}: weight paths must be non-empty strings; received {path!r}")
    parts = path.split("/")
    if (path.startswith("/") or "\\" in path or ":" in path or ".." in parts
            or posixpath.normpath(path).startswith("..")):
        raise ValueError(f"{where}: weight path {path!r} leaves the model's folder; expected a relative path "
                         "like 'group1-shard1of1.bin'")
    return posixpath.normpath(path)


# --- a directory ------------------------------------------------------------------------------


def directory_paths(target):
    """(folder, model.json's file name) for a folder path or a path to a .json file."""
    path = os.fspath(target)
    if path.endswith(".json"):
        return os.path.dirname(path) or ".", os.path.basename(path)
    return path, "model.json"


def atomic_write(path, data):
    """Write data to a temporary file beside path, then rename it over path (all or nothing)."""
    folder = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_directory(target, model_json, data):
    """Save model.json and its shards in a folder; returns model.json's path."""
    folder, json_name = directory_paths(target)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(f"save: {folder!r} exists and is not a folder; expected a folder (or a path ending "
                         "in .json inside one)")
    os.makedirs(folder, exist_ok=True)
    stem = json_name[:-len(".json")]
    digest = hashlib.sha256(data).hexdigest()[:12]
    pieces = weights_module.shard(data)
    names = [f"{stem}.weights.{digest}.bin" if len(pieces) == 1 else
             f"{stem}.weights.{digest}.{i + 1}of{len(pieces)}.bin" for i in range(len(pieces))]
    model_json["weightsManifest"][0]["paths"] = names
    for name, piece in zip(names, pieces):
        atomic_write(os.path.join(folder, name), piece)
    atomic_write(os.path.join(folder, json_name), json.dumps(model_json).encode())
    for old in os.listdir(folder):  # shards of earlier saves under this name, now unreferenced
        if old.startswith(f"{stem}.weights.") and old.endswith(".bin") and old not in names:
            os.unlink(os.path.join(folder, old))
    return os.path.join(folder, json_name)


class DirectorySource:
    """model.json and the files its manifest names, read from a folder."""

    def __init__(self, where, target):
        folder, json_name = directory_paths(target)
        self.where, self.folder = where, folder
        self.json_path = os.path.join(folder, json_name)
        if not os.path.isfile(self.json_path):
            raise FileNotFoundError(f"{where}: no model at {os.fspath(target)!r}: {self.json_path} does not exist")

    def model_json(self):
        with open(self.json_path, "rb") as f:
            return f.read()

    def read(self, path, expected):
        """The bytes of a weights file (at most expected + 1, so an oversized file is caught unread)."""
        full = os.path.join(self.folder, path)
        if not os.path.isfile(full):
            raise FileNotFoundError(f"{self.where}: weights file {path!r} named in {self.json_path} is missing")
        with open(full, "rb") as f:
            return f.read(expected + 1)


# --- http(s) ----------------------------------------------------------------------------------


class HttpSource:
    """model.json at a URL, and weights files relative to it (urllib on CPython, a synchronous
    request in the browser, as the data sets are fetched)."""

    def __init__(self, where, url):
        self.where, self.url = where, url
        self.base = url.rsplit("/", 1)[0] + "/"

    def model_json(self):
        return self._get(self.url)

    def read(self, path, expected):
        return self._get(self.base + path)

    def _get(self, url):
        if IN_BROWSER:
            return _browser_get(self.where, url)
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise FileNotFoundError(f"{self.where}: GET {url} answered HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise OSError(f"{self.where}: GET {url} failed: {error.reason}") from None


def _browser_get(where, url):
    """GET url synchronously on the page's thread.

    NOTE: a synchronous request may only carry text on the main thread, so the bytes travel as
    x-user-defined text (byte b becomes code point b, or 0xF700 + b above 0x7F) and are masked back.
    """
    import js
    import numpy as np

    request = js.XMLHttpRequest.new()
    base = js.document.baseURI if hasattr(js, "document") else js.location.href  # a Web Worker has no document
    request.open("GET", js.URL.new(url, base).href, False)
    request.overrideMimeType("text/plain; charset=x-user-defined")
    try:
        request.send(None)
    except Exception as error:  # a network error surfaces as a JS exception
        raise OSError(f"{where}: GET {url} failed: {error}") from None
    if request.status != 200:
        raise FileNotFoundError(f"{where}: GET {url} answered HTTP {request.status}")
    codes = np.frombuffer(request.responseText.encode("utf-16-le"), dtype=np.uint16)
    return (codes & 0xFF).astype(np.uint8).tobytes()


class BytesSource:
    """Artifacts already in memory (IndexedDB): model.json, and one buffer for every weight."""

    def __init__(self, where, model_json, data):
        self.where, self._json, self.data = where, model_json, data

    def model_json(self):
        return self._json


# --- the browser: downloads:// and indexeddb:// -------------------------------------------------


def require_browser(where, target):
    if not IN_BROWSER:
        raise ValueError(f"{where}: {str(target).split('://')[0]}:// targets exist only in the browser "
                         f"(Pyodide); received {target!r} on CPython. Use a folder path instead")


def trigger_download(name, model_json, data):
    """Start the browser's download of <name>.json and <name>.weights.bin (as TF.js does)."""
    import js
    from pyodide.ffi import to_js

    model_json["weightsManifest"][0]["paths"] = [f"./{name}.weights.bin"]
    files = [(f"{name}.json", json.dumps(model_json).encode(), "application/json"),
             (f"{name}.weights.bin", data, "application/octet-stream")]
    for file_name, payload, mime in files:
        blob = js.Blob.new(to_js([js.Uint8Array.new(to_js(payload))]), to_js({"type": mime},
                                                                            dict_converter=js.Object.fromEntries))
        if not hasattr(js, "document"):
            # NOTE: a Web Worker cannot start a download; the site's worker hands the file to its page.
            if not hasattr(js, "webflowSaveFile"):
                raise RuntimeError("downloads://: no page to download from (a Web Worker without "
                                   "globalThis.webflowSaveFile(name, blob))")
            js.webflowSaveFile(file_name, blob)
            continue
        link = js.document.createElement("a")
        link.download = file_name
        link.href = js.URL.createObjectURL(blob)
        link.click()
        js.setTimeout(js.URL.revokeObjectURL, 60_000, link.href)  # the download reads it first


# NOTE: the same database, stores and records as TF.js's `indexeddb://` handler, so models saved
# by either library load in the other. A save writes both stores in one transaction: it lands
# whole or not at all.
_IDB_JS = r"""
(() => {
  const DB = "tensorflowjs", MODELS = "models_store", INFO = "model_info_store";
  const open = () => new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, { keyPath: "modelPath" });
      if (!db.objectStoreNames.contains(INFO)) db.createObjectStore(INFO, { keyPath: "modelPath" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error("IndexedDB: cannot open " + DB + ": " + request.error));
  });
  const run = async (mode, body) => {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction([MODELS, INFO], mode);
        let result;
        tx.oncomplete = () => resolve(result);
        tx.onabort = tx.onerror = () => reject(new Error("IndexedDB: " + (tx.error || "transaction aborted")));
        body(tx, (value) => { result = value; });
      });
    } finally { db.close(); }
  };
  const join = (data) => {
    if (!Array.isArray(data)) return new Uint8Array(data);
    const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
    let at = 0;
    for (const b of data) { out.set(new Uint8Array(b), at); at += b.byteLength; }
    return out;
  };
  return {
    save: (path, topologyJson, specsJson, bytes, generatedBy) => run("readwrite", (tx) => {
      const modelTopology = JSON.parse(topologyJson), weightSpecs = JSON.parse(specsJson);
      const weightData = bytes.slice().buffer;
      tx.objectStore(INFO).put({ modelPath: path, modelArtifactsInfo: {
        dateSaved: new Date(), modelTopologyType: "JSON", modelTopologyBytes: topologyJson.length,
        weightSpecsBytes: specsJson.length, weightDataBytes: weightData.byteLength } });
      tx.objectStore(MODELS).put({ modelPath: path, modelArtifacts: {
        modelTopology, weightSpecs, weightData, format: "layers-model", generatedBy, convertedBy: null } });
    }),
    load: (path) => run("readonly", (tx, done) => {
      const request = tx.objectStore(MODELS).get(path);
      request.onsuccess = () => {
        const record = request.result;
        if (!record) { done(null); return; }
        const a = record.modelArtifacts;
        done({ modelJson: JSON.stringify({ modelTopology: a.modelTopology, format: a.format,
                 generatedBy: a.generatedBy, convertedBy: a.convertedBy, userDefinedMetadata: a.userDefinedMetadata,
                 weightsManifest: [{ paths: [], weights: a.weightSpecs }] }),
               data: join(a.weightData) });
      };
    }),
    list: () => run("readonly", (tx, done) => {
      const request = tx.objectStore(INFO).getAll();
      request.onsuccess = () => done(JSON.stringify(request.result.map((r) => [r.modelPath, {
        ...r.modelArtifactsInfo, dateSaved: new Date(r.modelArtifactsInfo.dateSaved).toISOString() }])));
    }),
    remove: (path) => run("readwrite", (tx, done) => {
      const request = tx.objectStore(INFO).get(path);
      request.onsuccess = () => {
        if (!request.result) { done(false); return; }
        tx.objectStore(INFO).delete(path);
        tx.objectStore(MODELS).delete(path);
        done(true);
      };
    }),
  };
})()
"""
_idb = None


def indexeddb():
    """The page's IndexedDB helpers (made once)."""
    global _idb
    if _idb is None:
        from pyodide.code import run_js

        _idb = run_js(_IDB_JS)
    return _idb


def indexeddb_name(where, target):
    name = str(target)[len("indexeddb://"):]
    if not name:
        raise ValueError(f"{where}: indexeddb:// needs a model name, e.g. 'indexeddb://my-model'; received "
                         f"{target!r}")
    return name
