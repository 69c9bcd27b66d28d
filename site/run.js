// Runner page for `python3 build.py run SCRIPT`.
// window.webflowRun(code, name, argv) runs a script as __main__ and resolves to its exit
// status; each printed line goes to window.webflowEmit(stream, line) as it is printed
// (build.py exposes that function through Playwright), else to the page and the console.
import { bootWebflow } from "./boot.js";

function emit(stream, line) {
  document.getElementById("output").textContent += line + "\n";
  if (window.webflowEmit) window.webflowEmit(stream, line);
  else console.log(`[${stream}] ${line}`);
}

// Exit status like CPython's: 0, 1 with a traceback on an uncaught exception, n on SystemExit(n).
const RUNNER = `
def _webflow_run(path, argv):
    import os, sys, traceback
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(path))
    globals_ = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    try:
        with open(path) as f:
            code = compile(f.read(), path, "exec")
        exec(code, globals_)
        status = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            status = e.code or 0
        else:
            print(e.code, file=sys.stderr)
            status = 1
    except BaseException as e:
        # Skip this function's own frame: the traceback starts in the user's script.
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return status
_webflow_run
`;

const booting = bootWebflow({
  setup: (pyodide) => {
    pyodide.setStdout({ batched: (line) => emit("stdout", line) });
    pyodide.setStderr({ batched: (line) => emit("stderr", line) });
  },
});

window.webflowRun = async (code, name, argv) => {
  const pyodide = await booting;
  const path = `/home/pyodide/${name}`;
  pyodide.FS.writeFile(path, code); // a real file, so tracebacks show the source lines
  const run = pyodide.runPython(RUNNER);
  try {
    return run(path, pyodide.toPy(argv));
  } finally {
    run.destroy();
  }
};
