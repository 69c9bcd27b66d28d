// The Python side of every site page, in a module Web Worker: Pyodide + NumPy + webflow, and
// the WebGL2 runtime on this worker's own OffscreenCanvas. Training here never freezes the page;
// the page (worker-client.js) draws and handles input.
//
// Messages in:   {type: "boot", webgl, stopFlag}      start (webgl: false forces the NumPy backend;
//                                                     stopFlag: shared Int32Array, 1 = stop asked)
//                {type: "run", id, code, namespace}    run code; reply with its value, converted to JS
// Messages out:  {type: "progress", stage, loaded, total}   bytes per stage: Pyodide, NumPy, webflow
//                {type: "ready", info} | {type: "failed", error}
//                {type: "reply", id, ok, value | error}
//                {type: "output", stream, text}       print() lines
//                {type: "event", name, args}          page.emit(name, *args) from Python
//                {type: "download", name, blob}       downloads:// files, saved by the page
import { loadPyodide } from "./pyodide/pyodide.mjs";

const STAGES = ["Pyodide", "NumPy", "webflow"];

// ------------------------------------------------------------------------------- load progress

// Which stage a download belongs to, by its URL.
function stageOf(url) {
  if (url.includes("/pyodide/numpy-")) return "NumPy";
  if (url.includes("/pyodide/webflow-") || url.endsWith(".glsl")) return "webflow";
  if (url.includes("/pyodide/")) return "Pyodide";
  return null;
}

const loaded = Object.fromEntries(STAGES.map((s) => [s, 0]));
let manifest = {};
let lastPost = 0;
function postProgress(stage, force = false) {
  const now = performance.now();
  if (!force && now - lastPost < 80) return; // a few updates a second are plenty
  lastPost = now;
  postMessage({ type: "progress", stage, loaded: loaded[stage], total: manifest[stage] || 0 });
}

// NOTE: Pyodide fetches its files itself, so progress is counted by wrapping fetch: each
// response body is re-streamed through a counter. Headers (application/wasm) are kept, so
// WebAssembly.instantiateStreaming still accepts the response.
const realFetch = globalThis.fetch.bind(globalThis);
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const stage = stageOf(String(input instanceof Request ? input.url : input));
  if (!stage || !response.body) return response;
  const reader = response.body.getReader();
  const counted = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        postProgress(stage, true);
        controller.close();
        return;
      }
      loaded[stage] += value.byteLength;
      postProgress(stage);
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};

// ------------------------------------------------------------------------------- boot

async function startWebGL(webgl) {
  if (!webgl) {
    globalThis.webflowRuntimeError = "WebGL was turned off for this page (?backend=numpy)";
    return;
  }
  try {
    const { createRuntime } = await import("./webgl_kernels/runtime.js");
    globalThis.webflowRuntime = await createRuntime(); // an OffscreenCanvas in this worker
    globalThis.webflowRuntime.warmUp(); // common kernels compile while Pyodide boots
  } catch (error) {
    // NOTE: not fatal: the NumPy backend runs everywhere; the page shows this reason.
    globalThis.webflowRuntimeError = String((error && error.message) || error);
  }
}

// Python value -> plain JS (lists -> arrays, dicts -> objects); proxies are released.
function toJs(value) {
  if (value && typeof value.toJs === "function") {
    try {
      return value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    } finally {
      value.destroy();
    }
  }
  return value;
}

// The `page` module Python imports: how demo code talks to the page around it.
let stopFlag = null;
const pageModule = {
  // page.emit("epoch", epoch, logs): the page's charts receive (epoch, logs) as plain JS values.
  emit: (name, ...args) => postMessage({ type: "event", name, args: args.map(toJs) }),
  // page.stop_requested(): the Stop button was pressed since page.clear_stop() (a training
  // callback polls it and sets model.stop_training).
  stop_requested: () => stopFlag !== null && Atomics.load(stopFlag, 0) === 1,
  clear_stop: () => { if (stopFlag) Atomics.store(stopFlag, 0, 0); },
};

async function boot({ webgl, stopFlag: flag }) {
  stopFlag = flag || null;
  manifest = await (await realFetch("boot-manifest.json")).json();
  const gpu = startWebGL(webgl); // shader sources load while Pyodide boots
  const pyodide = await loadPyodide({
    indexURL: "./pyodide/",
    stdout: (text) => postMessage({ type: "output", stream: "stdout", text }),
    stderr: (text) => postMessage({ type: "output", stream: "stderr", text }),
  });
  loaded.Pyodide = manifest.Pyodide; // pyodide.asm.js arrives through import(), not fetch
  postProgress("Pyodide", true);
  pyodide.registerJsModule("page", pageModule);
  // downloads:// in a worker: the page saves the file (webflow's storage calls this).
  globalThis.webflowSaveFile = (name, blob) => postMessage({ type: "download", name, blob });
  await pyodide.loadPackage("webflow", { messageCallback: () => {} });
  await gpu;
  loaded.webflow = manifest.webflow;
  postProgress("webflow", true);
  const info = toJs(await pyodide.runPythonAsync(`
import warnings
import webflow as tf
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the page states the backend, and why, itself
    _m = tf.memory()
{"backend": tf.config.get_backend(), "renderer": _m.get("renderer"), "precision": _m.get("precision")}
`));
  info.reason = globalThis.webflowRuntimeError || null;
  return { pyodide, info };
}

// ------------------------------------------------------------------------------- requests

let pyodide = null;
let queue = Promise.resolve(); // one request at a time: demo runs never interleave with others

async function run({ id, code, namespace }) {
  try {
    if (!pyodide) throw new Error("webflow did not start in this page (see the message above)");
    let globals;
    if (namespace) { // a demo's own namespace, published as a global of that name
      globals = pyodide.globals.get(namespace);
      if (!globals) {
        globals = pyodide.globals.get("dict")();
        pyodide.globals.set(namespace, globals);
      }
    }
    await pyodide.loadPackagesFromImports(code, { messageCallback: () => {} });
    const result = await pyodide.runPythonAsync(code, globals ? { globals } : {});
    globals?.destroy();
    const value = toJs(result);
    try {
      postMessage({ type: "reply", id, ok: true, value });
    } catch (error) { // DataCloneError: a value the page cannot receive
      postMessage({ type: "reply", id, ok: false, error: `the result cannot be sent to the page: ${error.message}` });
    }
  } catch (error) {
    postMessage({ type: "reply", id, ok: false, error: String((error && error.message) || error) });
  }
}

let booting = null;
self.onmessage = ({ data }) => {
  if (data.type === "boot") {
    booting = boot(data).then((ready) => {
      pyodide = ready.pyodide;
      postMessage({ type: "ready", info: ready.info });
    }, (error) => postMessage({ type: "failed", error: String((error && error.message) || error) }));
  } else if (data.type === "run") {
    queue = queue.then(() => booting).then(() => run(data));
  }
};
