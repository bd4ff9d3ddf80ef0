/**
 * The worker pool's scheduling (lib/tensor/parallel.ts): how element-wise wasm jobs are cut into
 * kernel calls and claims, and that staged (copied) and in-place arrays give the same bits on any
 * number of threads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import "../../lib/index.js"; // registers the wasm kernels
import { chunkUnits, claimAndRun, openJob, runThreaded, runWasmMap, setNumThreads, stagedRun } from "../../lib/tensor/parallel.js";
import { allocateStorage } from "../../lib/tensor/storage.js";
import { wasmAddress, wasmExports, wasmHeap } from "../../lib/tensor/wasm.js";

function fill(a: Float32Array, seed: number) {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37 + seed) * (1 + (i % 7));
}

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

test("stagedRun covers a range of in-place arrays with one kernel call, and stages others chunk by chunk", () => {
  const calls: number[][] = [];
  const kernel = (...args: number[]) => void calls.push(args);
  // Addresses > 0 are in place; 0 is an absent array. 10 000 elements, 4096-element staging chunks.
  stagedRun(kernel, wasmHeap(), null, [65536, 131072, 0, 0, 0], 1, 0, 4096, [0.5, 2], 100, 10_100);
  assert.deepEqual(calls, [[65536 + 400, 131072 + 400, 0, 0, 0, 10_000, 0.5, 2]]);

  // One array elsewhere (-1): it is copied through the scratch area in ceil(10000 / 4096) = 3 calls.
  calls.length = 0;
  const elsewhere = new Float32Array(10_100);
  const scratch = 65536 * 4;
  stagedRun(kernel, wasmHeap(), [null, elsewhere, null, null, null], [65536, -1, 0, 0, 0], 1, scratch, 4096, [], 100, 10_100);
  assert.deepEqual(
    calls.map((c) => c.slice(0, 6)),
    [
      [65536 + 400, scratch + 4 * 4096, 0, 0, 0, 4096],
      [65536 + 4 * 4196, scratch + 4 * 4096, 0, 0, 0, 4096],
      [65536 + 4 * 8292, scratch + 4 * 4096, 0, 0, 0, 1808],
    ],
  );
});

/** The element ranges thread `self` claims, alone, until none is left. */
function claims(control: Int32Array, job: number, self: number, threads: number, total: number, chunk: number, unit: number, n: number): number[][] {
  const got: number[][] = [];
  while (claimAndRun(control, job, self, threads, total, chunk, unit, n, (s, e) => void got.push([s, e])));
  return got;
}

test("each thread claims its own contiguous segment front to back, then takes the others' from the back", () => {
  const control = new Int32Array(new SharedArrayBuffer(4 * 16));
  // 100 units of 16 elements (the last cut at n = 1590), 3 threads: segments of 33, 33, 34 units
  // in chunks of 10 units.
  openJob(control, 7, 3, 100, 10);
  const one = claims(control, 7, 1, 3, 100, 10, 16, 1590);
  const seg = (a: number, b: number) => [a * 16, Math.min(1590, b * 16)];
  assert.deepEqual(one, [
    // its own segment [33, 66) in order,
    seg(33, 43), seg(43, 53), seg(53, 63), seg(63, 66),
    // then segment 2 [66, 100) and segment 0 [0, 33), each from the back.
    seg(96, 100), seg(86, 96), seg(76, 86), seg(66, 76),
    seg(30, 33), seg(20, 30), seg(10, 20), seg(0, 10),
  ]);
  assert.equal(Atomics.load(control, 1), 100, "units done");
  // Nothing is left for the others, and a claim for an older or newer job takes nothing.
  assert.deepEqual(claims(control, 7, 0, 3, 100, 10, 16, 1590), []);
  openJob(control, 8, 3, 100, 10);
  assert.deepEqual(claims(control, 7, 0, 3, 100, 10, 16, 1590), []);
  assert.deepEqual(claims(control, 9, 0, 3, 100, 10, 16, 1590), []);
  assert.equal(claims(control, 8, 2, 3, 100, 10, 16, 1590).length, 12);
});

