// MNIST: train in the worker with live loss/accuracy, then the confusion matrix and sample
// predictions; draw a digit and see the class probabilities; save, download and load the model.
import { $, startPage, loadSource, refreshBackend, showError, clearError, stopTraining } from "./common.js";
import { lineChart, barChart } from "./charts.js";

const py = startPage("mnist");
const run = (code) => py.run(code, { namespace: "mnist" });
const status = $("#status");
const modelStatus = $("#model-status");
const canvas = $("#draw");
const pen = canvas.getContext("2d", { willReadFrequently: true });
let busy = false; // training, saving or loading: one at a time
let training = false;
let hasModel = false;
let drawn = false;

function setStatus(element, state, text) {
  element.dataset.state = state;
  element.textContent = text;
}

function setButtons() {
  $("#train").disabled = busy;
  $("#stop").disabled = !training || status.dataset.state === "stopping";
  for (const id of ["#predict", "#save", "#download"]) $(id).disabled = busy || !hasModel;
  $("#load").disabled = busy || !$("#load").dataset.available;
}

// ------------------------------------------------------------------------------- training

function readSettings() {
  const epochs = Number($("#epochs").value);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 20) {
    throw new Error(`Epochs must be a whole number from 1 to 20; received "${$("#epochs").value}"`);
  }
  return { kind: $("#kind").value, epochs, batchSize: Number($("#batch-size").value) };
}

function showConfusion(confusion) {
  const table = $("#confusion");
  const head = document.createElement("tr");
  head.append(Object.assign(document.createElement("th"), { textContent: "true \\ predicted" }));
  for (let j = 0; j < 10; j++) head.append(Object.assign(document.createElement("th"), { textContent: j }));
  const rows = confusion.map((row, i) => {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("th"), { textContent: i }));
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => {
      const td = Object.assign(document.createElement("td"), { textContent: count || "" });
      const share = count / total;
      td.style.background = i === j ? `rgba(28, 138, 74, ${share})` : `rgba(198, 40, 40, ${Math.min(1, 4 * share)})`;
      if (share > 0.5) td.style.color = "#fff";
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(head, ...rows);
}

function showSamples({ images, labels, predicted }) {
  const tiles = labels.map((label, k) => {
    const tile = document.createElement("figure");
    const image = Object.assign(document.createElement("canvas"), { width: 28, height: 28 });
    const pixels = new ImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = images[k * 784 + p];
      pixels.data.set([v, v, v, 255], p * 4);
    }
    image.getContext("2d").putImageData(pixels, 0, 0);
    const caption = Object.assign(document.createElement("figcaption"), { textContent: predicted[k] });
    if (predicted[k] !== label) {
      tile.classList.add("wrong");
      caption.textContent = `${predicted[k]} (${label})`;
    }
    tile.append(image, caption);
    return tile;
  });
  $("#samples").replaceChildren(...tiles);
}

function setupTraining() {
  const losses = lineChart($("#loss-plot"), { series: ["loss"], y: "loss" });
  const accuracies = lineChart($("#accuracy-plot"), { series: ["accuracy"], y: "accuracy", yMin: 0 });
  let epochs = 1, steps = 1, epoch = 0;
  py.on("begin", (totalEpochs, stepsPerEpoch) => { epochs = totalEpochs; steps = stepsPerEpoch; epoch = 0; });
  py.on("batch", (batch, logs) => {
    const x = epoch + (batch + 1) / steps;
    losses.push(x, logs.loss);
    accuracies.push(x, logs.accuracy);
    $("#loss").textContent = logs.loss.toFixed(4);
    $("#accuracy").textContent = `${(100 * logs.accuracy).toFixed(1)}%`;
    $("#epoch").textContent = `${epoch + 1}/${epochs}`;
    $("#train-bar").style.width = `${(100 * x) / epochs}%`;
    if (status.dataset.state !== "stopping") {
      setStatus(status, "training", `Training… epoch ${epoch + 1}/${epochs}, batch ${batch + 1}/${steps}`);
    }
  });
  py.on("epoch", (done) => { epoch = done + 1; });
  $("#stop").addEventListener("click", () => {
    stopTraining(py, (state, text) => setStatus(status, state, text));
    setButtons();
  });

  $("#train").addEventListener("click", async () => {
    if (busy) return; // a second press while training changes nothing
    clearError($("#panel"));
    let settings;
    try {
      settings = readSettings();
    } catch (error) {
      setStatus(status, "error", "Check the settings:");
      showError($("#panel"), error);
      return;
    }
    busy = training = true;
    setButtons();
    losses.reset();
    accuracies.reset();
    $("#train-bar").style.width = "0";
    $("#test-accuracy").textContent = "–";
    setStatus(status, "training", "Training…");
    try {
      const report = await run(
        `train(kind=${JSON.stringify(settings.kind)}, epochs=${settings.epochs}, batch_size=${settings.batchSize})`);
      hasModel = true;
      const accuracy = `${(100 * report.accuracy).toFixed(1)}%`;
      $("#test-accuracy").textContent = accuracy;
      showConfusion(report.confusion);
      showSamples(report.samples);
      const trained = report.stopped ? `stopped in epoch ${$("#epoch").textContent}` : `${settings.epochs} epoch(s)`;
      setStatus(status, report.stopped ? "stopped" : "done",
        `${report.stopped ? "Stopped" : "Done"}: ${accuracy} of the 2,000 test digits are recognized`);
      setStatus(modelStatus, "trained", `Trained: ${settings.kind.toUpperCase()}, ${trained}, test accuracy ${accuracy}.`);
      await refreshBackend(py);
    } catch (error) {
      setStatus(status, "error", "Training failed:");
      showError($("#panel"), error);
    } finally {
      busy = training = false;
      setButtons();
    }
    if (drawn) predict();
  });
}

