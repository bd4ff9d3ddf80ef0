/**
 * Starts Debian's real `jupyter server` for integration tests: 127.0.0.1, a free port, a random
 * token, and private Jupyter directories holding a freshly written paramlab kernelspec.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { kernelSpec } from "../../kernel/install.js";
import { freePort } from "./client.js";

export const JUPYTER = process.env.PARAMLAB_JUPYTER ?? (process.env.CONDA_PREFIX && fs.existsSync(path.join(process.env.CONDA_PREFIX, "bin", "jupyter")) ? path.join(process.env.CONDA_PREFIX, "bin", "jupyter") : "/usr/bin/jupyter");
export const KERNEL_NAME = "paramlab-test";

/** Whether `jupyter <sub> --version` works here (tests skip with a reason otherwise). */
export function hasJupyter(sub: string): boolean {
  const r = spawnSync(JUPYTER, [sub, "--version"], { stdio: "ignore", timeout: 30_000 });
  return r.status === 0;
}

/** Private Jupyter directories with the kernelspec installed; env to run Jupyter with. */
export function jupyterEnv(): { env: NodeJS.ProcessEnv; dir: string; notebooks: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramlab-jupyter-"));
  const kernels = path.join(dir, "share", "kernels", KERNEL_NAME);
  fs.mkdirSync(kernels, { recursive: true });
  fs.writeFileSync(path.join(kernels, "kernel.json"), JSON.stringify(kernelSpec("TypeScript (paramlab, test)"), null, 2));
  const notebooks = path.join(dir, "notebooks");
  fs.mkdirSync(notebooks);
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, "share"),
    JUPYTER_DATA_DIR: path.join(dir, "data"),
    JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(dir, "config"),
    JUPYTER_PLATFORM_DIRS: "1",
    PYTHONWARNINGS: "ignore",
  };
  return { env, dir, notebooks };
}

export interface RunningServer {
  baseUrl: string;
  wsUrl: string;
  token: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

export async function startJupyterServer(timeoutMs = 60_000): Promise<RunningServer> {
  const { env, dir, notebooks } = jupyterEnv();
  const port = await freePort();
  const token = randomUUID().replaceAll("-", "");
  const child = spawn(
    JUPYTER,
    [
      "server",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--ServerApp.token=${token}`,
      "--ServerApp.open_browser=False",
      "--no-browser",
      "--allow-root",
      `--ServerApp.root_dir=${notebooks}`,
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter server exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${baseUrl}api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter server did not start in ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, wsUrl: `ws://127.0.0.1:${port}/`, token, process: child, log: () => log, stop };
}
