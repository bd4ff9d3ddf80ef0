import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm, gemmJs, WASM_MIN_MACS, WASM_PACKED_MIN_MACS } from "../../lib/tensor/gemm.js";
import { gemmWasm, gemmWasmDirect } from "../../lib/tensor/gemm_wasm.js";
import { setNumThreads } from "../../lib/tensor/parallel.js";
import { wasmAlloc, wasmExports, wasmFree, wasmView } from "../../lib/tensor/wasm.js";
import { ValueError } from "../../lib/errors.js";
import { assertThrowsMessage } from "../util.js";

type Gemm = typeof gemmJs;

/** Deterministic values in [-1, 1) with varied magnitudes (an LCG: no RNG under test). */
function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * (1 + (i % 5));
  }
  return out;
}

/**
 * Checks C against the definition in float64 (a plain triple loop through the stated layouts),
 * with the standard float32 summation bound |error| <= k u sum |a_ip b_pj| (u = 2^-24), doubled.
 */
function check(impl: Gemm, m: number, n: number, k: number, ta: boolean, tb: boolean, accumulate: boolean, what: string) {
  const ao = 3, bo = 5, co = 2;
  const a = filled(ao + m * k + 1, m * 31 + k);
  const b = filled(bo + k * n + 1, n * 17 + k);
  const c = filled(co + m * n + 3, 7);
  const before = c.slice();
  impl(m, n, k, a, ao, ta, b, bo, tb, c, co, accumulate);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? before[co + i * n + j] : 0;
      let bound = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const x = ta ? a[ao + p * m + i] : a[ao + i * k + p];
        const y = tb ? b[bo + j * k + p] : b[bo + p * n + j];
        s += x * y;
        bound += Math.abs(x * y);
      }
      const got = c[co + i * n + j];
      const tol = 2 * (k + 1) * 2 ** -24 * bound;
      if (!(Math.abs(got - s) <= tol)) assert.fail(`${what} ${m}x${n}x${k} transA=${ta} transB=${tb} acc=${accumulate}: C[${i}][${j}] = ${got}, expected ${s} (tol ${tol})`);
    }
  }
  for (let i = 0; i < co; i++) assert.equal(c[i], before[i], `${what}: C before the offset is untouched`);
  for (let i = co + m * n; i < c.length; i++) assert.equal(c[i], before[i], `${what}: C after the product is untouched`);
}

const wasmOnly: Gemm = (...args) => {
  assert.ok(gemmWasm(...args), "the wasm path ran");
};

test("the wasm kernel is built and loads (npm run build compiles wasm/gemm.ts)", () => {
  assert.notEqual(wasmExports("gemm"), null, "dist/wasm/gemm.wasm missing: run npm run build");
});

test("wasm gemm matches the float64 definition for every small shape, transpose, offset and accumulate", () => {
  // Every m, n, k in 1..9 crosses the 4x8 tile edges on both sides.
  for (let m = 1; m <= 9; m++) for (let n = 1; n <= 9; n++) for (let k = 1; k <= 9; k++) {
    for (const ta of [false, true]) for (const tb of [false, true]) for (const acc of [false, true]) {
      check(wasmOnly, m, n, k, ta, tb, acc, "wasm");
    }
  }
});

const directOnly: Gemm = (...args) => {
  assert.ok(gemmWasmDirect(...args), "the unpacked wasm path ran");
};

test("unpacked wasm gemm matches the float64 definition for every small shape, transpose, offset and accumulate", () => {
  for (let m = 1; m <= 9; m++) for (let n = 1; n <= 9; n++) for (let k = 1; k <= 9; k++) {
    for (const ta of [false, true]) for (const tb of [false, true]) for (const acc of [false, true]) {
      check(directOnly, m, n, k, ta, tb, acc, "direct");
    }
  }
  // The MLP shapes it is for (k = 2, n = 2, square), transposed blocks past 8 x 8.
  for (const [m, n, k] of [[64, 64, 2], [64, 2, 64], [2, 64, 64], [64, 64, 64], [37, 45, 300], [13, 70, 19]]) {
    for (const ta of [false, true]) for (const tb of [false, true]) check(directOnly, m, n, k, ta, tb, true, "direct");
  }
});

