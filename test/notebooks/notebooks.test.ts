/**
 * The tutorials, end to end: every notebook in notebooks/ executes on the paramlab kernel through
 * `paramlab report` (a real Jupyter server), every report opens in headless Chromium with its
 * tables and Vega charts rendered, no console errors and no network requests (screenshots in
 * test-output/screenshots/), and Jupyter's own `nbconvert --execute` shows the tables and the
 * charts' PNG fallbacks. Needs Debian's jupyter-server, python3-nbconvert and chromium (the
 * README's setup installs them); parts whose tool is missing are skipped with the reason.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runReportCli } from "../../kernel/report/cli.js";
import { writeTemporaryKernelspec } from "../../kernel/report/kernelspec.js";
import type { Notebook, Output } from "../../kernel/report/notebook.js";
import { findJupyter } from "../../kernel/report/server.js";

const ROOT = resolve(__dirname, "..", "..");
const NOTEBOOK_DIR = join(ROOT, "notebooks");
const NOTEBOOKS = readdirSync(NOTEBOOK_DIR).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
// Each run writes into its own directory (another run of the suite may be going on in the same
// tree) and copies the results to test-output/ for people to look at afterwards.
const OUT = mkdtempSync(join(tmpdir(), "paramlab-reports-"));
const KEEP = join(ROOT, "test-output");
const SHOTS = join(ROOT, "test-output", "screenshots");
const CHROMIUM = "/usr/bin/chromium";
const VEGALITE = "application/vnd.vegalite.v5+json";

let jupyter: string | undefined;
try {
  jupyter = findJupyter();
} catch {
  jupyter = undefined;
}
const noJupyter = jupyter ? false : "no `jupyter server` installed (run .ci/setup.sh)";
const noKernel = existsSync(join(ROOT, "dist", "kernel", "cli.js")) ? false : "dist/kernel/cli.js missing (npm run build)";
const skipRun = noJupyter || noKernel;

/** What each tutorial must show, at least. */
const EXPECTED: Record<string, { tables: number; charts: number }> = {
  "01-parameters-and-names.ipynb": { tables: 2, charts: 1 },
  "02-param-groups.ipynb": { tables: 5, charts: 0 },
  "03-lr-schedules.ipynb": { tables: 0, charts: 12 },
  "04-debugging-optimizer-setups.ipynb": { tables: 6, charts: 0 },
  "05-from-pytorch.ipynb": { tables: 1, charts: 1 },
  "06-training.ipynb": { tables: 4, charts: 4 },
  "07-real-checkpoints.ipynb": { tables: 9, charts: 0 },
};

