"""Saving in the browser, with TensorFlow.js as the peer in the same page.

TF.js (its CPU backend: exact float32, no second WebGL context) is added to a page of its own,
so the site's pages load no more than before. Models cross between the libraries over HTTP
(files that webflow wrote on CPython, served to the page), through IndexedDB (the same
database both use), and as TF.js's in-memory artifacts handed to CPython.
"""

import base64
import json
import mimetypes
import pathlib

import numpy as np
import pytest

import webflow as tf
from conftest import BOOT_TIMEOUT_MS, watch

pytestmark = pytest.mark.browser
L = tf.keras.layers


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A folder whose files the page sees under <site>/saved/ (routed, not copied into dist/site)."""
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="module")
def page(browser, site_url, browser_problems, served):
    page = browser.new_page()
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    watch(page, browser_problems)

    def route(request_route):
        name = request_route.request.url.split("/saved/", 1)[1]
        path = served / name
        if not path.is_file():
            request_route.fulfill(status=404, body="missing")
            return
        request_route.fulfill(status=200, body=path.read_bytes(),
                              content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")

    page.route("**/saved/**", route)
    page.goto(site_url)
    page.wait_for_function("window.webflowApp !== undefined")
    page.evaluate("() => window.webflowApp.ready")
    page.add_script_tag(url=site_url + "bench/vendor/tf.es2017.min.js")
    page.evaluate("async () => { await tf.setBackend('cpu'); await tf.ready(); }")
    yield page
    page.close()


def py(page, code):
    return page.evaluate("code => window.webflowApp.runPython(code)", code)


def _conv_model():
    tf.random.set_seed(0)
    inputs = tf.keras.Input((8, 8, 1), name="image")
    x = L.Conv2D(3, 3, activation="relu", padding="same")(inputs)
    x = L.BatchNormalization(name="bn")(x)
    x = L.MaxPooling2D()(x)
    x = L.DepthwiseConv2D(3, padding="same")(x)
    x = L.Flatten()(L.Dropout(0.2)(x))
    a, b = L.Dense(4, activation="tanh")(x), L.Dense(4)(x)
    model = tf.keras.Model(inputs, [L.Softmax()(L.Add()([a, b])), L.Concatenate()([a, b])])
    rng = np.random.default_rng(0)
    for w in model.weights:
        value = rng.normal(size=tuple(w.shape)).astype(np.float32) * 0.5
        w.assign(np.abs(value) + 0.5 if "variance" in w.name else value)
    return model


X = np.random.default_rng(1).random((3, 8, 8, 1)).astype(np.float32)

TFJS_PREDICT = """async ([url, x, shape]) => {
  const model = await tf.loadLayersModel(url);
  const outputs = [model.predict(tf.tensor(x, shape))].flat();
  return outputs.map((t) => Array.from(t.dataSync()));
}"""


@pytest.mark.parametrize("quantize", [None, "float16", "uint8"])
def test_tfjs_loads_a_model_webflow_saved_on_cpython(page, site_url, served, quantize):
    model = _conv_model()
    folder = f"conv-{quantize}"
    model.save(served / folder, quantize=quantize)
    want = [p.ravel() for p in tf.keras.models.load_model(served / folder).predict(X)]
    got = page.evaluate(TFJS_PREDICT, [f"{site_url}saved/{folder}/model.json", X.ravel().tolist(), list(X.shape)])
    assert len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-5)
    if quantize is None:
        np.testing.assert_array_equal(np.concatenate(want), np.concatenate([p.ravel() for p in model.predict(X)]))


TFJS_TRAIN = """async ([x, y]) => {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu'}));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({rate: 0.25}));
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelRegularizer: tf.regularizers.l2({l2: 0.001})}));
  model.add(tf.layers.dense({units: 3, activation: 'softmax'}));
  model.compile({optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy'});
  const xs = tf.tensor(x, [x.length / 64, 8, 8, 1]), ys = tf.tensor(y);
  const history = await model.fit(xs, ys, {epochs: 8, batchSize: 8, verbose: 0});
  await model.save('indexeddb://tfjs-trained');
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return {modelArtifactsInfo: {
    dateSaved: new Date(), modelTopologyType: 'JSON'}}; }));
  const bytes = new Uint8Array(artifacts.weightData);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return {
    losses: history.history.loss,
    predictions: Array.from(model.predict(xs).dataSync()),
    modelJson: JSON.stringify({modelTopology: artifacts.modelTopology, format: artifacts.format,
      generatedBy: artifacts.generatedBy, weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}]}),
    weights: btoa(binary),
  };
}"""


def test_webflow_loads_a_model_tfjs_trained_in_the_page(page, tmp_path):
    rng = np.random.default_rng(2)
    x = rng.random((24, 8, 8, 1)).astype(np.float32)
    # Learnable labels (the image's mean brightness, in thirds), so training surely lowers the loss;
    # random labels made "TF.js did train it" flaky.
    brightness = x.mean(axis=(1, 2, 3))
    y = np.searchsorted(np.quantile(brightness, [1 / 3, 2 / 3]), brightness).astype(np.float32)
    result = page.evaluate(TFJS_TRAIN, [x.ravel().tolist(), y.tolist()])
    assert result["losses"][-1] < result["losses"][0]  # TF.js did train it
    want = np.asarray(result["predictions"]).reshape(24, 3)

    # Through IndexedDB, into webflow in the page (Pyodide).
    got = py(page, f"""
