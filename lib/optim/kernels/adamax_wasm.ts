/**
 * The WebAssembly SIMD implementation of the Adamax kernel (source: wasm/adamax.ts), in front of the
 * JavaScript reference (see wasm_kernel.ts).
 */
import { adamaxKernel } from "../adamax.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One Adamax update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const adamaxWasm = addWasmImplementation(
  adamaxKernel,
  "adamax",
  ["param", "grad", "exp_avg", "exp_inf"],
  ["param", "exp_avg", "exp_inf"],
  ["sign", "l2", "clr", "beta1", "beta2", "eps"],
);
