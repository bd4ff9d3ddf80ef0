/**
 * The report runner end to end against a real Jupyter server, with Debian's Python kernel
 * (ipykernel): checks execution, output collection (streams, display updates across cells,
 * errors), stop-on-error, --allow-errors and the per-cell timeout independently of the paramlab
 * kernel. Skipped when no `jupyter server` is installed.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { runReportCli } from "../../kernel/report/cli.js";
import { findJupyter, JupyterServer } from "../../kernel/report/server.js";
import type { Notebook } from "../../kernel/report/notebook.js";

const CLI = join(__dirname, "..", "..", "kernel", "cli.ts");

let jupyter: string | undefined;
try {
  jupyter = findJupyter();
} catch {
  jupyter = undefined;
}
const skip = jupyter ? false : "no `jupyter server` installed (Debian: jupyter-server python3-ipykernel)";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "paramlab-exec-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function pythonNotebook(name: string, cells: string[]): string {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
    cells: cells.map((source) =>
      source.startsWith("# md\n")
        ? { cell_type: "markdown", metadata: {}, source: source.slice(5) }
        : { cell_type: "code", metadata: {}, source, execution_count: null, outputs: [] },
    ),
  };
  const path = join(dir, `${name}.ipynb`);
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

/** A port nothing listens on (just released by the OS). */
function closedPort(): Promise<number> {
  return new Promise((resolvePort) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolvePort(port));
    });
  });
}

