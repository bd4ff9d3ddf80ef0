import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { adamKernel } from "../../../lib/optim/adam_kernel.js";
import { adamWasm } from "../../../lib/optim/kernels/adam_wasm.js";
import { runKernel, setNumThreads } from "../../../lib/optim/parallel.js";
import { allocateStorage } from "../../../lib/tensor/tensor.js";
import { setWasmEnabled, wasmExports } from "../../../lib/tensor/wasm.js";
import { assertClose } from "../../util.js";
import { parityTests } from "../fixtures.js";

const N = 300_001; // several staging chunks and claims, and a tail that is not a multiple of 4

function fill(a: Float32Array, seed: number, scale = 1) {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * (1 + (i % 7)) * scale;
}

/** The kernel's named scalars at `step`, as the optimizer base class computes them. */
function scalars(o: { lr?: number; betas?: [number, number]; eps?: number; wd?: number; decoupled?: boolean; maximize?: boolean }, step: number) {
  const lr = o.lr ?? 1e-2;
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const wd = o.wd ?? 0;
  return {
    sign: o.maximize ? -1 : 1,
    l2: o.decoupled ? 0 : wd,
    decay: o.decoupled ? 1 - lr * wd : 1,
    beta1,
    beta2,
    eps: o.eps ?? 1e-8,
    step_size: lr / (1 - beta1 ** step),
    bias_correction2_sqrt: Math.sqrt(1 - beta2 ** step),
  };
}

/** The array's own bytes (its buffer may be the whole shared wasm memory). */
function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

type Arrays = { param: Float32Array; grad: Float32Array; exp_avg: Float32Array; exp_avg_sq: Float32Array; max_exp_avg_sq: Float32Array | null };
const KEYS = ["param", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"] as const;

function arrays(amsgrad: boolean): Arrays {
  const a = [0, 1, 2, 3].map(() => allocateStorage(N));
  fill(a[0], 1);
  return { param: a[0], grad: a[1], exp_avg: a[2], exp_avg_sq: a[3], max_exp_avg_sq: amsgrad ? allocateStorage(N) : null };
}

function steps(run: (a: Arrays, s: ReturnType<typeof scalars>) => unknown, o: Parameters<typeof scalars>[0], amsgrad: boolean): Arrays {
  const a = arrays(amsgrad);
  for (let step = 1; step <= 3; step++) {
    fill(a.grad, step + 2, 0.1);
    run(a, scalars(o, step));
  }
  return a;
}

const options: Array<[string, Parameters<typeof scalars>[0], boolean]> = [
  ["defaults", {}, false],
  ["amsgrad maximize L2", { wd: 0.1, maximize: true, betas: [0.8, 0.99], eps: 1e-6 }, true],
  ["decoupled (AdamW)", { wd: 0.1, decoupled: true }, false],
];

test("the Adam wasm kernel is built and runs (npm run build compiles wasm/adam.ts)", () => {
  assert.notEqual(wasmExports("adam"), null);
  assert.ok(adamWasm(arrays(false), scalars({}, 1)) > 0);
  assert.equal(adamKernel.implementations[0].name, "wasm-simd", "registered in front of the JavaScript reference");
});

for (const [name, o, amsgrad] of options) {
  test(`Adam ${name}: the wasm kernel agrees with the JavaScript kernel to float32 precision`, () => {
    const wasm = steps((a, s) => runKernel(adamKernel, a, s, { implementation: "wasm-simd" }), o, amsgrad);
    const js = steps((a, s) => runKernel(adamKernel, a, s, { implementation: "js" }), o, amsgrad);
    for (const k of KEYS) if (js[k]) assertClose(wasm[k]!, js[k]!, { rtol: 1e-5, atol: 1e-7, what: k });
  });

  test(`Adam ${name}: the wasm kernel gives the same bits on 1, 2 and 3 threads`, () => {
    const at = (threads: number) => {
      const previous = setNumThreads(threads);
      try {
        return steps((a, s) => adamWasm(a, s), o, amsgrad);
      } finally {
        setNumThreads(previous);
      }
    };
    const one = at(1);
    for (const t of [2, 3]) {
      const other = at(t);
      for (const k of KEYS) if (one[k]) assert.ok(bytes(one[k]!).equals(bytes(other[k]!)), `${k} differs at ${t} threads`);
    }
  });
}

// The parity suites (test/optim/adam*.test.ts) run on the wasm kernel; here the fallback replays them.
describe("JavaScript fallback (wasm switched off)", () => {
  before(() => {
    assert.equal(setWasmEnabled(false), true);
    assert.equal(wasmExports("adam"), null);
  });
  after(() => setWasmEnabled(true));
  parityTests("Adam");
  parityTests("AdamW");
});
