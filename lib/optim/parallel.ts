/**
 * Runs an element-wise optimizer kernel over large parameters on several threads.
 *
 * Tensor storage of at least `SHARED_STORAGE_MIN_ELEMENTS` elements lives in a
 * `SharedArrayBuffer` (`lib/tensor`), so worker threads can update it in place. `runKernel`
 * splits `[0, n)` into one slice per thread: the calling thread takes the first slice, each
 * worker one of the others, and the call returns when all are done, so `step()` stays
 * synchronous. Workers run the kernel's own source text (a kernel is a self-contained
 * function), so the result is bit-identical to a single-threaded run: each element is computed
 * by the same code, independently of the others.
 *
 * Falls back to a plain call when the arrays are small, when any of them is not shared memory,
 * when the machine has one core, or when worker threads cannot start.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { RuntimeError } from "../errors.js";

/** An element-wise kernel over `[start, end)` of its arrays. It must use only globals such as `Math`. */
export type Kernel = (
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  d: Float32Array,
  e: Float32Array | null,
  start: number,
  end: number,
  scalars: Float64Array,
) => void;

export type KernelArrays = [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array | null];

/** Below this many elements per call the hand-off costs more than it saves. */
export const PARALLEL_MIN_ELEMENTS = 1 << 17;

// Worker source: compile kernels on first use, run slices, signal completion through a shared flag.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const kernels = new Map();
parentPort.on("message", (job) => {
  const { id, source, arrays, start, end, scalars, flag } = job;
  try {
    let kernel = kernels.get(id);
    if (kernel === undefined) {
      kernel = (0, eval)("(" + source + ")");
      kernels.set(id, kernel);
    }
    kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], start, end, scalars);
    Atomics.store(flag, 0, 1);
  } catch (e) {
    Atomics.store(flag, 0, 2);
    parentPort.postMessage(String(e && e.stack || e));
  }
  Atomics.notify(flag, 0);
});
`;

interface PoolWorker {
  worker: Worker;
  flag: Int32Array;
  known: Set<number>;
}

let threads = Math.max(1, Math.min(availableParallelism(), 8));
let pool: PoolWorker[] | null = null;
let poolFailed = false;
const kernelIds = new Map<Kernel, number>();

/**
 * Sets how many threads `runKernel` uses (1 = always the plain single-threaded loop). Default:
 * the number of available CPU cores, at most 8. Returns the previous value.
 */
export function setNumThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads(): expected a positive integer, got ${n}`);
  const previous = threads;
  threads = n;
  if (pool && pool.length > n - 1) {
    for (const w of pool.splice(n - 1)) void w.worker.terminate();
  }
  return previous;
}

/** How many threads `runKernel` uses. */
export function getNumThreads(): number {
  return threads;
}

function isShared(a: Float32Array | null): boolean {
  return a === null || a.buffer instanceof SharedArrayBuffer;
}

function workers(count: number): PoolWorker[] | null {
  if (poolFailed) return null;
  pool ??= [];
  try {
    while (pool.length < count) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const entry: PoolWorker = { worker, flag: new Int32Array(new SharedArrayBuffer(4)), known: new Set() };
      worker.on("message", (text) => process.emitWarning(`paramlab optimizer worker: ${text}`));
      // After adding listeners: an idle pool must not keep the process alive.
      worker.unref();
      pool.push(entry);
    }
  } catch {
    poolFailed = true;
    return null;
  }
  return pool;
}

/**
 * Runs `kernel` over all elements of `arrays` (same length), on several threads when it pays.
 * Returns the number of threads that took part (1: the plain loop).
 */
export function runKernel(kernel: Kernel, arrays: KernelArrays, scalars: Float64Array): number {
  const n = arrays[0].length;
  const parts = Math.min(threads, Math.floor(n / (PARALLEL_MIN_ELEMENTS / 2)));
  const ws = parts > 1 && n >= PARALLEL_MIN_ELEMENTS && arrays.every(isShared) ? workers(parts - 1) : null;
  if (ws === null) {
    kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], 0, n, scalars);
    return 1;
  }
  let id = kernelIds.get(kernel);
  if (id === undefined) kernelIds.set(kernel, (id = kernelIds.size));
  const source = kernel.toString();
  // Slice boundaries on 16-element (64-byte) lines, so threads never share a cache line.
  const chunk = Math.ceil(n / parts / 16) * 16;
  for (let k = 1; k < parts; k++) {
    const w = ws[k - 1];
    Atomics.store(w.flag, 0, 0);
    w.worker.postMessage({
      id,
      source: w.known.has(id) ? undefined : source,
      arrays,
      start: Math.min(n, k * chunk),
      end: Math.min(n, (k + 1) * chunk),
      scalars,
      flag: w.flag,
    });
    w.known.add(id);
  }
  kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], 0, Math.min(n, chunk), scalars);
  for (let k = 1; k < parts; k++) {
    const flag = ws[k - 1].flag;
    while (Atomics.load(flag, 0) === 0) {
      if (Atomics.wait(flag, 0, 0, 60_000) === "timed-out" && Atomics.load(flag, 0) === 0) {
        throw new RuntimeError("an optimizer worker thread did not finish its slice within 60 s");
      }
    }
    if (Atomics.load(flag, 0) === 2) throw new RuntimeError("an optimizer worker thread failed (its error is emitted as a process warning)");
  }
  return parts;
}
