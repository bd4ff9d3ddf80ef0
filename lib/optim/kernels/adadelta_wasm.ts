/**
 * The WebAssembly SIMD implementation of the Adadelta kernel (source: wasm/adadelta.ts), in front of the
 * JavaScript reference (see wasm_kernel.ts).
 */
import { adadeltaKernel } from "../adadelta.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One Adadelta update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const adadeltaWasm = addWasmImplementation(
  adadeltaKernel,
  "adadelta",
  ["param", "grad", "square_avg", "acc_delta"],
  ["param", "square_avg", "acc_delta"],
  ["lr", "sign", "l2", "rho", "eps"],
);
