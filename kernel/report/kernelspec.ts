/**
 * A temporary kernelspec directory for this build's kernel, so a report (or a test running
 * `jupyter nbconvert`) runs the code in this checkout rather than whatever `paramlab install`
 * registered earlier. Put the returned directory first on JUPYTER_PATH.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "./assets.js";

/** The kernel entry point of this build: dist/kernel/cli.js. */
export function kernelEntryPoint(): string {
  const cli = join(packageRoot(), "dist", "kernel", "cli.js");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build paramlab first (npm run build)`);
  return cli;
}

/** Writes `<dir>/kernels/<name>/kernel.json` in a new temporary directory and returns the directory. */
export function writeTemporaryKernelspec(name = "paramlab"): string {
  const cli = kernelEntryPoint();
  const dir = mkdtempSync(join(tmpdir(), "paramlab-kernelspec-"));
  const spec = join(dir, "kernels", name);
  mkdirSync(spec, { recursive: true });
  const kernelJson = {
    argv: [process.execPath, cli, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (paramlab)",
    language: "typescript",
    metadata: { debugger: false },
  };
  writeFileSync(join(spec, "kernel.json"), JSON.stringify(kernelJson, null, 2) + "\n");
  return dir;
}
