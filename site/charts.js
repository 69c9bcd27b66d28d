// Glue between the demos and Chart.js (bundled from npm into vendor/charts.js): the few chart
// shapes the pages use. Animations are off: charts redraw on every epoch, and must stay cheap.
import { Chart } from "./vendor/charts.js";

Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.maintainAspectRatio = false;

export const COLORS = ["#2f6fe4", "#ff7a1a", "#1c8a4a", "#8e44ad", "#c62828"];

const axis = (title, extra = {}) => ({ type: "linear", title: { display: !!title, text: title }, ...extra });

// Lines over a numeric x: series is a list of names; push(x, ...values) adds a point to each.
export function lineChart(canvas, { series, x = "epoch", y = "", logY = false, yMin } = {}) {
  const chart = new Chart(canvas, {
    type: "line",
    data: {
      datasets: series.map((label, i) => ({
        label, data: [], borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length],
        borderWidth: 2, pointRadius: 0, tension: 0,
      })),
    },
    options: {
      parsing: false, // points arrive in order of x
      scales: { x: axis(x), y: axis(y, logY ? { type: "logarithmic" } : { min: yMin }) },
      plugins: { legend: { display: series.length > 1 } },
    },
  });
  return {
    chart,
    push(xValue, ...values) {
      values.forEach((value, i) => {
        if (value !== undefined && value !== null) chart.data.datasets[i].data.push({ x: xValue, y: value });
      });
      chart.update("none");
    },
    reset() {
      for (const dataset of chart.data.datasets) dataset.data = [];
      chart.update("none");
    },
  };
}

// Points (and optionally a line through given points, e.g. a fit or y = x).
export function scatterChart(canvas, { points, x = "", y = "", line = null, pointLabel = "data", lineLabel = "" }) {
  const datasets = [{
    type: "scatter", label: pointLabel, data: points, pointRadius: 2.5,
    backgroundColor: "rgba(47, 111, 228, 0.6)", borderColor: "rgba(47, 111, 228, 0.6)",
  }];
  if (line) {
    datasets.push({
      type: "line", label: lineLabel, data: line, borderColor: COLORS[1], backgroundColor: COLORS[1],
      borderWidth: 3, pointRadius: 0,
    });
  }
  const chart = new Chart(canvas, {
    type: "scatter",
    data: { datasets },
    // NOTE: no `parsing: false` here: Chart.js then takes the data as sorted by x, and the axes
    // span only the first and last points of an unsorted scatter.
    options: {
      scales: { x: axis(x), y: axis(y) },
      plugins: { legend: { display: !!line && !!lineLabel } },
    },
  });
  return {
    chart,
    setLine(points) { chart.data.datasets[1].data = points; chart.update("none"); },
    setPoints(points) { chart.data.datasets[0].data = points; chart.update("none"); },
  };
}

// Bars: one per label (class probabilities).
export function barChart(canvas, { labels, y = "", max = 1 }) {
  const chart = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ data: labels.map(() => 0), backgroundColor: COLORS[0] }] },
    options: {
      scales: { y: { min: 0, max, title: { display: !!y, text: y } } },
      plugins: { legend: { display: false } },
    },
  });
  return {
    chart,
    set(values, highlight = -1) {
      chart.data.datasets[0].data = Array.from(values);
      chart.data.datasets[0].backgroundColor = labels.map((_, i) => (i === highlight ? COLORS[1] : COLORS[0]));
      chart.update("none");
    },
  };
}
