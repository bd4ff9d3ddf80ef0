import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARG_MESSAGES } from "../../kernel/args.js";
import { MAX_TIMEOUT_SECONDS, parseReportArgs, REPORT_USAGE, runReportCli } from "../../kernel/report/cli.js";

const FIXTURE = join(__dirname, "fixtures", "sample.ipynb");

/** Runs the CLI in-process, capturing what it writes. */
async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runReportCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const REPORT_FLAGS = ["--out/-o", "--server", "--token", "--kernel", "--timeout", "--allow-errors", "--no-execute", "--image-root", "--quiet/-q", "--help/-h"];

const BAD_INPUT: Array<[string[], string]> = [
  [[], "no notebooks given (expected one or more .ipynb files)"],
  [[FIXTURE], "--out DIR is required (the directory for the .ipynb and .html reports)"],
  [[FIXTURE, "--out"], "--out needs a value"],
  [[FIXTURE, "--out", "x", "--frobnicate"], ARG_MESSAGES.unknownOption("--frobnicate", REPORT_FLAGS)],
  [[FIXTURE, "--out", "x", "-z"], ARG_MESSAGES.unknownOption("-z", REPORT_FLAGS)],
  [[FIXTURE, "--out", "--quiet"], "--out needs a value"],
  [[FIXTURE, "-o"], "-o needs a value"],
  [[FIXTURE, "--out="], "--out needs a value"],
  [[FIXTURE, "--out", "x", "--out", "y"], ARG_MESSAGES.givenTwice("--out")],
  [[FIXTURE, "--out", "x", "--kernel="], "--kernel needs a value"],
  [[FIXTURE, "--out", "x", "--timeout", "0x10"], '--timeout must be a positive number of seconds, got "0x10"'],
  [[FIXTURE, "--out", "x", "--timeout", "0"], '--timeout must be a positive number of seconds, got "0"'],
  [[FIXTURE, "--out", "x", "--timeout", "Infinity"], '--timeout must be a positive number of seconds, got "Infinity"'],
  // setTimeout fires at once for delays over 2^31 - 1 ms: a huge timeout must not mean "no time".
  [[FIXTURE, "--out", "x", "--timeout", "3000000"], `--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), got "3000000"`],
  [[FIXTURE, "--out", "x", "--server", "ftp://127.0.0.1:8888/"], '--server must be an http(s) URL such as http://127.0.0.1:8888/, got "ftp://127.0.0.1:8888/"'],
  [[FIXTURE, "--out", "x", "--server", "http://127.0.0.1:8888/?token=abc"], '--server must be the server\'s base URL without a query or fragment (pass the token with --token), got "http://127.0.0.1:8888/?token=abc"'],
  [[FIXTURE, "--out", "x", "--server", "http://me:pw@127.0.0.1:8888/"], '--server must not contain a user name or password (pass the token with --token), got "http://me:pw@127.0.0.1:8888/"'],
  [[FIXTURE, "--out", "x", "--timeout", "soon"], '--timeout must be a positive number of seconds, got "soon"'],
  [[FIXTURE, "--out", "x", "--timeout=-1"], '--timeout must be a positive number of seconds, got "-1"'],
  [[FIXTURE, "--out", "x", "--timeout", "-1"], "--timeout needs a value"],
  [["notes.txt", "--out", "x"], '"notes.txt" is not a notebook (expected a .ipynb file or a directory of them)'],
  [[join(__dirname, "..", "..", "kernel"), "--out", "x"], `no notebooks (.ipynb) in the directory ${join(__dirname, "..", "..", "kernel")} (scratch notebooks Untitled*.ipynb and checkpoints are skipped)`],
  [["missing.ipynb", "--out", "x"], "notebook not found: missing.ipynb"],
  [[FIXTURE, "--out", "x", "--token", "t"], "--token needs --server URL"],
  [[FIXTURE, "--out", "x", "--server", "localhost:8888"], '--server must be an http(s) URL such as http://127.0.0.1:8888/, got "localhost:8888"'],
  [[FIXTURE, "--out", join(__dirname, "fixtures")], `--out ${join(__dirname, "fixtures")} would overwrite the source notebook ${FIXTURE}; choose another directory`],
  [[FIXTURE, "--out", "x", "--image-root", "/nonexistent/dir"], '--image-root must be an existing directory, got "/nonexistent/dir"'],
  [[FIXTURE, "--out", "x", "--allow-errors=yes"], ARG_MESSAGES.takesNoValue("--allow-errors", "yes")],
  [[FIXTURE, "--out", "x", "--no-execute", "--kernel", "python3"], "--no-execute does not run a kernel, so it takes no --server / --kernel"],
];

