/**
 * The HTML report: one self-contained page (no network) holding the trace's step data once,
 * as compact JSON, and a small inline script that draws the selected step on demand: a
 * timeline of steps with keyboard navigation, the step's changes, warnings and failures, and
 * an SVG of the state after it drawn to scale (memory bars, held pages, every iterator
 * segment and list entry as a span with an arrow onto the bytes it covers), and the summary.
 *
 * @module
 */
import type { ReportData } from "./report_data.ts";
import { REPORT_SCRIPT } from "./report_script.ts";

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/** JSON text made safe inside a script element (no "</script", no line separators). */
function safe(json: string): string {
  return json.replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2228;background:#fafbfc}
header{padding:8px 16px;border-bottom:1px solid #d8dde3;background:#fff}
header h1{font-size:17px;margin:0}header p{margin:2px 0 0;color:#555}
main{display:flex;height:calc(100vh - 58px)}
#tl{width:420px;min-width:300px;overflow-y:auto;border-right:1px solid #d8dde3;background:#fff;position:relative;outline:none}
#tl:focus{box-shadow:inset 0 0 0 2px #7aa7e8}
#tl .row{position:absolute;left:0;right:0;height:22px;padding:2px 8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font:12px/18px ui-monospace,monospace;cursor:pointer;border-bottom:1px solid #f0f2f4}
#tl .row.sel{background:#dbe9ff}
#tl .row.skip{color:#999}
#tl .b{display:inline-block;min-width:16px;padding:0 4px;margin-right:4px;border-radius:3px;color:#fff;font-size:11px;line-height:16px;text-align:center}
.b.bug{background:#c0392b}.b.warn{background:#d68910}.b.hazard{background:#9a7d0a}.b.fail{background:#7d3c98}.b.ok{background:#c8ced6}
#detail{flex:1;overflow:auto;padding:10px 16px}
#detail h2{font-size:15px;margin:0 0 6px;font-family:ui-monospace,monospace}
code,.mono{font:12px ui-monospace,monospace}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #dde1e6;padding:1px 6px;font:12px ui-monospace,monospace;text-align:left;vertical-align:top}
ul{margin:4px 0;padding-left:20px}
li.bug{color:#a93226}li.warn{color:#9c640c}li.hazard{color:#7d6608}.fail{color:#6c3483}
.keys{color:#666;font-size:12px}
#pic{margin-top:8px;background:#fff;border:1px solid #e1e5ea}
#summary{border-top:2px solid #d8dde3;margin-top:14px;padding-top:6px}
#summary h3{font-size:14px;margin:8px 0 2px}
a{color:#1a5fb4;cursor:pointer}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;border-radius:3px;color:#fff;font-size:12px}
svg text{font:11px ui-monospace,monospace;fill:#1d2228}
svg .ttl{font:12px system-ui,sans-serif;font-weight:600}
svg .dim{fill:#666}
`;

/** The page's data as JSON, steps spliced in from their pre-serialised text. */
function dataJson(data: ReportData): string {
  const { steps, ...rest } = data;
  const head = safe(JSON.stringify(rest));
  return `${head.slice(0, -1)},"steps":[${safe(steps.join(","))}]}`;
}

/** Renders the whole report. */
export function renderReport(data: ReportData): string {
  const m = data.meta;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>itertrace: ${esc(m.name)}</title>
<style>${STYLE}</style></head><body>
<header><h1>${esc(m.name)} <small>(kernel ${esc(m.kernel)}, ${data.steps.length} steps)</small></h1>
<p>${
    m.description ? esc(m.description) + " &middot; " : ""
  }<span class="keys">keys: &darr;/j next, &uarr;/k previous, PgDn/PgUp &plusmn;25, Home/End, n/p next/previous step with a warning or failure</span></p></header>
<main><div id="tl" tabindex="0" role="listbox" aria-label="steps"></div>
<div id="detail"><div id="step"></div>
<p class="legend"><span style="background:#d9534f">pinned</span><span style="background:#f0ad4e">ref</span><span style="background:#aab4bf">not held</span><span style="background:#2e86de">iterator segment</span><span style="background:#8e44ad">sg entry</span><span style="background:#16a085">SGE / MR</span><span style="background:#b9770e">bvec</span><span style="background:#1e8449">bytes written</span> yellow: changed by this step; dashed: released; &#9660; iterator position</p>
<div id="pic"></div>
<div id="summary"></div></div></main>
<noscript>This report draws each step with a small inline script; enable JavaScript to view it.</noscript>
<script type="application/json" id="data">${dataJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
