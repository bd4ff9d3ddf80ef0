/**
 * The WebAssembly SIMD implementation ("wasm-simd") of the Adam / AdamW kernel (source:
 * wasm/adam.ts; float32 throughout, in PyTorch's order of operations). Registered in front of the
 * JavaScript reference when this module loads; it takes every call when the wasm module is
 * available and splits the work across the worker pool itself (runWasmMap), updating arrays in
 * the shared wasm memory in place and staging others.
 */
import { runWasmMap } from "../../tensor/parallel.js";
import { wasmExports } from "../../tensor/wasm.js";
import { adamKernel } from "../adam_kernel.js";
import { addKernelImplementation, type KernelArrays, type KernelScalars } from "../parallel.js";

type AdamArrays = KernelArrays<(typeof adamKernel.state)[number]>;
type AdamScalars = KernelScalars<(typeof adamKernel.scalars)[number]>;

/** Arrays the update writes, as bits of [param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq]. */
const WRITES = 0b11101;

/** One Adam update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export function adamWasm(a: AdamArrays, s: AdamScalars): number {
  return runWasmMap(
    "adam",
    "adam",
    [a.param, a.grad, a.exp_avg, a.exp_avg_sq, a.max_exp_avg_sq],
    WRITES,
    [s.sign, s.l2, s.decay, s.beta1, s.beta2, s.eps, s.step_size, s.bias_correction2_sqrt],
  );
}

addKernelImplementation(adamKernel, {
  name: "wasm-simd",
  // runWasmMap splits the call over the pool itself.
  threaded: false,
  accepts: () => wasmExports("adam") !== null,
  run: (a, s) => {
    adamWasm(a, s);
  },
});
