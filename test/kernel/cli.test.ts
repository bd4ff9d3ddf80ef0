import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { findPython, kernelSpec } from "../../kernel/install.js";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "kernel", "cli.ts");
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 60_000, cwd: ROOT });
}

const debianPython = spawnSync("/usr/bin/python3", ["-c", "import jupyter_client"]).status === 0;

test("paramlab --version prints the package version", () => {
  const r = cli("--version");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `paramlab ${version}`);
});

test("bad input names what was given and what is expected, shows usage, exits non-zero", () => {
  for (const [args, message] of [
    [["frobnicate"], /Unknown command "frobnicate" \(expected install, kernel, report or --version\)/],
    [[], /No command given/],
    [["install", "--usr"], /Unknown option --usr \(expected one of --user, --sys-prefix, --prefix/],
    [["install", "--user", "--sys-prefix"], /Choose one of --user, --sys-prefix, --prefix; got --user and --sys-prefix/],
    [["install", "--prefix"], /--prefix needs a value/],
    [["install", "--user=yes"], /--user takes no value, got "yes"/],
    [["kernel"], /needs --config-path FILE/],
    [["kernel", "--config-path"], /--config-path needs a value/],
    [["kernel", "--config-path", "a.json", "extra"], /Unexpected argument "extra" \(expected one of --config-path\)/],
    [["install", "--name", "a", "--name", "b"], /--name was given twice/],
    [["install", "--prefix", "--user"], /--prefix needs a value/],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: exit ${r.status}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Usage:\n {2}paramlab install/);
  }
});

test("kernel with an unreadable connection file fails clearly", () => {
  const r = cli("kernel", "--config-path", "/nonexistent/kernel-1.json");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Cannot read connection file "\/nonexistent\/kernel-1.json"/);
});

test("install --python with a Python lacking jupyter_client is a clear error", () => {
  const r = cli("install", "--prefix", os.tmpdir(), "--python", "/nonexistent/python3");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--python \/nonexistent\/python3: cannot import jupyter_client/);
});

test("the kernelspec argv uses absolute paths to node and dist/kernel/cli.js", () => {
  const spec = kernelSpec("TypeScript (paramlab)");
  assert.equal(spec.argv[0], process.execPath);
  assert.ok(path.isAbsolute(spec.argv[1]) && spec.argv[1].endsWith(path.join("dist", "kernel", "cli.js")));
  assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
  assert.equal(spec.language, "typescript");
  assert.equal(spec.interrupt_mode, "signal");
});

test("install --prefix writes the kernelspec through the Python that has jupyter_client", { skip: debianPython ? false : "no /usr/bin/python3 with jupyter_client" }, () => {
  // PATH's python3 may lack jupyter_client; auto-detection must still find one.
  assert.ok(findPython());
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "paramlab-prefix-"));
  try {
    const r = cli("install", "--prefix", prefix, "--name", "paramlab-x", "--display-name", "TS (x)");
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(prefix, "share", "jupyter", "kernels", "paramlab-x", "kernel.json");
    assert.match(r.stdout, /Installed the paramlab kernelspec in .*paramlab-x/);
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    assert.equal(spec.display_name, "TS (x)");
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
    // Jupyter itself finds it.
    const list = spawnSync("/usr/bin/python3", ["-c", "import json,sys; from jupyter_client.kernelspec import KernelSpecManager as M; m=M(); m.kernel_dirs.insert(0, sys.argv[1]); print(json.dumps(sorted(m.find_kernel_specs())))", path.join(prefix, "share", "jupyter", "kernels")], { encoding: "utf8" });
    assert.ok(JSON.parse(list.stdout).includes("paramlab-x"), list.stdout + list.stderr);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