async function run(argv: string[]) {
  let out = "";
  let err = "";
  // No --kernel: each notebook runs on its own kernelspec (python3 here).
  const code = await runReportCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const CELLS = [
  "# md\n# Python run",
  "import os, sys\nprint(os.path.basename(os.getcwd()))\nprint('warn', file=sys.stderr)\n6 * 7",
  "from IPython.display import display, HTML\nh = display(HTML('<b>first</b>'), display_id=True)",
  "h.update(HTML('<b>second</b>'))\nfor i in range(3): print(i)",
  "",
  "raise ValueError('broken <here>')",
  "print('after the error')",
];

test("executes every cell in the notebook's directory and writes NAME.ipynb and NAME.html", { skip, timeout: 120_000 }, async () => {
  const path = pythonNotebook("ok", CELLS.slice(0, 5));
  const out = join(dir, "out-ok");
  const { code, out: stdout, err } = await run([path, "--out", out]);
  assert.equal(code, 0, err);
  assert.match(stdout, /started a Jupyter server at http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(stdout, /cell 1\/4 ok/);
  assert.match(stdout, /cell 4\/4 empty/);
  const nb = JSON.parse(readFileSync(join(out, "ok.ipynb"), "utf8")) as Notebook;
  const code1 = nb.cells[1]!;
  assert.equal(code1.cell_type, "code");
  if (code1.cell_type !== "code") return;
  assert.equal(code1.execution_count, 1);
  assert.deepEqual(code1.outputs, [
    { output_type: "stream", name: "stdout", text: [`${dir.split("/").pop()}\n`] },
    { output_type: "stream", name: "stderr", text: ["warn\n"] },
    { output_type: "execute_result", execution_count: 1, data: { "text/plain": ["42"] }, metadata: {} },
  ]);
  // update_display_data from cell 3 rewrote cell 2's output; streams of one cell merged.
  const display = nb.cells[2]!.cell_type === "code" ? nb.cells[2]!.outputs[0] : undefined;
  assert.deepEqual(display && "data" in display ? display.data["text/html"] : undefined, ["<b>second</b>"]);
  assert.ok(!("transient" in (display ?? {})), "transient ids are not saved");
  const stream = nb.cells[3]!.cell_type === "code" ? nb.cells[3]!.outputs : [];
  assert.deepEqual(stream, [{ output_type: "stream", name: "stdout", text: ["0\n", "1\n", "2\n"] }]);
  assert.equal(nb.metadata.language_info?.name, "python");
  const html = readFileSync(join(out, "ok.html"), "utf8");
  assert.match(html, /<b>second<\/b>/);
  assert.match(html, /All cells ran without errors/);
});

test("a failing cell stops the run with the notebook, cell number and error, exit 1", { skip, timeout: 120_000 }, async () => {
  const path = pythonNotebook("fails", CELLS);
  const out = join(dir, "out-fail");
  const { code, out: stdout, err } = await run([path, "--out", out]);
  assert.equal(code, 1);
  assert.match(err, new RegExp(`paramlab report: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, cell 6 \\(code cell 5 of 6\\) failed: ValueError: broken <here>`));
  assert.match(err, /stopped; the partial run is in/);
  assert.doesNotMatch(stdout, /cell 6\/6/);
  const nb = JSON.parse(readFileSync(join(out, "fails.ipynb"), "utf8")) as Notebook;
  const last = nb.cells[6]!;
  assert.ok(last.cell_type === "code" && last.outputs.length === 0 && last.execution_count === null, "later cells not run");
});

test("--allow-errors runs on past the failing cell, keeps the error in the report and exits 0", { skip, timeout: 120_000 }, async () => {
  const path = pythonNotebook("allowed", CELLS);
  const out = join(dir, "out-allow");
  const { code, err } = await run([path, "--out", out, "--allow-errors"]);
  assert.equal(code, 0);
  assert.match(err, /--allow-errors: 1 failing cell\(s\) kept in/);
  const nb = JSON.parse(readFileSync(join(out, "allowed.ipynb"), "utf8")) as Notebook;
  const last = nb.cells[6]!;
  assert.ok(last.cell_type === "code");
  if (last.cell_type === "code") assert.deepEqual(last.outputs, [{ output_type: "stream", name: "stdout", text: ["after the error\n"] }]);
  const html = readFileSync(join(out, "allowed.html"), "utf8");
  assert.match(html, /1 cell failed/);
  assert.match(html, /ValueError/);
});

test("--timeout interrupts a cell that runs too long and reports it", { skip, timeout: 120_000 }, async () => {
  const path = pythonNotebook("slow", ["import time\ntime.sleep(60)", "print('not reached')"]);
  const started = Date.now();
  const { code, err } = await run([path, "--out", join(dir, "out-slow"), "--timeout", "2"]);
  assert.equal(code, 1);
  assert.ok(Date.now() - started < 40_000, "did not wait for the cell");
  assert.match(err, /cell 1 \(code cell 1 of 2\) failed: CellTimeoutError: cell 1 did not finish within 2 s/);
});

test("--server URL --token T runs on a server started elsewhere and leaves it running", { skip, timeout: 120_000 }, async () => {
  const server = await JupyterServer.start({ rootDir: dir });
  try {
    const path = pythonNotebook("remote", ["import os\nprint(os.path.basename(os.getcwd()))", "1 + 1"]);
    const out = join(dir, "out-remote");
    const { code, out: stdout, err } = await run([path, "--out", out, "--server", server.url, "--token", server.token, "--kernel", "python3"]);
    assert.equal(code, 0, err);
    assert.match(stdout, new RegExp(`using the Jupyter server at ${server.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const nb = JSON.parse(readFileSync(join(out, "remote.ipynb"), "utf8")) as Notebook;
    const outputs = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
    assert.equal(outputs.length, 2);
    const status = await fetch(`${server.url}api/status`, { headers: { Authorization: `token ${server.token}` } });
    assert.equal(status.status, 200, "the server is still up");
    const kernels = (await (await fetch(`${server.url}api/kernels`, { headers: { Authorization: `token ${server.token}` } })).json()) as unknown[];
    assert.deepEqual(kernels, [], "the report shut its kernel down");
  } finally {
    await server.stop();
  }
});

test("a wrong token or an unreachable server is reported as an error naming the server, exit 1", { skip, timeout: 120_000 }, async () => {
  const server = await JupyterServer.start({ rootDir: dir });
  try {
    const path = pythonNotebook("denied", ["1"]);
    const { code, err } = await run([path, "--out", join(dir, "out-denied"), "--server", server.url, "--token", "wrong"]);
    assert.equal(code, 1);
    assert.equal(err, `paramlab report: error: the Jupyter server at ${server.url} refused the token (HTTP 403); pass its token with --token or $JUPYTER_TOKEN\n`);
    const port = await closedPort();
    const down = await run([path, "--out", join(dir, "out-down"), "--server", `http://127.0.0.1:${port}/`, "--token", "t"]);
    assert.equal(down.code, 1);
    assert.equal(down.err, `paramlab report: error: cannot reach the Jupyter server at http://127.0.0.1:${port}/ (ECONNREFUSED)\n`);
  } finally {
    await server.stop();
  }
});

test("the server report starts has no IOPub rate limit: 100,000 printed lines and a 10 MB print arrive whole", { skip, timeout: 240_000 }, async () => {
  // On the paramlab kernel (ipykernel itself drops messages past ZeroMQ's high-water mark when
  // each line is flushed on its own). Before the fix 24k-54k of the lines arrived.
  const path = pythonNotebook("flood", ["for (let i = 0; i < 100000; i++) console.log(i)", 'console.log("x".repeat(10_000_000))']);
  const nbFile = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  nbFile.metadata.kernelspec = { name: "paramlab", display_name: "TypeScript (paramlab)", language: "typescript" };
  writeFileSync(path, JSON.stringify(nbFile));
  const out = join(dir, "out-flood");
  const { code, err } = await run([path, "--out", out, "--timeout", "200"]);
  assert.equal(code, 0, err);
  const nb = JSON.parse(readFileSync(join(out, "flood.ipynb"), "utf8")) as Notebook;
  // Summaries, not the strings: a failing diff of 10 MB would take minutes to print.
  const summary = nb.cells.map((c) =>
    (c.cell_type === "code" ? c.outputs : []).map((o) => {
      const text = o.output_type === "stream" ? (o.text as string[]).join("") : JSON.stringify(o);
      return { type: o.output_type, name: "name" in o ? o.name : undefined, chars: text.length, lines: text.split("\n").length - 1, head: text.slice(0, 40) };
    }),
  );
  const expectedLines = Array.from({ length: 100000 }, (_, i) => `${i}\n`).join("");
  assert.deepEqual(summary, [
    [{ type: "stream", name: "stdout", chars: expectedLines.length, lines: 100000, head: expectedLines.slice(0, 40) }],
    [{ type: "stream", name: "stdout", chars: 10_000_001, lines: 1, head: "x".repeat(40) }],
  ]);
  const [lines, big] = nb.cells.map((c) => (c.cell_type === "code" ? (c.outputs[0] as { text: string[] }).text.join("") : ""));
  assert.ok(lines === expectedLines, "every line, in order");
  assert.ok(big === `${"x".repeat(10_000_000)}\n`, "the 10 MB line whole");
});

test("--server: a server that drops output (IOPub data rate exceeded) fails the run loudly, even with --allow-errors", { skip, timeout: 180_000 }, async () => {
  // Jupyter's defaults (1 MB/s over 3 s), as on a server someone started by hand.
  const server = await JupyterServer.start({
    rootDir: dir,
    extraArgs: ["--ServerApp.limit_rate=True", "--ServerApp.iopub_data_rate_limit=1000000", "--ServerApp.iopub_msg_rate_limit=1000"],
  });
  try {
    const path = pythonNotebook("limited", ["print('x' * 10_000_000)", "print('next')"]);
    const out = join(dir, "out-limited");
    // jupyter_server 1.23 with ipykernel 6.17 (Debian 12) sometimes loses the whole 10 MB stream
    // without its notice (seen 4 runs in 8, also before paramlab touched this path): the report
    // then receives busy, execute_input, idle and nothing else, and cannot know output existed.
    // Such a run is retried; what is tested is the report's answer to the notice.
    let code = 0;
    let err = "";
    for (let attempt = 0; attempt < 6; attempt++) {
      ({ code, err } = await run([path, "--out", out, "--server", server.url, "--token", server.token, "--allow-errors"]));
      const nb = JSON.parse(readFileSync(join(out, "limited.ipynb"), "utf8")) as Notebook;
      const first = nb.cells[0];
      if (code !== 0 || first.cell_type !== "code" || first.outputs.length !== 0) break;
    }
    assert.equal(code, 1, err);
    assert.match(err, /cell 1 \(code cell 1 of 2\) failed: OutputLostError: the Jupyter server dropped output of this cell \(IOPub data rate exceeded\)/);
    assert.match(err, /--ServerApp\.iopub_data_rate_limit=0/);
    assert.match(err, /output was lost, so .*limited\.html is incomplete/);
    assert.match(readFileSync(join(out, "limited.html"), "utf8"), /OutputLostError/);
  } finally {
    await server.stop();
  }
});

/** Processes whose command line mentions `needle` (e.g. a server's root directory). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

test("a crash during the run (kernel killed, invalid kernel message) still stops the server, its kernels and the temporary kernelspec", { skip, timeout: 240_000 }, async () => {
  const root = join(dir, "crash");
  const tmp = join(dir, "crash-tmp");
  const runtime = join(dir, "crash-runtime"); // kernels' connection files: in their command lines
  mkdirSync(root);
  mkdirSync(tmp);
  const cases: Array<[string, string[], RegExp]> = [
    ["killed", ["print(1)", "import os; os._exit(1)", "print(2)"], /KernelError: the kernel stopped while running this cell/],
    [
      "invalid",
      ["k = get_ipython().kernel\nk.session.send(k.iopub_socket, 'error', {'ename': {}, 'evalue': 7, 'traceback': []}, parent=k.get_parent('shell'))\nimport time; time.sleep(1)", "print(2)"],
      /the kernel sent a message that breaks the Jupyter protocol, so the run stopped \(Kernel message validation error/,
    ],
  ];
  for (const [name, cells, message] of cases) {
    const path = pythonNotebook(name, cells).replace(dir, root);
    renameSync(join(dir, `${name}.ipynb`), path);
    // The real CLI in its own process: its exit is what must not leave anything behind.
    const child = spawnSync(process.execPath, ["--import", "tsx", CLI, "report", path, "--out", join(root, `out-${name}`), "--timeout", "60"], {
      encoding: "utf8",
      timeout: 150_000,
      env: { ...process.env, TMPDIR: tmp, JUPYTER_RUNTIME_DIR: runtime },
    });
    assert.equal(child.status, 1, `${name}: ${child.stderr}`);
    assert.match(child.stderr, message, name);
    assert.doesNotMatch(child.stderr, /^\s+at /m, `${name}: no stack trace of an uncaught error`);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith("paramlab-kernelspec-")), [], `${name}: temporary kernelspec removed`);
    // The server (its root is `root`) and any kernel it started are gone.
    const deadline = Date.now() + 10_000;
    while (processesMentioning(root).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(processesMentioning(root), [], `${name}: no server left`);
    assert.deepEqual(processesMentioning(runtime), [], `${name}: no kernel left`);
  }
});