test("two threads claiming at once take every chunk exactly once, each its own segment first", () => {
  const control = new Int32Array(new SharedArrayBuffer(4 * 16));
  openJob(control, 1, 2, 64, 4);
  // Interleaved claims, as two threads racing would make them.
  const order: Array<[number, number[]]> = [];
  for (let more = [true, true]; more[0] || more[1]; ) {
    for (const self of [0, 1]) {
      if (!more[self]) continue;
      more[self] = claimAndRun(control, 1, self, 2, 64, 4, 1, 64, (s, e) => void order.push([self, [s, e]]));
    }
  }
  const covered = order.flatMap(([, [s, e]]) => Array.from({ length: e - s }, (_, i) => s + i)).sort((a, b) => a - b);
  assert.deepEqual(covered, Array.from({ length: 64 }, (_, i) => i));
  assert.deepEqual(order.filter(([t]) => t === 0).map(([, r]) => r[0]), [0, 4, 8, 12, 16, 20, 24, 28]);
  assert.deepEqual(order.filter(([t]) => t === 1).map(([, r]) => r[0]), [32, 36, 40, 44, 48, 52, 56, 60]);
});

test("chunk sizes stay within their bounds and a segment never has more chunks than its word counts", () => {
  assert.equal(chunkUnits(625_000, 2, 1024, 16_384), 16_384); // 10M elements: capped at 2^18 elements
  assert.equal(chunkUnits(20_000, 2, 1024, 16_384), 1024); // small jobs: at least the floor
  assert.equal(chunkUnits(160_000, 2, 1024, 16_384), 5000); // about 16 chunks per segment
  const huge = chunkUnits(2 ** 28, 2, 1024, 16_384);
  assert.ok(Math.ceil(2 ** 27 / huge) <= 2047, `${huge} units per chunk`);
});

test("a threaded job is claimed in pieces of at most 2^18 elements, each element exactly once", () => {
  const n = 3_000_003;
  // Per element: how many times it was visited; [0] of `longest`: the longest claim seen.
  const visits = new Int32Array(new SharedArrayBuffer(4 * n));
  const longest = new Int32Array(new SharedArrayBuffer(4));
  function mark(v: Int32Array, l: Int32Array, start: number, end: number) {
    for (let i = start; i < end; i++) v[i]++;
    for (let old = Atomics.load(l, 0); end - start > old; old = Atomics.load(l, 0)) {
      if (Atomics.compareExchange(l, 0, old, end - start) === old) break;
    }
  }
  const previous = setNumThreads(2);
  try {
    assert.equal(runThreaded(mark, [visits, longest], n), 2);
  } finally {
    setNumThreads(previous);
  }
  assert.ok(visits.every((v) => v === 1), "every element once");
  assert.ok(longest[0] <= 1 << 18, `longest claim ${longest[0]}`);
  assert.ok(longest[0] >= 1 << 14, `claims are not tiny (${longest[0]})`);
});

test("SGD on the pool: arrays staged from their own shared buffers give the in-place bits on 1-3 threads", () => {
  assert.notEqual(wasmExports("sgd"), null, "dist/wasm/sgd.wasm (npm run build)");
  const n = 700_001;
  const scalars = [0.05, 1, 0.01, 0.9, 0.1, 0, 0]; // lr, sign, l2, momentum, dampening, nesterov, first
  const run = (threads: number, where: (i: number) => "wasm" | "own") => {
    const arrays = [0, 1, 2].map((i) => {
      const a = where(i) === "wasm" ? allocateStorage(n) : new Float32Array(new SharedArrayBuffer(4 * n));
      fill(a, i);
      return a;
    });
    assert.deepEqual(arrays.map((a) => wasmAddress(a) >= 0), [0, 1, 2].map((i) => where(i) === "wasm"));
    const previous = setNumThreads(threads);
    try {
      for (let step = 0; step < 2; step++) assert.equal(runWasmMap("sgd", "sgd", [...arrays, null, null], 0b101, scalars), threads);
    } finally {
      setNumThreads(previous);
    }
    return arrays;
  };
  const reference = run(1, () => "wasm");
  for (const threads of [1, 2, 3]) {
    for (const where of [(i: number) => (i === 1 ? "own" : "wasm"), () => "own"] as const) {
      const got = run(threads, where as (i: number) => "wasm" | "own");
      got.forEach((a, i) => assert.ok(bytes(a).equals(bytes(reference[i])), `array ${i} differs at ${threads} threads`));
    }
  }
});
