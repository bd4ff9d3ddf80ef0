/**
 * The WebAssembly SIMD implementation of the RMSprop kernel (source: wasm/rmsprop.ts), in front of
 * the JavaScript reference (see wasm_kernel.ts).
 */
import { rmspropKernel } from "../rmsprop.js";
import { addWasmImplementation } from "./wasm_kernel.js";

/** One RMSprop update of all elements on the wasm kernel; the number of threads used (0: unavailable). */
export const rmspropWasm = addWasmImplementation(
  rmspropKernel,
  "rmsprop",
  ["param", "grad", "square_avg", "grad_avg", "momentum_buffer"],
  ["param", "square_avg", "grad_avg", "momentum_buffer"],
  ["lr", "sign", "l2", "alpha", "eps", "momentum"],
);
