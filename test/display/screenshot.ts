/**
 * Renders display outputs in headless Chromium as a person sees them: JupyterLab light and dark
 * (their `--jp-*` theme variables) and a page without them (classic Notebook, exported HTML).
 * Used while developing displays and to refresh the README images in notebooks/images/:
 *
 *   node --import tsx test/display/screenshot.ts [outDir]   # every example, light / dark / classic
 *   node --import tsx test/display/screenshot.ts --readme   # refresh notebooks/images/*.png
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The real front-end style sheets when this machine has them (Debian's nbconvert ships
 * JupyterLab's output CSS and theme variables; classic Notebook ships its own), so outputs are
 * shot inside the CSS they will meet. Without them, the inline variables below stand in.
 */
const LAB_CSS = "/usr/share/jupyter/nbconvert/templates/lab/static";
const CLASSIC_CSS = "/usr/lib/python3/dist-packages/notebook/static/style/style.min.css";

interface Frame {
  css: string[];
  /** Classes of the element the output is placed in, as the front end does. */
  wrapper: string;
}

function frameFor(theme: string): Frame {
  const read = (f: string) => (existsSync(f) ? [readFileSync(f, "utf8")] : []);
  if (theme === "classic") return { css: read(CLASSIC_CSS), wrapper: "output_subarea output_html rendered_html" };
  return {
    css: [...read(join(LAB_CSS, `theme-${theme}.css`)), ...read(join(LAB_CSS, "index.css"))],
    wrapper: "jp-OutputArea-output jp-RenderedHTMLCommon jp-RenderedHTML",
  };
}

/** JupyterLab 4 theme variables used by paramlab's style sheet (values from its light/dark themes). */
export const THEMES: Record<string, string> = {
  light:
    "--jp-layout-color0:#fff;--jp-layout-color1:#fff;--jp-layout-color2:#eee;--jp-layout-color3:#bdbdbd;" +
    "--jp-ui-font-color0:rgba(0,0,0,1);--jp-ui-font-color1:rgba(0,0,0,.87);--jp-ui-font-color2:rgba(0,0,0,.54);" +
    "--jp-border-color1:#bdbdbd;--jp-border-color2:#e0e0e0;--jp-success-color1:#388e3c;--jp-warn-color1:#f57c00;" +
    "--jp-error-color1:#d32f2f;--jp-cell-editor-background:#f5f5f5;--jp-ui-font-size1:13px;--jp-code-font-size:13px;" +
    "background:#fff;color:rgba(0,0,0,.87)",
  dark:
    "--jp-layout-color0:#111;--jp-layout-color1:#212121;--jp-layout-color2:#424242;--jp-layout-color3:#616161;" +
    "--jp-ui-font-color0:rgba(255,255,255,1);--jp-ui-font-color1:rgba(255,255,255,.87);--jp-ui-font-color2:rgba(255,255,255,.54);" +
    "--jp-border-color1:#616161;--jp-border-color2:#424242;--jp-success-color1:#66bb6a;--jp-warn-color1:#ffa726;" +
    "--jp-error-color1:#ef5350;--jp-cell-editor-background:#212121;--jp-ui-font-size1:13px;--jp-code-font-size:13px;" +
    "background:#212121;color:rgba(255,255,255,.87)",
  classic: "background:#fff;color:#000;font-family:Helvetica,Arial,sans-serif;font-size:14px",
};

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** One page to shoot: an HTML fragment (a display's text/html, or a vega-embed page body). */
export interface Shot {
  name: string;
  html: string;
  width?: number;
  /** Extra scripts inlined into the page (e.g. vega, vega-lite, vega-embed). */
  scripts?: string[];
  /** A script run after `scripts` are loaded. */
  init?: string;
  /** Wait for this selector before the screenshot. */
  waitFor?: string;
}

/** Screenshots each shot in each theme; returns the written paths. */
export async function shoot(shots: Shot[], outDir: string, themes = Object.keys(THEMES)): Promise<string[]> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: LAUNCH_ARGS });
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    page.on("pageerror", (e) => process.stderr.write(`page error: ${e.message}\n`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") process.stderr.write(`console ${m.type()}: ${m.text()}\n`);
    });
    for (const s of shots) {
      for (const theme of themes) {
        await page.setViewportSize({ width: s.width ?? 900, height: 300 });
        const frame = frameFor(theme);
        await page.setContent(
          `<!doctype html><html><head><meta charset="utf-8"></head>` +
            `<body data-jp-theme-light="${theme === "dark" ? "false" : "true"}" style="margin:0;padding:0;${frame.css.length ? (theme === "classic" ? "background:#fff" : "background:var(--jp-layout-color0);color:var(--jp-ui-font-color1)") : THEMES[theme]}">` +
            `<div id="out" style="display:inline-block;padding:16px"><div class="${frame.wrapper}">${s.html}</div></div></body></html>`,
        );
        for (const content of frame.css) await page.addStyleTag({ content });
        for (const content of s.scripts ?? []) await page.addScriptTag({ content });
        if (s.init) await page.addScriptTag({ content: s.init });
        if (s.waitFor) await page.waitForSelector(s.waitFor, { timeout: 10000 });
        const el = await page.$("#out");
        const path = join(outDir, `${s.name}-${theme}.png`);
        await el!.screenshot({ path });
        written.push(path);
      }
    }
  } finally {
    await browser.close();
  }
  return written;
}

/** The README images: one param-group table and one schedule plot, light theme. */
const README_SHOTS: Record<string, string> = {
  "optimizer-table": "param-group-table.png",
  "schedule-vegalite": "schedule-plot.png",
};

if (require.main === module) {
  const readme = process.argv[2] === "--readme";
  const outDir = readme ? "/tmp/paramlab-readme-shots" : (process.argv[2] ?? "/tmp/paramlab-shots");
  void (async () => {
    const { buildGallery } = await import("./gallery.js");
    let shots = await buildGallery();
    if (readme) shots = shots.filter((s) => s.name in README_SHOTS);
    const written = await shoot(shots, outDir, readme ? ["light"] : undefined);
    if (readme) {
      const dest = join(__dirname, "..", "..", "notebooks", "images");
      mkdirSync(dest, { recursive: true });
      for (const s of shots) copyFileSync(join(outDir, `${s.name}-light.png`), join(dest, README_SHOTS[s.name]));
      for (const name of Object.values(README_SHOTS)) process.stdout.write(`${join(dest, name)}\n`);
    } else {
      for (const p of written) process.stdout.write(`${p}\n`);
      writeFileSync(join(outDir, "index.txt"), shots.map((s) => s.name).join("\n"));
    }
  })();
}
