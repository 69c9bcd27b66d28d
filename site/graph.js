// Graph: trace a function with tf.function in the worker (demos/graph.py), then draw its dataflow
// graph with Cytoscape.js (bundled from npm into vendor/cytoscape.js), laid out by dagre.
import { $, startPage, loadSource, showError, clearError } from "./common.js";
import { cytoscape } from "./vendor/cytoscape.js";

const py = startPage("graph");
const run = (code) => py.run(code, { namespace: "graph" });
const status = $("#status");

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

const STYLE = [
  { selector: "node", style: {
    shape: "round-rectangle", "background-color": "#fff", "border-width": 1, "border-color": "#9aa3b5",
    label: "data(text)", "text-wrap": "wrap", "text-valign": "center", "text-halign": "center",
    "font-size": 10, "font-family": "ui-monospace, SFMono-Regular, Menlo, monospace", color: "#1d2330",
    width: "data(width)", height: "data(height)" } },
  { selector: "node.fused", style: { "background-color": "#ffe9a8", "border-color": "#e0a800", "border-width": 2 } },
  { selector: "node.input", style: { shape: "ellipse", "background-color": "#e3edff", "border-color": "#2f6fe4" } },
  { selector: "node.constant", style: { "background-color": "#eef0f3", color: "#6b7385" } },
  { selector: "node.item", style: { "border-style": "dotted", "border-color": "#e0a800", color: "#6b7385" } },
  { selector: "node.output", style: { shape: "rectangle", "border-width": 0, "background-color": "#1d2330", color: "#fff" } },
  { selector: "node.update", style: { "border-style": "dashed", "border-color": "#ff7a1a", "border-width": 2 } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#2f6fe4", "border-style": "solid" } },
  { selector: "edge", style: {
    width: 1.2, "line-color": "#b5bccb", "target-arrow-color": "#b5bccb", "target-arrow-shape": "triangle",
    "arrow-scale": 0.8, "curve-style": "bezier" } },
  { selector: "edge.update", style: { "line-style": "dashed", "line-color": "#ff7a1a", "target-arrow-color": "#ff7a1a" } },
];

const KIND = { placeholder: "input", variable: "input", constant: "constant", host: "constant", fill: "constant",
  item: "item" };
const shapeText = (node) => `${node.dtype}[${node.shape.join(",")}]`;

// A box sized to its text (monospace: about 6.2 px a character at 10 px).
function box(id, text, classes, extra = {}) {
  const lines = text.split("\n");
  const width = 14 + 6.2 * Math.max(...lines.map((line) => line.length));
  return { group: "nodes", classes, data: { id, text, width, height: 10 + 13 * lines.length, ...extra } };
}

// graph.to_json() -> Cytoscape elements: the nodes, an edge per input, a box per output and
// per variable update (dashed: the value written back to the variable after the run).
function elements(graph) {
  const items = [];
  for (const node of graph.nodes) {
    const kind = node.op === "fused" ? "fused" : KIND[node.op] || "kernel";
    const title = node.op === "fused" ? `fused (${node.fused.length} ops)` : node.label;
    items.push(box(`n${node.id}`, `${title}\n${shapeText(node)}`, kind, { node }));
    node.inputs.forEach((input, k) => items.push({ group: "edges", data: { id: `e${node.id}-${k}`, source: `n${input}`, target: `n${node.id}` } }));
  }
  graph.outputs.forEach((id, k) => {
    items.push(box(`out${k}`, `output ${k}`, "output"));
    items.push({ group: "edges", data: { id: `eo${k}`, source: `n${id}`, target: `out${k}` } });
  });
  graph.updates.forEach(({ variable, node }, k) => {
    items.push(box(`up${k}`, `${variable} ←`, "update", { variable }));
    items.push({ group: "edges", classes: "update", data: { id: `eu${k}`, source: `n${node}`, target: `up${k}` } });
  });
  return items;
}

function term(list, name, value) {
  list.append(Object.assign(document.createElement("dt"), { textContent: name }));
  const dd = document.createElement("dd");
  dd.append(value);
  list.append(dd);
}

// The side panel: the clicked node's op, value, inputs and (fused) the ops it holds, in order.
function showNode(element, byId) {
  const details = $("#details");
  const list = document.createElement("dl");
  list.id = "node-details";
  const node = element.data("node");
  if (!node) {
    term(list, "node", element.data("text").replace("\n", " "));
    details.replaceChildren(Object.assign(document.createElement("h2"), { textContent: "Node" }), list);
    return;
  }
  term(list, "op", node.op);
  term(list, "name", `%${node.id} ${node.label}`);
  term(list, "value", shapeText(node));
  term(list, "inputs", node.inputs.map((id) => `%${id} ${byId.get(id).label}`).join(", ") || "none");
  term(list, "read by", String(element.outgoers("node").length));
  if (node.fused.length) {
    const ops = document.createElement("ol");
    ops.id = "fused-ops";
    for (const op of node.fused) ops.append(Object.assign(document.createElement("li"), { textContent: op }));
    term(list, "fused ops", ops);
  }
  details.replaceChildren(Object.assign(document.createElement("h2"), { textContent: "Node" }), list);
}

// Whole graphs of a training step are too large to read when fitted; start at a readable zoom on
// the first input (the top of the flow), and let "Whole graph" fit it all.
const READABLE_ZOOM = 0.8;
function startView() {
  cy.fit(undefined, 16);
  if (cy.zoom() >= READABLE_ZOOM) return;
  const start = cy.nodes(".input").first().position();
  cy.zoom(READABLE_ZOOM);
  cy.pan({ x: cy.width() / 2 - start.x * READABLE_ZOOM, y: 40 - start.y * READABLE_ZOOM });
}

let cy = null;
let latest = 0; // only the newest choice is drawn
const detailsIntro = [...$("#details").childNodes].map((node) => node.cloneNode(true)); // hint and legend

async function show() {
  const name = $("#function").value;
  const optimized = $("input[name=view]:checked").value === "optimized";
  const request = ++latest;
  clearError($("#panel"));
  setStatus("tracing", "Tracing…");
  let result;
  try {
    result = await run(`trace(${JSON.stringify(name)}, optimized=${optimized ? "True" : "False"})`);
  } catch (error) {
    if (request !== latest) return;
    setStatus("error", "Tracing failed:");
    showError($("#panel"), error);
    return;
  }
  if (request !== latest) return;
  $("#stat-nodes").textContent = result.nodes;
  $("#stat-kernels").textContent = result.kernels;
  $("#stat-fused").textContent = result.fused;
  $("#stat-fused-ops").textContent = result.fused_ops;
  $("#stat-updates").textContent = result.updates;
  $("#stat-runtime-line").hidden = result.runtime_calls == null;
  $("#stat-runtime").textContent = result.runtime_calls ?? "–";
  $("#op-counts").textContent = "Kernels by op: " + Object.entries(result.ops).map(([op, n]) => `${op} ${n}`).join(", ");

  const graph = JSON.parse(result.graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  $("#details").replaceChildren(...detailsIntro.map((node) => node.cloneNode(true))); // no node of the old graph
  cy?.destroy();
  cy = cytoscape({
    container: $("#graph"), elements: elements(graph), style: STYLE,
    layout: { name: "dagre", rankDir: "TB", nodeSep: 14, rankSep: 28, edgeSep: 6 },
    minZoom: 0.05, maxZoom: 3, boxSelectionEnabled: false,
  });
  cy.on("tap", "node", (event) => showNode(event.target, byId));
  startView();
  window.graphView = { cy, graph, result, name, optimized };
  const kind = optimized ? "optimized" : "as traced";
  setStatus("shown", `${graph.name}: ${result.nodes} nodes, ${kind}`);
}

async function main() {
  await py.ready;
  await run(await loadSource("demos/graph.py"));
  const select = $("#function");
  for (const [name, title] of await run("choices()")) {
    select.append(Object.assign(document.createElement("option"), { value: name, textContent: title }));
  }
  select.addEventListener("change", show);
  $("#fit").addEventListener("click", () => cy?.fit(undefined, 16));
  for (const radio of document.querySelectorAll("input[name=view]")) radio.addEventListener("change", show);
  await show();
}

main().catch((error) => {
  setStatus("error", "The page could not start:");
  showError($("#panel"), error);
});
