/**
 * The WebAssembly SIMD implementation of the RAdam kernel (source: wasm/radam.ts), in front of the
 * JavaScript reference (see wasm_kernel.ts).
 */
import { radamKernel } from "../radam.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One RAdam update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const radamWasm = addWasmImplementation(
  radamKernel,
  "radam",
  ["param", "grad", "exp_avg", "exp_avg_sq"],
  ["param", "exp_avg", "exp_avg_sq"],
  ["lr", "sign", "l2", "decay", "beta1", "beta2", "eps", "bias_correction1", "bias_correction2_sqrt", "rect"],
);
