// What every demo page shares: the top bar, the load progress panel, the backend line, the Python
// worker, and error display. window.webflowApp = { ready, runPython(code), py } is the page's API;
// browser tests drive it (runPython runs in the worker and resolves to the value as plain JS).
import { startWorker } from "./worker-client.js";

export const $ = (selector, root = document) => root.querySelector(selector);

const PAGES = [
  ["./", "Linear regression", "linear"],
  ["boston.html", "Boston housing", "boston"],
  ["mnist.html", "MNIST", "mnist"],
  ["playground.html", "Playground", "playground"],
  ["graph.html", "Graph", "graph"],
  ["bench.html", "Benchmark", "bench"],
];
const STAGES = ["Pyodide", "NumPy", "webflow"];

export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

export function renderTopbar(active) {
  const nav = el("nav");
  for (const [href, label, name] of PAGES) {
    nav.append(el("a", { href, ...(name === active ? { class: "active", "aria-current": "page" } : {}) }, label));
  }
  $("#topbar").replaceChildren(el("a", { class: "brand", href: "./" }, "webflow"), nav);
}

// The load panel: one line per stage with its size, one bar for all bytes, then the backend line.
function renderRuntimePanel() {
  const panel = $("#runtime");
  const steps = el("ol", { id: "boot-steps" });
  for (const stage of STAGES) {
    steps.append(el("li", { dataset: { stage } }, stage, " ", el("span", { class: "size muted" })));
  }
  const bar = el("div", { id: "boot-bar" });
  const elapsed = el("span", { id: "boot-elapsed" }, "0.0");
  const backend = el("p", { id: "backend", class: "muted" }, "Backend: starting…");
  panel.replaceChildren(
    el("div", { id: "boot" }, steps, el("div", { class: "progress" }, bar),
       el("p", { class: "muted" }, "Loading Python and webflow into a Web Worker · ", elapsed, " s")),
    backend);
  const totals = {}, loaded = {};
  const started = performance.now();
  const timer = setInterval(() => { elapsed.textContent = ((performance.now() - started) / 1000).toFixed(1); }, 100);
  return {
    progress({ stage, loaded: bytes, total }) {
      totals[stage] = total;
      loaded[stage] = Math.min(bytes, total || bytes);
      const li = $(`li[data-stage="${stage}"]`, steps);
      li.className = loaded[stage] >= total ? "done" : "active";
      $(".size", li).textContent = total ? `${megabytes(loaded[stage])} / ${megabytes(total)}` : megabytes(bytes);
      const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
      bar.style.width = `${Math.round((100 * sum(loaded)) / Math.max(sum(totals), 1))}%`;
    },
    done() {
      clearInterval(timer);
      for (const li of steps.children) li.className = "done";
      bar.style.width = "100%";
      panel.dataset.state = "ready";
      $("#boot", panel).classList.add("done");
    },
    failed(error) {
      clearInterval(timer);
      panel.dataset.state = "failed";
      $("li.active", steps)?.classList.add("failed");
      showError(panel, error);
    },
    backend,
  };
}

// The backend line; a visible notice where WebGL2 is missing and NumPy runs instead.
function showBackend(line, info) {
  line.dataset.backend = info.backend;
  if (info.backend === "webgl") {
    const half = info.precision === "float16" ? " (float16: this GPU cannot render float32)" : "";
    line.textContent = `Backend: WebGL2 on ${info.renderer}${half} · Python in a Web Worker`;
    return;
  }
  line.textContent = "Backend: NumPy (CPU) · Python in a Web Worker";
  const notice = el("p", { id: "no-webgl", class: "notice" },
    `WebGL2 is not available here (${info.reason || "unknown reason"}), so webflow runs on its NumPy `
    + "backend: the same results, more slowly.");
  line.after(notice);
}

// Adds what the GPU did so far to the backend line (after a training run).
export async function refreshBackend(py) {
  const line = $("#backend");
  if (line.dataset.backend !== "webgl") return;
  const [programs, draws] = await py.run(
    "import webflow as _tf\n_m = _tf.memory()\n[_m.get('programsCompiled'), _m.get('draws')]");
  line.textContent = line.textContent.replace(/ · \d+ shader programs.*$/, "")
    + ` · ${programs} shader programs compiled · ${draws} draws`;
}

// The Stop button: asks the Python worker to stop training (page.stop_requested() in the demo's
// callback). Where the page cannot share memory with its worker, reloading the page stops it.
export function stopTraining(py, setStatus) {
  setStatus("stopping", "Stopping…");
  if (!py.requestStop()) location.reload();
}

// A Python error shows as its traceback under `where` (replacing an earlier one there).
export function showError(where, error) {
  const box = where.querySelector(":scope > .traceback") || el("pre", { class: "traceback", role: "alert" });
  box.textContent = String((error && error.message) || error);
  where.append(box);
  return box;
}

export function clearError(where) {
  where.querySelector(":scope > .traceback")?.remove();
}

// Boots the page: chrome, the worker, window.webflowApp. onOutput(stream, text) gets print() lines.
export function startPage(active, { onOutput } = {}) {
  renderTopbar(active);
  const panel = renderRuntimePanel();
  const py = startWorker({
    onProgress: panel.progress,
    onOutput: onOutput || ((stream, text) => (stream === "stderr" ? console.warn : console.log)(text)),
  });
  py.ready.then((info) => {
    window.webflowApp.bootSeconds = performance.now() / 1000; // since navigation started
    panel.done();
    showBackend(panel.backend, info);
  }, panel.failed);
  window.webflowApp = { ready: py.ready.then(() => true), runPython: (code) => py.run(code), py };
  return py;
}

// Shows a demo's Python source in #demo-code, and returns it.
export async function loadSource(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  const source = await response.text();
  const code = $("#demo-code");
  if (code) code.textContent = source;
  return source;
}
