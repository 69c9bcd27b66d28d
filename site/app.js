// The home page: boot Pyodide + webflow with visible progress, then the linear-regression demo.
// window.webflowApp = { ready, runPython(code) } is the page's API; browser tests drive it.
import { bootWebflow } from "./boot.js";

const $ = (selector) => document.querySelector(selector);
const TRAIN_STEPS = 300;
const STEPS_PER_FRAME = 5; // small chunks, so the line visibly moves as it trains

// Resolves on the next repaint; the timeout keeps hidden tabs (no animation frames) going.
const nextFrame = () => new Promise((resolve) => { requestAnimationFrame(resolve); setTimeout(resolve, 100); });

// ------------------------------------------------------------------------------- boot

function showStep(step, fraction) {
  for (const li of document.querySelectorAll("#boot-steps li")) {
    const order = ["runtime", "packages", "ready"];
    const here = order.indexOf(li.dataset.step), now = order.indexOf(step);
    li.className = here < now ? "done" : here === now ? "active" : "";
  }
  $("#boot-bar").style.width = `${Math.round(fraction * 100)}%`;
}

async function boot() {
  const started = performance.now();
  const timer = setInterval(() => {
    $("#boot-elapsed").textContent = ((performance.now() - started) / 1000).toFixed(1);
  }, 100);
  try {
    const fractions = { runtime: 0.1, packages: 0.6 };
    const pyodide = await bootWebflow({ onStep: (step) => showStep(step, fractions[step]) });
    showStep("ready", 1.0);
    $("#boot-steps li[data-step=ready]").className = "done";
    setTimeout(() => $("#boot").classList.add("done"), 600);
    return pyodide;
  } catch (error) {
    document.querySelector("#boot-steps li.active")?.classList.add("failed");
    throw error;
  } finally {
    clearInterval(timer);
    $("#boot-elapsed").textContent = ((performance.now() - started) / 1000).toFixed(1);
  }
}

// Python value -> plain JS (lists -> arrays, dicts -> objects); proxies are released.
function toJs(value) {
  if (value && typeof value.toJs === "function") {
    const converted = value.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    value.destroy();
    return converted;
  }
  return value;
}

const ready = boot();
window.webflowApp = {
  ready: ready.then(() => true),
  runPython: async (code) => toJs(await (await ready).runPythonAsync(code)),
};

// ------------------------------------------------------------------------------- plots

function setupCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  return { ctx, width, height };
}

function drawFit(plot, points, fit) {
  const { ctx, width, height } = plot;
  const pad = 30;
  const sx = (x) => pad + ((x - points.xmin) / (points.xmax - points.xmin)) * (width - 2 * pad);
  const sy = (y) => height - pad - ((y - points.ymin) / (points.ymax - points.ymin)) * (height - 2 * pad);
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = "#c9ced8";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(sx(points.xmin), sy(0)); ctx.lineTo(sx(points.xmax), sy(0));
  ctx.moveTo(sx(0), sy(points.ymin)); ctx.lineTo(sx(0), sy(points.ymax));
  ctx.stroke();
  ctx.fillStyle = "rgba(47, 111, 228, 0.65)";
  for (let i = 0; i < points.x.length; i++) {
    ctx.beginPath();
    ctx.arc(sx(points.x[i]), sy(points.y[i]), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (fit) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad, 0, width - 2 * pad, height);
    ctx.clip();
    ctx.strokeStyle = "#ff7a1a";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(sx(points.xmin), sy(fit.a * points.xmin + fit.b));
    ctx.lineTo(sx(points.xmax), sy(fit.a * points.xmax + fit.b));
    ctx.stroke();
    ctx.restore();
  }
}

