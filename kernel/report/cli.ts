/**
 * `paramlab report NOTEBOOK... --out DIR`: execute notebooks on the paramlab kernel through a
 * Jupyter server and write DIR/NAME.ipynb (executed) and DIR/NAME.html (self-contained report).
 * kernel/cli.ts dispatches `paramlab report ...` here.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { stripAnsi } from "./ansi.js";
import { describeError } from "./execute.js";
import { renderIndexHtml, renderNotebookHtml, type IndexEntry } from "./html.js";
import { readNotebook, writeNotebook, type Notebook } from "./notebook.js";
import { runNotebook, type NotebookRun } from "./run_notebook.js";
import { writeTemporaryKernelspec } from "./kernelspec.js";
import { JupyterServer } from "./server.js";
import { parseCommandArgs, UsageError, type OptionSpecs } from "../args.js";

export const REPORT_USAGE = `Usage: paramlab report NOTEBOOK.ipynb|DIR... --out DIR [options]

Executes each notebook top to bottom on the paramlab kernel (through a Jupyter server) and writes
DIR/NAME.ipynb (the executed notebook) and DIR/NAME.html (a self-contained report: markdown,
code, tables, interactive charts with a PNG fallback; opens offline). A directory argument means
every notebook in it. With several notebooks, DIR/index.html links them all.

Options:
  --out DIR          where to write the reports (created if missing; required)
  --server URL       use a running Jupyter server instead of starting one on 127.0.0.1
  --token TOKEN      that server's token (default: $JUPYTER_TOKEN)
  --kernel NAME      kernelspec to run every notebook with (default: each notebook's own, else
                     "paramlab"; a server paramlab starts runs this build's kernel as "paramlab")
  --timeout SECONDS  limit per cell (default 300); a cell over it is interrupted and fails
  --allow-errors     keep going after a failing cell and still exit 0 (errors show in the report)
  --no-execute       export the notebooks' saved outputs without running them
  --image-root DIR   inline markdown images from anywhere under DIR (default: only from each
                     notebook's own directory and below)
  -q, --quiet        print only failures and the final summary
  -h, --help         show this help

Examples:
  paramlab report notebooks/*.ipynb --out reports
  paramlab report notebooks --out reports --allow-errors --timeout 60
  paramlab report analysis.ipynb --out /tmp/out --server http://127.0.0.1:8888/ --token abc`;

export interface ReportOptions {
  notebooks: string[];
  out: string;
  server?: string;
  token?: string;
  kernel?: string;
  timeoutSeconds: number;
  allowErrors: boolean;
  execute: boolean;
  quiet: boolean;
  /** Markdown images may come from under this directory (default: each notebook's directory). */
  imageRoot?: string;
}

