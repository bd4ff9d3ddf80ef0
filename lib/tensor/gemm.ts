/**
 * The one matrix-multiply kernel: every matmul / linear forward and backward goes through `gemm`.
 *
 * Products of at least `WASM_MIN_MACS` multiply-adds run in WebAssembly (`gemm_wasm.ts`, f32x4
 * SIMD): below `WASM_PACKED_MIN_MACS` unpacked on this thread (the operands fit in cache, and
 * packing or handing rows to the worker pool would cost more than the product), above that packed,
 * cache-blocked, with row panels across the worker pool. Smaller ones, and every product
 * when WebAssembly is unavailable, take the plain JavaScript path below, which brings both operands into "rows of length k" form (A as
 * m×k, B as n×k, packing a transposed copy only when the layout asks for it), then computes each
 * C[i][j] as a dot product of two contiguous rows, 2 rows of A × 4 rows of B at a time so every
 * load feeds several multiply-adds, with B walked in panels that stay in cache while all of A
 * streams past. Sums accumulate in double and round once to float32 when stored.
 */

import { ValueError } from "../errors.js";
import { gemmWasm, gemmWasmDirect } from "./gemm_wasm.js";

/** Below this many multiply-adds (m n k) the JavaScript loop beats the call into wasm. */
export const WASM_MIN_MACS = 1 << 11;

/**
 * From this many multiply-adds on, the packed wasm kernel (which can use the worker pool) beats
 * the unpacked one; below, packing costs more than it saves (measured: bench/matmul.ts shapes).
 */
export const WASM_PACKED_MIN_MACS = 1 << 21;

/** Rows of B handled per cache panel (PANEL_ROWS × k floats should fit in L2). */
const PANEL_BYTES = 192 * 1024;

let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);

function scratch(which: "a" | "b", n: number): Float32Array {
  if (which === "a") {
    if (scratchA.length < n) scratchA = new Float32Array(Math.max(n, scratchA.length * 2));
    return scratchA;
  }
  if (scratchB.length < n) scratchB = new Float32Array(Math.max(n, scratchB.length * 2));
  return scratchB;
}

/** Writes the transpose of `rows`×`cols` (row-major at `offset`) into `dst`: `cols`×`rows`. */
function transposeInto(src: Float32Array, offset: number, rows: number, cols: number, dst: Float32Array): void {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const s = offset + r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[s + c];
      }
    }
  }
}

/**
 * C (m×n, row-major at cOffset) = op(A) · op(B) (+ C when accumulate, or + `bias` broadcast over
 * the rows: PyTorch's addmm, the bias added to each finished sum); op(A) is m×k (stored k×m when
 * transA), op(B) is k×n (stored n×k when transB). Float32 storage.
 *
 * @example
 * // y = x · Wᵀ + b for x (4×3), W (5×3), b (5): B is W stored n×k, so transB = true
 * gemm(4, 5, 3, x.data, 0, false, w.data, 0, true, y.data, 0, false, b.data);
 */
export function gemm(m: number, n: number, k: number,
  a: Float32Array, aOffset: number, transA: boolean,
  b: Float32Array, bOffset: number, transB: boolean,
  c: Float32Array, cOffset: number, accumulate: boolean,
  bias: Float32Array | null = null): void {
  if (!Number.isInteger(m) || m < 0) throw new ValueError(`gemm(): m must be a non-negative integer, got ${m}`);
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`gemm(): n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0) throw new ValueError(`gemm(): k must be a non-negative integer, got ${k}`);
  checkOperand("A", a, aOffset, m * k);
  checkOperand("B", b, bOffset, k * n);
  checkOperand("C", c, cOffset, m * n);
  if (bias !== null) {
    checkOperand("bias", bias, 0, n);
    if (accumulate) throw new ValueError("gemm(): pass either accumulate or a bias, not both");
  }
  if (m === 0 || n === 0) return;
  const macs = m * n * k;
  if (bias !== null && k > 0 && macs >= WASM_MIN_MACS && macs < WASM_PACKED_MIN_MACS &&
    gemmWasmDirect(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, false, bias)) return;
  if (bias !== null) {
    // C = bias in every row, then C += A·B.
    c.set(bias.subarray(0, n), cOffset);
    for (let filled = 1; filled < m; filled *= 2) c.copyWithin(cOffset + filled * n, cOffset, cOffset + Math.min(filled, m - filled) * n);
    accumulate = true;
  }
  if (k === 0) {
    if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  if (macs >= WASM_MIN_MACS) {
    if (macs < WASM_PACKED_MIN_MACS && gemmWasmDirect(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate)) return;
    if (gemmWasm(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate)) return;
  }
  gemmJs(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
}

function checkOperand(name: string, x: Float32Array, offset: number, size: number): void {
  if (!(x instanceof Float32Array)) throw new TypeError(`gemm(): ${name} must be a Float32Array, got ${x === null ? "null" : typeof x}`);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > x.length) {
    throw new RangeError(`gemm(): ${name} needs ${size} elements from offset ${offset}, but has length ${x.length}`);
  }
}

/** The JavaScript path (exported for tests and for comparison benchmarks). */
export function gemmJs(m: number, n: number, k: number,
  a: Float32Array, aOffset: number, transA: boolean,
  b: Float32Array, bOffset: number, transB: boolean,
  c: Float32Array, cOffset: number, accumulate: boolean): void {
  // A as m rows of k, B as n rows of k.
  let A = a;
  let ao = aOffset;
  if (transA) {
    A = scratch("a", m * k);
    transposeInto(a, aOffset, k, m, A);
    ao = 0;
  }
  let B = b;
  let bo = bOffset;
  if (!transB) {
    B = scratch("b", n * k);
    transposeInto(b, bOffset, k, n, B);
    bo = 0;
  }
  const panel = Math.max(4, Math.floor(PANEL_BYTES / (4 * k)) & ~3);
  for (let j0 = 0; j0 < n; j0 += panel) {
    const j1 = Math.min(n, j0 + panel);
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const a0 = ao + i * k;
      const a1 = a0 + k;
      const c0 = cOffset + i * n;
      const c1 = c0 + n;
      let j = j0;
      for (; j + 3 < j1; j += 4) {
        const b0 = bo + j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = A[a0 + p];
          const x1 = A[a1 + p];
          const y0 = B[b0 + p];
          const y1 = B[b1 + p];
          const y2 = B[b2 + p];
          const y3 = B[b3 + p];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        }
        if (accumulate) {
          c[c0 + j] += s00; c[c0 + j + 1] += s01; c[c0 + j + 2] += s02; c[c0 + j + 3] += s03;
          c[c1 + j] += s10; c[c1 + j + 1] += s11; c[c1 + j + 2] += s12; c[c1 + j + 3] += s13;
        } else {
          c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
          c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
        }
      }
      for (; j < j1; j++) {
        const b0 = bo + j * k;
        let s0 = 0, s1 = 0;
        for (let p = 0; p < k; p++) {
          const y = B[b0 + p];
          s0 += A[a0 + p] * y;
          s1 += A[a1 + p] * y;
        }
        if (accumulate) { c[c0 + j] += s0; c[c1 + j] += s1; } else { c[c0 + j] = s0; c[c1 + j] = s1; }
      }
    }
    for (; i < m; i++) {
      const a0 = ao + i * k;
      const c0 = cOffset + i * n;
      for (let j = j0; j < j1; j++) {
        const b0 = bo + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[a0 + p] * B[b0 + p];
        if (accumulate) c[c0 + j] += s; else c[c0 + j] = s;
      }
    }
  }
}
