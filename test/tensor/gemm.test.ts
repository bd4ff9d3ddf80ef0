import { test } from "node:test";
import { gemm } from "../../lib/tensor/gemm.js";
import { assertClose } from "../util.js";

/** The definition, C[i][j] = Σ_p A[i][p]·B[p][j], read through the stated layouts. */
function reference(m: number, n: number, k: number, a: Float32Array, ta: boolean, b: Float32Array, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
    c[i * n + j] = s;
  }
  return c;
}

function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; out[i] = s / 2147483648 - 0.5; }
  return out;
}

test("gemm matches the definition for every transpose combination, odd sizes, offsets and accumulate", () => {
  for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [7, 9, 2], [64, 64, 64], [5, 300, 130], [2, 3, 0]]) {
    for (const ta of [false, true]) for (const tb of [false, true]) {
      const a = filled(m * k + 3, m + 1);
      const b = filled(k * n + 5, n + 2);
      const c = new Float32Array(m * n + 2).fill(1);
      gemm(m, n, k, a, 3, ta, b, 5, tb, c, 2, false);
      const want = reference(m, n, k, a.subarray(3), ta, b.subarray(5), tb);
      assertClose(c.subarray(2), want, { rtol: 1e-5, atol: 1e-6, what: `${m}x${n}x${k} ${ta} ${tb}` });
      gemm(m, n, k, a, 3, ta, b, 5, tb, c, 2, true);
      assertClose(c.subarray(2), want.map((v) => 2 * v), { rtol: 1e-5, atol: 1e-6, what: `accumulate ${m}x${n}x${k}` });
      assertClose(c.subarray(0, 2), [1, 1], { what: "untouched prefix" });
    }
  }
});
