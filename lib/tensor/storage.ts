/**
 * Where tensor storage lives. Small tensors: ordinary memory. Tensors of at least
 * `SHARED_STORAGE_MIN_ELEMENTS` elements: the shared WebAssembly memory (`wasm.ts`), so the
 * WebAssembly kernels work on them in place and worker threads share them; beyond the budget
 * (`setWasmStorageBudget`), or without WebAssembly, a `SharedArrayBuffer` of their own (the
 * JavaScript kernels and the worker pool work on both).
 *
 * A block in the wasm memory is freed when its `Float32Array` is garbage-collected
 * (FinalizationRegistry). That happens between tasks, not inside one long synchronous loop; the
 * budget bounds what such a loop can take before later tensors fall back to their own buffers.
 * Because blocks are views of one memory, `t.data.buffer` is that whole memory: use
 * `t.data.byteOffset` / `byteLength` with it, and keep the tensor's own `data` array (not only a
 * `subarray` of it) for as long as the storage is used.
 */
import { wasmAlloc, wasmDirtyTop, wasmFree, wasmView } from "./wasm.js";

/**
 * Storage at or above this many elements is shared memory (wasm or `SharedArrayBuffer`), so that
 * worker threads can update it in place (see `lib/tensor/parallel.ts`).
 */
export const SHARED_STORAGE_MIN_ELEMENTS = 1 << 16;

let budget = 1 << 30;
let used = 0;
const sizes = new Map<number, number>();
const registry = new FinalizationRegistry<number>((ptr) => {
  used -= sizes.get(ptr) ?? 0;
  sizes.delete(ptr);
  wasmFree(ptr);
});

/**
 * Sets how many bytes of tensor storage may live in the shared WebAssembly memory (default
 * 1 GiB; 0 keeps all storage in ordinary buffers, disabling the in-place wasm kernels). The
 * memory itself never shrinks. Returns the previous budget.
 */
export function setWasmStorageBudget(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`setWasmStorageBudget(): expected a non-negative integer number of bytes, got ${bytes}`);
  const previous = budget;
  budget = bytes;
  return previous;
}

function allocateWasm(n: number): Float32Array | null {
  const bytes = 4 * n;
  if (used + bytes > budget) return null;
  const clean = wasmDirtyTop();
  const ptr = wasmAlloc(bytes);
  if (ptr === null) return null;
  const view = wasmView(ptr, n);
  // Reused memory holds old values; memory never handed out is still zero (not touched: on some
  // machines first touch of a page is slow, and zeros() should not pay it twice).
  if (ptr < clean) view.fill(0, 0, Math.min(n, Math.ceil((clean - ptr) / 4)));
  sizes.set(ptr, bytes);
  used += bytes;
  registry.register(view, ptr);
  return view;
}

/** Allocates zeroed float32 storage for `n` elements. */
export function allocateStorage(n: number): Float32Array {
  if (n >= SHARED_STORAGE_MIN_ELEMENTS) return allocateWasm(n) ?? new Float32Array(new SharedArrayBuffer(n * 4));
  return new Float32Array(n);
}
