/**
 * Jupyter's own kernel test suite (jupyter_kernel_test, from Debian's python3-jupyter-kernel-test)
 * against the paramlab kernel: test/kernel/kernel_test_suite.py fills in every optional sample,
 * and runs here under /usr/bin/python3 with a private kernelspec.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { jupyterEnv, KERNEL_NAME } from "./jupyter.js";

const PYTHON = process.env.PARAMLAB_PYTHON ?? "/usr/bin/python3";
const SUITE = path.join(__dirname, "kernel_test_suite.py");
const available = spawnSync(PYTHON, ["-c", "import jupyter_kernel_test"], { stdio: "ignore", timeout: 30_000 }).status === 0;

test("Jupyter's kernel test suite passes, every optional sample filled in", { skip: available ? false : `${PYTHON} has no jupyter_kernel_test (apt-get install python3-jupyter-kernel-test)`, timeout: 300_000 }, async () => {
  const { env, dir, notebooks } = jupyterEnv();
  try {
    const child = spawn(PYTHON, [SUITE, "-v"], { cwd: notebooks, env: { ...env, PARAMLAB_KERNEL_NAME: KERNEL_NAME }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, `jupyter_kernel_test failed:\n${out}`);
    // Every test of the suite (0.4.5 has these twelve) ran and passed; none (and no subtest)
    // skipped for a missing sample: unittest would end with "OK (skipped=n)".
    const passed = [...out.matchAll(/^(test_\w+) \(.*\) \.\.\. ok$/gm)].map((m) => m[1]);
    for (const name of ["test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_completion", "test_is_complete", "test_pager", "test_error", "test_execute_result", "test_display_data", "test_history", "test_inspect", "test_clear_output"]) {
      assert.ok(passed.includes(name), `${name} did not pass:\n${out}`);
    }
    assert.match(out, /^OK$/m, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