for (const [argv, message] of BAD_INPUT) {
  test(`paramlab report ${argv.join(" ") || "(no arguments)"} exits 2 with "${message}" and the usage`, async () => {
    const { code, out, err } = await capture(argv);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.equal(err, `paramlab report: error: ${message}\n\n${REPORT_USAGE}\n`);
  });
}

test("two notebooks with the same file name are refused (their reports would collide)", () => {
  const other = join(__dirname, "fixtures", "dup", "sample.ipynb");
  assert.throws(() => parseReportArgs([FIXTURE, other, "--out", "x"]), /notebook not found|both named sample\.ipynb/);
});

test("a directory stands for the notebooks in it, in name order", () => {
  const opts = parseReportArgs([join(__dirname, "fixtures"), "--out", "x"])!;
  assert.deepEqual(opts.notebooks, [FIXTURE]);
});

test("--help prints the usage and exits 0", async () => {
  const { code, out } = await capture(["--help"]);
  assert.equal(code, 0);
  assert.equal(out, `${REPORT_USAGE}\n`);
});

test("options parse with spaces or =, and the same notebook given twice runs once", () => {
  const opts = parseReportArgs([FIXTURE, "-o", "dir", "--timeout", "2.5", "--allow-errors", FIXTURE, "--server=http://127.0.0.1:1", "--token", "abc"])!;
  assert.deepEqual(opts, {
    notebooks: [FIXTURE],
    out: "dir",
    timeoutSeconds: 2.5,
    allowErrors: true,
    execute: true,
    quiet: false,
    server: "http://127.0.0.1:1/",
    token: "abc",
  });
});

test("a file that is not a notebook is reported by name before anything runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paramlab-cli-"));
  try {
    const bad = join(dir, "bad.ipynb");
    require("node:fs").writeFileSync(bad, '{"cells": 3, "nbformat": 4}');
    const { code, err } = await capture([bad, "--out", join(dir, "out")]);
    assert.equal(code, 2);
    assert.equal(err, `paramlab report: error: ${bad} is not a notebook: "cells" is missing or not an array\n`);
    assert.ok(!existsSync(join(dir, "out")), "nothing written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--no-execute exports saved outputs to DIR/NAME.html without a kernel", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paramlab-cli-"));
  try {
    const { code, out } = await capture([FIXTURE, "--out", dir, "--no-execute"]);
    assert.equal(code, 0, out);
    const html = readFileSync(join(dir, "sample.html"), "utf8");
    assert.match(html, /<title>Fixture &lt;script&gt;alert\(1\)&lt;\/script&gt; report<\/title>/);
    assert.match(html, /Not re-executed/);
    assert.ok(!existsSync(join(dir, "sample.ipynb")), "no executed notebook without execution");
    assert.match(out, /\[1\/1\] .*sample\.ipynb \(4 code cells\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh temporary directory for one test, removed afterwards. */
async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "paramlab-cli-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MINIMAL_NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: "markdown", metadata: {}, source: "# Plain\n\nNo charts here." }],
});

test("--out is checked before anything runs: under /proc (where a recursive mkdir never returns), a file, a directory in a report's place", async () => {
  await withDir(async (dir) => {
    writeFileSync(join(dir, "file"), "");
    mkdirSync(join(dir, "taken", "sample.html"), { recursive: true });
    const cases: Array<[string, string]> = [
      ["/proc/paramlab-x/y", "--out /proc/paramlab-x/y: cannot create the directory /proc/paramlab-x (ENOENT)"],
      ["/proc", "--out /proc: cannot write in this directory (ENOENT)"],
      [join(dir, "file", "sub"), `--out ${join(dir, "file", "sub")}: ${join(dir, "file")} is not a directory`],
      [join(dir, "taken"), `--out ${join(dir, "taken")}: ${join(dir, "taken", "sample.html")} exists and is not a file`],
    ];
    for (const [out, message] of cases) {
      const started = Date.now();
      // Without --no-execute: the check must come before a server would start.
      const { code, err } = await capture([FIXTURE, "--out", out]);
      assert.equal(code, 2, out);
      assert.equal(err, `paramlab report: error: ${message}\n`);
      assert.ok(Date.now() - started < 5000, `${out}: answered at once`);
    }
  });
});

test("a binary file given as a notebook is named as such; none of its bytes reach the terminal", async () => {
  await withDir(async (dir) => {
    const bin = join(dir, "image.ipynb");
    writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0xff]));
    const { code, err } = await capture([bin, "--out", join(dir, "out")]);
    assert.equal(code, 2);
    assert.equal(err, `paramlab report: error: ${bin} is not a notebook: it is a binary file, not UTF-8 JSON text\n`);
    // Text that is not JSON: the parser's message quotes it, with control characters escaped.
    writeFileSync(bin, "\u001b[2J\u0007 not json");
    const text = await capture([bin, "--out", join(dir, "out")]);
    assert.equal(text.code, 2);
    assert.match(text.err, /is not a notebook: invalid JSON/);
    assert.doesNotMatch(text.err, /[\u0000-\u0009\u000b-\u001f]/, "no control characters printed");
  });
});

