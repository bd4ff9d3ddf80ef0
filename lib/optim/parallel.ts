/**
 * Runs an element-wise optimizer kernel over large parameters on several threads.
 *
 * Tensor storage of at least `SHARED_STORAGE_MIN_ELEMENTS` elements lives in a
 * `SharedArrayBuffer` (`lib/tensor`), so worker threads can update it in place. `runKernel`
 * cuts `[0, n)` into slices that the calling thread and the workers claim one at a time, and
 * returns when all are done, so `step()` stays synchronous. Workers run the kernel's own source
 * text (a kernel is a self-contained function), so the result is bit-identical to a
 * single-threaded run: each element is computed by the same code, independently of the others.
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

// Slices are claimed dynamically, so a thread that the OS has descheduled (a busy machine) costs
// nothing: the others take its share. control (Int32Array over shared memory):
//   [0] claim word: (job id << 16) | next slice   [1] slices done   [2] error flag
// A slice is claimed by compare-and-swap on the whole word, so a worker still holding an old job's
// message can never claim a slice of a newer job (the job id no longer matches).
const JOB_SHIFT = 16;
const MAX_SLICES = 1 << JOB_SHIFT;

// Worker source: compile kernels on first use, claim and run slices.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const kernels = new Map();
parentPort.on("message", (job) => {
  const { id, source, arrays, n, slice, slices, job: jobId, scalars, control } = job;
  let kernel = kernels.get(id);
  if (kernel === undefined) {
    kernel = (0, eval)("(" + source + ")");
    kernels.set(id, kernel);
  }
  for (;;) {
    const word = Atomics.load(control, 0);
    if ((word >>> ${JOB_SHIFT}) !== jobId) return;
    const k = word & ${MAX_SLICES - 1};
    if (k >= slices) return;
    if (Atomics.compareExchange(control, 0, word, word + 1) !== word) continue;
    try {
      kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], k * slice, Math.min(n, (k + 1) * slice), scalars);
    } catch (e) {
      Atomics.store(control, 2, 1);
      parentPort.postMessage(String((e && e.stack) || e));
    }
    if (Atomics.add(control, 1, 1) + 1 === slices) Atomics.notify(control, 1);
  }
});
`;

interface PoolWorker {
  worker: Worker;
  known: Set<number>;
}

let threads = Math.max(1, Math.min(availableParallelism(), 8));
let pool: PoolWorker[] | null = null;
let jobCounter = 0;
const control = new Int32Array(new SharedArrayBuffer(12));
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
      const entry: PoolWorker = { worker, known: new Set() };
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
  // About 16 slices per thread, on 16-element (64-byte) boundaries so threads never share a cache line.
  const slice = Math.max(16, Math.ceil(Math.max(n / (parts * 16), n / (MAX_SLICES - 1)) / 16) * 16);
  const slices = Math.ceil(n / slice);
  jobCounter = (jobCounter + 1) & 0x7fff;
  const job = jobCounter;
  Atomics.store(control, 1, 0);
  Atomics.store(control, 2, 0);
  Atomics.store(control, 0, job << JOB_SHIFT);
  const source = kernel.toString();
  for (const w of ws) {
    w.worker.postMessage({ id, source: w.known.has(id) ? undefined : source, arrays, n, slice, slices, job, scalars, control });
    w.known.add(id);
  }
  // The calling thread claims slices too, and finishes alone if the workers are slow to wake.
  let failure: unknown = null;
  for (;;) {
    const word = Atomics.load(control, 0);
    const k = word & (MAX_SLICES - 1);
    if (k >= slices) break;
    if (Atomics.compareExchange(control, 0, word, word + 1) !== word) continue;
    // After a failure, remaining slices are claimed but skipped, so the workers stop early and
    // no slice of this job is still running when the next job starts.
    if (failure === null) {
      try {
        kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], k * slice, Math.min(n, (k + 1) * slice), scalars);
      } catch (e) {
        failure = e;
      }
    }
    Atomics.add(control, 1, 1);
  }
  // Wait for slices other threads are still running.
  for (let done = Atomics.load(control, 1); done < slices; done = Atomics.load(control, 1)) {
    if (Atomics.wait(control, 1, done, 60_000) === "timed-out" && Atomics.load(control, 1) === done) {
      throw new RuntimeError("an optimizer worker thread did not finish its slice within 60 s");
    }
  }
  if (failure !== null) throw failure;
  if (Atomics.load(control, 2) !== 0) {
    throw new RuntimeError("an optimizer worker thread failed (its error is emitted as a process warning)");
  }
  return parts;
}
