/**
 * A private Jupyter server for one report run: Debian's (or the conda environment's)
 * `jupyter server` on 127.0.0.1, a random free port and a random token, stopped afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";

export interface StartOptions {
  /** The server's root directory; kernels start in the directory of the notebook's path under it. */
  rootDir: string;
  /** Extra directories for kernelspecs (prepended to JUPYTER_PATH). */
  jupyterPath?: string[];
  /** How long to wait for the server to answer. */
  timeoutMs?: number;
  /** More `jupyter server` arguments (they override the ones above; tests use them). */
  extraArgs?: string[];
  /** Receives the server's log lines (they are kept quiet otherwise, and shown if it fails). */
  log?: (line: string) => void;
}

/** Every `jupyter` executable worth trying: $PARAMLAB_JUPYTER, the conda environment, PATH, then Debian's. */
export function findJupyterCandidates(): string[] {
  const fromEnv = process.env.PARAMLAB_JUPYTER;
  if (fromEnv) return [fromEnv];
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const first: string[] = [];
  if (process.env.CONDA_PREFIX) first.push(join(process.env.CONDA_PREFIX, "bin"));
  // The "paramlab" environment .ci/setup.sh creates from environment.yml, active or not.
  if (process.env.PARAMLAB_NO_CONDA !== "1") {
    const bases = new Set<string>();
    if (process.env.CONDA_EXE) bases.add(dirname(dirname(process.env.CONDA_EXE)));
    for (const dir of dirs) {
      const conda = join(dir, "conda");
      if (existsSync(conda)) bases.add(dirname(dirname(realpathSync(conda)))); // <base>/bin/conda or <base>/condabin/conda
    }
    for (const base of bases) first.push(join(base, "envs", "paramlab", "bin"));
  }
  const found = [...first, ...dirs, "/usr/local/bin", "/usr/bin"].map((dir) => join(dir, "jupyter")).filter((p) => existsSync(p));
  return [...new Set(found)];
}

/** The `jupyter` to run a server with: the first candidate that has the `server` command. */
export function findJupyter(): string {
  for (const candidate of findJupyterCandidates()) {
    // PATH may hold a bare jupyter (e.g. jupyter_core alone) without jupyter_server.
    const probe = spawnSync(candidate, ["server", "--version"], { encoding: "utf8", timeout: 20_000 });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    "cannot find a `jupyter` with the `server` command. Install Debian's jupyter-server " +
      "(sudo apt-get install jupyter-server), activate the conda environment from environment.yml, " +
      "set PARAMLAB_JUPYTER to a jupyter executable, or pass --server URL --token T.",
  );
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class JupyterServer {
  private exited = false;
  private readonly logLines: string[] = [];

  private constructor(
    readonly url: string,
    readonly token: string,
    private readonly child: ChildProcess,
  ) {
    child.once("exit", () => (this.exited = true));
  }

  /** Starts a server and resolves once its REST API answers with our token. */
  static async start(options: StartOptions): Promise<JupyterServer> {
    const jupyter = findJupyter();
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let lastError = "";
    // A port found free can be taken before the server binds it; try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const token = randomBytes(24).toString("hex");
      const args = [
        "server",
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--ServerApp.port_retries=0",
        `--ServerApp.token=${token}`,
        `--ServerApp.root_dir=${options.rootDir}`,
        "--ServerApp.open_browser=False",
        // A report must receive every output: no IOPub rate limit (it drops output and writes
        // "IOPub data rate exceeded" instead). limit_rate=False alone is enough for
        // jupyter_server >= 1.x; the zero limits cover servers that ignore it.
        "--ServerApp.limit_rate=False",
        "--ServerApp.iopub_data_rate_limit=0",
        "--ServerApp.iopub_msg_rate_limit=0",
      ];
      // traitlets refuses an option given twice: an extra argument replaces ours of the same name.
      for (const extra of options.extraArgs ?? []) {
        const key = extra.split("=")[0]!;
        const at = args.findIndex((a) => a.split("=")[0] === key);
        if (at >= 0) args.splice(at, 1, extra);
        else args.push(extra);
      }
      if (process.getuid?.() === 0) args.push("--allow-root");
      const env = { ...process.env };
      if (options.jupyterPath?.length) {
        env.JUPYTER_PATH = [...options.jupyterPath, ...(env.JUPYTER_PATH ? [env.JUPYTER_PATH] : [])].join(delimiter);
      }
      const child = spawn(jupyter, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: false });
      const server = new JupyterServer(`http://127.0.0.1:${port}/`, token, child);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (!line.trim()) continue;
          server.logLines.push(line);
          if (server.logLines.length > 200) server.logLines.shift();
          options.log?.(line);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", (err) => server.logLines.push(`failed to start ${jupyter}: ${err.message}`));
      while (Date.now() < deadline && !server.exited) {
        try {
          const res = await fetch(`${server.url}api/status`, {
            headers: { Authorization: `token ${token}` },
            signal: AbortSignal.timeout(2000),
          });
          if (res.ok) return server;
        } catch {
          // not listening yet
        }
        // A referenced timer: while the server starts, nothing else may keep this process alive.
        await new Promise((r) => setTimeout(r, 150));
      }
      lastError = server.logLines.slice(-15).join("\n");
      await server.stop();
      if (Date.now() >= deadline) break;
    }
    throw new Error(`the Jupyter server did not start (${jupyter} server). Its last log lines:\n${lastError}`);
  }

  /** The server's recent log lines, for error messages. */
  recentLog(): string[] {
    return [...this.logLines];
  }

  /**
   * Sends SIGTERM now, without waiting (for a process that is exiting: the server then shuts its
   * kernels down on its own).
   */
  terminateNow(): void {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
  }

  /** Stops the server (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill("SIGTERM");
    const killed = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed) {
      this.child.kill("SIGKILL");
      await Promise.race([exited, sleep(2000)]);
    }
  }
}
