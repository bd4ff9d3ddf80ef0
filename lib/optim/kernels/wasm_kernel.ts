/**
 * Registers a WebAssembly SIMD implementation ("wasm-simd") of an optimizer kernel: the export
 * `fn(ptr0, ..., ptr4, count, ...scalars)` of dist/wasm/<module>.wasm (source wasm/<module>.ts),
 * run over the worker pool by runWasmMap, which passes arrays in the shared wasm memory in place
 * and stages the others. Float32 throughout in PyTorch's order, so it agrees with the JavaScript
 * reference to float32 precision (the parity suites hold both to PyTorch) and gives the same bits
 * for any thread count. The reference stays behind it for when wasm is unavailable.
 */
import { runWasmMap } from "../../tensor/parallel.js";
import { wasmExports } from "../../tensor/wasm.js";
import { addKernelImplementation, type Kernel, type KernelArrays, type KernelScalars } from "../parallel.js";

/**
 * Adds `module`'s wasm kernel in front of `kernel`'s implementations. `arrays` lists the array
 * keys in the wasm function's pointer order (up to 5; `null` pads), `writes` the keys it updates,
 * `scalars` the scalar names in its parameter order.
 */
export function addWasmImplementation<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  module: string,
  arrays: ReadonlyArray<"param" | "grad" | A | null>,
  writes: ReadonlyArray<"param" | A>,
  scalars: readonly S[],
): (a: KernelArrays<A>, s: KernelScalars<S>) => number {
  const keys = [...arrays, null, null, null, null, null].slice(0, 5);
  let mask = 0;
  keys.forEach((k, i) => {
    if (k !== null && (writes as readonly string[]).includes(k)) mask |= 1 << i;
  });
  const run = (a: KernelArrays<A>, s: KernelScalars<S>) =>
    runWasmMap(
      module,
      module,
      keys.map((k) => (k === null ? null : ((a as Record<string, Float32Array | null>)[k] ?? null))),
      mask,
      scalars.map((k) => s[k]),
    );
  addKernelImplementation(kernel, {
    name: "wasm-simd",
    // runWasmMap splits the call over the worker pool itself.
    threaded: false,
    accepts: () => wasmExports(module) !== null,
    run: (a, s) => {
      run(a, s);
    },
  });
  return run;
}
