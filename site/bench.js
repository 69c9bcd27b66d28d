// Benchmark page: webflow (Python in Pyodide, bench/webflow_bench.py) vs TensorFlow.js on WebGL
// (bench/tfjs_bench.js) vs Pyodide's NumPy, same inputs, same page. For each group of ops webflow
// runs first, then TF.js, then NumPy: never interleaved per iteration.
// window.benchResults resolves to everything `python3 build.py bench` writes to bench/results.json.
import { bootWebflow } from "./boot.js";
import { $, renderTopbar } from "./common.js";
import * as tfjs from "./bench/tfjs_bench.js";

// What runs: ?quick=1 (tiny sizes), ?steps=1 (the training-step rows) or ?full=1; none: the page waits.
const PARAMS = new URLSearchParams(location.search);
const MODE = ["quick", "steps", "full"].find((mode) => PARAMS.has(mode)) || null;
const QUICK = MODE === "quick";
const STEPS_ONLY = MODE === "steps";
const CONFIG = QUICK
  ? { sizes: [64], elementwise: [256, 256], logits: [16, 100], convBatch: 2, concat: [20, 100], minTime: 0.02, batches: 2 }
  : { sizes: [128, 256, 512, 1024], elementwise: [1024, 1024], logits: [128, 1000], convBatch: 64,
    concat: [200, 1000], minTime: 0.3, batches: 3 };
const TINY = [1, 4];
// Training rows (a separate table): the examples' settings in the full run (examples/boston_housing.py,
// examples/mnist_mlp.py; the CNN is bench-only), a few seconds of tiny runs in quick mode.
const TRAINING = QUICK
  ? { trainImages: 128, shiftedCopies: 0, testImages: 100,
    models: {
      boston: { epochs: 2, batchSize: 32, learningRate: 0.003 },
      mnist_mlp: { epochs: 1, batchSize: 128, learningRate: 0.002, dropout: 0.2 },
      mnist_cnn: { epochs: 1, batchSize: 64, learningRate: 0.002 },
    } }
  : { trainImages: 8000, shiftedCopies: 2, testImages: 2000,
    models: {
      boston: { epochs: 100, batchSize: 32, learningRate: 0.003 },
      mnist_mlp: { epochs: 8, batchSize: 128, learningRate: 0.002, dropout: 0.2 },
      mnist_cnn: { epochs: 2, batchSize: 64, learningRate: 0.002 },
    } };

function emit(line) {
  document.getElementById("log").textContent += line + "\n";
  if (window.benchEmit) window.benchEmit(line);
  else console.log(line);
}

const breathe = () => new Promise((resolve) => setTimeout(resolve, 0)); // let the page repaint

// Uniform in [-1, 1) from a seeded generator (mulberry32), so every run sees the same numbers.
function random(count, seed) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

async function run() {
  const started = performance.now();
  emit(`booting Pyodide + webflow${QUICK ? " (quick mode: tiny sizes)" : ""}`);
  const pyodide = await bootWebflow();
  const source = await (await fetch("bench/webflow_bench.py")).text();
  pyodide.FS.mkdirTree("/home/pyodide/bench");
  pyodide.FS.writeFile("/home/pyodide/bench/webflow_bench.py", source);
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/bench')");
  const py = pyodide.pyimport("webflow_bench");
  const call = (name, ...args) => {
    const result = py[name](...args);
    try {
      return result && result.toJs ? result.toJs({ dict_converter: Object.fromEntries }) : result;
    } finally {
      if (result && result.destroy) result.destroy();
    }
  };
  call("configure", CONFIG.minTime, CONFIG.batches);
  const tfjsInfo = await tfjs.start(CONFIG);
  emit(`TF.js ${tfjsInfo.tfjs} on ${tfjsInfo.backend}; webflow on ${call("versions").backend}`);

  // First, before any other kernel runs: training steps, so each library's first step pays its compiles.
  const steps = await stepRows(py, call);

  // ?steps=1 (build.py bench --steps): the training-step rows alone, at full size.
  const timed = {}; // group -> { webflow, tfjs, numpy }: seconds per op by op name, reps
  const checks = [];
  const training = STEPS_ONLY ? [] : (await opRows(call, timed, checks), await trainingRows(py, call));

  const stats = globalThis.webflowRuntime.stats();
  const chrome = navigator.userAgent.match(/(HeadlessChrome|Chrome|Chromium)\/([\d.]+)/);
  const results = {
    date: new Date().toISOString(),
    quick: QUICK,
    config: CONFIG,
    environment: {
      browser: chrome ? `${chrome[1]} ${chrome[2]}` : navigator.userAgent,
      userAgent: navigator.userAgent,
      renderer: stats.renderer,
      vendor: stats.vendor,
      tfjs: tfjsInfo.tfjs,
      tfjsBackend: tfjsInfo.backend,
      pyodide: pyodide.version,
      ...call("versions"),
    },
    webflowStats: stats,
    rows: STEPS_ONLY ? [] : tableRows(timed),
    training,
    steps,
    matmulCheck: checks,
    seconds: ((performance.now() - started) / 1000),
  };
  results.notes = notes(results);
  results.table = markdown(results);
  emit(`done in ${results.seconds.toFixed(0)} s`);
  return results;
}