// losses holds one value per chunk of STEPS_PER_FRAME steps.
function drawLoss(plot, losses) {
  const { ctx, width, height } = plot;
  const pad = 12;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "#6b7385";
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillText("loss (log scale)", pad, 14);
  if (losses.length < 2) return;
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-12)));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  ctx.strokeStyle = "#2f6fe4";
  ctx.lineWidth = 2;
  ctx.beginPath();
  logs.forEach((v, i) => {
    const x = pad + (i / (TRAIN_STEPS / STEPS_PER_FRAME - 1)) * (width - 2 * pad);
    const y = height - pad - ((v - lo) / (hi - lo || 1)) * (height - 2 * pad - 10);
    i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
  });
  ctx.stroke();
}

// ------------------------------------------------------------------------------- demo

async function startDemo() {
  const source = await (await fetch("demos/linear_regression.py")).text();
  $("#demo-code").textContent = source;
  const pyodide = await ready;
  // The demo runs in its own namespace, published as `demo` so tests can read its state.
  const demo = pyodide.globals.get("dict")();
  await pyodide.runPythonAsync(source, { globals: demo });
  pyodide.globals.set("demo", demo);
  const data = toJs(pyodide.runPython(
    "[x.numpy().tolist(), y.numpy().tolist(), TRUE_A, TRUE_B]", { globals: demo }));
  const [xs, ys, trueA, trueB] = data;
  const points = {
    x: xs, y: ys,
    xmin: Math.min(...xs) - 0.2, xmax: Math.max(...xs) + 0.2,
    ymin: Math.min(...ys) - 0.5, ymax: Math.max(...ys) + 0.5,
  };
  $("#true-a").textContent = trueA.toFixed(2);
  $("#true-b").textContent = trueB.toFixed(2);
  const plot = setupCanvas($("#plot"));
  const lossPlot = setupCanvas($("#loss-plot"));
  drawFit(plot, points, null);
  drawLoss(lossPlot, []);
  const trainChunk = demo.get("train_chunk");
  const reset = demo.get("reset");
  const button = $("#train");
  const status = $("#status");

  async function train() {
    button.disabled = true;
    status.dataset.state = "training";
    reset();
    const losses = [];
    for (let step = 0; step < TRAIN_STEPS; step += STEPS_PER_FRAME) {
      const [a, b, loss] = toJs(trainChunk(STEPS_PER_FRAME));
      losses.push(loss);
      $("#fit-a").textContent = a.toFixed(4);
      $("#fit-b").textContent = b.toFixed(4);
      $("#loss").textContent = loss.toPrecision(4);
      $("#step").textContent = String(step + STEPS_PER_FRAME);
      status.textContent = `Training… step ${step + STEPS_PER_FRAME}/${TRAIN_STEPS}`;
      drawFit(plot, points, { a, b });
      drawLoss(lossPlot, losses);
      await nextFrame();
    }
    status.textContent = `Done: ${TRAIN_STEPS} steps of gradient descent`;
    showBackend(pyodide);
    status.dataset.state = "done";
    button.disabled = false;
  }

  button.addEventListener("click", () => train().catch(showError));
  await train();
}

// Which backend ran the demo, on which GPU, and what it cost in shader programs and draws.
function showBackend(pyodide) {
  const [name, renderer, programs, draws, precision] = toJs(pyodide.runPython(`
import webflow as tf
_m = tf.memory()
[tf.config.get_backend(), _m.get("renderer"), _m.get("programsCompiled"), _m.get("draws"), _m.get("precision")]`));
  const half = precision === "float16" ? " (float16: this GPU cannot render float32)" : "";
  $("#backend").textContent = name === "webgl"
    ? `Backend: WebGL2 on ${renderer}${half} · ${programs} shader programs compiled · ${draws} draws`
    : "Backend: NumPy (WebGL2 is not available in this browser)";
  $("#backend").dataset.backend = name;
}

function showError(error) {
  const status = $("#status");
  status.textContent = String(error.message || error);
  status.dataset.state = "error";
  console.error(error);
}

ready.then(startDemo).catch(showError);
