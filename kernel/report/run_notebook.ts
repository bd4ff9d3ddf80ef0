/**
 * One notebook on one kernel: a Jupyter session whose path is the notebook's (so the kernel runs
 * in the notebook's directory, as in JupyterLab and nbconvert), execution with per-cell progress,
 * then shutdown.
 */
import { basename, relative, resolve, sep } from "node:path";
import type { ServerConnection, Session } from "@jupyterlab/services";
import { executeNotebook, type CellEvent } from "./execute.js";
import { clearedCopy, type Notebook } from "./notebook.js";

type Services = typeof import("@jupyterlab/services");

const sleep = (ms: number) => new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms).unref?.());

export interface RunOptions {
  rootDir: string;
  kernelName: string;
  timeoutMs: number;
  allowErrors: boolean;
  say: (line: string) => void;
}

/** Starts a session for one notebook (the kernel runs in the notebook's directory), executes it, shuts it down. */
export async function runNotebook(
  services: Services,
  serverSettings: ServerConnection.ISettings,
  path: string,
  source: Notebook,
  options: RunOptions,
): Promise<NotebookRun> {
  const started = performance.now();
  const kernelManager = new services.KernelManager({ serverSettings });
  const sessionManager = new services.SessionManager({ kernelManager, serverSettings });
  // Their first model poll rejects when they are disposed early (e.g. after a refused request);
  // nothing else awaits it, and an unhandled rejection would end the process.
  kernelManager.ready.catch(() => undefined);
  sessionManager.ready.catch(() => undefined);
  let session: Session.ISessionConnection | undefined;
  try {
    // The server starts the kernel in this path's directory (under its root). For a server started
    // elsewhere (--server) rootDir is the current directory; a path outside it falls back to the name.
    let sessionPath = relative(options.rootDir, resolve(path)).split(sep).join("/");
    if (sessionPath.startsWith("../")) sessionPath = basename(path);
    try {
      session = await sessionManager.startNew({
        path: sessionPath,
        type: "notebook",
        name: basename(path),
        kernel: { name: options.kernelName },
      });
    } catch (err) {
      throw new Error(`could not start kernel "${options.kernelName}" for ${path}: ${(err as Error).message}`);
    }
    const kernel = session.kernel;
    if (!kernel) throw new Error(`the server started no kernel for ${path}`);
    const info = await Promise.race([kernel.info, sleep(120_000)]);
    if (info === "timeout") throw new Error(`kernel "${options.kernelName}" did not answer within 120 s`);
    const notebook = clearedCopy(source);
    const spec = await kernel.spec;
    notebook.metadata.kernelspec = {
      name: options.kernelName,
      display_name: spec?.display_name ?? notebook.metadata.kernelspec?.display_name ?? options.kernelName,
      language: spec?.language ?? notebook.metadata.kernelspec?.language ?? "typescript",
    };
    notebook.metadata.language_info = info.language_info as unknown as Record<string, unknown>;
    const result = await executeNotebook(notebook, kernel, {
      timeoutMs: options.timeoutMs,
      allowErrors: options.allowErrors,
      onCell: (e) => {
        const mark = { ok: "ok", error: "FAILED", timeout: "TIMEOUT", skipped: "empty", lost: "LOST" }[e.status];
        const width = String(e.codeCellCount).length;
        options.say(`    cell ${String(e.codeCellNumber).padStart(width)}/${e.codeCellCount} ${mark.padEnd(6)} ${e.seconds.toFixed(2)} s`);
      },
    });
    return { notebook: result.notebook, failures: result.failures, seconds: (performance.now() - started) / 1000 };
  } finally {
    // Bounded: a kernel that ignores shutdown must not hang the run (the server kills it later).
    if (session) await Promise.race([session.shutdown().catch(() => undefined), sleep(15_000)]);
    session?.dispose();
    // @lumino/polling's Poll.dispose() leaves the next poll's timer (up to 10 s) pending, which
    // keeps a finished `paramlab report` process alive; stopping the polls first clears it.
    for (const manager of [sessionManager, kernelManager]) {
      const poll = (manager as unknown as { _pollModels?: { stop(): Promise<unknown> } })._pollModels;
      await Promise.race([poll?.stop().catch(() => undefined), sleep(1000)]);
    }
    sessionManager.dispose();
    kernelManager.dispose();
  }
}

/** The result of one notebook's run. */
export interface NotebookRun {
  notebook: Notebook;
  failures: CellEvent[];
  seconds: number;
}
