/**
 * Runs an element-wise optimizer kernel over large parameters on several threads.
 *
 * Tensor storage of at least `SHARED_STORAGE_MIN_ELEMENTS` elements lives in a
 * `SharedArrayBuffer` (`lib/tensor`), so worker threads can update it in place. `runKernel`
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
 * The arrays a kernel updates, by name: the parameter, its gradient, and each state array under
 * its PyTorch key (`exp_avg`, `momentum_buffer`, ...), `null` where the group does not use it.
 */
export type KernelArrays<A extends string = string> = { param: Float32Array; grad: Float32Array } & {
  [K in A]: Float32Array | null;
};

/** A kernel's scalars, by name (`lr`, `beta1`, `step_size`, ...); flags are 0 or 1. */
export type KernelScalars<S extends string = string> = { readonly [K in S]: number };

/**
 * One implementation of an element-wise kernel: updates elements `[start, end)` of its arrays.
 * A `threaded` implementation must be self-contained (it may use globals such as `Math`, nothing
 * from its module), because worker threads compile its source text and run chunks of the call.
 */
export type KernelFunction<A extends string = string, S extends string = string> = (
  arrays: KernelArrays<A>,
  scalars: KernelScalars<S>,
  start: number,
  end: number,
) => void;

/** One way to run a kernel (plain JavaScript, or later WebAssembly SIMD). */
export interface KernelImplementation<A extends string = string, S extends string = string> {
  /** Short name, e.g. `"js"` or `"wasm-simd"`; `runKernel`'s `implementation` option selects by it. */
  readonly name: string;
  readonly run: KernelFunction<A, S>;
  /** Whether worker threads may run chunks of a call (the function's source is self-contained). */
  readonly threaded: boolean;
  /** Whether this implementation takes this call (feature detection, sizes); absent: every call. */
  readonly accepts?: (arrays: KernelArrays<A>, n: number) => boolean;
}

/**
 * An optimizer's element-wise update, declared once with the names of its state arrays and
 * scalars. Implementations are tried in order and the first that accepts a call runs it; the
 * last is the plain JavaScript reference, which accepts every call. Every implementation must
 * give bit-identical results (the parity and threading tests hold each one to the reference).
 */
export interface Kernel<A extends string = string, S extends string = string> {
  readonly name: string;
  /** State arrays by PyTorch key, in a fixed order (what a WebAssembly version packs by position). */
  readonly state: readonly A[];
  /** Scalar names, in a fixed order. */
  readonly scalars: readonly S[];
  readonly implementations: readonly KernelImplementation<A, S>[];
}

/**
 * Declares a kernel from its plain JavaScript implementation (self-contained, so threaded).
 *
 * @example
 * const sgdKernel = defineKernel("sgd", ["momentum_buffer"], ["lr", "momentum"], (a, s, start, end) => { ... });
 */
export function defineKernel<A extends string, S extends string>(
  name: string,
  state: readonly A[],
  scalars: readonly S[],
  js: KernelFunction<A, S>,
): Kernel<A, S> {
  return { name, state, scalars, implementations: [{ name: "js", run: js, threaded: true }] };
}

/**
 * Adds a faster implementation in front of a kernel's existing ones (it must give the reference's
 * results bit for bit). Returns a function that takes it out again.
 *
 * @example
 * const undo = addKernelImplementation(adamKernel, { name: "wasm-simd", run, threaded: false });
 */
export function addKernelImplementation<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  implementation: KernelImplementation<A, S>,
): () => void {
  const list = kernel.implementations as KernelImplementation<A, S>[];
  list.unshift(implementation);
  return () => {
    const i = list.indexOf(implementation);
    if (i >= 0 && i < list.length - 1) list.splice(i, 1);
  };
}

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
const kernelIds = new Map<KernelFunction<never, never>, number>();

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

function isFloat32OrNull(a: unknown): a is Float32Array | null {
  return a === null || a instanceof Float32Array;
}

/** The implementation that runs this call: the one named, or the first that accepts it. */
function choose<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  arrays: KernelArrays<A>,
  n: number,
  name: string | undefined,
): KernelImplementation<A, S> {
  if (name !== undefined) {
    const chosen = kernel.implementations.find((impl) => impl.name === name);
    if (!chosen) {
      throw new RangeError(`kernel '${kernel.name}' has no implementation '${name}' (has ${kernel.implementations.map((i) => i.name).join(", ")})`);
    }
    return chosen;
  }
  return kernel.implementations.find((impl) => !impl.accepts || impl.accepts(arrays, n)) ?? kernel.implementations[kernel.implementations.length - 1];
}

/**
 * Runs `kernel` over all elements of `arrays` (same length), on several threads when it pays and
 * the chosen implementation allows. `scalars` must hold every name the kernel declares.
 * Returns the number of threads that took part (1: one plain call).
 *
 * @example
 * runKernel(sgdKernel, { param: p.data, grad: g.data, momentum_buffer: null }, { lr: 0.1, ... });
 */
export function runKernel<A extends string, S extends string>(
  kernel: Kernel<A, S>,
  arrays: KernelArrays<A>,
  scalars: KernelScalars<S>,
  options: { implementation?: string } = {},
): number {
  const n = arrays.param.length;
  for (const key of ["param", "grad", ...kernel.state] as const) {
    const a = (arrays as Record<string, unknown>)[key];
    if (!isFloat32OrNull(a) || (a !== null && a.length !== n) || (a === null && (key === "param" || key === "grad"))) {
      throw new RangeError(`kernel '${kernel.name}': array '${key}' must be a Float32Array of length ${n}${key === "param" || key === "grad" ? "" : " or null"}`);
    }
  }
  for (const key of kernel.scalars) {
    if (typeof scalars[key] !== "number") throw new TypeError(`kernel '${kernel.name}': scalar '${key}' must be a number, got ${typeof scalars[key]}`);
  }
  const impl = choose(kernel, arrays, n, options.implementation);
  const run = impl.run;
  const all = [arrays.param, arrays.grad, ...kernel.state.map((k) => arrays[k])];
  const parts = impl.threaded ? Math.min(threads, Math.floor(n / (PARALLEL_MIN_ELEMENTS / 2))) : 1;
  const ws = parts > 1 && n >= PARALLEL_MIN_ELEMENTS && all.every(isShared) ? workers(parts - 1) : null;
  if (ws === null) {
    run(arrays, scalars, 0, n);
    return 1;
  }
  const key = run as unknown as KernelFunction<never, never>;
  let id = kernelIds.get(key);
  if (id === undefined) kernelIds.set(key, (id = kernelIds.size));
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
