/**
 * paramlab's worker pool: runs element-wise optimizer kernels and the matmul kernel on several
 * threads, synchronously (the calling thread works too and returns when all chunks are done).
 *
 * Three kinds of job, each cutting `[0, n)` into one contiguous segment per thread and each
 * segment into chunks, which the threads claim one at a time (own segment first; see openJob):
 * - `runThreaded`: a self-contained JavaScript function (an optimizer kernel, `lib/optim`) over
 *   shared tensor storage (`storage.ts`), which workers update in place. Workers run the
 *   function's own source text.
 * - `runWasmMap`: an element-wise WebAssembly kernel (`wasm.ts`) over the same arrays. Arrays in
 *   the shared wasm memory are passed by address; others are copied chunk by chunk (a few KiB,
 *   cache-resident) into a per-thread staging area and the updated ones copied back.
 * - `runWasmRange`: a WebAssembly function over index ranges (matmul's row panels).
 * Each element is computed by the same code whichever thread runs it, so results are identical
 * for any thread count. Everything falls back to a plain call on one thread when the job is
 * small, the machine has one core, or worker threads cannot start.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { RuntimeError } from "../errors.js";
import { wasmAddress as wasmAddressOf, wasmAlloc, wasmExports, wasmHeap, wasmMemory, wasmModule } from "./wasm.js";

/** Below this many elements per call the hand-off costs more than it saves. */
export const PARALLEL_MIN_ELEMENTS = 1 << 17;

// Work is split statically and balanced dynamically ("static steal"): `[0, total)` units is cut
// into one contiguous segment per thread, each segment into chunks. A thread claims the chunks of
// its own segment from the front, in order, so while every thread takes part each one streams
// through one contiguous block of memory, as OpenMP's static schedule does. (Interleaving claims
// across threads, as a shared guided schedule does, measured 10-20% slower for SGD here: each
// core's prefetcher runs into the lines the other core is writing.) A thread whose segment is done
// takes chunks from the back of the others', so a thread that starts late or that the OS pauses
// on a busy machine costs at most the chunk it holds. control (Int32Array over shared memory):
//   [0] current job id   [1] units done   [2] error flag
//   [3 + k] segment k: (job tag << 22) | (next chunk from the front << 11) | (end chunk)
// Chunks are claimed by compare-and-swap on a segment's whole word, and the tag (job id & 1023)
// is checked with the job id, so a worker still holding an old job's message never claims work of
// a newer job.
const TAG_SHIFT = 22;
const TAG_MASK = (1 << 10) - 1;
/** Chunks per segment are counted in 11 bits. */
const MAX_SEGMENT_CHUNKS = (1 << 11) - 1;
/** Words of `control` before the segments. */
const SEGMENTS = 3;
/** Smallest chunk worth a claim (about 0.1 ms of Adam). */
const MIN_CHUNK_ELEMENTS = 1 << 14;
/**
 * Largest chunk of an element-wise job (about 0.1 ms of SGD, 0.2 ms of Adam on one thread): on a
 * busy machine the OS may pause a thread in the middle of a chunk, and the others then wait at
 * the end for no more than this.
 */
const MAX_CHUNK_ELEMENTS = 1 << 18;
/** Chunks per segment aimed at (fewer when that would make chunks smaller than the minimum). */
const SEGMENT_CHUNKS = 16;

/**
 * Opens job `job` over `total` units for `threads` threads in chunks of `chunk` units (see the
 * scheduling note above): writes each segment's word, then the job id, which lets claims begin.
 */
export function openJob(control: Int32Array, job: number, threads: number, total: number, chunk: number): void {
  const tag = job & TAG_MASK;
  for (let k = 0; k < threads; k++) {
    const length = Math.floor(((k + 1) * total) / threads) - Math.floor((k * total) / threads);
    Atomics.store(control, SEGMENTS + k, (tag << TAG_SHIFT) | Math.ceil(length / chunk));
  }
  Atomics.store(control, 1, 0);
  Atomics.store(control, 2, 0);
  Atomics.store(control, 0, job);
}

