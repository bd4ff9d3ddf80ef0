/**
 * The WebAssembly side of paramlab's kernels: one shared `WebAssembly.Memory` (SIMD + threads, up
 * to 4 GiB) that every kernel module imports and every worker thread maps, the compiled modules
 * (`dist/wasm/<name>.wasm`, built from `wasm/<name>.ts` by `npm run build`), and a small allocator
 * for the scratch buffers kernels work in.
 *
 * Everything here degrades: when the binaries are missing (e.g. running from a source checkout
 * that was never built), WebAssembly SIMD / shared memory are unavailable, or `PARAMLAB_WASM=0` is
 * set, `wasmExports()` returns null and callers take their plain JavaScript path.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";

// The few WebAssembly JS-API types used here (lib "ES2022" and @types/node do not declare them).
/** A shared `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled `WebAssembly.Module` (opaque here; posted to workers as is). */
export type WasmModule = { readonly __wasmModule?: never };
/** An instance's exported functions. */
export type WasmExports = Record<string, (...args: number[]) => number | void>;
interface WebAssemblyApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: WasmExports };
}
const WA = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** Maximum pages the modules declare (65536 x 64 KiB = 4 GiB, wasm32's limit). */
const MAX_PAGES = 65536;
const PAGE = 65536;
/** Allocations are aligned to cache lines; the first 64 KiB stay unused (null pointers). */
const ALIGN = 64;
const HEAP_START = PAGE;

let memory: WasmMemory | null | undefined;
const modules = new Map<string, WasmModule | null>();
const instances = new Map<string, WasmExports>();
// Free list (sorted by address) and live allocations of the scratch allocator.
let free: Array<{ ptr: number; size: number }> = [];
const live = new Map<number, number>();
let heap: Float32Array | null = null;
/** Highest byte address ever allocated: memory above it has never been written (still zero). */
let dirtyTop = 0;

/** Bytes at and above this address have never been handed out, so they are still zero. */
export function wasmDirtyTop(): number {
  return dirtyTop;
}

let enabled = process.env.PARAMLAB_WASM !== "0";

function disabled(): boolean {
  return !enabled;
}

/**
 * Turns the WebAssembly kernels on or off for this thread (off = the JavaScript kernels, as with
 * `PARAMLAB_WASM=0`); returns the previous setting. For comparisons and tests.
 */
export function setWasmEnabled(flag: boolean): boolean {
  const previous = enabled;
  enabled = flag;
  return previous;
}

/** Where the built binaries are: dist/wasm, seen from lib/tensor (tsx) or dist/lib/tensor. */
function wasmFile(name: string): string | null {
  for (const dir of [join(__dirname, "..", "..", "wasm"), join(__dirname, "..", "..", "dist", "wasm")]) {
    const file = join(dir, `${name}.wasm`);
    if (existsSync(file)) return file;
  }
  return null;
}

/** The shared memory all kernels use, or null when WebAssembly threads are unavailable. */
export function wasmMemory(): WasmMemory | null {
  if (memory !== undefined) return memory;
  if (disabled() || WA === undefined) return (memory = null);
  try {
    memory = new WA.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    free = [{ ptr: HEAP_START, size: 16 * PAGE - HEAP_START }];
  } catch {
    memory = null;
  }
  return memory;
}

/** Whether the process chose V8's wasm tiers itself (command line or NODE_OPTIONS). */
const ownTierFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => /liftoff|wasm-lazy|wasm-tier|wasm-dynamic/.test(a));

/**
 * Compiles a kernel module with V8's optimizing compiler, all functions at once. By default V8
 * compiles each wasm function at its first call with its baseline compiler (Liftoff), optimizes it
 * in the background once it is hot, and uses the optimized code from a later call on. On a busy
 * machine that background compile lags many optimizer steps, and Liftoff's SIMD code is about
 * 1.5x slower here (Adam's kernel on 1M floats, one thread: 1.23 ms against 0.76). The two V8
 * flags are switched only for this compile and then restored to Node's defaults (left alone when
 * the process sets such flags itself); worker threads share the compiled code.
 */
function compileOptimized(bytes: Uint8Array): WasmModule {
  if (ownTierFlags) return new WA!.Module(bytes);
  setFlagsFromString("--no-liftoff");
  setFlagsFromString("--no-wasm-lazy-compilation");
  try {
    return new WA!.Module(bytes);
  } finally {
    setFlagsFromString("--liftoff");
    setFlagsFromString("--wasm-lazy-compilation");
  }
}

