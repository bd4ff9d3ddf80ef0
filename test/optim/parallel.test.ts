import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { nn, optim, Tensor, zeros } from "../../lib/index.js";
import { adamKernel } from "../../lib/optim/adam_kernel.js";
import { addKernelImplementation, getNumThreads, PARALLEL_MIN_ELEMENTS, runKernel, setNumThreads } from "../../lib/optim/parallel.js";
import { assertThrowsMessage } from "../util.js";
import { REGISTRY } from "./registry.js";

const N = 3 * PARALLEL_MIN_ELEMENTS + 5; // not a multiple of the slice size

/** Deterministic values with varied magnitudes and signs (no RNG needed). */
function fill(data: Float32Array, seed: number) {
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + seed) * (1 + (i % 7));
}

type AnyOptimizer = new (params: optim.ParamsInput, options?: Record<string, unknown>) => optim.Optimizer;

function run(threads: number, make: () => Tensor, options: Record<string, unknown>, Cls: AnyOptimizer = optim.Adam as never) {
  const previous = setNumThreads(threads);
  try {
    const p = new nn.Parameter(make());
    fill(p.data, 1);
    const opt = new Cls([p], options);
    for (let step = 0; step < 3; step++) {
      const g = make();
      fill(g.data, step + 2);
      p.grad = g;
      opt.step();
    }
    return { p, state: opt.state.get(p)! };
  } finally {
    setNumThreads(previous);
  }
}

/** The array's own bytes (its buffer may be the whole shared wasm memory). */
function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function assertIdentical(a: ReturnType<typeof run>, b: ReturnType<typeof run>) {
  assert.ok(bytes(a.p.data).equals(bytes(b.p.data)), "params differ");
  for (const key of Object.keys(b.state)) {
    const x = a.state[key];
    const y = b.state[key];
    if (x instanceof Tensor && y instanceof Tensor) {
      assert.ok(bytes(x.data).equals(bytes(y.data)), `state ${key} differs`);
    } else assert.equal(x, y);
  }
}

const variants: Array<[string, Record<string, unknown>, AnyOptimizer]> = [
  ["Adam defaults", { lr: 1e-2 }, optim.Adam as never],
  ["Adam amsgrad maximize L2 weight decay", { lr: 1e-2, amsgrad: true, maximize: true, weight_decay: 0.1 }, optim.Adam as never],
  ["AdamW weight decay", { lr: 1e-2, weight_decay: 0.1 }, optim.AdamW as never],
  // Every other optimizer, with the options that create all of its state, plus L2 decay and maximize.
  ...REGISTRY.filter((e) => e.name !== "Adam" && e.name !== "AdamW").map(
    (e): [string, Record<string, unknown>, AnyOptimizer] => [`${e.name} ${JSON.stringify(e.options)}`, { ...e.options, weight_decay: 0.05, maximize: true }, e.cls],
  ),
];

for (const [name, options, Cls] of variants) {
  test(`${name}: the multi-threaded fast path gives bit-identical params and state to the plain loop`, () => {
    const shared = () => zeros(N);
    assert.ok(shared().data.buffer instanceof SharedArrayBuffer, "large tensors use shared storage");
    assertIdentical(run(3, shared, options, Cls), run(1, shared, options, Cls));
  });
}

test("runKernel splits shared storage across threads and falls back for ordinary memory", () => {
  const previous = setNumThreads(2);
  try {
    const s = { sign: 1, l2: 0, decay: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, step_size: 1e-2, bias_correction2_sqrt: 0.03 };
    const arrays = (make: () => Float32Array) => ({ param: make(), grad: make(), exp_avg: make(), exp_avg_sq: make(), max_exp_avg_sq: null });
    // The JavaScript reference; the wasm implementation splits its calls itself (kernels/adam_wasm.test.ts).
    const js = { implementation: "js" };
    assert.equal(runKernel(adamKernel, arrays(() => zeros(N).data), s, js), 2);
    assert.equal(runKernel(adamKernel, arrays(() => new Float32Array(N)), s, js), 1);
    assert.equal(runKernel(adamKernel, arrays(() => zeros(1000).data), s, js), 1);
  } finally {
    setNumThreads(previous);
  }
});

test("Adam on a parameter whose storage is not shared memory falls back cleanly to the same result", () => {
  const unshared = () => new Tensor(new Float32Array(N), [N]);
  assert.ok(!(unshared().data.buffer instanceof SharedArrayBuffer));
  assertIdentical(run(2, unshared, { lr: 1e-2, amsgrad: true }), run(1, () => zeros(N), { lr: 1e-2, amsgrad: true }));
});

test("setNumThreads rejects a non-positive or fractional count", () => {
  assertThrowsMessage(() => setNumThreads(0), RangeError, "setNumThreads(): expected a positive integer, got 0");
  assertThrowsMessage(() => setNumThreads(1.5), RangeError, "setNumThreads(): expected a positive integer, got 1.5");
  assert.ok(getNumThreads() >= 1);
});

test("a script that used the worker pool exits on its own (idle workers do not keep Node alive)", () => {
  const script = `
    const { nn, optim, zeros } = require(${JSON.stringify(require.resolve("../../lib/index.ts"))});
    const p = new nn.Parameter(zeros(${N}));
    p.grad = zeros(${N}).fill_(0.5);
    new optim.Adam([p], { lr: 0.1 }).step();
    console.log(p.data[0]);
  `;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 20_000 });
  // First Adam step moves every element by -lr * sign(grad) (m_hat / sqrt(v_hat) = 1, eps aside).
  assert.equal(Math.abs(Number(out.trim()) + 0.1) < 1e-6, true, out);
});

test("setNumThreads is public (torch.set_num_threads) and rejects a count that is not a positive integer", async () => {
  const lib = await import("../../lib/index.js");
  assert.equal(lib.setNumThreads, setNumThreads);
  assert.throws(() => lib.setNumThreads(0), (e: unknown) => e instanceof RangeError && e.message === "setNumThreads(): expected a positive integer, got 0");
  assert.throws(() => lib.setNumThreads(1.5), RangeError);
  const previous = lib.setNumThreads(1);
  assert.equal(lib.getNumThreads(), 1);
  lib.setNumThreads(previous);
});

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
    assertThrowsMessage(() => runKernel(adamKernel, arrays(10), s, { implementation: "wasm" }), RangeError, "kernel 'adam' has no implementation 'wasm' (has test-alt, wasm-simd, js)");
  } finally {
    undo();
  }
  assert.deepEqual(adamKernel.implementations.map((i) => i.name), ["wasm-simd", "js"]);
});
