// The page's handle on the Python worker (worker.js): start it, run Python in it, hear from it.
//
//   const py = startWorker({ onProgress, onOutput });
//   const info = await py.ready;          // {backend, renderer, precision, reason}
//   await py.run("1 + 1");                // 2; rejects with the Python traceback
//   py.on("epoch", (epoch, logs) => ...)  // page.emit("epoch", epoch, logs) in Python
//   py.requestStop()                      // page.stop_requested() turns True in Python

export function startWorker({ onProgress = () => {}, onOutput = () => {} } = {}) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const pending = new Map();
  const listeners = new Map();
  let nextId = 1;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });

  worker.onmessage = ({ data }) => {
    switch (data.type) {
      case "progress": onProgress(data); break;
      case "ready": settle.resolve(data.info); break;
      case "failed": settle.reject(new Error(data.error)); break;
      case "output": onOutput(data.stream, data.text); break;
      case "event": for (const fn of listeners.get(data.name) || []) fn(...data.args); break;
      case "download": saveFile(data.name, data.blob); break;
      case "reply": {
        const call = pending.get(data.id);
        pending.delete(data.id);
        if (data.ok) call.resolve(data.value);
        else call.reject(new PythonError(data.error));
        break;
      }
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    settle.reject(new Error(`the Python worker failed: ${event.message || "could not start"}`));
  };
  const params = new URLSearchParams(location.search);
  // NOTE: while Python runs, the worker reads no messages, so a stop request is a flag in shared
  // memory, which needs a cross-origin isolated page (COOP/COEP headers: `build.py serve` sends
  // them). Elsewhere a stop reloads the page: the worker goes with it.
  const stopFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  worker.postMessage({ type: "boot", webgl: params.get("backend") !== "numpy", stopFlag });

  return {
    ready,
    // namespace: run in that global dict (a demo's own), created on first use.
    run(code, { namespace } = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: "run", id, code, namespace });
      });
    },
    // Asks running Python to stop (it polls page.stop_requested()); false: this page cannot share
    // memory with the worker, so the caller reloads instead.
    requestStop() {
      if (!stopFlag) return false;
      Atomics.store(stopFlag, 0, 1);
      return true;
    },
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, []);
      listeners.get(name).push(fn);
    },
  };
}

export class PythonError extends Error {
  constructor(message) {
    super(message);
    this.name = "PythonError";
  }
}

// downloads:// from the worker: the page owns the document, so it saves the file.
function saveFile(name, blob) {
  const link = document.createElement("a");
  link.download = name;
  link.href = URL.createObjectURL(blob);
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000); // the download reads it first
}
