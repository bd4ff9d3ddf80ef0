/**
 * The WebAssembly SIMD optimizer kernels against their JavaScript references: agreement to
 * float32 precision on large arrays (every option that changes the math), the same bits on 1-3
 * threads, and the JavaScript fallback replaying PyTorch's trajectories with wasm switched off
 * (the per-optimizer parity suites run on the wasm kernels).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import "../../../lib/index.js"; // registers the wasm implementations
import { adamKernel } from "../../../lib/optim/adam_kernel.js";
import { runKernel, setNumThreads, type Kernel } from "../../../lib/optim/parallel.js";
import { sgdKernel } from "../../../lib/optim/sgd.js";
import { adagradKernel } from "../../../lib/optim/adagrad.js";
import { rmspropKernel } from "../../../lib/optim/rmsprop.js";
import { adamaxKernel } from "../../../lib/optim/adamax.js";
import { nadamKernel } from "../../../lib/optim/nadam.js";
import { radamKernel } from "../../../lib/optim/radam.js";
import { adadeltaKernel } from "../../../lib/optim/adadelta.js";
import { allocateStorage } from "../../../lib/tensor/tensor.js";
import { setWasmEnabled, wasmAddress, wasmExports } from "../../../lib/tensor/wasm.js";
import { assertClose } from "../../util.js";
import { parityTests } from "../fixtures.js";

const N = 300_001; // several staging chunks and claims, and a tail that is not a multiple of 4

function fill(a: Float32Array, seed: number, scale = 1) {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * (1 + (i % 7)) * scale;
}

/** The array's own bytes (its buffer may be the whole shared wasm memory). */
function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

type Scalars = Record<string, number>;
interface Case {
  name: string;
  kernel: Kernel;
  module: string;
  /** State arrays to allocate (the others stay null). */
  state: string[];
  /** The kernel's scalars at step 1, 2, 3, as the optimizer base class computes them. */
  scalars: (step: number) => Scalars;
  optimizers: string[];
}

function adam(o: { lr?: number; betas?: [number, number]; eps?: number; wd?: number; decoupled?: boolean; maximize?: boolean }) {
  return (step: number): Scalars => {
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
  };
}

function sgd(o: { momentum?: number; dampening?: number; nesterov?: boolean; wd?: number; maximize?: boolean }) {
  return (step: number): Scalars => ({
    lr: 0.05,
    sign: o.maximize ? -1 : 1,
    l2: o.wd ?? 0,
    momentum: o.momentum ?? 0,
    dampening: o.dampening ?? 0,
    nesterov: o.nesterov ? 1 : 0,
    first: step === 1 ? 1 : 0,
  });
}

function adagrad(o: { lr_decay?: number; wd?: number; maximize?: boolean }) {
  return (step: number): Scalars => ({ sign: o.maximize ? -1 : 1, l2: o.wd ?? 0, clr: 0.05 / (1 + (step - 1) * (o.lr_decay ?? 0)), eps: 1e-10 });
}

function rmsprop(o: { momentum?: number; wd?: number; maximize?: boolean; alpha?: number }) {
  return (): Scalars => ({ lr: 0.01, sign: o.maximize ? -1 : 1, l2: o.wd ?? 0, alpha: o.alpha ?? 0.99, eps: 1e-8, momentum: o.momentum ?? 0 });
}

const common = (o: { wd?: number; decoupled?: boolean; maximize?: boolean }, lr = 0.01) => ({
  sign: o.maximize ? -1 : 1,
  l2: o.decoupled ? 0 : (o.wd ?? 0),
  decay: o.decoupled ? 1 - lr * (o.wd ?? 0) : 1,
});

// Scalars with the shape the optimizers give them (values need not be a real schedule: both
// implementations get the same ones).
const adamax = (o: { wd?: number; maximize?: boolean }) => (step: number): Scalars => ({
  sign: o.maximize ? -1 : 1, l2: o.wd ?? 0, clr: 0.002 / (1 - 0.9 ** step), beta1: 0.9, beta2: 0.999, eps: 1e-8,
});
const nadam = (o: { wd?: number; decoupled?: boolean; maximize?: boolean }) => (step: number): Scalars => ({
  ...common(o), beta1: 0.9, beta2: 0.999, eps: 1e-8, bias_correction2: 1 - 0.999 ** step, grad_step: -0.002 * step, avg_step: -0.01,
});
const radam = (o: { wd?: number; decoupled?: boolean; maximize?: boolean }) => (step: number): Scalars => ({
  lr: 0.01, ...common(o), beta1: 0.9, beta2: 0.999, eps: 1e-8, bias_correction1: 1 - 0.9 ** step,
  bias_correction2_sqrt: Math.sqrt(1 - 0.999 ** step), rect: step === 1 ? 0 : 0.3 * step, // unrectified, then rectified
});
const adadelta = (o: { wd?: number; maximize?: boolean }) => (): Scalars => ({ lr: 1, sign: o.maximize ? -1 : 1, l2: o.wd ?? 0, rho: 0.9, eps: 1e-6 });