/** The report's options, for `parseCommandArgs`. */
const REPORT_OPTIONS = {
  out: { type: "string", short: "o" },
  server: { type: "string" },
  token: { type: "string" },
  kernel: { type: "string" },
  timeout: { type: "string" },
  "allow-errors": { type: "boolean" },
  "no-execute": { type: "boolean" },
  "image-root": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpecs;

/** setTimeout's limit (2^31 - 1 ms): a longer delay fires at once. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Parses `report` arguments; throws UsageError naming what is wrong. Returns undefined for --help. */
export function parseReportArgs(argv: string[]): ReportOptions | undefined {
  const { values, positionals } = parseCommandArgs(argv, REPORT_OPTIONS, true);
  if (values.help) return undefined;
  const opts: ReportOptions = {
    notebooks: positionals,
    out: "",
    timeoutSeconds: 300,
    allowErrors: values["allow-errors"] === true,
    execute: values["no-execute"] !== true,
    quiet: values.quiet === true,
  };
  for (const key of ["server", "token", "kernel"] as const) if (values[key] !== undefined) opts[key] = values[key];
  if (values["image-root"] !== undefined) {
    const root = values["image-root"];
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`--image-root must be an existing directory, got ${JSON.stringify(root)}`);
    opts.imageRoot = resolve(root);
  }
  if (values.timeout !== undefined) {
    const raw = values.timeout;
    const seconds = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!(seconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(raw)}`);
    if (seconds > MAX_TIMEOUT_SECONDS) throw new UsageError(`--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), got ${JSON.stringify(raw)}`);
    opts.timeoutSeconds = seconds;
  }
  const out = values.out;
  if (opts.notebooks.length === 0) throw new UsageError("no notebooks given (expected one or more .ipynb files)");
  if (out === undefined) throw new UsageError("--out DIR is required (the directory for the .ipynb and .html reports)");
  opts.out = out;
  // A directory stands for the notebooks directly inside it, in name order.
  opts.notebooks = opts.notebooks.flatMap((nb) => {
    if (!existsSync(nb) || !statSync(nb).isDirectory()) return [nb];
    const inside = readdirSync(nb).filter((f) => f.endsWith(".ipynb") && !isScratchNotebook(f)).sort();
    if (inside.length === 0) throw new UsageError(`no notebooks (.ipynb) in the directory ${nb} (scratch notebooks Untitled*.ipynb and checkpoints are skipped)`);
    return inside.map((f) => join(nb, f));
  });
  for (const nb of opts.notebooks) {
    if (extname(nb) !== ".ipynb") throw new UsageError(`${JSON.stringify(nb)} is not a notebook (expected a .ipynb file or a directory of them)`);
    if (!existsSync(nb)) throw new UsageError(`notebook not found: ${nb}`);
    if (!statSync(nb).isFile()) throw new UsageError(`not a file: ${nb}`);
  }
  const names = new Map<string, string>();
  for (const nb of opts.notebooks) {
    const name = basename(nb);
    const other = names.get(name);
    if (other !== undefined && resolve(other) !== resolve(nb)) {
      throw new UsageError(`two notebooks are both named ${name} (${other} and ${nb}); their reports would overwrite each other`);
    }
    names.set(name, nb);
    if (resolve(opts.out, name) === resolve(nb)) {
      throw new UsageError(`--out ${opts.out} would overwrite the source notebook ${nb}; choose another directory`);
    }
  }
  opts.notebooks = [...new Set(opts.notebooks.map((nb) => resolve(nb)))].map((abs) => opts.notebooks.find((nb) => resolve(nb) === abs)!);
  if (opts.token !== undefined && opts.server === undefined) throw new UsageError("--token needs --server URL");
  if (opts.server !== undefined) {
    opts.server = checkServerUrl(opts.server);
    opts.token ??= process.env.JUPYTER_TOKEN ?? "";
  }
  if (!opts.execute && (opts.server !== undefined || opts.kernel !== undefined)) {
    throw new UsageError("--no-execute does not run a kernel, so it takes no --server / --kernel");
  }
  return opts;
}

/**
 * Scratch files a directory argument skips: JupyterLab's new notebooks (Untitled.ipynb,
 * Untitled1.ipynb, ...), hidden files and checkpoint copies (NAME-checkpoint.ipynb).
 */
export function isScratchNotebook(file: string): boolean {
  return file.startsWith(".") || /^Untitled\d*\.ipynb$/i.test(file) || file.endsWith("-checkpoint.ipynb");
}

/** An http(s) server URL without credentials, query or fragment (they would break the API paths), ending in "/". */
export function checkServerUrl(raw: string): string {
  const expected = `--server must be an http(s) URL such as http://127.0.0.1:8888/, got ${JSON.stringify(raw)}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(expected);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(expected);
  if (url.username || url.password) throw new UsageError(`--server must not contain a user name or password (pass the token with --token), got ${JSON.stringify(raw)}`);
  if (url.search || url.hash || raw.includes("?") || raw.includes("#")) {
    throw new UsageError(`--server must be the server's base URL without a query or fragment (pass the token with --token), got ${JSON.stringify(raw)}`);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** Fails early, naming the server, when it cannot be reached or refuses the token. */
async function checkServer(base: string, token: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${base}api/status`, { headers: token ? { Authorization: `token ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach the Jupyter server at ${base} (${cause})`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new Error(`the Jupyter server at ${base} refused the token (HTTP ${res.status}); pass its token with --token or $JUPYTER_TOKEN`);
  }
  if (!res.ok) throw new Error(`the Jupyter server at ${base} answered HTTP ${res.status} to /api/status`);
}

function commonDir(paths: string[]): string {
  const split = paths.map((p) => dirname(resolve(p)).split(sep));
  const first = split[0]!;
  let n = first.length;
  for (const parts of split) {
    let k = 0;
    while (k < n && parts[k] === first[k]) k++;
    n = k;
  }
  return first.slice(0, n).join(sep) || sep;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}




/** A fatal error's message: what went wrong, not where in @jupyterlab/services. */
function describeFatal(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith("Kernel message validation error")) {
    return `the kernel sent a message that breaks the Jupyter protocol, so the run stopped (${message})`;
  }
  return message;
}

/**
 * Creates `out` (one level at a time: Node's recursive mkdir loops forever under /proc) and checks
 * that the reports can be written there, before anything runs.
 */
export function prepareOutDir(out: string, names: string[]): void {
  const abs = resolve(out);
  const missing: string[] = [];
  let dir = abs;
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--out ${out}: ${dir} is not a directory`);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new Error(`--out ${out}: cannot create the directory ${d} (${reason(err)})`);
    }
  }
  const probe = join(abs, `.paramlab-write-check-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (err) {
    throw new Error(`--out ${out}: cannot write in this directory (${reason(err)})`);
  }
  for (const name of names) {
    for (const file of [`${name}.ipynb`, `${name}.html`, "index.html"]) {
      const target = join(abs, file);
      if (existsSync(target) && !statSync(target).isFile()) throw new Error(`--out ${out}: ${target} exists and is not a file`);
    }
  }
}

/** Where the CLI writes; tests pass their own. */
export interface ReportIO {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_IO: ReportIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** `paramlab report ...` (argv after the word "report"); resolves to the process exit code. */
export async function runReportCli(argv: string[], io: ReportIO = PROCESS_IO): Promise<number> {
  let opts: ReportOptions | undefined;
  try {
    opts = parseReportArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`paramlab report: error: ${err.message}\n\n${REPORT_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (!opts) {
    io.out(`${REPORT_USAGE}\n`);
    return 0;
  }
  const options = opts;
  const say = (line: string) => {
    if (!options.quiet) io.out(`${line}\n`);
  };
  const fail = (line: string) => io.err(`${line}\n`);

  // Read every notebook first: a typo in the last one should not cost a full run.
  const sources = new Map<string, Notebook>();
  try {
    for (const path of options.notebooks) sources.set(path, readNotebook(path));
  } catch (err) {
    fail(`paramlab report: error: ${(err as Error).message}`);
    return 2;
  }
  // And check --out before a long run: it must be a directory we can create and write in.
  try {
    prepareOutDir(options.out, options.notebooks.map((nb) => basename(nb, ".ipynb")));
  } catch (err) {
    fail(`paramlab report: error: ${(err as Error).message}`);
    return 2;
  }

  let server: JupyterServer | undefined;
  let kernelspecDir: string | undefined;
  let services: typeof import("@jupyterlab/services") | undefined;
  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
    fail("\nparamlab report: interrupted, stopping the Jupyter server");
    void (server?.stop() ?? Promise.resolve()).finally(() => {
      if (kernelspecDir) rmSync(kernelspecDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const runDate = new Date();
  const index: IndexEntry[] = [];
  let exitCode = 0;
  // @jupyterlab/services logs every websocket it opens with console.debug; keep the progress clean.
  const consoleDebug = console.debug;
  console.debug = () => undefined;
  // Whatever goes wrong during the run, the server, its kernels and the temporary kernelspec are
  // stopped and removed. An exception thrown where nothing can catch it (@jupyterlab/services
  // throws from its websocket handler on a message it finds invalid) ends the run as an error
  // instead of killing the process past the cleanup below.
  let onFatal: (err: unknown) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (onFatal = reject));
  fatal.catch(() => undefined);
  const onUncaught = (err: unknown) => onFatal(err);
  const onRejection = (reason: unknown) => {
    // After a kernel died, @jupyterlab/services rejects its own reconnect() promise with this
    // when the session is disposed; the failing cell has already been reported.
    if (reason instanceof Error && reason.message === "Kernel connection disconnected") return;
    onFatal(reason);
  };
  // The last resort when the process exits anyway (process.exit elsewhere): SIGTERM makes the
  // server shut its kernels down on its own.
  const onExit = () => {
    server?.terminateNow();
    if (kernelspecDir) rmSync(kernelspecDir, { recursive: true, force: true });
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onRejection);
  process.on("exit", onExit);
  let abandoned = false;
  const work = async () => {
    let settings: import("@jupyterlab/services").ServerConnection.ISettings | undefined;
    let rootDir = process.cwd();
    const kernelName = options.kernel;
    if (options.execute) {
      services = await import("@jupyterlab/services");
      if (options.server) {
        const base = options.server.endsWith("/") ? options.server : `${options.server}/`;
        settings = services.ServerConnection.makeSettings({ baseUrl: base, token: options.token ?? "", appendToken: true });
        await checkServer(base, options.token ?? "");
        say(`paramlab report: using the Jupyter server at ${base}`);
      } else {
        // Shadows an installed "paramlab" kernelspec with this build's kernel; other kernels are untouched.
        kernelspecDir = writeTemporaryKernelspec();
        rootDir = commonDir(options.notebooks);
        const started = performance.now();
        server = await JupyterServer.start({ rootDir, jupyterPath: kernelspecDir ? [kernelspecDir] : [] });
        settings = services.ServerConnection.makeSettings({ baseUrl: server.url, token: server.token, appendToken: true });
        say(`paramlab report: started a Jupyter server at ${server.url} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
    }

    for (const [n, path] of options.notebooks.entries()) {
      if (stopRequested) {
        exitCode = 130;
        break;
      }
      const source = sources.get(path)!;
      const name = basename(path, ".ipynb");
      const codeCount = source.cells.filter((c) => c.cell_type === "code").length;
      say(`[${n + 1}/${options.notebooks.length}] ${path} (${codeCount} code cell${codeCount === 1 ? "" : "s"})`);
      let run: NotebookRun;
      if (options.execute) {
        run = await runNotebook(services!, settings!, path, source, {
          rootDir,
          kernelName: kernelName ?? source.metadata.kernelspec?.name ?? "paramlab",
          timeoutMs: options.timeoutSeconds * 1000,
          allowErrors: options.allowErrors,
          say,
        });
      } else {
        run = { notebook: source, failures: [], seconds: 0 };
      }
      if (abandoned) return;
      const ipynbPath = join(options.out, `${name}.ipynb`);
      const htmlPath = join(options.out, `${name}.html`);
      if (options.execute) writeNotebook(ipynbPath, run.notebook);
      const report = await renderNotebookHtml(run.notebook, {
        notebookPath: path,
        runDate: options.execute ? runDate : undefined,
        durationSeconds: options.execute ? run.seconds : undefined,
        indexHref: options.notebooks.length > 1 ? "index.html" : undefined,
        imageRoot: options.imageRoot,
      });
      writeFileSync(htmlPath, report.html);
      index.push({ file: `${name}.html`, title: report.title, summary: report.summary, notebook: basename(path), errors: report.errors });
      const size = formatBytes(Buffer.byteLength(report.html));
      if (run.failures.length) {
        const first = run.failures[0]!;
        const where = `${path}, cell ${first.cellNumber} (code cell ${first.codeCellNumber} of ${first.codeCellCount})`;
        fail(`paramlab report: ${where} failed: ${describeError(first.error)}`);
        let trace = (first.error?.traceback ?? []).join("\n").trim();
        if (!process.stderr.isTTY) trace = stripAnsi(trace);
        if (trace) fail(trace.split("\n").map((l) => `    ${l}`).join("\n"));
        if (first.status === "lost" || run.failures.some((f) => f.status === "lost")) {
          fail(`paramlab report: output was lost, so ${htmlPath} is incomplete`);
          exitCode = 1;
          break;
        }
        if (!options.allowErrors) {
          fail(`paramlab report: stopped; the partial run is in ${htmlPath} and ${ipynbPath}`);
          exitCode = 1;
          break;
        }
        fail(`paramlab report: --allow-errors: ${run.failures.length} failing cell(s) kept in ${htmlPath}`);
      }
      say(`    wrote ${htmlPath} (${size}${report.charts ? `, ${report.charts} chart${report.charts === 1 ? "" : "s"}` : ""})${options.execute ? ` in ${run.seconds.toFixed(1)} s` : ""}`);
    }
    if (index.length > 1 && !options.notebooks.some((p) => basename(p) === "index.ipynb")) {
      writeFileSync(join(options.out, "index.html"), renderIndexHtml(index, runDate));
    }
    if (exitCode === 0 && !stopRequested) {
      const htmlFiles = index.map((e) => join(options.out, e.file));
      say(`paramlab report: ${index.length} report${index.length === 1 ? "" : "s"} in ${resolve(options.out)}${sep}` + (index.length > 1 ? ` (start at ${join(options.out, "index.html")})` : ""));
      if (options.quiet) io.out(`${htmlFiles.join("\n")}\n`);
    }
  };
  try {
    const running = work();
    running.catch(() => undefined); // abandoned when a fatal error wins the race below
    await Promise.race([running, fatal]);
  } catch (err) {
    abandoned = true;
    fail(`paramlab report: error: ${describeFatal(err)}`);
    exitCode = 1;
  } finally {
    console.debug = consoleDebug;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await server?.stop();
    if (kernelspecDir) rmSync(kernelspecDir, { recursive: true, force: true });
    // Rejections are reported once the microtask queue drains: one that happened during the run
    // (e.g. when a dead kernel's session was disposed) may be reported only now.
    await new Promise((r) => setImmediate(r));
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onRejection);
    process.off("exit", onExit);
  }
  return exitCode;
}

// `node dist/kernel/report/cli.js ...` works on its own too (the kernel CLI is the usual way in).
if (require.main === module) {
  runReportCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`paramlab report: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
