import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { adamKernel } from "../../../lib/optim/adam_kernel.js";
import { runAdam } from "../../../lib/optim/kernels/adam_wasm.js";
import { setNumThreads } from "../../../lib/optim/parallel.js";
import { runWasmMap } from "../../../lib/tensor/parallel.js";
import { allocateStorage } from "../../../lib/tensor/tensor.js";
import { setWasmEnabled, wasmExports } from "../../../lib/tensor/wasm.js";
import { assertClose } from "../../util.js";
import { parityTests } from "../fixtures.js";

const N = 300_001; // several staging chunks and claims, and a tail that is not a multiple of 4

function fill(a: Float32Array, seed: number, scale = 1) {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * (1 + (i % 7)) * scale;
}

/** [lr, beta1, beta2, eps, weight_decay, decoupled, maximize, step_size, sqrt(bias_correction2)] at `step`. */
function scalars(o: { lr?: number; betas?: [number, number]; eps?: number; wd?: number; decoupled?: boolean; maximize?: boolean }, step: number) {
  const lr = o.lr ?? 1e-2;
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  return new Float64Array([lr, b1, b2, o.eps ?? 1e-8, o.wd ?? 0, o.decoupled ? 1 : 0, o.maximize ? 1 : 0, lr / (1 - b1 ** step), Math.sqrt(1 - b2 ** step)]);
}

/** The array's own bytes (its buffer may be the whole shared wasm memory). */
function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

type Arrays = [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array | null];

function arrays(amsgrad: boolean): Arrays {
  const a = [0, 1, 2, 3].map(() => allocateStorage(N));
  fill(a[0], 1);
  return [a[0], a[1], a[2], a[3], amsgrad ? allocateStorage(N) : null];
}

function steps(run: (a: Arrays, s: Float64Array) => unknown, o: Parameters<typeof scalars>[0], amsgrad: boolean): Arrays {
  const a = arrays(amsgrad);
  for (let step = 1; step <= 3; step++) {
    fill(a[1], step + 2, 0.1);
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
  const a = arrays(false);
  assert.ok(runWasmMap("adam", "adam", a, 0b11101, Array.from(scalars({}, 1))) > 0);
});

for (const [name, o, amsgrad] of options) {
  test(`Adam ${name}: the wasm kernel agrees with the JavaScript kernel to float32 precision`, () => {
    const wasm = steps((a, s) => runAdam(a, s), o, amsgrad);
    const js = steps((a, s) => adamKernel(a[0], a[1], a[2], a[3], a[4], 0, N, s), o, amsgrad);
    for (const i of [0, 2, 3, 4]) if (js[i]) assertClose(wasm[i]!, js[i]!, { rtol: 1e-5, atol: 1e-7, what: `array ${i}` });
  });

  test(`Adam ${name}: the wasm kernel gives the same bits on 1, 2 and 3 threads`, () => {
    const at = (threads: number) => {
      const previous = setNumThreads(threads);
      try {
        return steps((a, s) => runAdam(a, s), o, amsgrad);
      } finally {
        setNumThreads(previous);
      }
    };
    const one = at(1);
    for (const t of [2, 3]) {
      const other = at(t);
      for (const i of [0, 2, 3, 4]) if (one[i]) assert.ok(bytes(one[i]!).equals(bytes(other[i]!)), `array ${i} differs at ${t} threads`);
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