const CASES: Case[] = [
  { name: "Adam defaults", kernel: adamKernel as Kernel, module: "adam", state: ["exp_avg", "exp_avg_sq"], scalars: adam({}), optimizers: ["Adam"] },
  {
    name: "Adam amsgrad maximize L2",
    kernel: adamKernel as Kernel,
    module: "adam",
    state: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    scalars: adam({ wd: 0.1, maximize: true, betas: [0.8, 0.99], eps: 1e-6 }),
    optimizers: [],
  },
  { name: "AdamW decoupled decay", kernel: adamKernel as Kernel, module: "adam", state: ["exp_avg", "exp_avg_sq"], scalars: adam({ wd: 0.1, decoupled: true }), optimizers: ["AdamW"] },
  { name: "SGD plain", kernel: sgdKernel as Kernel, module: "sgd", state: [], scalars: sgd({}), optimizers: ["SGD"] },
  { name: "SGD momentum dampening L2 maximize", kernel: sgdKernel as Kernel, module: "sgd", state: ["momentum_buffer"], scalars: sgd({ momentum: 0.9, dampening: 0.1, wd: 0.01, maximize: true }), optimizers: [] },
  { name: "SGD nesterov", kernel: sgdKernel as Kernel, module: "sgd", state: ["momentum_buffer"], scalars: sgd({ momentum: 0.9, nesterov: true }), optimizers: [] },
  { name: "Adagrad", kernel: adagradKernel as Kernel, module: "adagrad", state: ["sum"], scalars: adagrad({}), optimizers: ["Adagrad"] },
  { name: "Adagrad lr_decay L2 maximize", kernel: adagradKernel as Kernel, module: "adagrad", state: ["sum"], scalars: adagrad({ lr_decay: 0.1, wd: 0.05, maximize: true }), optimizers: [] },
  { name: "RMSprop", kernel: rmspropKernel as Kernel, module: "rmsprop", state: ["square_avg"], scalars: rmsprop({}), optimizers: ["RMSprop"] },
  {
    name: "RMSprop centered momentum L2 maximize",
    kernel: rmspropKernel as Kernel,
    module: "rmsprop",
    state: ["square_avg", "grad_avg", "momentum_buffer"],
    scalars: rmsprop({ momentum: 0.9, wd: 0.05, maximize: true, alpha: 0.9 }),
    optimizers: [],
  },
  { name: "Adamax", kernel: adamaxKernel as Kernel, module: "adamax", state: ["exp_avg", "exp_inf"], scalars: adamax({}), optimizers: ["Adamax"] },
  { name: "Adamax L2 maximize", kernel: adamaxKernel as Kernel, module: "adamax", state: ["exp_avg", "exp_inf"], scalars: adamax({ wd: 0.1, maximize: true }), optimizers: [] },
  { name: "NAdam", kernel: nadamKernel as Kernel, module: "nadam", state: ["exp_avg", "exp_avg_sq"], scalars: nadam({}), optimizers: ["NAdam"] },
  { name: "NAdam decoupled maximize", kernel: nadamKernel as Kernel, module: "nadam", state: ["exp_avg", "exp_avg_sq"], scalars: nadam({ wd: 0.1, decoupled: true, maximize: true }), optimizers: [] },
  { name: "RAdam", kernel: radamKernel as Kernel, module: "radam", state: ["exp_avg", "exp_avg_sq"], scalars: radam({}), optimizers: ["RAdam"] },
  { name: "RAdam L2 maximize", kernel: radamKernel as Kernel, module: "radam", state: ["exp_avg", "exp_avg_sq"], scalars: radam({ wd: 0.1, maximize: true }), optimizers: [] },
  { name: "Adadelta", kernel: adadeltaKernel as Kernel, module: "adadelta", state: ["square_avg", "acc_delta"], scalars: adadelta({}), optimizers: ["Adadelta"] },
  { name: "Adadelta L2 maximize", kernel: adadeltaKernel as Kernel, module: "adadelta", state: ["square_avg", "acc_delta"], scalars: adadelta({ wd: 0.1, maximize: true }), optimizers: [] },
];

