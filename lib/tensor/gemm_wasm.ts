/**
 * The WebAssembly path of `gemm` (kernel source: wasm/gemm.ts): A and B are packed into
 * micro-panels in the shared wasm memory, C is computed there in 4x8 register tiles (f32x4 SIMD)
 * with row panels split across the worker pool, and copied out. Operands that already live in the
 * shared memory are read in place; others are copied in first (O(mk + kn), small beside the
 * O(mnk) product).
 */
import { runWasmRange } from "./parallel.js";
import { wasmAddress, wasmAlloc, wasmExports, wasmFree, wasmHeap } from "./wasm.js";

/** The micro-kernel's tile (wasm/gemm.ts MR x NR). */
const MR = 4;
const NR = 8;
/** Multiply-adds a thread should get per claim (about 0.1 ms): smaller products stay on one thread. */
const MIN_MACS_PER_CLAIM = 1 << 20;

/** C = op(A) . op(B) (+ C) in wasm; false (nothing done) when wasm or memory is unavailable. */
export function gemmWasm(
  m: number, n: number, k: number,
  a: Float32Array, aOffset: number, transA: boolean,
  b: Float32Array, bOffset: number, transB: boolean,
  c: Float32Array, cOffset: number, accumulate: boolean,
): boolean {
  const ex = wasmExports("gemm");
  if (ex === null) return false;
  const mPad = Math.ceil(m / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const owned: number[] = [];
  const alloc = (bytes: number) => {
    const p = wasmAlloc(bytes);
    if (p !== null) owned.push(p);
    return p;
  };
  try {
    let aPtr = wasmAddress(a);
    const aStage = aPtr < 0 ? alloc(4 * m * k) : 0;
    let bPtr = wasmAddress(b);
    const bStage = bPtr < 0 ? alloc(4 * k * n) : 0;
    const ap = alloc(4 * mPad * k);
    const bp = alloc(4 * nPad * k);
    const cp = alloc(4 * mPad * nPad);
    if (aStage === null || bStage === null || ap === null || bp === null || cp === null) return false;
    const heap = wasmHeap(); // after allocating: the memory may have grown
    if (aPtr < 0) {
      heap.set(a.subarray(aOffset, aOffset + m * k), aStage >> 2);
      aPtr = aStage;
    } else aPtr += 4 * aOffset;
    if (bPtr < 0) {
      heap.set(b.subarray(bOffset, bOffset + k * n), bStage >> 2);
      bPtr = bStage;
    } else bPtr += 4 * bOffset;
    // op(A)(i, p) at i * rs + p * cs: A is m x k, or k x m when transposed; likewise B.
    ex.packA(aPtr, transA ? 1 : k, transA ? m : 1, m, k, ap, mPad);
    ex.packB(bPtr, transB ? 1 : n, transB ? k : 1, k, n, bp, nPad);
    const c0 = cp >> 2;
    if (nPad === n) {
      if (accumulate) heap.set(c.subarray(cOffset, cOffset + m * n), c0);
      else heap.fill(0, c0, c0 + m * n);
    } else {
      for (let i = 0; i < m; i++) {
        if (accumulate) heap.set(c.subarray(cOffset + i * n, cOffset + (i + 1) * n), c0 + i * nPad);
        else heap.fill(0, c0 + i * nPad, c0 + i * nPad + n);
      }
    }
    const minUnits = Math.max(1, Math.ceil(MIN_MACS_PER_CLAIM / (MR * n * k)));
    runWasmRange("gemm", "gemmRows", mPad / MR, [ap, bp, cp, mPad, nPad, k], minUnits);
    if (nPad === n) c.set(heap.subarray(c0, c0 + m * n), cOffset);
    else for (let i = 0; i < m; i++) c.set(heap.subarray(c0 + i * nPad, c0 + i * nPad + n), cOffset + i * n);
    return true;
  } finally {
    for (const p of owned) wasmFree(p);
  }
}

/** Scratch in the wasm memory for the direct path's staged operands, kept between calls. */
let scratchPtr = 0;
let scratchFloats = 0;

function ensureScratch(floats: number): boolean {
  if (floats <= scratchFloats) return true;
  const want = Math.max(floats, 2 * scratchFloats);
  const p = wasmAlloc(4 * want);
  if (p === null) return false;
  if (scratchFloats > 0) wasmFree(scratchPtr);
  scratchPtr = p;
  scratchFloats = want;
  return true;
}

/** Floats rounded up to a whole number of f32x4 vectors. */
function vec(n: number): number {
  return (n + 3) & ~3;
}

/**
 * C = op(A) . op(B), then + C (accumulate) or + bias (n values, broadcast over the rows), with
 * the unpacked kernel (wasm/gemm.ts gemmDirect) on this thread: for products whose operands fit
 * in cache, where packing and the worker pool cost more than they save. Operands outside the
 * wasm memory are staged in a scratch area kept between calls. False when wasm is unavailable.
 */
export function gemmWasmDirect(
  m: number, n: number, k: number,
  a: Float32Array, aOffset: number, transA: boolean,
  b: Float32Array, bOffset: number, transB: boolean,
  c: Float32Array, cOffset: number, accumulate: boolean,
  bias: Float32Array | null = null,
): boolean {
  const ex = wasmExports("gemm");
  if (ex === null) return false;
  let aPtr = wasmAddress(a);
  let bPtr = wasmAddress(b);
  let cPtr = wasmAddress(c);
  let biasPtr = bias === null ? 0 : wasmAddress(bias);
  // Scratch layout (floats): [A][B as stored][B as k x n][C][bias], each slot only when needed.
  // (No closure here: under tsx every named closure made per call costs a defineProperty.)
  let used = 0;
  const aAt = aPtr < 0 ? used : -1;
  if (aPtr < 0) used += vec(m * k);
  const bAt = bPtr < 0 ? used : -1;
  if (bPtr < 0) used += vec(k * n);
  const btAt = transB ? used : -1;
  if (transB) used += vec(k * n);
  const cAt = cPtr < 0 ? used : -1;
  if (cPtr < 0) used += vec(m * n);
  const biasAt = biasPtr < 0 ? used : -1;
  if (biasPtr < 0) used += vec(n);
  if (used > 0 && !ensureScratch(used)) return false;
  const heap = wasmHeap(); // after allocating: the memory may have grown
  const base = scratchPtr >> 2;
  if (aAt >= 0) {
    heap.set(a.subarray(aOffset, aOffset + m * k), base + aAt);
    aPtr = 4 * (base + aAt);
  } else aPtr += 4 * aOffset;
  if (bAt >= 0) {
    heap.set(b.subarray(bOffset, bOffset + k * n), base + bAt);
    bPtr = 4 * (base + bAt);
  } else bPtr += 4 * bOffset;
  if (transB) {
    // B is stored n x k: make the k x n rows the kernel reads.
    ex.transpose(bPtr, n, k, 4 * (base + btAt));
    bPtr = 4 * (base + btAt);
  }
  if (biasAt >= 0) {
    heap.set(bias!.subarray(0, n), base + biasAt);
    biasPtr = 4 * (base + biasAt);
  }
  let cStage = -1;
  if (cAt >= 0) {
    cStage = base + cAt;
    if (accumulate) heap.set(c.subarray(cOffset, cOffset + m * n), cStage);
    cPtr = 4 * cStage;
  } else cPtr += 4 * cOffset;
  // op(A)(i, p) at i * rs + p * cs: A is m x k, or k x m when transposed.
  ex.gemmDirect(m, n, k, aPtr, transA ? 1 : k, transA ? m : 1, bPtr, n, cPtr, n, bias !== null ? 2 : accumulate ? 1 : 0, biasPtr);
  if (cStage >= 0) c.set(heap.subarray(cStage, cStage + m * n), cOffset);
  return true;
}
