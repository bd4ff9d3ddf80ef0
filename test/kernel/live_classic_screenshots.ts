/**
 * Looks at live displays as a person does, in Debian's classic Notebook driven by headless
 * Chromium: runs a cell that busy-loops 4 s updating a schedule plot, screenshots it mid-loop
 * (the live SVG form) and after the cell (the final PNG). A development tool, not a test:
 *
 *   node --import tsx test/kernel/live_classic_screenshots.ts [outDir=/tmp/paramlab-live-classic]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./client.js";
import { jupyterEnv, KERNEL_NAME } from "./jupyter.js";

const CELL = `const opt = new optim.SGD([
  { params: [new nn.Parameter(zeros(2))], lr: 0, name: "backbone" },
  { params: [new nn.Parameter(zeros(2))], lr: 0.4, name: "head" },
], { lr: 0.1, momentum: 0.9 });
const full = optim.lr_scheduler.simulate(opt, (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [0.1, 0.4], total_steps: 400 }), { steps: 400 });
const upTo = (k: number) => ({ ...full, steps: k, lr: full.lr.map((s) => s.slice(0, k)), momentum: full.momentum!.map((s) => s.slice(0, k)) });
const chart = display(upTo(1), { display_id: true });
const t0 = Date.now();
for (let k = 1; k <= 400; k++) {
  while (Date.now() < t0 + k * 10) {}
  chart.update(upTo(k));
}`;

async function main(outDir: string): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const env = jupyterEnv();
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: KERNEL_NAME, display_name: "TypeScript (paramlab, test)", language: "typescript" } }, cells: [{ cell_type: "code", id: "c1", metadata: {}, execution_count: null, outputs: [], source: CELL }] };
  fs.writeFileSync(path.join(env.notebooks, "live.ipynb"), JSON.stringify(nb));
  const port = await freePort();
  const token = "live-screenshots";
  const server = spawn("/usr/bin/jupyter", ["notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${token}`, "--allow-root", `--notebook-dir=${env.notebooks}`], { env: env.env, stdio: "ignore" });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (let i = 0; ; i++) {
      try {
        await page.goto(`http://127.0.0.1:${port}/notebooks/live.ipynb?token=${token}`);
        break;
      } catch (err) {
        if (i > 40) throw err;
        await new Promise((r) => setTimeout(r, 250)); // the server is still starting
      }
    }
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60_000 });
    await page.click(".CodeMirror");
    await page.keyboard.press("Shift+Enter");
    await page.waitForSelector("#kernel_indicator_icon.kernel_busy_icon", { timeout: 10_000 });
    const started = Date.now();
    for (const at of [1500, 3000]) {
      await new Promise((r) => setTimeout(r, at - (Date.now() - started)));
      const busy = (await page.$("#kernel_indicator_icon.kernel_busy_icon")) !== null;
      const file = path.join(outDir, `during-${at}ms.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file} (kernel ${busy ? "busy" : "idle"})\n`);
    }
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 500));
    const file = path.join(outDir, "final.png");
    await page.screenshot({ path: file, fullPage: true });
    const pngs = await page.$$eval(".output_area img[src^='data:image/png']", (els) => els.length);
    process.stdout.write(`${file} (${pngs} PNG output${pngs === 1 ? "" : "s"})\n`);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    fs.rmSync(env.dir, { recursive: true, force: true });
  }
}

void main(process.argv[2] ?? "/tmp/paramlab-live-classic");