function trajectory(c: Case, implementation: string): Record<string, Float32Array | null> {
  const arrays: Record<string, Float32Array | null> = { param: allocateStorage(N), grad: allocateStorage(N) };
  for (const k of c.kernel.state) arrays[k] = c.state.includes(k) ? allocateStorage(N) : null;
  fill(arrays.param!, 1);
  for (let step = 1; step <= 3; step++) {
    fill(arrays.grad!, step + 2, 0.1);
    runKernel(c.kernel, arrays as never, c.scalars(step) as never, { implementation });
  }
  return arrays;
}

test("the wasm kernels are built, load, and sit in front of the JavaScript references", () => {
  for (const c of CASES) assert.notEqual(wasmExports(c.module), null, `dist/wasm/${c.module}.wasm (npm run build)`);
  for (const k of new Set(CASES.map((c) => c.kernel))) assert.deepEqual(k.implementations.map((i) => i.name), ["wasm-simd", "js"]);
});

for (const c of CASES) {
  test(`${c.name}: the wasm kernel agrees with the JavaScript reference to float32 precision`, () => {
    const wasm = trajectory(c, "wasm-simd");
    const js = trajectory(c, "js");
    // atol: a float32 ulp or two at the arrays' magnitude (about 1), where sums cancel near zero.
    for (const k of ["param", ...c.state]) assertClose(wasm[k]!, js[k]!, { rtol: 1e-5, atol: 1e-6, what: k });
  });

  test(`${c.name}: the wasm kernel gives the same bits on 1, 2 and 3 threads`, () => {
    const at = (threads: number) => {
      const previous = setNumThreads(threads);
      try {
        return trajectory(c, "wasm-simd");
      } finally {
        setNumThreads(previous);
      }
    };
    const one = at(1);
    for (const t of [2, 3]) {
      const other = at(t);
      for (const k of ["param", ...c.state]) assert.ok(bytes(one[k]!).equals(bytes(other[k]!)), `${k} differs at ${t} threads`);
    }
  });
}

test("SGD's wasm kernel: its 16-element loop gives the scalar tail's bits for every combination of options", () => {
  // The main loop is specialised per combination of options; calls of one element run only the
  // scalar tail, the same elements in one call run the loop (all but the last 7).
  const sgdWasm = wasmExports("sgd")!.sgd as (...args: number[]) => void;
  const n = (1 << 16) + 16 * 40 + 7; // storage this large lives in the wasm memory
  const combos: string[] = [];
  for (const momentum of [0, 0.9]) {
    for (const first of momentum ? [1, 0] : [0]) {
      for (const nesterov of momentum ? [1, 0] : [0]) {
        for (const l2 of [0, 0.01]) {
          for (const sign of [1, -1]) {
            const run = (perElement: boolean) => {
              const [p, g, b] = [0, 1, 2].map((i) => {
                const a = allocateStorage(n);
                fill(a, i);
                return a;
              });
              const [pp, gp, bp] = [p, g, b].map((a) => wasmAddress(a));
              assert.ok(pp >= 0 && gp >= 0 && bp >= 0, "arrays in the wasm memory");
              const call = (at: number, count: number) =>
                sgdWasm(pp + 4 * at, gp + 4 * at, momentum ? bp + 4 * at : 0, 0, 0, count, 0.05, sign, l2, momentum, 0.1, nesterov, first);
              if (perElement) for (let i = 0; i < n; i++) call(i, 1);
              else call(0, n);
              return [p, b];
            };
            const [loopP, loopB] = run(false);
            const [tailP, tailB] = run(true);
            const what = `momentum ${momentum} first ${first} nesterov ${nesterov} l2 ${l2} sign ${sign}`;
            assert.ok(bytes(loopP).equals(bytes(tailP)), `param: ${what}`);
            assert.ok(bytes(loopB).equals(bytes(tailB)), `momentum_buffer: ${what}`);
            const start = new Float32Array(n);
            fill(start, 0);
            assert.ok(!bytes(loopP).equals(bytes(start)), `param moved: ${what}`);
            combos.push(what);
          }
        }
      }
    }
  }
  assert.equal(combos.length, 4 + 16);
});

// The parity suites (test/optim/*.test.ts) run on the wasm kernels; here the fallback replays them.
describe("JavaScript fallback (wasm switched off)", () => {
  before(() => {
    assert.equal(setWasmEnabled(false), true);
    assert.equal(wasmExports("adam"), null);
  });
  after(() => setWasmEnabled(true));
  for (const name of new Set(CASES.flatMap((c) => c.optimizers))) parityTests(name);
});