test("gemm with a bias adds it to every row after the product, on every path", () => {
  // Shapes below WASM_MIN_MACS (JavaScript), between (unpacked wasm) and above WASM_PACKED_MIN_MACS (packed).
  for (const [m, n, k] of [[3, 5, 4], [33, 20, 50], [130, 129, 130]]) {
    const macs = m * n * k;
    assert.ok(macs < WASM_MIN_MACS || (macs >= WASM_MIN_MACS && macs < WASM_PACKED_MIN_MACS) || macs >= WASM_PACKED_MIN_MACS);
    for (const tb of [false, true]) {
      const a = filled(m * k, 3);
      const b = filled(k * n, 4);
      const bias = filled(n, 5);
      const withBias = filled(m * n + 2, 6);
      gemm(m, n, k, a, 0, false, b, 0, tb, withBias, 1, false, bias);
      // The definition in float64, with the float32 summation bound as in check().
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = bias[j];
          let bound = Math.abs(bias[j]);
          for (let p = 0; p < k; p++) {
            const t = a[i * k + p] * (tb ? b[j * k + p] : b[p * n + j]);
            sum += t;
            bound += Math.abs(t);
          }
          const got = withBias[1 + i * n + j];
          const tol = 2 * (k + 1) * 2 ** -24 * bound;
          if (!(Math.abs(got - sum) <= tol)) assert.fail(`${m}x${n}x${k} transB=${tb}: C[${i}][${j}] = ${got}, expected ${sum} (tol ${tol})`);
        }
      }
      assert.equal(withBias[0], filled(1, 6)[0], "C before the offset is untouched");
    }
  }
  const x = new Float32Array(6);
  assertThrowsMessage(() => gemm(2, 3, 1, x, 0, false, x, 0, false, x, 0, false, new Float32Array(2)), RangeError, "gemm(): bias needs 3 elements from offset 0, but has length 2");
  assertThrowsMessage(() => gemm(2, 3, 1, x, 0, false, x, 0, false, x, 0, true, x), ValueError, "gemm(): pass either accumulate or a bias, not both");
});

test("the JavaScript fallback matches the definition on the same small shapes", () => {
  for (const m of [1, 2, 5]) for (const n of [1, 3, 4, 7]) for (const k of [1, 2, 9]) {
    for (const ta of [false, true]) for (const tb of [false, true]) for (const acc of [false, true]) check(gemmJs, m, n, k, ta, tb, acc, "js");
  }
});

test("wasm gemm matches the definition across cache blocks (k > 256) and ragged tiles", () => {
  for (const [m, n, k] of [[37, 45, 300], [130, 9, 513], [4, 8, 256], [65, 129, 257]]) {
    for (const ta of [false, true]) for (const tb of [false, true]) check(wasmOnly, m, n, k, ta, tb, true, "blocked");
  }
});

test("wasm gemm gives the same bits on 1, 2 and 3 threads", () => {
  const [m, n, k] = [301, 150, 270];
  const a = filled(m * k, 1);
  const b = filled(k * n, 2);
  const results = [1, 2, 3].map((threads) => {
    const previous = setNumThreads(threads);
    try {
      const c = new Float32Array(m * n);
      gemm(m, n, k, a, 0, false, b, 0, true, c, 0, false);
      return c;
    } finally {
      setNumThreads(previous);
    }
  });
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});

test("wasm gemm reads operands that live in the shared wasm memory in place", () => {
  const [m, n, k] = [33, 20, 50];
  const pa = wasmAlloc(4 * (m * k + 4))!;
  const pc = wasmAlloc(4 * (m * n + 4))!;
  try {
    const a = wasmView(pa, m * k + 4);
    a.set(filled(m * k + 4, 9));
    const b = filled(k * n, 10);
    const c = wasmView(pc, m * n + 4);
    const plain = new Float32Array(m * n + 4);
    gemmJs(m, n, k, a, 4, false, b, 0, false, plain, 4, false);
    assert.ok(gemmWasm(m, n, k, a, 4, false, b, 0, false, c, 4, false));
    for (let i = 4; i < m * n + 4; i++) assert.ok(Math.abs(c[i] - plain[i]) <= 1e-4 * (1 + Math.abs(plain[i])), `C[${i}]`);
  } finally {
    wasmFree(pa);
    wasmFree(pc);
  }
});

test("gemm dispatches: tiny products stay in JavaScript, large ones agree with it", () => {
  assert.ok(WASM_MIN_MACS > 8 * 8 * 8 && WASM_MIN_MACS <= 64 * 64 * 64);
  assert.ok(WASM_PACKED_MIN_MACS > 64 * 64 * 64);
  check(gemm, 64, 70, 80, true, false, true, "dispatch");
  check(gemm, 140, 130, 120, false, true, true, "dispatch packed");
});

test("gemm rejects bad sizes and short arrays, naming what it got", () => {
  const x = new Float32Array(6);
  assertThrowsMessage(() => gemm(2, 3, -1, x, 0, false, x, 0, false, x, 0, false), ValueError, "gemm(): k must be a non-negative integer, got -1");
  assertThrowsMessage(() => gemm(2, 3, 4, x, 0, false, x, 0, false, x, 0, false), RangeError, "gemm(): A needs 8 elements from offset 0, but has length 6");
  assertThrowsMessage(() => gemm(2, 3, 1, x, 0, false, x, 4, false, x, 0, false), RangeError, "gemm(): B needs 3 elements from offset 4, but has length 6");
  assertThrowsMessage(() => gemm(2, 3, 1, x, 0, false, x, 0, false, null as never, 0, false), TypeError, "gemm(): C must be a Float32Array, got null");
});