function outputsOf(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

let run: { code: number; out: string; err: string } | undefined;
after(() => rmSync(OUT, { recursive: true, force: true }));

describe("tutorial notebooks through `paramlab report`", { skip: skipRun }, () => {
  before(async () => {
    let out = "";
    let err = "";
    const code = await runReportCli([...NOTEBOOKS.map((f) => join(NOTEBOOK_DIR, f)), "--out", OUT, "--timeout", "240"], {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
    });
    run = { code, out, err };
    cpSync(OUT, join(KEEP, "reports"), { recursive: true });
  }, { timeout: 900_000 });

  test("the notebook list matches the tutorials", () => {
    assert.deepEqual(NOTEBOOKS, Object.keys(EXPECTED));
  });

  test("every notebook runs top to bottom without an error", () => {
    assert.equal(run!.code, 0, `paramlab report failed:\n${run!.err}\n${run!.out}`);
    for (const file of NOTEBOOKS) {
      assert.ok(existsSync(join(OUT, file)), `${file} was executed:\n${run!.err}\n${run!.out}`);
      const nb = JSON.parse(readFileSync(join(OUT, file), "utf8")) as Notebook;
      const errors = outputsOf(nb).filter((o) => o.output_type === "error");
      assert.deepEqual(errors, [], `${file} has error outputs`);
      const unrun = nb.cells.filter((c) => c.cell_type === "code" && text(c.source).trim() && c.execution_count === null);
      assert.equal(unrun.length, 0, `${file}: every code cell ran`);
      assert.ok(existsSync(join(OUT, file.replace(/\.ipynb$/, ".html"))), `${file} has a report`);
    }
    assert.ok(existsSync(join(OUT, "index.html")), "index.html links the reports");
  });

  test("each notebook shows its tables (text/html) and charts (Vega-Lite + PNG)", () => {
    for (const file of NOTEBOOKS) {
      const outputs = outputsOf(JSON.parse(readFileSync(join(OUT, file), "utf8")) as Notebook);
      const bundles = outputs.flatMap((o) => ("data" in o ? [o.data] : []));
      const tables = bundles.filter((d) => text(d["text/html"]).includes("<table")).length;
      const charts = bundles.filter((d) => d[VEGALITE] !== undefined);
      assert.ok(tables >= EXPECTED[file]!.tables, `${file}: ${tables} tables, expected at least ${EXPECTED[file]!.tables}`);
      assert.ok(charts.length >= EXPECTED[file]!.charts, `${file}: ${charts.length} charts, expected at least ${EXPECTED[file]!.charts}`);
      for (const chart of charts) {
        assert.ok(typeof chart["image/png"] === "string" && text(chart["image/png"]).startsWith("iVBOR"), `${file}: chart has a PNG`);
        assert.equal(chart["text/html"], undefined, `${file}: a chart bundle carries no text/html (it would outrank the Vega renderer)`);
      }
    }
  });

  test("notebook 01 prints the seed tutorial's helper output after the batch-size step", () => {
    // The seed lives beside the checkout (../shared) in CI and development, not in a plain clone.
    const seedPath = join(ROOT, "..", "shared", "seed", "README.md");
    const seed = existsSync(seedPath) ? readFileSync(seedPath, "utf8") : "";
    const fromSeedReadme = seed.includes("🟢 Param Group 0:")
      ? seed.slice(seed.indexOf("   🟢 Param Group 0:"), seed.indexOf("   ```", seed.indexOf("   🟢 Param Group 0:"))).replace(/^ {3}/gm, "").trimEnd().replace(/1e-08/g, "1e-8")
      : undefined;
    // The same text, spelled out here so the test stands without the shared seed directory.
    const expected = [
      ["0.0014142135623730952", "0", "(3, 4)", "(3,)"],
      ["0.0028284271247461905", "1", "(2, 3)", "(2,)"],
      ["0.004242640687119286", "2", "(1, 2)", "(1,)"],
    ]
      .map(([lr, i, w, b]) =>
        [
          `🟢 Param Group ${i}:`,
          `  ↪ learning rate (lr): ${lr}`,
          "  ↪ epsilon (eps): 1e-8",
          "  ↪ weight_decay: 0",
          "  ↪ Parameters:",
          `     - ${`${i}.weight`.padEnd(30)} | shape: ${w}`,
          `     - ${`${i}.bias`.padEnd(30)} | shape: ${b}`,
        ].join("\n"),
      )
      .join("\n\n");
    if (fromSeedReadme !== undefined) assert.equal(expected, fromSeedReadme);
    const nb = JSON.parse(readFileSync(join(OUT, "01-parameters-and-names.ipynb"), "utf8")) as Notebook;
    const streams = outputsOf(nb).filter((o) => o.output_type === "stream").map((o) => text(o.output_type === "stream" ? o.text : ""));
    const printed = streams.find((s) => s.includes("0.0014142135623730952"));
    assert.ok(printed, "the batch-size cell printed the helper's output");
    assert.ok(printed.includes(`\n${expected}\n`) || printed.endsWith(`\n${expected}`), `printed:\n${printed}`);
    assert.ok(printed.startsWith("Param group 0 learning rate: 0.001\nParam group 1 learning rate: 0.002\nParam group 2 learning rate: 0.003\n"));
  });

  test("notebook 06's broken setup prints the three alarms its prose reads out", () => {
    const nb = JSON.parse(readFileSync(join(OUT, "06-training.ipynb"), "utf8")) as Notebook;
    const printed = outputsOf(nb)
      .filter((o) => o.output_type === "stream")
      .map((o) => text(o.output_type === "stream" ? o.text : ""))
      .join("");
    const kinds = new Set([...printed.matchAll(/^([a-z-]+): /gm)].map((m) => m[1]));
    for (const kind of ["frozen-changed", "no-grad", "loss-diverging"]) assert.ok(kinds.has(kind), `${kind} in:\n${printed}`);
    assert.match(printed, /no-grad: .*aux\.weight, aux\.bias/);
  });
});

describe("reports in headless Chromium", { skip: skipRun || (existsSync(CHROMIUM) ? false : `${CHROMIUM} missing`) }, () => {
  let browser: import("playwright-core").Browser | undefined;
  before(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 60_000,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  for (const file of NOTEBOOKS) {
    const name = file.replace(/\.ipynb$/, "");
    test(`${name}.html renders its tables and charts with no console error and no network request`, { timeout: 120_000 }, async () => {
      assert.ok(run, "reports were generated");
      const url = pathToFileURL(join(OUT, `${name}.html`)).href;
      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      try {
        await page.goto(url, { waitUntil: "load", timeout: 60_000 });
        const figures = await page.locator("figure.chart").count();
        assert.ok(figures >= EXPECTED[file]!.charts, `${figures} charts`);
        if (figures) {
          await page.waitForFunction(
            'document.querySelectorAll("figure.chart.chart-ready").length === document.querySelectorAll("figure.chart").length',
            undefined,
            { timeout: 60_000 },
          );
          const rendered = await page.locator("figure.chart .chart-target svg.marks").count();
          assert.equal(rendered, figures, "every chart drew an SVG");
          const hiddenFallbacks = await page.locator("figure.chart img.chart-fallback:visible").count();
          assert.equal(hiddenFallbacks, 0, "PNG fallbacks hidden once charts render");
          // A drawn line chart has paths with data.
          const marks = await page.locator("figure.chart .chart-target svg path").count();
          assert.ok(marks > figures, "charts contain drawn marks");
        }
        const tables = await page.locator(".output.html table").count();
        assert.ok(tables >= EXPECTED[file]!.tables, `${tables} tables rendered`);
        if (tables) assert.ok((await page.locator(".output.html table tr").count()) > tables, "tables have rows");
        assert.ok((await page.locator("nav.toc a").count()) >= 3, "table of contents");
        await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
        // The view a reader gets: the table of contents beside the first chart or table (the README's image is one of these).
        await page.evaluate(
          `(document.querySelector("figure.chart") || document.querySelector(".output.html table") || document.body).scrollIntoView({ block: "center" })`,
        );
        await page.screenshot({ path: join(SHOTS, `${name}-view.png`) });
        assert.deepEqual(problems, [], "console errors or warnings");
        assert.deepEqual([...new Set(requests.filter((r) => !r.startsWith("data:")))], [url], "no request but the page itself");
      } finally {
        await page.close();
      }
    });
  }

  test("with JavaScript off, every chart shows its PNG", { timeout: 120_000 }, async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(join(OUT, "03-lr-schedules.html")).href, { waitUntil: "load" });
      const images = page.locator("figure.chart img.chart-fallback");
      const n = await images.count();
      assert.ok(n >= EXPECTED["03-lr-schedules.ipynb"]!.charts);
      for (let i = 0; i < n; i++) {
        const img = images.nth(i);
        await img.scrollIntoViewIfNeeded();
        assert.ok(await img.isVisible(), `fallback ${i} visible`);
        const width = await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
        assert.ok(width > 100, `fallback ${i} decoded (${width}px wide)`);
      }
      await page.screenshot({ path: join(SHOTS, "03-lr-schedules-no-js.png"), fullPage: false });
    } finally {
      await context.close();
    }
  });
});

