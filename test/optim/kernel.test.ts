/** Kernel declaration and per-call choice of implementation (lib/optim/kernel.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { adamKernel } from "../../lib/optim/adam_kernel.js";
import { addKernelImplementation, runKernel } from "../../lib/optim/kernel.js";
import { assertThrowsMessage } from "../util.js";

test("runKernel names a missing scalar or a wrong-length array instead of computing NaN", () => {
  const arrays = { param: new Float32Array(4), grad: new Float32Array(4), exp_avg: new Float32Array(4), exp_avg_sq: new Float32Array(3), max_exp_avg_sq: null };
  const s = { sign: 1, l2: 0, decay: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, step_size: 1e-2, bias_correction2_sqrt: 0.03 };
  assertThrowsMessage(() => runKernel(adamKernel, arrays, s), RangeError, "kernel 'adam': array 'exp_avg_sq' must be a Float32Array of length 4 or null");
  arrays.exp_avg_sq = new Float32Array(4);
  const { eps: _eps, ...noEps } = s;
  assertThrowsMessage(() => runKernel(adamKernel, arrays, noEps as never), TypeError, "kernel 'adam': scalar 'eps' must be a number, got undefined");
});

test("a kernel runs the first implementation that accepts the call, or the one named; removing it restores the reference", () => {
  const calls: string[] = [];
  const undo = addKernelImplementation(adamKernel, {
    name: "test-alt",
    threaded: false,
    accepts: (_a, n) => n < 100,
    run: (a, s, start, end) => {
      calls.push(`alt ${start}-${end}`);
      adamKernel.implementations[adamKernel.implementations.length - 1].run(a, s, start, end);
    },
  });
  try {
    const s = { sign: 1, l2: 0, decay: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, step_size: 1e-2, bias_correction2_sqrt: 0.03 };
    const arrays = (n: number) => ({ param: new Float32Array(n), grad: new Float32Array(n).fill(1), exp_avg: new Float32Array(n), exp_avg_sq: new Float32Array(n), max_exp_avg_sq: null });
    runKernel(adamKernel, arrays(10), s);
    runKernel(adamKernel, arrays(200), s);
    runKernel(adamKernel, arrays(200), s, { implementation: "test-alt" });
    runKernel(adamKernel, arrays(10), s, { implementation: "js" });
    assert.deepEqual(calls, ["alt 0-10", "alt 0-200"]);
    assertThrowsMessage(() => runKernel(adamKernel, arrays(10), s, { implementation: "wasm" }), RangeError, "kernel 'adam' has no implementation 'wasm' (has test-alt, js)");
  } finally {
    undo();
  }
  assert.deepEqual(adamKernel.implementations.map((i) => i.name), ["js"]);
});