/**
 * Claims the next chunk of `job` for thread `self` of `threads` and runs it: the front chunk of
 * its own segment, else the back chunk of another's. False when none is left (or the job is no
 * longer current). `run` gets element bounds: units of `unit` elements, the last cut at `n`.
 * Self-contained: it is also the worker's code.
 */
export function claimAndRun(
  control: Int32Array,
  job: number,
  self: number,
  threads: number,
  total: number,
  chunk: number,
  unit: number,
  n: number,
  run: (start: number, end: number) => void,
): boolean {
  if (Atomics.load(control, 0) !== job) return false;
  const tag = job & 1023;
  for (let i = 0; i < threads; i++) {
    const k = (self + i) % threads;
    for (;;) {
      const word = Atomics.load(control, 3 + k);
      if (word >>> 22 !== tag) return false;
      const front = (word >>> 11) & 2047;
      const back = word & 2047;
      if (front >= back) break;
      const c = i === 0 ? front : back - 1;
      const next = i === 0 ? word + (1 << 11) : word - 1;
      if (Atomics.compareExchange(control, 3 + k, word, next) !== word) continue;
      const start = Math.floor((k * total) / threads) + c * chunk;
      const end = Math.min(Math.floor(((k + 1) * total) / threads), start + chunk);
      run(start * unit, Math.min(n, end * unit));
      if (Atomics.add(control, 1, end - start) + (end - start) === total) Atomics.notify(control, 1);
      return true;
    }
  }
  return false;
}

/**
 * Chunk size in units for a job of `total` units on `threads` threads: about SEGMENT_CHUNKS per
 * segment, within [minUnits, maxUnits], and never more chunks per segment than a word can count.
 */
export function chunkUnits(total: number, threads: number, minUnits: number, maxUnits: number): number {
  const segment = Math.ceil(total / threads);
  const wanted = Math.min(maxUnits, Math.max(minUnits, Math.ceil(segment / SEGMENT_CHUNKS)));
  return Math.max(1, wanted, Math.ceil(segment / MAX_SEGMENT_CHUNKS));
}

/**
 * Runs `kernel(ptr0..ptr4, count, ...scalars)` over `[start, end)`. `ptrs[i]` says where array i
 * is: 0 = absent (the kernel gets address 0), > 0 = its address in the shared memory (passed in
 * place), -1 = elsewhere: then `arrays[i]` is copied into `scratch` (slot i at
 * scratch + 4 * i * chunk) and, when bit i of `writes` is set, copied back, `chunk` elements at a
 * time. With every array in place the whole range is one call. Also the worker's code.
 */
export function stagedRun(
  kernel: (...args: number[]) => unknown,
  heap: Float32Array,
  arrays: Array<Float32Array | null> | null,
  ptrs: number[],
  writes: number,
  scratch: number,
  chunk: number,
  scalars: number[],
  start: number,
  end: number,
): void {
  const p = [0, 0, 0, 0, 0];
  let staged = false;
  for (let i = 0; i < 5; i++) if (ptrs[i] < 0) staged = true;
  const step = staged ? chunk : end - start;
  for (let s = start; s < end; s += step) {
    const e = Math.min(end, s + step);
    for (let i = 0; i < 5; i++) {
      if (ptrs[i] >= 0) p[i] = ptrs[i] === 0 ? 0 : ptrs[i] + 4 * s;
      else {
        p[i] = scratch + 4 * i * chunk;
        heap.set(arrays![i]!.subarray(s, e), p[i] >> 2);
      }
    }
    kernel(p[0], p[1], p[2], p[3], p[4], e - s, ...scalars);
    if (!staged) continue;
    for (let i = 0; i < 5; i++) {
      if (ptrs[i] < 0 && (writes >> i) & 1) arrays![i]!.set(heap.subarray(p[i] >> 2, (p[i] >> 2) + e - s), s);
    }
  }
}

