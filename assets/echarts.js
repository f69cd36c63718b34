// The ECharts bundle of Township: echarts/core with only the charts and components our pages draw.
// scripts/build_assets.sh builds it (esbuild, minified) into static/township/build/echarts.min.js, which defines
// the global `echarts` (only the functions below). Users: catalog/stats.html and credit/statistics.html (pie,
// bar, item tooltip); command/cockpit.html and screen.html through command/screen.js (line with area, bar,
// scroll legend, axis tooltip). A page that needs another chart or component adds it here (docs/performance.md,
// "Page weight").
import { dispose, getInstanceByDom, init, use } from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { dispose, getInstanceByDom, init, use };
