/**
 * `paramlab install`: writes the kernelspec and installs it with the Python that has
 * jupyter_client (so it lands where that Jupyter looks: --user, --sys-prefix or --prefix).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "./resolve.js";

export interface InstallOptions {
  where: "default" | "user" | "sys-prefix" | "prefix";
  prefix?: string;
  name: string;
  displayName: string;
  python?: string;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

/** The kernel.json content; argv uses absolute paths so Jupyter finds the kernel from anywhere. */
export function kernelSpec(displayName: string): KernelSpec {
  return {
    argv: [process.execPath, path.join(PACKAGE_ROOT, "dist", "kernel", "cli.js"), "kernel", "--config-path", "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    // Jupyter sends SIGINT; the kernel stops blocking code (vm breakOnSigint) and awaited Promises.
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

function hasJupyterClient(python: string): boolean {
  const r = spawnSync(python, ["-c", "import jupyter_client"], { stdio: "ignore", timeout: 20_000 });
  return r.status === 0;
}

/** Python interpreters to try, in order: --python, $PARAMLAB_PYTHON, the environment's, Debian's. */
export function pythonCandidates(explicit?: string): string[] {
  if (explicit) return [explicit];
  const list = [process.env.PARAMLAB_PYTHON, process.env.CONDA_PREFIX && path.join(process.env.CONDA_PREFIX, "bin", "python"), "python3", "python", "/usr/bin/python3", "/usr/local/bin/python3"];
  return [...new Set(list.filter((p): p is string => !!p))];
}

/** The first candidate that can import jupyter_client; throws naming what was tried. */
export function findPython(explicit?: string): string {
  const tried = pythonCandidates(explicit);
  for (const py of tried) if (hasJupyterClient(py)) return py;
  if (explicit) {
    throw new Error(`--python ${explicit}: cannot import jupyter_client with it (expected a Python with Jupyter installed, e.g. /usr/bin/python3)`);
  }
  throw new Error(
    `No Python with jupyter_client found (tried ${tried.join(", ")}). ` +
      "Install Jupyter (Debian: apt-get install jupyter-server jupyter-notebook) or pass --python /path/to/python.",
  );
}

const INSTALL_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
src, name, where, prefix = sys.argv[1:5]
kw = {"kernel_name": name}
if where == "user":
    kw["user"] = True
elif where == "sys-prefix":
    kw["prefix"] = sys.prefix
elif where == "prefix":
    kw["prefix"] = prefix
print(KernelSpecManager().install_kernel_spec(src, **kw))
`;

/** Installs the kernelspec; returns the directory it went to. */
export function install(opts: InstallOptions): string {
  if (!/^[a-z0-9._-]+$/i.test(opts.name)) {
    throw new Error(`--name ${JSON.stringify(opts.name)}: expected letters, digits, ".", "_" or "-" (Jupyter kernel names)`);
  }
  const python = findPython(opts.python);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramlab-kernelspec-"));
  try {
    fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(opts.displayName), null, 2) + "\n");
    // Default like `jupyter kernelspec install`: system-wide as root, per-user otherwise.
    const where = opts.where === "default" ? (process.getuid?.() === 0 ? "system" : "user") : opts.where;
    const r = spawnSync(python, ["-c", INSTALL_PY, dir, opts.name, where, opts.prefix ?? ""], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) {
      throw new Error(`Installing the kernelspec with ${python} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" ")}`);
    }
    return r.stdout.trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
