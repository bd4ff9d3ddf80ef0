/**
 * The WebAssembly SIMD implementation of the SGD kernel (source: wasm/sgd.ts), in front of the
 * JavaScript reference (see wasm_kernel.ts).
 */
import { sgdKernel } from "../sgd.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One SGD update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const sgdWasm = addWasmImplementation(
  sgdKernel,
  "sgd",
  ["param", "grad", "momentum_buffer"],
  ["param", "momentum_buffer"],
  ["lr", "sign", "l2", "momentum", "dampening", "nesterov", "first"],
);
