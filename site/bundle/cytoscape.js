// Cytoscape.js with the dagre layered layout, bundled by esbuild into vendor/cytoscape.js (the graph viewer).
import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";

cytoscape.use(dagre);
export { cytoscape };
