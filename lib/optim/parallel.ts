/**
 * Runs an element-wise optimizer kernel over large parameters on several threads.
 *
 * Tensor storage of at least `SHARED_STORAGE_MIN_ELEMENTS` elements lives in a
 * `SharedArrayBuffer` (`lib/tensor`), so worker threads can update it in place. `runChunked`
 * cuts `[0, n)` into chunks that the calling thread and the workers claim one at a time, and
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

/**
 * One self-contained element-wise function over `[start, end)` of named arrays with named scalars
 * (the calling convention of `kernel.ts`'s implementations). Workers compile its source text.
 */
export type ChunkFunction = (arrays: Record<string, Float32Array | null>, scalars: Record<string, number>, start: number, end: number) => void;

/** Below this many elements per call the hand-off costs more than it saves. */
export const PARALLEL_MIN_ELEMENTS = 1 << 17;

// Work is claimed dynamically with shrinking chunks (guided scheduling): each claim takes
// remaining / (2 * threads), down to a floor. A thread that the OS deschedules on a busy machine
// then costs little: the others take its share, and the chunk it may be holding at the end is
// small. control (Int32Array over shared memory):
//   [0] claim word: (job id << 20) | next unit   [1] units done   [2] error flag
// A unit is 16+ elements (64-byte lines). Chunks are claimed by compare-and-swap on the whole word,
// so a worker still holding an old job's message can never claim work of a newer job.
const JOB_SHIFT = 20;
const UNIT_MASK = (1 << JOB_SHIFT) - 1;
const JOB_MASK = (1 << 11) - 1;
/** Smallest chunk worth a claim (about 0.1 ms of Adam). */
const MIN_CHUNK_ELEMENTS = 1 << 14;

/** Claims the next chunk of `job` and runs it; false when none is left. Also the worker's code. */
function claimAndRun(
  control: Int32Array,
  job: number,
  total: number,
  unit: number,
  n: number,
  divisor: number,
  minUnits: number,
  run: (start: number, end: number) => void,
): boolean {
  for (;;) {
    const word = Atomics.load(control, 0);
    if (word >>> 20 !== job) return false;
    const next = word & 0xfffff;
    if (next >= total) return false;
    const end = Math.min(total, next + Math.max(minUnits, Math.ceil((total - next) / divisor)));
    if (Atomics.compareExchange(control, 0, word, (job << 20) | end) !== word) continue;
    run(next * unit, Math.min(n, end * unit));
    if (Atomics.add(control, 1, end - next) + (end - next) === total) Atomics.notify(control, 1);
    return true;
  }
}

// Worker source: compile kernels on first use, claim and run chunks until none is left.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const claimAndRun = ${claimAndRun.toString()};
const kernels = new Map();
parentPort.on("message", (job) => {
  const { id, source, arrays, n, unit, total, divisor, minUnits, job: jobId, scalars, control } = job;
  let kernel = kernels.get(id);
  if (kernel === undefined) {
    kernel = (0, eval)("(" + source + ")");
    kernels.set(id, kernel);
  }
  let failed = false;
  const run = (start, end) => {
    if (failed) return;
    try {
      kernel(arrays, scalars, start, end);
    } catch (e) {
      failed = true;
      Atomics.store(control, 2, 1);
      parentPort.postMessage(String((e && e.stack) || e));
    }
  };
  while (claimAndRun(control, jobId, total, unit, n, divisor, minUnits, run));
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
const kernelIds = new Map<ChunkFunction, number>();

/**
 * Sets how many threads optimizer steps on large parameters use (PyTorch's
 * `torch.set_num_threads`; 1 = always the plain single-threaded loop). Default: the number of
 * available CPU cores, at most 8. Results are identical whatever the count. Returns the previous
 * value.
 *
 * @example
 * setNumThreads(1); // e.g. to leave the other cores to a data loader
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

/** How many threads optimizer steps use (PyTorch's `torch.get_num_threads`). */
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
 * Runs `run` over `[0, n)` of `arrays`, on several threads when it pays: the arrays are large,
 * all in shared memory, and threads are allowed. Each element is computed by the same code on
 * any thread, so the result does not depend on the thread count. Returns the number of threads
 * that took part (1: one plain call).
 *
 * @example
 * runChunked(adam.implementations[0].run, { param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq: null }, scalars, param.length);
 */
export function runChunked(
  run: ChunkFunction,
  arrays: Record<string, Float32Array | null>,
  scalars: Record<string, number>,
  n: number,
): number {
  const parts = Math.min(threads, Math.floor(n / (PARALLEL_MIN_ELEMENTS / 2)));
  const ws = parts > 1 && n >= PARALLEL_MIN_ELEMENTS && Object.values(arrays).every(isShared) ? workers(parts - 1) : null;
  if (ws === null) {
    run(arrays, scalars, 0, n);
    return 1;
  }
  let id = kernelIds.get(run);
  if (id === undefined) kernelIds.set(run, (id = kernelIds.size));
  const unit = Math.max(16, Math.ceil(n / UNIT_MASK / 16) * 16);
  const total = Math.ceil(n / unit);
  const divisor = 2 * parts;
  const minUnits = Math.ceil(MIN_CHUNK_ELEMENTS / unit);
  jobCounter = (jobCounter + 1) & JOB_MASK;
  const job = jobCounter;
  Atomics.store(control, 1, 0);
  Atomics.store(control, 2, 0);
  Atomics.store(control, 0, job << JOB_SHIFT);
  const source = run.toString();
  for (const w of ws) {
    const message = { id, source: w.known.has(id) ? undefined : source, arrays, n, unit, total, divisor, minUnits, job, scalars, control };
    w.worker.postMessage(message);
    w.known.add(id);
  }
  // The calling thread claims chunks too, and finishes alone if the workers are slow to wake.
  // After a failure the remaining chunks are claimed but skipped, so no chunk of this job is
  // still running when the next job starts.
  let failure: unknown = null;
  const chunk = (start: number, end: number) => {
    if (failure !== null) return;
    try {
      run(arrays, scalars, start, end);
    } catch (e) {
      failure = e;
    }
  };
  while (claimAndRun(control, job, total, unit, n, divisor, minUnits, chunk));
  // Wait for chunks other threads are still running.
  for (let done = Atomics.load(control, 1); done < total; done = Atomics.load(control, 1)) {
    if (Atomics.wait(control, 1, done, 60_000) === "timed-out" && Atomics.load(control, 1) === done) {
      throw new RuntimeError("an optimizer worker thread did not finish its work within 60 s");
    }
  }
  if (failure !== null) throw failure;
  if (Atomics.load(control, 2) !== 0) {
    throw new RuntimeError("an optimizer worker thread failed (its error is emitted as a process warning)");
  }
  return parts;
}
