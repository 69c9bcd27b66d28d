// Linear regression: the points, the line moving as it trains, the loss curve, the Python beside it.
import { $, startPage, loadSource, refreshBackend, showError, clearError } from "./common.js";
import { lineChart, scatterChart } from "./charts.js";

const STEPS = 300;
const py = startPage("linear");
const button = $("#train");
const status = $("#status");

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

async function main() {
  await py.ready;
  const source = await loadSource("demos/linear_regression.py");
  await py.run(source, { namespace: "demo" }); // published as the global `demo`
  const [xs, ys, trueA, trueB] = await py.run(
    "[x.numpy().tolist(), y.numpy().tolist(), TRUE_A, TRUE_B]", { namespace: "demo" });
  $("#true-a").textContent = trueA.toFixed(2);
  $("#true-b").textContent = trueB.toFixed(2);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const plot = scatterChart($("#plot"), {
    points: xs.map((x, i) => ({ x, y: ys[i] })), x: "x", y: "y", line: [], pointLabel: "data", lineLabel: "a·x + b",
  });
  const losses = lineChart($("#loss-plot"), { series: ["loss"], x: "step", y: "loss (log scale)", logY: true });

  py.on("step", (step, a, b, loss) => {
    $("#fit-a").textContent = a.toFixed(4);
    $("#fit-b").textContent = b.toFixed(4);
    $("#loss").textContent = loss.toPrecision(4);
    $("#step").textContent = String(step);
    setStatus("training", `Training… step ${step}/${STEPS}`);
    plot.setLine([{ x: lo, y: a * lo + b }, { x: hi, y: a * hi + b }]);
    losses.push(step, loss);
  });

  let busy = false;
  async function train() {
    if (busy) return; // a second press while training changes nothing
    busy = true;
    button.disabled = true;
    clearError($("#panel"));
    setStatus("training", "Training…");
    losses.reset();
    try {
      await py.run(`await train(steps=${STEPS})`, { namespace: "demo" });
      setStatus("done", `Done: ${STEPS} steps of gradient descent`);
      await refreshBackend(py);
    } catch (error) {
      setStatus("error", "Training failed:");
      showError($("#panel"), error);
    } finally {
      busy = false;
      button.disabled = false;
    }
  }
  button.addEventListener("click", train);
  await train();
}

main().catch((error) => {
  setStatus("error", "The demo could not start:");
  showError($("#panel"), error);
});