test("the index links notebooks whose names hold # or ?, and the footer names Vega-Lite only on pages with charts", async () => {
  await withDir(async (dir) => {
    const names = ["run #1", "what?", "100%"];
    for (const name of names) writeFileSync(join(dir, `${name}.ipynb`), MINIMAL_NOTEBOOK);
    const out = join(dir, "out");
    const { code, err } = await capture([...names.map((n) => join(dir, `${n}.ipynb`)), "--out", out, "--no-execute"]);
    assert.equal(code, 0, err);
    const index = readFileSync(join(out, "index.html"), "utf8");
    const hrefs = [...index.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]!);
    // Each href, resolved as a browser does against the index, is the report file.
    assert.deepEqual(hrefs.map((h) => decodeURIComponent(new URL(h, "file:///r/index.html").pathname.slice(3))), names.map((n) => `${n}.html`));
    for (const name of names) {
      assert.ok(existsSync(join(out, `${name}.html`)));
      assert.doesNotMatch(readFileSync(join(out, `${name}.html`), "utf8"), /Vega-Lite/);
    }
    const charts = await capture([FIXTURE, "--out", join(dir, "charts"), "--no-execute"]);
    assert.equal(charts.code, 0);
    assert.match(readFileSync(join(dir, "charts", "sample.html"), "utf8"), /Charts: Vega-Lite, inlined/);
  });
});

test("a directory argument skips scratch notebooks (Untitled*.ipynb) and checkpoints", async () => {
  await withDir((dir) => {
    for (const f of ["Untitled.ipynb", "Untitled3.ipynb", "analysis-checkpoint.ipynb", ".hidden.ipynb", "analysis.ipynb", "Untitled notes.ipynb"]) {
      writeFileSync(join(dir, f), MINIMAL_NOTEBOOK);
    }
    mkdirSync(join(dir, ".ipynb_checkpoints"));
    writeFileSync(join(dir, ".ipynb_checkpoints", "analysis-checkpoint.ipynb"), MINIMAL_NOTEBOOK);
    const opts = parseReportArgs([dir, "--out", join(dir, "out")])!;
    assert.deepEqual(opts.notebooks, [join(dir, "Untitled notes.ipynb"), join(dir, "analysis.ipynb")]);
    // Named explicitly, a scratch notebook is still run.
    assert.deepEqual(parseReportArgs([join(dir, "Untitled.ipynb"), "--out", "x"])!.notebooks, [join(dir, "Untitled.ipynb")]);
  });
});
