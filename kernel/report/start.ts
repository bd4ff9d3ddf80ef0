/**
 * `npm start`: Jupyter on notebooks/ with the paramlab kernel — JupyterLab when installed (the conda
 * environment from environment.yml brings it), otherwise the classic Notebook from Debian. Extra
 * arguments go to Jupyter (`npm start -- --port 9000 --no-browser`).
 */
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { packageRoot } from "./assets.js";
import { findInstalledKernelspec } from "./jupyter_paths.js";
import { writeTemporaryKernelspec } from "./kernelspec.js";
import { findJupyterCandidates } from "./server.js";

function works(jupyter: string, sub: string): boolean {
  return spawnSync(jupyter, [sub, "--version"], { stdio: "ignore", timeout: 30_000 }).status === 0;
}

export function main(argv: string[]): void {
  const root = packageRoot();
  const notebooks = join(root, "notebooks");
  let chosen: { jupyter: string; app: "lab" | "notebook" } | undefined;
  const candidates = findJupyterCandidates();
  for (const jupyter of candidates) {
    if (works(jupyter, "lab")) {
      chosen = { jupyter, app: "lab" };
      break;
    }
  }
  if (!chosen) {
    for (const jupyter of candidates) {
      if (works(jupyter, "notebook")) {
        chosen = { jupyter, app: "notebook" };
        break;
      }
    }
  }
  if (!chosen) {
    process.stderr.write(
      "npm start: no JupyterLab or Jupyter Notebook found. Run `npm run main` (it installs Debian's " +
        "Jupyter), or `conda env create -f environment.yml && conda activate paramlab`.\n",
    );
    process.exit(1);
  }
  const env = { ...process.env };
  let temporary: string | undefined;
  if (!findInstalledKernelspec("paramlab", chosen.jupyter)) {
    temporary = writeTemporaryKernelspec("paramlab");
    env.JUPYTER_PATH = [temporary, ...(env.JUPYTER_PATH ? [env.JUPYTER_PATH] : [])].join(delimiter);
    process.stdout.write(
      "npm start: the paramlab kernel is not installed; using this checkout's kernel for this session " +
        "(`node dist/kernel/cli.js install --user` registers it for good).\n",
    );
  }
  const args = [chosen.app, `--notebook-dir=${notebooks}`];
  if (process.getuid?.() === 0) args.push("--allow-root");
  args.push(...argv);
  process.stdout.write(
    `npm start: ${chosen.app === "lab" ? "JupyterLab" : "Jupyter Notebook"} on ${notebooks} — pick the "TypeScript (paramlab)" kernel; ` +
      `Ctrl-C twice to stop.\n  ${chosen.jupyter} ${args.join(" ")}\n`,
  );
  const child = spawn(chosen.jupyter, args, { stdio: "inherit", env });
  // Ctrl-C reaches Jupyter directly (same terminal process group) and Jupyter asks to confirm;
  // this process only waits for it. A SIGTERM sent to this process alone is passed on.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (require.main === module) main(process.argv.slice(2));
