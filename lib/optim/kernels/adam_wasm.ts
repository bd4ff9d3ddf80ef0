/**
 * Adam / AdamW on the WebAssembly SIMD kernel (source: wasm/adam.ts, float32 in PyTorch's order),
 * split across the worker pool; the JavaScript kernel (`adam_kernel.ts`) is the fallback when
 * WebAssembly is unavailable. Same arrays and scalars as `adamKernel`.
 */
import { runWasmMap } from "../../tensor/parallel.js";
import { adamKernel } from "../adam_kernel.js";
import { runKernel } from "../parallel.js";

/** Arrays the update writes, as bits of [param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq]. */
const WRITES = 0b11101;

/**
 * One Adam update of all elements: `arrays` = [param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq
 * or null], `scalars` as `adamKernel` documents. Returns the number of threads used.
 */
export function runAdam(arrays: [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array | null], scalars: Float64Array): number {
  return runWasmMap("adam", "adam", arrays, WRITES, Array.from(scalars)) || runKernel(adamKernel, arrays, scalars);
}