/**
 * After a job a worker stays awake this long, polling for the next one (an optimizer step is one
 * job per parameter, back to back; a training loop steps every few ms): a sleeping thread takes
 * tens of microseconds to wake, and on a busy machine it may wait for a core (OpenMP's threads,
 * PyTorch's, spin the same way).
 */
const WORKER_SPIN_MS = 1;
/** How long the calling thread polls for the other threads' last chunks before it sleeps. */
const CALLER_SPIN_MS = 0.5;

// Worker source: compile kernels / instantiate wasm modules on first use, then claim and run
// chunks until none is left; then poll for the next job for WORKER_SPIN_MS before sleeping.
const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require("node:worker_threads");
const claimAndRun = ${claimAndRun.toString()};
const stagedRun = ${stagedRun.toString()};
const kernels = new Map();
const wasm = new Map();
let memory = null;
let heap = null;
function handle(job) {
  const { task, n, unit, total, chunk, self, threads, job: jobId, control } = job;
  let body;
  if (task.kind === "js") {
    let kernel = kernels.get(task.id);
    if (kernel === undefined) {
      kernel = (0, eval)("(" + task.source + ")");
      kernels.set(task.id, kernel);
    }
    const args = task.args;
    body = (start, end) => kernel(...args, start, end);
  } else {
    if (task.memory) memory = task.memory;
    let exports = wasm.get(task.module);
    if (exports === undefined) {
      exports = new WebAssembly.Instance(task.compiled, { env: { memory } }).exports;
      wasm.set(task.module, exports);
    }
    const fn = exports[task.fn];
    if (task.kind === "range") body = (start, end) => fn(start, end, ...task.args);
    else {
      if (heap === null || heap.buffer.byteLength !== memory.buffer.byteLength) heap = new Float32Array(memory.buffer);
      const scratch = task.scratch + workerData.index * task.scratchStride;
      body = (start, end) => stagedRun(fn, heap, task.arrays, task.ptrs, task.writes, scratch, task.chunk, task.scalars, start, end);
    }
  }
  let failed = false;
  const run = (start, end) => {
    if (failed) return;
    try {
      body(start, end);
    } catch (e) {
      failed = true;
      Atomics.store(control, 2, 1);
      parentPort.postMessage(String((e && e.stack) || e));
    }
  };
  while (claimAndRun(control, jobId, self, threads, total, chunk, unit, n, run));
}
parentPort.on("message", (job) => {
  handle(job);
  for (let until = performance.now() + ${WORKER_SPIN_MS}; performance.now() < until; ) {
    const next = receiveMessageOnPort(parentPort);
    if (next !== undefined) {
      handle(next.message);
      until = performance.now() + ${WORKER_SPIN_MS};
    }
  }
});
`;

interface PoolWorker {
  worker: Worker;
  /** Kernel ids / wasm module names this worker has already been sent. */
  known: Set<number | string>;
}

/** Worker threads are capped here (and staging areas sized for it). */
const MAX_THREADS = 8;
let threads = Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
let pool: PoolWorker[] | null = null;
let jobCounter = 0;
const control = new Int32Array(new SharedArrayBuffer(4 * (SEGMENTS + MAX_THREADS)));
let poolFailed = false;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ThreadedFunction = (...args: any[]) => void;
const kernelIds = new Map<ThreadedFunction, number>();

/**
 * Sets how many threads optimizer steps and matrix products on large tensors use (PyTorch's
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
  // Workers beyond the new count stay, asleep (they cost no CPU time and do not keep the process
  // alive): starting a worker takes tens of milliseconds, during which its share runs on the other
  // threads, so switching 2 -> 1 -> 2 threads would otherwise make the next steps slower.
  threads = n;
  return previous;
}

/** How many threads optimizer steps and matrix products use (PyTorch's `torch.get_num_threads`). */
export function getNumThreads(): number {
  return threads;
}

function workers(count: number): PoolWorker[] | null {
  if (poolFailed) return null;
  pool ??= [];
  try {
    while (pool.length < Math.min(count, MAX_THREADS - 1)) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { index: pool.length + 1 } });
      const entry: PoolWorker = { worker, known: new Set() };
      worker.on("message", (text) => process.emitWarning(`paramlab worker thread: ${text}`));
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
 * Hands `[0, n)` to `ws` and the calling thread, one segment each, in chunks of whole `unit`s
 * (`minUnits` to `maxUnits`, see chunkUnits); the calling thread runs its chunks with `local`.
 * `message(w)` is the task a worker gets.
 */
function dispatch(
  ws: PoolWorker[],
  n: number,
  unit: number,
  minUnits: number,
  maxUnits: number,
  message: (w: PoolWorker) => object,
  local: (start: number, end: number) => void,
): void {
  const total = Math.ceil(n / unit);
  const threads = ws.length + 1;
  const chunk = chunkUnits(total, threads, minUnits, maxUnits);
  jobCounter = (jobCounter + 1) & 0x7fffffff;
  const job = jobCounter;
  openJob(control, job, threads, total, chunk);
  // The calling thread has segment 0, worker i segment i + 1.
  ws.forEach((w, i) => w.worker.postMessage({ task: message(w), n, unit, total, chunk, self: i + 1, threads, job, control }));
  // The calling thread claims chunks too, and finishes alone if the workers are slow to wake.
  // After a failure the remaining chunks are claimed but skipped, so no chunk of this job is
  // still running when the next job starts.
  let failure: unknown = null;
  const run = (start: number, end: number) => {
    if (failure !== null) return;
    try {
      local(start, end);
    } catch (e) {
      failure = e;
    }
  };
  while (claimAndRun(control, job, 0, threads, total, chunk, unit, n, run));
  // Wait for chunks other threads are still running: poll briefly (a chunk is short), then sleep,
  // which leaves this core to a thread the OS has paused.
  const until = performance.now() + CALLER_SPIN_MS;
  while (Atomics.load(control, 1) < total && performance.now() < until);
  for (let done = Atomics.load(control, 1); done < total; done = Atomics.load(control, 1)) {
    if (Atomics.wait(control, 1, done, 60_000) === "timed-out" && Atomics.load(control, 1) === done) {
      throw new RuntimeError("a paramlab worker thread did not finish its work within 60 s");
    }
  }
  if (failure !== null) throw failure;
  if (Atomics.load(control, 2) !== 0) {
    throw new RuntimeError("a paramlab worker thread failed (its error is emitted as a process warning)");
  }
}

/** The unit of element-wise jobs: 16 float32 elements, a 64-byte cache line. */
const ELEMENT_UNIT = 16;

/**
 * Runs `fn(...args, start, end)` over `[0, n)`, on several threads when `n` is large enough (the
 * caller checks that the arrays in `args` are shared memory). `fn` must be self-contained: workers
 * compile its source text. Returns the number of threads that took part (1: one plain call).
 */
export function runThreaded(fn: ThreadedFunction, args: unknown[], n: number): number {
  const ws = elementWorkers(n);
  if (ws === null) {
    fn(...args, 0, n);
    return 1;
  }
  let id = kernelIds.get(fn);
  if (id === undefined) kernelIds.set(fn, (id = kernelIds.size));
  const source = fn.toString();
  dispatchElements(
    ws,
    n,
    (w) => {
      const task = { kind: "js", id, source: w.known.has(id!) ? undefined : source, args };
      w.known.add(id!);
      return task;
    },
    (start, end) => fn(...args, start, end),
  );
  return ws.length + 1;
}

/**
 * The workers that share an element-wise job over `n` elements with the calling thread, or
 * `null` when it runs alone: too few elements, one thread, no pool, or `eligible()` false (checked
 * last: it may read the arrays' buffers, which for a tiny array is not free).
 */
function elementWorkers(n: number, eligible?: () => boolean): PoolWorker[] | null {
  const parts = Math.min(threads, Math.floor(n / (PARALLEL_MIN_ELEMENTS / 2)));
  if (parts <= 1 || n < PARALLEL_MIN_ELEMENTS || (eligible && !eligible())) return null;
  return workers(parts - 1)?.slice(0, parts - 1) ?? null;
}

/** `dispatch` for an element-wise job: cache-line units, claims of MIN_ to MAX_CHUNK_ELEMENTS. */
function dispatchElements(
  ws: PoolWorker[],
  n: number,
  message: (w: PoolWorker) => object,
  local: (start: number, end: number) => void,
): void {
  dispatch(ws, n, ELEMENT_UNIT, MIN_CHUNK_ELEMENTS / ELEMENT_UNIT, MAX_CHUNK_ELEMENTS / ELEMENT_UNIT, message, local);
}

/** Whether a worker thread can update this array in place (shared memory, or absent). */
export function isShared(a: Float32Array | null): boolean {
  return a === null || a.buffer instanceof SharedArrayBuffer;
}

/** The part of a wasm task that carries the module (and memory) the first time a worker sees it. */
function wasmPayload(w: PoolWorker, module: string): object {
  if (w.known.has(module)) return {};
  w.known.add(module);
  return { compiled: wasmModule(module), memory: wasmMemory() };
}

/**
 * Runs the wasm export `module.fn(start, end, ...args)` over `[0, total)`, split into ranges of at
 * least `minUnits` across threads when there are enough. Returns the number of threads used, or 0
 * when the module is unavailable (the caller then takes its JavaScript path).
 */
export function runWasmRange(module: string, fn: string, total: number, args: number[], minUnits: number): number {
  const exports = wasmExports(module);
  if (exports === null) return 0;
  const f = exports[fn];
  const parts = Math.min(threads, Math.floor(total / minUnits));
  const ws = parts > 1 ? workers(parts - 1) : null;
  if (ws === null) {
    f(0, total, ...args);
    return 1;
  }
  dispatch(
    ws.slice(0, parts - 1),
    total,
    1,
    minUnits,
    total,
    (w) => ({ kind: "range", module, fn, args, ...wasmPayload(w, module) }),
    (start, end) => f(start, end, ...args),
  );
  return parts;
}

/** Elements per staging copy: 5 arrays x 16 KiB stay in L2. */
const STAGE_CHUNK = 4096;
const STAGE_STRIDE = 5 * 4 * STAGE_CHUNK;
let stageBase: number | null = null;

/**
 * Runs the element-wise wasm export `module.fn(p0, p1, p2, p3, p4, count, ...scalars)` over all
 * elements of `arrays` (same length; null slots get address 0), on several threads when it pays.
 * Bit i of `writes` marks the arrays the kernel updates. Returns the number of threads used, or
 * 0 when the module is unavailable (the caller then takes its JavaScript path).
 */
export function runWasmMap(module: string, fn: string, arrays: Array<Float32Array | null>, writes: number, scalars: number[]): number {
  const exports = wasmExports(module);
  if (exports === null) return 0;
  stageBase ??= wasmAlloc(MAX_THREADS * STAGE_STRIDE);
  if (stageBase === null) return 0;
  const base = stageBase;
  const f = exports[fn];
  const n = arrays[0]!.length;
  const ptrs = arrays.map((a) => (a === null ? 0 : wasmAddressOf(a)));
  const inPlace = ptrs.every((p) => p >= 0);
  const heap = wasmHeap();
  const ws = elementWorkers(n, () => arrays.every(isShared));
  if (ws === null) {
    // Called directly: under tsx a named closure made per call costs a defineProperty.
    stagedRun(f, heap, arrays, ptrs, writes, base, STAGE_CHUNK, scalars, 0, n);
    return 1;
  }
  const local = (start: number, end: number) => stagedRun(f, heap, arrays, ptrs, writes, base, STAGE_CHUNK, scalars, start, end);
  dispatchElements(
    ws,
    n,
    // Arrays in place travel as addresses only (no structured clone of the views per step).
    (w) => ({ kind: "map", module, fn, arrays: inPlace ? null : arrays, ptrs, writes, scalars, scratch: base, scratchStride: STAGE_STRIDE, chunk: STAGE_CHUNK, ...wasmPayload(w, module) }),
    local,
  );
  return ws.length + 1;
}