import numpy as np
import webflow as tf
model = await tf.keras.models.load_model("indexeddb://tfjs-trained")
model.predict(np.asarray({x.ravel().tolist()}, np.float32).reshape(24, 8, 8, 1)).ravel().tolist()
""")
    np.testing.assert_allclose(np.asarray(got).reshape(24, 3), want, atol=1e-5)

    # TF.js's artifacts as files, into webflow on CPython.
    (tmp_path / "model.json").write_text(result["modelJson"])
    (tmp_path / "weights.bin").write_bytes(base64.b64decode(result["weights"]))
    model = tf.keras.models.load_model(tmp_path)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dropout", "Dense", "Dense"]
    np.testing.assert_allclose(model.predict(x), want, atol=1e-5)


TFJS_FROM_IDB = """async ([name, x, shape]) => {
  const model = await tf.loadLayersModel('indexeddb://' + name);
  return [model.predict(tf.tensor(x, shape))].flat().map((t) => Array.from(t.dataSync()));
}"""


@pytest.mark.parametrize("quantize", [None, "float16"])
def test_tfjs_loads_what_webflow_saved_to_indexeddb(page, quantize):
    rng = np.random.default_rng(3)
    x = rng.random((5, 6)).astype(np.float32)
    name = f"webflow-mlp-{quantize}"
    got = py(page, f"""
import numpy as np
import webflow as tf
tf.random.set_seed(5)
inputs = tf.keras.Input((6,))
hidden = tf.keras.layers.Dense(16, activation="relu")(inputs)
hidden = tf.keras.layers.BatchNormalization()(hidden)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, activation="softmax")(hidden))
model.compile("adam", "sparse_categorical_crossentropy")
x = np.asarray({x.ravel().tolist()}, np.float32).reshape(5, 6)
model.fit(x, np.array([0, 1, 2, 1, 0]), epochs=2, verbose=0)
await model.save("indexeddb://{name}", quantize={quantize!r})
again = await tf.keras.models.load_model("indexeddb://{name}")
[model.predict(x).ravel().tolist(), again.predict(x).ravel().tolist()]
""")
    mine, reloaded = (np.asarray(v) for v in got)
    if quantize is None:
        np.testing.assert_array_equal(reloaded, mine)
    else:
        np.testing.assert_allclose(reloaded, mine, atol=2e-3)
    (theirs,) = page.evaluate(TFJS_FROM_IDB, [name, x.ravel().tolist(), list(x.shape)])
    np.testing.assert_allclose(theirs, reloaded, atol=1e-5)


def test_list_and_remove_indexeddb_models(page):
    listed = py(page, """
import webflow as tf
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
await model.save("indexeddb://to-remove")
models = await tf.keras.saving.list_models()
[sorted(models), models["indexeddb://to-remove"]["weightDataBytes"]]
""")
    names, size = listed
    assert "indexeddb://to-remove" in names and size == 3 * 4
    seen_by_tfjs = page.evaluate("async () => Object.keys(await tf.io.listModels())")
    assert "indexeddb://to-remove" in seen_by_tfjs
    result = py(page, """
import webflow as tf
await tf.keras.saving.remove_model("indexeddb://to-remove")
errors = []
for call in (lambda: tf.keras.saving.remove_model("indexeddb://to-remove"),
             lambda: tf.keras.models.load_model("indexeddb://to-remove")):
    try:
        await call()
    except FileNotFoundError as error:
        errors.append(str(error))
[sorted(await tf.keras.saving.list_models()), errors]
""")
    names, errors = result
    assert "indexeddb://to-remove" not in names
    assert "no model named 'to-remove' in IndexedDB" in errors[0] and "list_models" in errors[1]
    assert "indexeddb://to-remove" not in page.evaluate("async () => Object.keys(await tf.io.listModels())")


def test_pyodide_file_system_and_http_in_the_page(page, site_url, served):
    model = _conv_model()
    model.save(served / "over-http", quantize="uint8")
    want = [p.ravel() for p in tf.keras.models.load_model(served / "over-http").predict(X)]
    (served / "broken").mkdir()
    model.save(served / "broken")
    shard = json.loads((served / "broken" / "model.json").read_text())["weightsManifest"][0]["paths"][0]
    (served / "broken" / shard).write_bytes((served / "broken" / shard).read_bytes()[:-8])
    got = py(page, f"""
import numpy as np
import webflow as tf
x = np.asarray({X.ravel().tolist()}, np.float32).reshape({list(X.shape)})
model = tf.keras.models.load_model("{site_url}saved/over-http/model.json")
model.save("/tmp/fs-model")
again = tf.keras.models.load_model("/tmp/fs-model")
try:
    tf.keras.models.load_model("{site_url}saved/broken/model.json")
    error = None
except ValueError as e:
    error = str(e)
[[p.ravel().tolist() for p in model.predict(x)], [p.ravel().tolist() for p in again.predict(x)], error]
""")
    over_http, from_fs, error = got
    for g, f, w in zip(over_http, from_fs, want):
        np.testing.assert_allclose(g, w, atol=1e-6)
        np.testing.assert_array_equal(f, g)
    assert "truncated" in error and "saved/broken/model.json')" in error


def test_downloads_target(page, tmp_path):
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    py(page, """
import webflow as tf
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="d")])
model.save("downloads://my-model")
""")
    page.wait_for_timeout(500)
    assert sorted(d.suggested_filename for d in downloads) == ["my-model.json", "my-model.weights.bin"]
    for d in downloads:
        d.save_as(tmp_path / d.suggested_filename)
    model = tf.keras.models.load_model(tmp_path / "my-model.json")
    assert [w.name for w in model.weights] == ["d/kernel", "d/bias"]
    assert pathlib.Path(tmp_path / "my-model.weights.bin").stat().st_size == (3 * 2 + 2) * 4