/** The compiled module `name` (dist/wasm/name.wasm), or null when unavailable. */
export function wasmModule(name: string): WasmModule | null {
  let m = modules.get(name);
  if (m !== undefined) return m;
  m = null;
  const file = disabled() ? null : wasmFile(name);
  if (file !== null && wasmMemory() !== null) {
    try {
      m = compileOptimized(readFileSync(file));
    } catch (e) {
      process.emitWarning(`paramlab: cannot compile ${file} (${(e as Error).message}); using the JavaScript kernels`);
    }
  }
  modules.set(name, m);
  return m;
}

/** The exports of module `name` instantiated on this thread over the shared memory, or null. */
export function wasmExports(name: string): WasmExports | null {
  if (!enabled) return null;
  const cached = instances.get(name);
  if (cached) return cached;
  const m = wasmModule(name);
  if (m === null) return null;
  const exports = new WA!.Instance(m, { env: { memory: wasmMemory()! } }).exports;
  instances.set(name, exports);
  return exports;
}

/** A float32 view of the whole shared memory (renewed after it grows). */
export function wasmHeap(): Float32Array {
  const buffer = wasmMemory()!.buffer;
  knownBuffers.add(buffer);
  if (heap === null || heap.buffer !== buffer) heap = new Float32Array(buffer);
  return heap;
}

/**
 * Allocates `bytes` of scratch in the shared memory (64-byte aligned, contents undefined) and
 * returns its address, growing the memory when needed; null when the 4 GiB limit is reached.
 * Release with `wasmFree`.
 */
export function wasmAlloc(bytes: number): number | null {
  const mem = wasmMemory();
  if (mem === null) return null;
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let i = 0; i < free.length; i++) {
    const block = free[i];
    if (block.size < size) continue;
    const ptr = block.ptr;
    if (block.size === size) free.splice(i, 1);
    else {
      block.ptr += size;
      block.size -= size;
    }
    live.set(ptr, size);
    dirtyTop = Math.max(dirtyTop, ptr + size);
    return ptr;
  }
  // Grow: extend the last block when it ends at the top of memory.
  const top = mem.buffer.byteLength;
  const last = free[free.length - 1];
  const tail = last && last.ptr + last.size === top ? last.size : 0;
  const pages = Math.ceil((size - tail) / PAGE);
  try {
    mem.grow(Math.max(pages, Math.min(MAX_PAGES - top / PAGE, Math.ceil(top / PAGE / 4))));
  } catch {
    try {
      mem.grow(pages);
    } catch {
      return null;
    }
  }
  const added = mem.buffer.byteLength - top;
  if (tail) last.size += added;
  else free.push({ ptr: top, size: added });
  return wasmAlloc(bytes);
}

/** Releases an address `wasmAlloc` returned. */
export function wasmFree(ptr: number): void {
  const size = live.get(ptr);
  if (size === undefined) throw new RangeError(`wasmFree(): ${ptr} is not a live allocation`);
  live.delete(ptr);
  let i = 0;
  while (i < free.length && free[i].ptr < ptr) i++;
  free.splice(i, 0, { ptr, size });
  // Coalesce with the neighbours.
  if (i + 1 < free.length && ptr + size === free[i + 1].ptr) {
    free[i].size += free[i + 1].size;
    free.splice(i + 1, 1);
  }
  if (i > 0 && free[i - 1].ptr + free[i - 1].size === ptr) {
    free[i - 1].size += free[i].size;
    free.splice(i, 1);
  }
}

/** The byte address of `a[0]` when `a` lives in the shared wasm memory, else -1. */
export function wasmAddress(a: Float32Array): number {
  const mem = memory;
  if (!mem || !(a.buffer instanceof SharedArrayBuffer)) return -1;
  // Every grow gives the memory a new buffer object; the ones views were made on are recorded.
  return knownBuffers.has(a.buffer) ? a.byteOffset : -1;
}

const knownBuffers = new WeakSet<ArrayBufferLike>();

/** A float32 view of `[ptr, ptr + 4 n)` in the shared memory, recognised by `wasmAddress`. */
export function wasmView(ptr: number, n: number): Float32Array {
  const buffer = wasmMemory()!.buffer;
  knownBuffers.add(buffer);
  return new Float32Array(buffer, ptr, n);
}
