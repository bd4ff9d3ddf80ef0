/**
 * The WebAssembly SIMD implementation of the NAdam kernel (source: wasm/nadam.ts), in front of the
 * JavaScript reference (see wasm_kernel.ts).
 */
import { nadamKernel } from "../nadam.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One NAdam update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const nadamWasm = addWasmImplementation(
  nadamKernel,
  "nadam",
  ["param", "grad", "exp_avg", "exp_avg_sq"],
  ["param", "exp_avg", "exp_avg_sq"],
  ["sign", "l2", "decay", "beta1", "beta2", "eps", "bias_correction2", "grad_step", "avg_step"],
);
