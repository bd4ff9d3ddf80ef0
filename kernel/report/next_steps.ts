/**
 * The end of `npm run main`: where the reports are, and how to open the notebooks in Jupyter.
 * `node dist/kernel/report/next_steps.js DIR`
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export function nextSteps(dir: string): string {
  const abs = resolve(dir);
  const html = existsSync(abs) ? readdirSync(abs).filter((f) => f.endsWith(".html")).sort() : [];
  const shown = (f: string) => {
    const rel = relative(process.cwd(), join(abs, f));
    return rel.startsWith("..") ? join(abs, f) : rel;
  };
  const count = html.filter((f) => f !== "index.html").length;
  const first = html.includes("index.html") ? "index.html" : html[0];
  const lines = [
    "",
    `Done: ${count} report${count === 1 ? "" : "s"} in ${abs}/`,
    ...html.map((f) => `  ${shown(f)}`),
    "",
    "Each report is one self-contained HTML file (charts included) that opens offline in any browser:",
    first ? `  xdg-open ${shown(first)}    # or open it from your file manager` : "  (no reports found)",
    "",
    "To run and edit the notebooks yourself in Jupyter (JupyterLab if installed, else Notebook), with the paramlab kernel:",
    "  npm start",
    "Re-run every notebook into reports/:  node dist/kernel/cli.js report notebooks/*.ipynb --out reports",
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) process.stdout.write(nextSteps(process.argv[2] ?? "reports"));
