// Boston housing: the data (table, feature-vs-price scatters), training and validation loss
// while fit runs in the worker, then predicted vs actual prices and the test MAE.
import { $, startPage, loadSource, refreshBackend, showError, clearError, stopTraining } from "./common.js";
import { lineChart, scatterChart } from "./charts.js";

const SCATTERS = { RM: "rooms per dwelling (RM)", LSTAT: "% lower-status population (LSTAT)", CRIM: "crime rate (CRIM)" };
const py = startPage("boston");
const button = $("#train");
const status = $("#status");
const run = (code) => py.run(code, { namespace: "boston" });

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function showData(data) {
  $("#data-size").textContent = `${data.n_train} training and ${data.n_test} test houses; the first rows:`;
  const head = document.createElement("tr");
  for (const name of [...data.columns, "MEDV"]) head.append(Object.assign(document.createElement("th"), { textContent: name }));
  $("#data-table thead").replaceChildren(head);
  $("#data-table tbody").replaceChildren(...data.rows.map((row, i) => {
    const tr = document.createElement("tr");
    for (const value of [...row, data.prices[i]]) {
      tr.append(Object.assign(document.createElement("td"), { textContent: +value.toFixed(value < 1 ? 3 : 1) }));
    }
    return tr;
  }));
  for (const [name, label] of Object.entries(SCATTERS)) {
    scatterChart($(`#scatter-${name}`), {
      points: data.features[name].map((x, i) => ({ x, y: data.y[i] })), x: label, y: "price ($1000s)",
    });
  }
}

// Epochs and batch size from the form, or an error the page shows.
function readSettings() {
  const epochs = Number($("#epochs").value);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 500) {
    throw new Error(`Epochs must be a whole number from 1 to 500; received "${$("#epochs").value}"`);
  }
  return { epochs, batchSize: Number($("#batch-size").value) };
}

async function main() {
  await py.ready;
  await run(await loadSource("demos/boston_housing.py"));
  showData(await run(`{
    "columns": COLUMNS, "rows": x_train[:8].tolist(), "prices": y_train[:8].tolist(),
    "n_train": len(x_train), "n_test": len(x_test), "y": y_train.tolist(),
    "features": {name: x_train[:, COLUMNS.index(name)].tolist() for name in ${JSON.stringify(Object.keys(SCATTERS))}},
}`));
  const losses = lineChart($("#loss-plot"), { series: ["training loss", "validation loss"], y: "MSE (log scale)", logY: true });
  const predictions = scatterChart($("#pred-plot"), {
    points: [], x: "actual price ($1000s)", y: "predicted price ($1000s)", line: [], pointLabel: "test houses",
    lineLabel: "perfect prediction",
  });
  let epochs = 0;
  py.on("epoch", (epoch, logs) => {
    losses.push(epoch + 1, logs.loss, logs.val_loss);
    $("#epoch").textContent = `${epoch + 1}/${epochs}`;
    $("#loss").textContent = logs.loss.toFixed(2);
    $("#val-loss").textContent = logs.val_loss.toFixed(2);
    $("#train-bar").style.width = `${(100 * (epoch + 1)) / epochs}%`;
    if (status.dataset.state !== "stopping") setStatus("training", `Training… epoch ${epoch + 1}/${epochs}`);
  });
  const stop = $("#stop");
  stop.addEventListener("click", () => {
    stop.disabled = true;
    stopTraining(py, setStatus);
  });

  let busy = false;
  button.addEventListener("click", async () => {
    if (busy) return; // a second press while training changes nothing
    clearError($("#panel"));
    let settings;
    try {
      settings = readSettings();
    } catch (error) {
      setStatus("error", "Check the settings:");
      showError($("#panel"), error);
      return;
    }
    busy = true;
    button.disabled = true;
    stop.disabled = false;
    epochs = settings.epochs;
    losses.reset();
    predictions.setPoints([]);
    predictions.setLine([]);
    $("#test-mae").textContent = "–";
    $("#train-bar").style.width = "0";
    setStatus("training", "Training…");
    try {
      const result = await run(`train(epochs=${settings.epochs}, batch_size=${settings.batchSize})`);
      predictions.setPoints(result.actual.map((y, i) => ({ x: y, y: result.predicted[i] })));
      const top = Math.max(...result.actual);
      predictions.setLine([{ x: 0, y: 0 }, { x: top, y: top }]);
      $("#test-mae").textContent = result.test_mae.toFixed(2);
      const off = `on the test houses, predictions are off by $${Math.round(result.test_mae * 1000).toLocaleString("en-US")} on average`;
      setStatus(result.stopped ? "stopped" : "done", `${result.stopped ? `Stopped in epoch ${$("#epoch").textContent}` : "Done"}: ${off}`);
      await refreshBackend(py);
    } catch (error) {
      setStatus("error", "Training failed:");
      showError($("#panel"), error);
    } finally {
      busy = false;
      button.disabled = false;
      stop.disabled = true;
    }
  });
  button.disabled = false;
  setStatus("ready", "Ready: press Train");
}

main().catch((error) => {
  setStatus("error", "The demo could not start:");
  showError($("#panel"), error);
});
