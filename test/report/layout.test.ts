/**
 * Report pages as a reader sees them (headless Chromium): nothing wider than a 400 px phone, charts
 * scaled to the column, wide tables scrolling as a whole rather than behind an inner scrollbar, and
 * dark mode with dark, padded outputs (issue 12 item 14).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { renderNotebookHtml } from "../../kernel/report/html.js";
import { readNotebook } from "../../kernel/report/notebook.js";
import { nn } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import { summary } from "../../lib/display/module_summary.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : "no /usr/bin/chromium";
const FIXTURE = join(__dirname, "fixtures", "sample.ipynb");

let dir = "";
let page = "";
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "paramlab-layout-"));
  const nb = readNotebook(FIXTURE);
  // A wide markdown table (05's PyTorch ↔ paramlab table made the page 1003 px wide at 400 px).
  nb.cells.push({ cell_type: "markdown", metadata: {}, source: `| PyTorch | paramlab | note |\n|---|---|---|\n| \`${"torch.optim.lr_scheduler.OneCycleLR(".repeat(3)}\` | \`${"optim.lr_scheduler.OneCycleLR(".repeat(3)}\` | same |` });
  // A model summary as in reports 02 and 04 (clipped at 1280 px behind an inner scrollbar).
  const model = new nn.Sequential(new nn.Linear(32, 128), new nn.GELU(), new nn.Linear(128, 32), new nn.LayerNorm([32]), new nn.Linear(32, 10));
  const bundle = await toMimeBundle(summary(model));
  nb.cells.push({ cell_type: "code", metadata: {}, source: "summary(model)", execution_count: 9, outputs: [{ output_type: "display_data", data: bundle.data, metadata: {} }] });
  const report = await renderNotebookHtml(nb, { notebookPath: FIXTURE });
  page = join(dir, "page.html");
  writeFileSync(page, report.html);
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Layout facts of the page at one width and colour scheme. */
async function measure(width: number, colorScheme: "light" | "dark") {
  const p = await browser!.newPage({ viewport: { width, height: 900 }, colorScheme });
  try {
    await p.goto(`file://${page}`);
    await p.waitForSelector("figure.chart.chart-ready", { timeout: 30_000 });
    return (await p.evaluate(`(() => {
      const main = document.querySelector("main").getBoundingClientRect();
      const svg = document.querySelector("figure.chart svg.marks").getBoundingClientRect();
      const summary = [...document.querySelectorAll(".output.html")].pop();
      const inner = summary.querySelector(".paramlab-display");
      const style = getComputedStyle(summary);
      return {
        pageWidth: document.documentElement.scrollWidth,
        mainRight: main.right,
        chartRight: svg.right,
        innerScrolls: getComputedStyle(inner).overflowX !== "visible" && inner.scrollWidth > inner.clientWidth + 1,
        summaryOverflow: summary.scrollWidth - summary.clientWidth,
        background: style.backgroundColor,
        paddingLeft: parseFloat(style.paddingLeft),
      };
    })()`)) as { pageWidth: number; mainRight: number; chartRight: number; innerScrolls: boolean; summaryOverflow: number; background: string; paddingLeft: number };
  } finally {
    await p.close();
  }
}

test("at 400, 1280 and 1600 px, light and dark, the page fits the viewport and charts fit the column", { skip, timeout: 180_000 }, async () => {
  for (const width of [400, 1280, 1600]) {
    for (const scheme of ["light", "dark"] as const) {
      const m = await measure(width, scheme);
      const at = `${width} px ${scheme}`;
      assert.equal(m.pageWidth, width, `${at}: page wider than the viewport`);
      assert.ok(m.chartRight <= m.mainRight + 0.5, `${at}: chart ends at ${m.chartRight}, column at ${m.mainRight}`);
      assert.equal(m.innerScrolls, false, `${at}: a table scrolls inside its output`);
      if (width >= 1280) assert.equal(m.summaryOverflow, 0, `${at}: the model summary is clipped`);
      assert.ok(m.paddingLeft >= 6, `${at}: output text touches the edge`);
      if (scheme === "dark") assert.notEqual(m.background, "rgb(255, 255, 255)", `${at}: white output card in dark mode`);
    }
  }
});