// The op rows: each group runs webflow, then TF.js, then NumPy on the same inputs; fills timed and checks.
async function opRows(call, timed, checks) {
  const inputs = {};
  let seed = 1;
  const setInput = (name, [rows, cols]) => {
    inputs[name] = [random(rows * cols, seed++), rows, cols];
    call("set_input", name, ...inputs[name]);
  };
  const group = async (name, steps) => {
    timed[name] = {};
    for (const [who, step] of Object.entries(steps)) {
      const t0 = performance.now();
      timed[name][who] = step();
      emit(`${name}: ${who} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await breathe();
    }
  };

  for (const n of CONFIG.sizes) {
    setInput("a", [n, n]);
    setInput("b", [n, n]);
    await group(`matmul ${n}`, {
      webflow: () => call("webflow_matmul"),
      tfjs: () => tfjs.matmul(inputs),
      numpy: () => call("numpy_matmul"),
    });
    checks.push({ n, ...call("check_matmul", timed[`matmul ${n}`].tfjs.values) });
    delete timed[`matmul ${n}`].tfjs.values;
  }
  setInput("x", CONFIG.elementwise);
  setInput("y", CONFIG.elementwise);
  setInput("logits", CONFIG.logits);
  setInput("tiny_a", TINY);
  setInput("tiny_b", TINY);
  await group("elementwise", {
    webflow: () => call("webflow_elementwise"),
    tfjs: () => tfjs.elementwise(inputs),
    numpy: () => call("numpy_elementwise"),
  });
  await group("dispatch", {
    webflow: () => call("webflow_dispatch"),
    tfjs: () => tfjs.dispatch(inputs),
    numpy: () => call("numpy_dispatch"),
  });
  const batch = CONFIG.convBatch;
  setInput("conv_x1", [batch * 28 * 28, 1]);
  setInput("conv_w1", [9 * 1, 32]);
  setInput("conv_x2", [batch * 14 * 14, 32]);
  setInput("conv_w2", [9 * 32, 64]);
  setInput("pool_x", [batch * 28 * 28, 32]);
  await group("conv", {
    webflow: () => call("webflow_conv"),
    tfjs: () => tfjs.conv(inputs),
    numpy: () => call("numpy_conv"),
  });
  // ops4: conv gradients on the conv rows' shapes, concat of 6 x [200, 1000], pad of x.
  setInput("conv_dy1", [batch * 28 * 28, 32]);
  setInput("conv_dy2", [batch * 14 * 14, 64]);
  for (let k = 0; k < 3; k++) setInput(`cat_${k}`, CONFIG.concat);
  await group("ops4", {
    webflow: () => call("webflow_ops4"),
    tfjs: () => tfjs.ops4(inputs),
    numpy: () => call("numpy_ops4"),
  });
  await group("transfers", {
    webflow: () => call("webflow_transfers"),
    tfjs: () => tfjs.transfers(inputs),
  });

}

// Training steps (bench/webflow_bench.py StepSession, tfjs_bench.js stepSession): webflow in graph
// mode (tf.function, the default), webflow eager (compile(run_eagerly=True)) and TF.js trainOnBatch,
// on one real MNIST batch; ms per step and for the first step, draws and Python->JS calls per step.
// Each library's first step runs before any of the timed ones (graph, TF.js, eager: each pays its
// own compiles), then `warm` untimed steps each. The timed steps then come in rounds, each
// library's share in turn (the order rotates), so that all three see the same page: steps get
// faster over a page's first seconds (V8 optimizing Pyodide, the GPU process settling) and a
// library timed first paid for that alone (the first of the rounds, right after TF.js's first
// step and its compiles, ran 10-20% slower than the others, for graph mode and TF.js alike).
// NOTE: steps spread widely on a software GPU (a median of 30 MLP steps moved by 10% between runs;
// with 100 in 5 rounds, graph mode's rounds had medians 7.6-8.4 ms in one run and the ratio to eager
// was 1.94-2.14 over ten runs; with 300 in 15, 2.02-2.13 over nine). The rounds are a multiple of
// three, so each library goes first in as many rounds as the others.
const STEP_MODELS = QUICK && !STEPS_ONLY
  ? { mlp: { batch: 128, steps: 3, rounds: 1, warm: 1 }, cnn: { batch: 64, steps: 2, rounds: 1, warm: 1 } }
  : { mlp: { batch: 128, steps: 300, rounds: 15, warm: 10 }, cnn: { batch: 64, steps: 30, rounds: 6, warm: 2 } };
const STEP_LABELS = {
  mlp: "MNIST MLP 784-128-10, Adam, batch 128",
  cnn: "MNIST CNN (conv 8 5×5, pool, conv 16 5×5, pool, dense 10), Adam, batch 64",
};
const STEP_LIBRARIES = ["graph", "tfjs", "eager"];

async function stepRows(py, call) {
  const rows = [];
  for (const [name, { batch, steps, rounds, warm }] of Object.entries(STEP_MODELS)) {
    const data = py.step_data(batch);
    const [x, y] = [0, 1].map((k) => {
      const proxy = data.get(k);
      const view = proxy.getBuffer("f32");
      try {
        return view.data.slice();
      } finally {
        view.release();
        proxy.destroy();
      }
    });
    data.destroy();
    const sessions = {};
    for (const who of STEP_LIBRARIES) {
      const firstMs = who === "tfjs"
        ? (sessions.tfjs = await tfjs.stepSession(name, x, y, batch)).first_ms
        : call("step_start", name, who, batch);
      emit(`steps ${name}: ${who} first step ${firstMs.toFixed(0)} ms`);
      await breathe();
    }
    for (const who of STEP_LIBRARIES) {
      if (who === "tfjs") await sessions.tfjs.more(warm, false);
      else call("step_more", name, who, warm, false);
      await breathe();
    }
    const t0 = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < STEP_LIBRARIES.length; k++) {
        const who = STEP_LIBRARIES[(round + k) % STEP_LIBRARIES.length];
        if (who === "tfjs") await sessions.tfjs.more(steps / rounds);
        else call("step_more", name, who, steps / rounds);
        await breathe();
      }
    }
    const runs = Object.fromEntries(STEP_LIBRARIES.map((who) =>
      [who, who === "tfjs" ? sessions.tfjs.finish() : call("step_finish", name, who)]));
    emit(`steps ${name}: ${STEP_LIBRARIES.map((who) => `${who} ${runs[who].ms.toFixed(1)}`).join(", ")} ms/step ` +
      `(${rounds} rounds, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    rows.push({ id: `step-${name}`, label: STEP_LABELS[name], batch, steps, rounds, ...runs,
      speedupVsTfjs: runs.tfjs.ms / runs.graph.ms, speedupVsEager: runs.eager.ms / runs.graph.ms });
  }
  return rows;
}

// Train each model with webflow on WebGL, TF.js on WebGL and webflow on Pyodide's NumPy (in that
// order), on the same data; one row per model: seconds per epoch (the median epoch) and the test
// metric for each.
async function trainingRows(py, call) {
  const shapes = call("prepare_training", TRAINING.trainImages, TRAINING.shiftedCopies, TRAINING.testImages);
  const rows = [];
  for (const [name, settings] of Object.entries(TRAINING.models)) {
    const array = (index) => {
      const proxy = py.training_data(name, index);
      const view = proxy.getBuffer("f32");
      try {
        return [view.data.slice(), shapes[name][index]];
      } finally {
        view.release();
        proxy.destroy();
      }
    };
    const data = { x: array(0), y: array(1), xTest: array(2), yTest: array(3) };
    const runs = {};
    const steps = {
      webflow: () => call("train", name, "webgl", settings.epochs, settings.batchSize, settings.learningRate,
        settings.dropout ?? 0),
      tfjs: () => tfjs.train(name, data, settings),
      numpy: () => call("train", name, "numpy", settings.epochs, settings.batchSize, settings.learningRate,
        settings.dropout ?? 0),
    };
    for (const [who, step] of Object.entries(steps)) {
      const t0 = performance.now();
      runs[who] = await step();
      emit(`training ${name}: ${who} done in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(${TRAINING_LABELS[name].metric} ${runs[who].metric.toFixed(4)})`);
      await breathe();
    }
    const median = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    };
    const perEpoch = Object.fromEntries(Object.entries(runs).map(([who, run]) => [who, median(run.epoch_seconds)]));
    rows.push({
      id: `train-${name}`,
      label: TRAINING_LABELS[name].label(settings, shapes[name][0][0]),
      metricName: TRAINING_LABELS[name].metric,
      unit: "s/epoch",
      ...perEpoch,
      speedup: perEpoch.tfjs / perEpoch.webflow,
      metric: Object.fromEntries(Object.entries(runs).map(([who, run]) => [who, run.metric])),
      epochSeconds: Object.fromEntries(Object.entries(runs).map(([who, run]) => [who, run.epoch_seconds])),
      settings,
      trainSamples: shapes[name][0][0],
      testSamples: shapes[name][2][0],
    });
  }
  return rows;
}

const TRAINING_LABELS = {
  boston: { metric: "test MAE",
    label: (s, n) => `Boston MLP 13-64-64-1, Adam, ${s.epochs} epochs × ${n} rows, batch ${s.batchSize}` },
  mnist_mlp: { metric: "test accuracy",
    label: (s, n) => `MNIST MLP 784-128-10 (dropout ${s.dropout}), Adam, ${s.epochs} epochs × ${n} images, ` +
      `batch ${s.batchSize}` },
  mnist_cnn: { metric: "test accuracy",
    label: (s, n) => `MNIST CNN (conv3×3·8, pool, conv3×3·16, pool, dense 10), Adam, ${s.epochs} epochs × ` +
      `${n} images, batch ${s.batchSize}` },
};

// One row per measurement, in the unit it reads best in; speedup = TF.js time / webflow time.
function tableRows(timed) {
  const rows = [];
  const row = (id, label, unit, scale, entry, key, numpyKey = key) => {
    // entry.numpy is missing for transfers; numpyKey is null where NumPy has no counterpart.
    const per = (field) => ({
      webflow: entry.webflow?.[field][key] ?? null,
      tfjs: entry.tfjs?.[field][key] ?? null,
      numpy: entry.numpy?.[field][numpyKey] ?? null,
    });
    const seconds = {
      webflow: entry.webflow?.[key] ?? null,
      tfjs: entry.tfjs?.[key] ?? null,
      numpy: entry.numpy?.[numpyKey] ?? null,
    };
    const value = (s) => (s === null ? null : scale(s));
    rows.push({
      id, label, unit,
      webflow: value(seconds.webflow), tfjs: value(seconds.tfjs), numpy: value(seconds.numpy),
      speedup: seconds.webflow && seconds.tfjs ? seconds.tfjs / seconds.webflow : null,
      seconds,
      reps: per("reps"),
      samples: per("samples"),
    });
  };
  const ms = (s) => s * 1e3;
  const us = (s) => s * 1e6;
  for (const n of CONFIG.sizes) {
    const gflops = (s) => (2 * n ** 3) / s / 1e9;
    const entry = timed[`matmul ${n}`];
    row(`matmul-${n}-kernel`, `matmul ${n}×${n}, kernel only`, "GFLOP/s", gflops, entry, "kernel");
    row(`matmul-${n}-readback`, `matmul ${n}×${n}, with readback`, "GFLOP/s", gflops, entry, "readback",
      "kernel");
  }
  const [r, c] = CONFIG.elementwise;
  const floats = r * c >= 1 << 20 ? `${(r * c) / (1 << 20)}M` : `${(r * c) / 1024}K`;
  const e = timed.elementwise;
  row("add", `add, ${floats} floats [${r}, ${c}]`, "ms", ms, e, "add");
  row("relu", `relu, ${floats} floats`, "ms", ms, e, "relu");
  row("softmax", `softmax [${CONFIG.logits}]`, "ms", ms, e, "softmax");
  row("dispatch", "dispatch: tiny add (4 floats), back to back", "µs", us, timed.dispatch, "dispatch");
  row("roundtrip", "tiny add + read back each result", "µs", us, timed.dispatch, "roundtrip", null);
  const b = CONFIG.convBatch;
  row("conv2d-28x28x1-32", `conv2d ${b}×28×28×1 → 32, 3×3 SAME, kernel only`, "ms", ms, timed.conv, "conv1");
  row("conv2d-14x14x32-64", `conv2d ${b}×14×14×32 → 64, 3×3 SAME, kernel only`, "ms", ms, timed.conv, "conv2");
  row("max_pool2d", `max_pool2d 2×2/2 on ${b}×28×28×32, kernel only`, "ms", ms, timed.conv, "max_pool");
  const o4 = timed.ops4;
  row("conv2d-28x28x1-32-dx", `conv2d input gradient, the ${b}×28×28×1 → 32 row`, "ms", ms, o4, "dx1");
  row("conv2d-28x28x1-32-dw", `conv2d filter gradient, the ${b}×28×28×1 → 32 row`, "ms", ms, o4, "dw1");
  row("conv2d-14x14x32-64-dx", `conv2d input gradient, the ${b}×14×14×32 → 64 row`, "ms", ms, o4, "dx2");
  row("conv2d-14x14x32-64-dw", `conv2d filter gradient, the ${b}×14×14×32 → 64 row`, "ms", ms, o4, "dw2");
  const [cr, cc] = CONFIG.concat;
  row("concat-axis0", `concat 6 × [${cr}, ${cc}], axis 0`, "ms", ms, o4, "concat0");
  row("concat-axis1", `concat 6 × [${cr}, ${cc}], axis 1`, "ms", ms, o4, "concat1");
  row("pad", `pad [${r}, ${c}] by [[2, 2], [3, 3]]`, "ms", ms, o4, "pad");
  row("upload", `upload ${floats} floats`, "ms", ms, timed.transfers, "upload");
  row("download", `download ${floats} floats`, "ms", ms, timed.transfers, "download");
  return rows;
}

function notes(results) {
  const { minTime, batches } = results.config;
  return [
    "speedup = TF.js time / webflow time (> 1: webflow faster). Same inputs for all three. " +
      `Each number: one untimed warm-up (compiles excluded), then ${batches} batches of R ops, ` +
      `each ≥ ${minTime} s (or one op, if slower); the median batch. R and every batch are in ` +
      "results.json.",
    "Kernel only: R ops back to back, then the sum of the last result read back (1 value) to " +
      "wait for the GPU; batch time / R. With readback: every result copied to NumPy (webflow, " +
      "t.numpy()) or a Float32Array (TF.js, dataSync()).",
    "NumPy: the same op with Pyodide's NumPy (WebAssembly, one thread); its result is already " +
      "on the host, so both matmul rows show the same number.",
    "Dispatch: µs per add of two 4-float tensors, called from Python (webflow) or JS (TF.js), " +
      "many in a row, one readback at the end. TF.js runs with WEBGL_CPU_FORWARD=false (else " +
      "it adds tiny tensors on the CPU); other flags are its defaults (packed kernels).",
    "Upload: webflow tf.constant(NumPy array); TF.js tf.tensor2d(Float32Array) + " +
      "backend.uploadToGPU (what its first kernel on it does: an encode pass into its packed " +
      "layout); R uploads, then a 1-value sum read back. Download: a fresh, finished upload " +
      "copied back, t.numpy() vs dataSync() (TF.js drops its CPU copy on upload).",
    "Training: the same model, optimizer (Adam), loss, batch size, epochs and data (made once in " +
      "Python, handed to TF.js) for webflow on WebGL, TF.js on WebGL and webflow on Pyodide's " +
      "NumPy; fit one epoch at a time, s/epoch is the median epoch (the first, with shader " +
      "compiles, is usually the slowest), then evaluate on the test set. MNIST MLP: the first " +
      `${TRAINING.trainImages} training images plus ${TRAINING.shiftedCopies} copies shifted by up to ` +
      "a pixel (as examples/mnist_mlp.py); CNN: the images alone. Each framework draws its own " +
      "initial weights and shuffles, so test metrics differ a little.",
  ];
}

function format(value) {
  if (value === null || value === undefined) return "—";
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

// The three tables (ops, training runs, training steps): header, column alignment (markdown) and
// rows of cells, shared by the markdown `build.py bench` prints and the page's tables.
function sections(results) {
  const times = (value) => `${value.toFixed(2)}×`;
  return [
    { head: ["benchmark", "unit", "webflow", "TF.js", "Pyodide NumPy", "webflow speedup vs TF.js"],
      align: "|---|---|---:|---:|---:|---:|",
      rows: results.rows.map((row) => [row.label, row.unit, format(row.webflow), format(row.tfjs), format(row.numpy),
        row.speedup === null ? "—" : times(row.speedup)]) },
    { head: ["training", "webflow WebGL s/epoch", "TF.js s/epoch", "Pyodide NumPy s/epoch", "webflow speedup vs TF.js",
      "test metric: webflow / TF.js / NumPy"],
      align: "|---|---:|---:|---:|---:|---|",
      rows: results.training.map((row) => [row.label, format(row.webflow), format(row.tfjs), format(row.numpy),
        times(row.speedup), `${row.metricName} ` + ["webflow", "tfjs", "numpy"]
          .map((who) => row.metric[who].toFixed(row.metricName === "test MAE" ? 2 : 4)).join(" / ")]) },
    { head: ["training step", "webflow graph ms/step", "webflow eager ms/step", "TF.js ms/step", "graph vs eager",
      "graph vs TF.js", "first step ms: graph / eager / TF.js", "draws/step: graph / eager",
      "Python→JS calls/step: graph / eager"],
      align: "|---|---:|---:|---:|---:|---:|---|---|---|",
      rows: results.steps.map(({ label, graph, eager, tfjs: js, speedupVsEager, speedupVsTfjs }) => [label,
        format(graph.ms), format(eager.ms), format(js.ms), times(speedupVsEager), times(speedupVsTfjs),
        [graph, eager, js].map((r) => r.first_ms.toFixed(0)).join(" / "), perStep(graph.draws, eager.draws),
        perStep(graph.crossings, eager.crossings)]) },
  ];
}

// Counts per step, graph / eager: whole numbers as they are, averages to a tenth (eager's calls vary
// by a few a run, as Python frees tensors when it collects them).
function perStep(graph, eager) {
  return [graph, eager].map((n) => (Number.isInteger(n) ? String(n) : n.toFixed(1))).join(" / ");
}

function markdown(results) {
  const env = results.environment;
  const line = (cells) => `| ${cells.join(" | ")} |`;
  const lines = [
    `webflow ${env.webflow} vs TensorFlow.js ${env.tfjs} (webgl) vs NumPy ${env.numpy} ` +
      `(Pyodide ${env.pyodide}); ${env.browser}, ${env.renderer}; ${results.date.slice(0, 10)}`,
  ];
  for (const { head, align, rows } of sections(results)) lines.push("", line(head), align, ...rows.map(line));
  lines.push("", ...results.notes.map((note) => `- ${note}`));
  return lines.join("\n") + "\n";
}

// The tables that have rows, as HTML (each in a scrolling wrapper).
function tables(results) {
  const cells = (values, tag) => "<tr>" + values.map((value) => `<${tag}>${value}</${tag}>`).join("") + "</tr>";
  return sections(results).filter(({ rows }) => rows.length).map(({ head, rows }) => {
    const wrap = Object.assign(document.createElement("div"), { className: "table-wrap" });
    wrap.innerHTML = `<table>${cells(head, "th")}${rows.map((row) => cells(row, "td")).join("")}</table>`;
    return wrap;
  });
}

// The project's own last run (bench/results.json, shipped with the site), to compare with.
async function showReference() {
  const response = await fetch("bench/results.json");
  if (!response.ok) return; // a build without it: nothing to compare with
  const results = await response.json();
  const env = results.environment;
  $("#reference-environment").textContent = `${results.date.slice(0, 10)} on ${env.browser}, ${env.renderer}; ` +
    `training steps ${(results.stepsDate || results.date).slice(0, 10)}. A software GPU: yours is likely faster.`;
  $("#reference-table").replaceChildren(...tables(results));
  $("#reference").hidden = false;
}

function setStatus(state, text) {
  $("#bench-status").dataset.state = state;
  $("#bench-status").textContent = text;
}

renderTopbar("bench");
$("#mode").value = MODE || "quick";
$("#run").addEventListener("click", () => { location.search = `?${$("#mode").value}=1`; }); // a fresh page per run
showReference();
if (MODE) {
  $("#run").disabled = true;
  setStatus("running", "Running… (the page pauses while each benchmark runs)");
  window.benchResults = run().then((results) => {
    $("#table").replaceChildren(...tables(results));
    setStatus("done", `Done in ${results.seconds.toFixed(0)} s.`);
    $("#run").disabled = false;
    return results;
  }, (error) => {
    emit(`benchmark failed: ${(error && error.stack) || error}`);
    setStatus("error", "The benchmark failed (see the log below).");
    $("#run").disabled = false;
    throw error;
  });
}
