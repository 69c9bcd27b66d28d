// Boots webflow in a page: Pyodide + NumPy + webflow, and the WebGL runtime that webflow's
// WebGL backend calls (globalThis.webflowRuntime), on the page's main thread. Used by run.html
// (`build.py run`) and bench.html; the demo pages run Python in worker.js instead.
import { loadPyodide } from "./pyodide/pyodide.mjs";

// onStep(step) is told "runtime" (loading Pyodide), then "packages" (NumPy + webflow).
export async function bootWebflow({ onStep = () => {}, setup = () => {} } = {}) {
  const gpu = startWebGLRuntime(); // shader sources load while Pyodide boots
  onStep("runtime");
  const pyodide = await loadPyodide({ indexURL: "./pyodide/" });
  setup(pyodide);
  onStep("packages");
  await pyodide.loadPackage("webflow", { messageCallback: () => {} });
  await pyodide.runPythonAsync("import webflow");
  await gpu;
  return pyodide;
}

async function startWebGLRuntime() {
  try {
    const { createRuntime } = await import("./webgl_kernels/runtime.js");
    globalThis.webflowRuntime = await createRuntime();
    globalThis.webflowRuntime.warmUp(); // common kernels compile while Pyodide boots
  } catch (error) {
    // NOTE: not fatal: the NumPy backend still works; set_backend("webgl") will say why not.
    globalThis.webflowRuntimeError = String((error && error.message) || error);
    console.warn("webflow: WebGL runtime unavailable:", error);
  }
}
