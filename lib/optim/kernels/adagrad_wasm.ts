/**
 * The WebAssembly SIMD implementation of the Adagrad kernel (source: wasm/adagrad.ts), in front of
 * the JavaScript reference (see wasm_kernel.ts).
 */
import { adagradKernel } from "../adagrad.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One Adagrad update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const adagradWasm = addWasmImplementation(
  adagradKernel,
  "adagrad",
  ["param", "grad", "sum"],
  ["param", "sum"],
  ["sign", "l2", "clr", "eps"],
);
