// Playground: a CodeMirror editor, example snippets, and an output console. Code runs in the
// worker through run_cell below: print() lines stream in, the last expression's repr is shown,
// and an exception shows its traceback from the user's own lines.
import { $, startPage } from "./common.js";
import { EditorView, basicSetup, keymap, indentWithTab, python } from "./vendor/editor.js";

const EXAMPLES = [
  ["tensors.py", "Tensors and gradients"],
  ["keras_fit.py", "Fit a line with Keras"],
  ["cnn_summary.py", "A CNN's summary"],
  ["error.py", "An error and its traceback"],
];

// NOTE: the cell's source is registered with linecache, so tracebacks show its lines.
const RUN_CELL = `
import linecache, sys, traceback
from pyodide.code import eval_code_async
import webflow as tf

async def _run_cell(source, name="<playground>"):
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    try:
        value = await eval_code_async(source, globals(), filename=name)
    except BaseException as error:
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != name:
            tb = tb.tb_next  # start at the user's code, not in this helper
        traceback.print_exception(type(error), error, tb)
        sys.stderr.flush()
        return {"ok": False}
    sys.stdout.flush()
    return {"ok": True, "value": None if value is None else repr(value)}
`;

const output = $("#console");
function write(stream, text) {
  const line = document.createElement("span");
  line.className = stream;
  line.textContent = text + "\n";
  output.append(line);
  output.scrollTop = output.scrollHeight;
}

const py = startPage("playground", { onOutput: write });
const state = $("#run-state");
const runButton = $("#run");

function setState(name, text) {
  state.dataset.state = name;
  state.textContent = text;
}

const editor = new EditorView({
  parent: $("#editor"),
  extensions: [
    basicSetup, python(), keymap.of([indentWithTab, { key: "Mod-Enter", run: () => { runCell(); return true; } }]),
  ],
});
window.playground = { editor }; // tests set the code through it

async function showExample(file) {
  const response = await fetch(`demos/playground/${file}`);
  if (!response.ok) throw new Error(`GET demos/playground/${file}: HTTP ${response.status}`);
  const text = await response.text();
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

let running = false;
async function runCell() {
  if (running || runButton.disabled) return;
  running = true;
  runButton.disabled = true;
  setState("running", "running…");
  const started = performance.now();
  try {
    const result = await py.run(`await _run_cell(${JSON.stringify(editor.state.doc.toString())})`,
                                { namespace: "playground" });
    if (result.value !== undefined && result.value !== null) write("value", result.value);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    setState(result.ok ? "done" : "error", result.ok ? `done in ${seconds} s` : "raised an exception");
  } catch (error) { // the helper itself failed: still show it
    write("stderr", String(error.message || error));
    setState("error", "failed");
  } finally {
    running = false;
    runButton.disabled = false;
  }
}

async function main() {
  const select = $("#example");
  for (const [file, title] of EXAMPLES) select.append(new Option(title, file));
  select.addEventListener("change", () => showExample(select.value).catch((e) => write("stderr", String(e))));
  $("#clear-console").addEventListener("click", () => output.replaceChildren());
  runButton.addEventListener("click", runCell);
  await showExample(EXAMPLES[0][0]);
  await py.ready;
  await py.run(RUN_CELL, { namespace: "playground" });
  runButton.disabled = false;
  setState("ready", "ready");
}

main().catch((error) => {
  write("stderr", String(error.message || error));
  setState("error", "could not start");
});
