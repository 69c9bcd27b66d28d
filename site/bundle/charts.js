// Chart.js, bundled by esbuild into vendor/charts.js (see build.py: build_site_bundle).
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);
export { Chart };
