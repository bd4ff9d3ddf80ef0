/**
 * The WebAssembly SIMD implementation of the Adam / AdamW kernel (source: wasm/adam.ts), in front
 * of the JavaScript reference (see wasm_kernel.ts).
 */
import { adamKernel } from "../adam_kernel.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One Adam update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const adamWasm = addWasmImplementation(
  adamKernel,
  "adam",
  ["param", "grad", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
  ["param", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
  ["sign", "l2", "decay", "beta1", "beta2", "eps", "step_size", "bias_correction2_sqrt"],
);