// ------------------------------------------------------------------------------- drawing

function clearDrawing() {
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  $("#seen").getContext("2d").clearRect(0, 0, 28, 28);
  setStatus($("#prediction"), "", "–");
  $("#prediction").dataset.digit = "";
  probabilities?.set(new Array(10).fill(0));
  drawn = false;
}

function setupDrawing() {
  clearDrawing();
  pen.strokeStyle = "#fff";
  pen.lineWidth = 20;
  pen.lineCap = pen.lineJoin = "round";
  let down = false;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
  };
  let timer = null;
  canvas.addEventListener("pointerdown", (event) => {
    clearTimeout(timer);
    down = true;
    canvas.setPointerCapture(event.pointerId);
    pen.beginPath();
    pen.moveTo(...at(event));
    pen.lineTo(...at(event)); // a click leaves a dot
    pen.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!down) return;
    pen.lineTo(...at(event));
    pen.stroke();
  });
  const end = () => {
    if (!down) return;
    down = false;
    if (!hasModel || busy) return;
    // Predict once the hand rests, not after every stroke of a digit.
    $("#prediction").dataset.state = "pending";
    timer = setTimeout(predict, 350);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

// The drawing as MNIST's digits were made: the ink's bounding box scaled to fit 20x20, then
// placed in 28x28 with its centre of mass in the middle. null for an empty canvas.
function toMnist() {
  const { width, height } = canvas;
  const ink = pen.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[(y * width + x) * 4] > 25) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = 20 / Math.max(w, h);
  const [sw, sh] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  const small = new OffscreenCanvas(sw, sh).getContext("2d", { willReadFrequently: true });
  small.imageSmoothingQuality = "high";
  small.drawImage(canvas, x0, y0, w, h, 0, 0, sw, sh);
  const values = small.getImageData(0, 0, sw, sh).data;
  let [mass, cx, cy] = [0, 0, 0];
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = values[(y * sw + x) * 4];
      mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5);
    }
  }
  const seen = $("#seen").getContext("2d", { willReadFrequently: true });
  seen.fillStyle = "#000";
  seen.fillRect(0, 0, 28, 28);
  seen.drawImage(small.canvas, Math.round(14 - cx / mass), Math.round(14 - cy / mass));
  const out = seen.getImageData(0, 0, 28, 28).data;
  return Array.from({ length: 784 }, (_, p) => out[p * 4] / 255);
}

let probabilities;
let latest = 0; // only the newest drawing's prediction is shown
async function predict() {
  clearError($("#draw-panel"));
  $("#prediction").dataset.state = "pending";
  const pixels = toMnist();
  if (!pixels) {
    setStatus($("#prediction"), "empty", "–");
    showError($("#draw-panel"), "The canvas is empty: draw a digit first.").classList.add("hint");
    return;
  }
  const request = ++latest;
  try {
    const p = await run(`predict_digit(${JSON.stringify(pixels.map((v) => +v.toFixed(4)))})`);
    if (request !== latest) return;
    const digit = p.indexOf(Math.max(...p));
    setStatus($("#prediction"), "shown", String(digit));
    $("#prediction").dataset.digit = String(digit);
    $("#prediction").dataset.probability = String(p[digit]);
    probabilities.set(p, digit);
  } catch (error) {
    setStatus($("#prediction"), "error", "–");
    showError($("#draw-panel"), error);
  }
}

// ------------------------------------------------------------------------------- save / load

async function keep(action, doing, done) {
  if (busy) return;
  busy = true;
  setButtons();
  clearError($("#draw-panel"));
  setStatus(modelStatus, "working", doing);
  try {
    await run(action);
    setStatus(modelStatus, "done", done);
    return true;
  } catch (error) {
    setStatus(modelStatus, "error", `${doing.replace("…", "")} failed:`);
    showError($("#draw-panel"), error);
    return false;
  } finally {
    busy = false;
    setButtons();
  }
}

function setupKeeping() {
  $("#save").addEventListener("click", async () => {
    if (await keep("await save()", "Saving…", "Saved in this browser (IndexedDB: indexeddb://mnist-demo).")) {
      $("#load").dataset.available = "yes";
      setButtons();
    }
  });
  $("#download").addEventListener("click", () =>
    keep("download()", "Preparing the download…", "Downloaded mnist-model.json and mnist-model.weights.bin."));
  $("#load").addEventListener("click", async () => {
    if (await keep("await load()", "Loading…", "Loaded the model saved in this browser.")) {
      hasModel = true;
      setButtons();
      if (drawn) predict();
    }
  });
}

async function main() {
  probabilities = barChart($("#probabilities"), { labels: [..."0123456789"], y: "probability" });
  setupDrawing();
  $("#clear").addEventListener("click", () => { clearError($("#draw-panel")); clearDrawing(); });
  $("#predict").addEventListener("click", predict);
  await py.ready;
  await run(await loadSource("demos/mnist.py"));
  setupTraining();
  setupKeeping();
  const saved = await run("import webflow as tf\nSAVED in await tf.keras.saving.list_models()");
  if (saved) $("#load").dataset.available = "yes";
  setButtons();
  setStatus(status, "ready", "Ready: press Train");
}

main().catch((error) => {
  setStatus(status, "error", "The demo could not start:");
  showError($("#panel"), error);
});
