import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, type HTMLElement } from "node-html-parser";
import { renderNotebookHtml, renderIndexHtml } from "../../kernel/report/html.js";
import { readNotebook, type Notebook } from "../../kernel/report/notebook.js";

const FIXTURE = join(__dirname, "fixtures", "sample.ipynb");
const VERSION = (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;

async function render(nb: Notebook = readNotebook(FIXTURE)) {
  const report = await renderNotebookHtml(nb, { notebookPath: FIXTURE, runDate: new Date("2026-01-02T03:04:05Z"), durationSeconds: 1.25 });
  return { report, root: parse(report.html, { blockTextElements: { script: true, style: true } }) };
}

function attr(el: HTMLElement, name: string): string {
  return el.getAttribute(name) ?? "";
}

test("report has the notebook's first heading as title, a table of contents and run metadata", async () => {
  const { report, root } = await render();
  assert.equal(root.querySelector("title")!.text, "Fixture <script>alert(1)</script> report");
  assert.equal(report.title, "Fixture <script>alert(1)</script> report");
  const toc = root.querySelectorAll("nav.toc a").map((a) => [a.text, attr(a, "href")]);
  assert.deepEqual(toc.map(([t]) => t), ["Fixture <script>alert(1)</script> report", "Tables & charts", "A schedule plot"]);
  for (const [, href] of toc) assert.ok(root.querySelector(`[id="${href.slice(1)}"]`), `TOC target ${href} exists`);
  const meta = root.querySelector("header.report-meta")!.text;
  assert.match(meta, /sample\.ipynb/);
  assert.match(meta, /2026-01-02 03:04:05 UTC/);
  assert.match(meta, new RegExp(`paramlab ${VERSION.replace(/\./g, "\\.")}`));
  assert.match(meta, /1 cell failed/);
  assert.equal(root.querySelector('meta[name="generator"]')!.getAttribute("content"), `paramlab ${VERSION}`);
});

test("names from markdown and outputs are escaped: no injected element or handler reaches the page", async () => {
  const { root } = await render();
  assert.equal(root.querySelectorAll("[onerror]").length, 0);
  for (const script of root.querySelectorAll("script")) {
    assert.ok(!script.text.includes("alert(1)"), "no script contains the injected code");
  }
  // The table's cell shows the name as text.
  const cell = root.querySelector(".output.html td")!;
  assert.equal(cell.text, "<img src=x onerror=alert(1)>");
  // Raw HTML in markdown: harmless tags kept, others shown as text.
  assert.ok(root.querySelector(".cell.markdown kbd"), "<kbd> kept");
  assert.match(root.querySelectorAll(".cell.markdown")[1]!.text, /<img src=x onerror=alert\(1\)>/);
});

test("Vega-Lite outputs become an interactive chart with the PNG as fallback; libraries inlined once", async () => {
  const nb = readNotebook(FIXTURE);
  // Two charts on one page still include each library once.
  nb.cells.push(JSON.parse(JSON.stringify(nb.cells[4])));
  const { report, root } = await render(nb);
  assert.equal(report.charts, 2);
  const libs = root.querySelectorAll("script[data-lib]").map((s) => attr(s, "data-lib").split("@")[0]);
  assert.deepEqual(libs, ["vega", "vega-lite", "vega-embed"]);
  const figures = root.querySelectorAll("figure.chart");
  assert.equal(figures.length, 2);
  for (const fig of figures) {
    assert.equal(attr(fig, "data-mode"), "vega-lite");
    const img = fig.querySelector("img.chart-fallback")!;
    assert.match(attr(img, "src"), /^data:image\/png;base64,iVBOR/);
    assert.equal(attr(img, "width"), "40");
    const spec = JSON.parse(fig.querySelector("script.chart-spec")!.text) as { mark: { type: string }; data: { values: { group: string }[] } };
    assert.equal(spec.mark.type, "line");
    assert.equal(spec.data.values[0]!.group, "<b>bold</b> group", "spec strings survive the \\u003c escaping");
    assert.ok(!fig.querySelector("script.chart-spec")!.text.includes("<b>"), "no raw < inside the script element");
  }
});

test("a page without charts carries no chart libraries", async () => {
  const nb = readNotebook(FIXTURE);
  nb.cells = nb.cells.filter((_, i) => i !== 4);
  const { report, root } = await render(nb);
  assert.equal(report.charts, 0);
  assert.equal(root.querySelectorAll("script").length, 0);
});

test("the page loads nothing from elsewhere: every src and stylesheet is inline", async () => {
  const { root } = await render();
  for (const el of root.querySelectorAll("[src]")) assert.match(attr(el, "src"), /^data:/, `${el.tagName} src is a data: URI`);
  for (const el of root.querySelectorAll("link")) assert.match(attr(el, "href"), /^data:/);
  assert.equal(root.querySelectorAll("script[src]").length, 0);
  assert.equal(root.querySelectorAll("iframe, object, embed").length, 0);
});

test("streams, ANSI colours, carriage returns and errors render as readable text", async () => {
  const { report, root } = await render();
  assert.ok(!report.html.includes("\u001b"), "no raw escape characters");
  const stdout = root.querySelector("pre.output.stdout")!;
  assert.equal(stdout.text, "hello green world\nprogress 100%\n");
  assert.match(stdout.innerHTML, /<span style="color:var\(--ansi-green\)">green<\/span>/);
  assert.equal(root.querySelector("pre.output.stderr")!.text, "careful\n");
  const error = root.querySelector("pre.output.error")!;
  assert.match(error.text, /ValueError: bad <value>/);
  assert.match(error.text, /at <cell>:1:30/);
  assert.match(error.innerHTML, /color:var\(--ansi-red\)/);
});

test("code cells keep prompts and highlighted, escaped source; empty unrun cells are left out", async () => {
  const { root } = await render();
  const prompts = root.querySelectorAll(".io.input .prompt").map((p) => p.text);
  assert.deepEqual(prompts, ["In [1]:", "In [2]:", "In [3]:"]);
  assert.equal(root.querySelectorAll(".output + .prompt, .prompt.out").filter((p) => p.text === "Out[1]:").length, 1);
  const code = root.querySelectorAll(".io.input code")[2]!;
  assert.equal(code.text, 'console.error("careful"); throw new ValueError("bad <value>")');
  assert.ok(code.querySelector(".tok-k"), "keywords highlighted");
});

test("index page links every report with its title", () => {
  const html = renderIndexHtml(
    [
      { file: "a b.html", title: "First <one>", notebook: "a b.ipynb", errors: 0 },
      { file: "c.html", title: "Second", notebook: "c.ipynb", errors: 2 },
    ],
    new Date("2026-01-02T00:00:00Z"),
  );
  const root = parse(html);
  const links = root.querySelectorAll("ul.report-list a");
  assert.deepEqual(links.map((a) => [a.getAttribute("href"), a.text]), [["a%20b.html", "First <one>"], ["c.html", "Second"]]);
  assert.match(root.querySelector("ul.report-list")!.text, /2 failing cells/);
});