describe("`jupyter nbconvert --to html --execute` on the tutorials", { skip: skipRun }, () => {
  const out = mkdtempSync(join(tmpdir(), "paramlab-nbconvert-"));
  let kernelspecDir = "";
  let result: { code: number | null; log: string } | undefined;
  before(async () => {
    kernelspecDir = writeTemporaryKernelspec();
    const env = { ...process.env, JUPYTER_PATH: [kernelspecDir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter) };
    const args = ["nbconvert", "--to", "html", "--execute", "--ExecutePreprocessor.timeout=240", "--output-dir", out, ...NOTEBOOKS.map((f) => join(NOTEBOOK_DIR, f))];
    result = await new Promise((resolveRun) => {
      const child = spawn(jupyter!, args, { env, stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      child.stdout.on("data", (d) => (log += d));
      child.stderr.on("data", (d) => (log += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 840_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolveRun({ code, log });
      });
    });
  }, { timeout: 900_000 });
  after(() => {
    rmSync(kernelspecDir, { recursive: true, force: true });
    if (existsSync(out)) cpSync(out, join(KEEP, "nbconvert"), { recursive: true });
    rmSync(out, { recursive: true, force: true });
  });

  test("every notebook converts, executed, with its tables and charts (as PNG)", () => {
    assert.equal(result!.code, 0, result!.log.slice(-4000));
    for (const file of NOTEBOOKS) {
      const html = readFileSync(join(out, file.replace(/\.ipynb$/, ".html")), "utf8");
      const pngs = html.match(/<img src="data:image\/png;base64,/g)?.length ?? 0;
      const tables = html.match(/<table/g)?.length ?? 0;
      assert.ok(pngs >= EXPECTED[file]!.charts, `${file}: ${pngs} PNG images, expected at least ${EXPECTED[file]!.charts}`);
      assert.ok(tables >= EXPECTED[file]!.tables, `${file}: ${tables} tables`);
      assert.doesNotMatch(html, /class="[^"]*jp-RenderedText[^"]*"[^>]*data-mime-type="application\/vnd\.jupyter\.stderr"[^>]*>[\s\S]{0,200}Error/, `${file}: no error output`);
    }
  });
});
