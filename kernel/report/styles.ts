/** The report page's stylesheet and chart bootstrap script (inlined; no external resources). */

export const REPORT_CSS = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--code-bg:#f6f8fa;--accent:#0969da;
--err-bg:#fff0f0;--err-border:#f3b5b5;--stderr-bg:#fff8e5;--sidebar:#f6f8fa;
--tok-k:#cf222e;--tok-s:#0a3069;--tok-c:#6e7781;--tok-n:#0550ae;--tok-t:#8250df;--tok-f:#6639ba;
--ansi-black:#24292f;--ansi-red:#cf222e;--ansi-green:#116329;--ansi-yellow:#9a6700;--ansi-blue:#0969da;
--ansi-magenta:#8250df;--ansi-cyan:#1b7c83;--ansi-white:#6e7781;--ansi-bright-black:#57606a;
--ansi-bright-red:#a40e26;--ansi-bright-green:#1a7f37;--ansi-bright-yellow:#633c01;--ansi-bright-blue:#218bff;
--ansi-bright-magenta:#a475f9;--ansi-bright-cyan:#3192aa;--ansi-bright-white:#8c959f;--out-bg:transparent;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;
--code-bg:#151b23;--accent:#4493f8;--err-bg:#2d1214;--err-border:#6e2b2f;--stderr-bg:#2b230f;--sidebar:#010409;
--tok-k:#ff7b72;--tok-s:#a5d6ff;--tok-c:#8b949e;--tok-n:#79c0ff;--tok-t:#d2a8ff;--tok-f:#d2a8ff;
--ansi-black:#8b949e;--ansi-red:#ff7b72;--ansi-green:#3fb950;--ansi-yellow:#d29922;--ansi-blue:#58a6ff;
--ansi-magenta:#bc8cff;--ansi-cyan:#39c5cf;--ansi-white:#b1bac4;--ansi-bright-black:#6e7681;--ansi-bright-red:#ffa198;
--ansi-bright-green:#56d364;--ansi-bright-yellow:#e3b341;--ansi-bright-blue:#79c0ff;--ansi-bright-magenta:#d2a8ff;
--ansi-bright-cyan:#56d4dd;--ansi-bright-white:#f0f6fc;--out-bg:#151b23}
}
*{box-sizing:border-box}
html{scroll-padding-top:1rem}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI","DejaVu Sans",Helvetica,Arial,sans-serif,"Noto Color Emoji","Apple Color Emoji","Segoe UI Emoji"}
.layout{display:grid;grid-template-columns:230px minmax(0,1fr);min-height:100vh}.layout.no-toc{display:block}.layout.no-toc main{margin:0 auto}
nav.toc{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:1.2rem 1rem;background:var(--sidebar);border-right:1px solid var(--border);font-size:13.5px}
nav.toc .toc-title{font-weight:600;text-transform:uppercase;letter-spacing:.05em;font-size:12px;color:var(--muted);margin-bottom:.5rem}
nav.toc ol{list-style:none;margin:0;padding:0}
nav.toc li{margin:.2rem 0}
nav.toc li.l2{padding-left:.9rem}nav.toc li.l3{padding-left:1.8rem;font-size:13px}
nav.toc a{color:var(--fg);text-decoration:none}nav.toc a:hover{color:var(--accent);text-decoration:underline}
nav.toc .back{display:block;margin-bottom:.8rem;color:var(--accent)}
main{max-width:1180px;padding:1.5rem 2rem 4rem;width:100%;min-width:0}
header.report-meta{border-bottom:1px solid var(--border);padding-bottom:.6rem;margin-bottom:1.2rem;color:var(--muted);font-size:13px;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}
header.report-meta strong{color:var(--fg)}
.status-ok{color:var(--ansi-green)}.status-error{color:var(--ansi-red);font-weight:600}
footer.report-footer{margin-top:3rem;padding-top:.8rem;border-top:1px solid var(--border);color:var(--muted);font-size:12.5px}
a{color:var(--accent)}
h1,h2,h3,h4{line-height:1.25;margin:1.6rem 0 .7rem}h1{font-size:2rem;margin-top:.4rem}h2{font-size:1.5rem;border-bottom:1px solid var(--border);padding-bottom:.25rem}
h1 .anchor,h2 .anchor,h3 .anchor,h4 .anchor{visibility:hidden;margin-left:.4rem;text-decoration:none;color:var(--muted);font-size:.8em}
h1:hover .anchor,h2:hover .anchor,h3:hover .anchor,h4:hover .anchor{visibility:visible}
.cell{margin:.9rem 0}
.cell.markdown img{max-width:100%}
.cell.markdown table{border-collapse:collapse;margin:.8rem 0;display:block;max-width:100%;overflow-x:auto}
.cell.markdown th,.cell.markdown td{border:1px solid var(--border);padding:.35rem .7rem;text-align:left;vertical-align:top}
.cell.markdown th{background:var(--code-bg)}
blockquote{margin:.8rem 0;padding:.1rem 1rem;border-left:4px solid var(--border);color:var(--muted)}
code{font-family:"DejaVu Sans Mono",SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
:not(pre)>code{background:var(--code-bg);padding:.1em .35em;border-radius:4px}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.45 "DejaVu Sans Mono",SFMono-Regular,Menlo,Consolas,monospace,"Noto Color Emoji","Apple Color Emoji","Segoe UI Emoji"}
pre.md-code{background:var(--code-bg);border:1px solid var(--border);border-radius:6px;padding:.7rem .9rem;margin:.8rem 0}
.io{display:grid;grid-template-columns:4.5rem minmax(0,1fr);column-gap:.6rem}
.prompt{font:12px/1.9 "DejaVu Sans Mono",monospace;color:var(--muted);text-align:right;padding-top:.45rem;white-space:nowrap}
.prompt.out{color:#c2410c}
.input pre{background:var(--code-bg);border:1px solid var(--border);border-radius:6px;padding:.6rem .8rem}
.outputs{grid-column:2;display:flex;flex-direction:column;gap:.4rem;margin-top:.45rem}
.outputs .io{grid-column:1/3}
.output{overflow-x:auto;max-width:100%}
.output.text,.output.stream,.output.json,.output.latex{padding:.15rem .2rem}
.output.stderr{background:var(--stderr-bg);padding:.3rem .5rem;border-radius:4px}
.output.error{background:var(--err-bg);border:1px solid var(--err-border);border-radius:6px;padding:.5rem .7rem}
.output.html{padding:.45rem .6rem;background:var(--out-bg);border-radius:6px}
.output.html table{border-collapse:collapse;font-size:13px}
/* paramlab's own tables: the whole output scrolls (visibly) when they do not fit, never a column
   behind an inner scrollbar; their long mono cells (arguments, shapes) may wrap first. */
.output.html .paramlab-display.paramlab-display.paramlab-display{overflow:visible;max-width:none}
.output.html .paramlab-display.paramlab-display.paramlab-display td.pl-mono{white-space:normal;overflow-wrap:anywhere;min-width:9em}
.output.html::-webkit-scrollbar{height:10px}.output.html::-webkit-scrollbar-thumb{background:var(--border);border-radius:5px}
.output.image img{max-width:100%;height:auto}
figure.chart{margin:0;padding:.3rem;display:block;max-width:100%;overflow:hidden}
figure.chart .chart-fallback{max-width:100%;height:auto;display:block;background:#fff;border-radius:4px}
/* Charts scale down to the column (the SVG keeps its aspect ratio through its viewBox). */
figure.chart .vega-embed{display:block;max-width:100%;padding-right:0}
figure.chart .vega-embed svg.marks{max-width:100%;height:auto}
figure.chart.chart-ready .chart-fallback{display:none}
.chart-target:empty{display:none}
.vega-embed summary{opacity:.6}
.tok-k{color:var(--tok-k)}.tok-s{color:var(--tok-s)}.tok-c{color:var(--tok-c);font-style:italic}.tok-n{color:var(--tok-n)}.tok-t{color:var(--tok-t)}.tok-f{color:var(--tok-f)}
.missing-image{color:var(--muted);font-style:italic}
ul.report-list{padding-left:1.2rem;max-width:760px}ul.report-list li{margin:.9rem 0}.report-summary{color:var(--muted);font-size:14px;margin-top:.2rem}
@media (max-width:900px){.layout{display:block}nav.toc{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--border)}main{padding:1rem}.io{grid-template-columns:minmax(0,1fr)}.prompt{text-align:left;padding-top:0}.outputs{grid-column:1}}
@media print{nav.toc{display:none}.layout{display:block}}
`;

/**
 * Runs after the inlined vega/vega-lite/vega-embed builds: embeds every chart as SVG and hides
 * its PNG fallback only once the chart has rendered, so a failure leaves the PNG in place.
 */
export const CHART_SCRIPT = `
(function () {
  var figures = document.querySelectorAll("figure.chart");
  if (typeof vegaEmbed !== "function") return;
  figures.forEach(function (figure) {
    var specNode = figure.querySelector("script.chart-spec");
    var target = figure.querySelector(".chart-target");
    if (!specNode || !target) return;
    var spec;
    try { spec = JSON.parse(specNode.textContent); } catch (e) { console.warn("paramlab report: unreadable chart spec", e); return; }
    // The spec's $schema names the Vega-Lite major it was written for (JupyterLab's); the inlined
    // compiler reads it too, so drop it to avoid a version-mismatch warning.
    if (spec && typeof spec === "object") delete spec.$schema;
    // Dark pages get Vega's dark theme (light text and grid), as JupyterLab's dark theme does.
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    vegaEmbed(target, spec, {
      mode: figure.getAttribute("data-mode") || "vega-lite",
      theme: dark ? "dark" : undefined,
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false }
    }).then(function () {
      figure.classList.add("chart-ready");
    }).catch(function (err) {
      target.textContent = "";
      console.warn("paramlab report: chart could not be rendered, showing the static image", err);
    });
  });
})();
`;
