// AssemblyScript source of the float32 matmul kernel behind lib/tensor/gemm.ts, compiled to
// dist/wasm/gemm.wasm by wasm/build.js. Memory is imported (shared with every worker thread) and
// this module keeps no data of its own: every array is a byte address the caller owns.
//
// Layout (GotoBLAS/BLIS): A and B are first packed into micro-panels so the innermost loop reads
// both sequentially. For each block of KC values of k:
//   packed A: micro-panels of MR rows, each kc x MR (element (i, p) at p * MR + i)
//   packed B: micro-panels of NR columns, each kc x NR (element (p, j) at p * NR + j)
// The micro-kernel keeps an MR x NR tile of C in eight f32x4 registers. C is a padded row-major
// buffer (mPad x nPad) so every tile is whole; the caller copies the m x n part out.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
// Row micro-panels per cache block: 32 x 4 rows x 256 k x 4 bytes = 128 KiB of packed A (L2).
const MP: i32 = 32;

/**
 * Packs A (m x k; element (i, p) at src + 4 * (i * rs + p * cs)) into micro-panels at dst, rows
 * padded with zeros to mPad (a multiple of MR).
 */
export function packA(src: usize, rs: i32, cs: i32, m: i32, k: i32, dst: usize, mPad: i32): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const base = dst + ((<usize>p0 * <usize>mPad) << 2);
    for (let i0 = 0; i0 < mPad; i0 += MR) {
      const panel = base + ((<usize>i0 * <usize>kc) << 2);
      for (let ii = 0; ii < MR; ii++) {
        const i = i0 + ii;
        let out = panel + (<usize>ii << 2);
        if (i < m) {
          let s = src + ((<usize>i * <usize>rs + <usize>p0 * <usize>cs) << 2);
          const step = <usize>cs << 2;
          for (let p = 0; p < kc; p++) {
            store<f32>(out, load<f32>(s));
            s += step;
            out += MR << 2;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(out, 0);
            out += MR << 2;
          }
        }
      }
    }
  }
}

/**
 * Packs B (k x n; element (p, j) at src + 4 * (p * rs + j * cs)) into micro-panels at dst,
 * columns padded with zeros to nPad (a multiple of NR).
 */
export function packB(src: usize, rs: i32, cs: i32, k: i32, n: i32, dst: usize, nPad: i32): void {
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const base = dst + ((<usize>p0 * <usize>nPad) << 2);
    for (let j0 = 0; j0 < nPad; j0 += NR) {
      let out = base + ((<usize>j0 * <usize>kc) << 2);
      if (cs == 1 && j0 + NR <= n) {
        // Rows of B are contiguous: copy NR values at a time.
        let s = src + ((<usize>p0 * <usize>rs + <usize>j0) << 2);
        const step = <usize>rs << 2;
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(s));
          v128.store(out, v128.load(s, 16), 16);
          s += step;
          out += NR << 2;
        }
        continue;
      }
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) {
          const j = j0 + jj;
          const v: f32 = j < n ? load<f32>(src + ((<usize>(p0 + p) * <usize>rs + <usize>j * <usize>cs) << 2)) : 0;
          store<f32>(out + (<usize>jj << 2), v);
        }
        out += NR << 2;
      }
    }
  }
}

/** C[MR x NR tile at c] += A micro-panel (kc x MR at a) . B micro-panel (kc x NR at b). */
// @ts-ignore: decorator
@inline function microKernel(a: usize, b: usize, c: usize, kc: i32, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += MR << 2;
    b += NR << 2;
  }
  v128.store(c, f32x4.add(v128.load(c), c00));
  v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c10));
  v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c20));
  v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
  c += ldc;
  v128.store(c, f32x4.add(v128.load(c), c30));
  v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
}

/**
 * C += A . B for the row micro-panels [start, end) of C (rows start * MR up to end * MR), over
 * all columns; ap / bp are packA / packB output, c the padded mPad x nPad row-major C. Distinct
 * ranges touch distinct rows of C, so threads can run disjoint ranges at once; the sum over k
 * runs in the same order whatever the ranges, so the result does not depend on the split.
 */
export function gemmRows(start: i32, end: i32, ap: usize, bp: usize, c: usize, mPad: i32, nPad: i32, k: i32): void {
  const ldc = <usize>nPad << 2;
  for (let i0 = start; i0 < end; i0 += MP) {
    const i1 = min(end, i0 + MP);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const aBase = ap + ((<usize>p0 * <usize>mPad) << 2);
      const bBase = bp + ((<usize>p0 * <usize>nPad) << 2);
      for (let j0 = 0; j0 < nPad; j0 += NR) {
        const b = bBase + ((<usize>j0 * <usize>kc) << 2);
        for (let i = i0; i < i1; i++) {
          const row = <usize>i * <usize>MR;
          microKernel(aBase + ((row * <usize>kc) << 2), b, c + ((row * <usize>nPad + <usize>j0) << 2), kc, ldc);
        }
      }
    }
  }
}

// ---- Small products: no packing ----
// When A and B fit in L1/L2, packing them costs as much as it saves. gemmDirect reads A through
// its strides and B as k rows of n contiguous values (a transposed B is first copied into that
// form by `transpose`), keeping a 4 x 8 tile of C in eight f32x4 registers as the packed kernel
// does; each C(i, j) is summed over p in order, in float32, and then added to C or to bias[j].

/** dst (cols x rows, row-major) = transpose of src (rows x cols, row-major), in 8 x 8 blocks. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const sr = <usize>cols << 2;
  const dr = <usize>rows << 2;
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(rows, r0 + 8);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min(cols, c0 + 8);
      for (let r = r0; r < r1; r++) {
        let s = src + <usize>r * sr + (<usize>c0 << 2);
        let d = dst + <usize>c0 * dr + (<usize>r << 2);
        for (let c = c0; c < c1; c++) {
          store<f32>(d, load<f32>(s));
          s += 4;
          d += dr;
        }
      }
    }
  }
}

/** Adds the finished accumulator `acc` for C at `c` (column j): + C (mode 1), + bias[j] (mode 2), or stores it (mode 0). */
// @ts-ignore: decorator
@inline function finish4(c: usize, acc: v128, mode: i32, bias: usize): void {
  if (mode == 1) acc = f32x4.add(v128.load(c), acc);
  else if (mode == 2) acc = f32x4.add(v128.load(bias), acc);
  v128.store(c, acc);
}

// @ts-ignore: decorator
@inline function finish1(c: usize, acc: f32, mode: i32, bias: usize): void {
  if (mode == 1) acc = load<f32>(c) + acc;
  else if (mode == 2) acc = load<f32>(bias) + acc;
  store<f32>(c, acc);
}

/**
 * C (m x n at c, row stride ldc floats) = A . B, then + C (mode 1) or + bias (mode 2, n floats);
 * A(i, p) at a + 4 (i rsA + p csA), B(p, j) at b + 4 (p ldb + j).
 */
export function gemmDirect(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32, mode: i32, bias: usize): void {
  const ra = <usize>rsA << 2;
  const ca = <usize>csA << 2;
  const rb = <usize>ldb << 2;
  const rc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pa = a0;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = v128.load32_splat(pa);
        c00 = f32x4.add(c00, f32x4.mul(x, b0));
        c01 = f32x4.add(c01, f32x4.mul(x, b1));
        x = v128.load32_splat(pa + ra);
        c10 = f32x4.add(c10, f32x4.mul(x, b0));
        c11 = f32x4.add(c11, f32x4.mul(x, b1));
        x = v128.load32_splat(pa + 2 * ra);
        c20 = f32x4.add(c20, f32x4.mul(x, b0));
        c21 = f32x4.add(c21, f32x4.mul(x, b1));
        x = v128.load32_splat(pa + 3 * ra);
        c30 = f32x4.add(c30, f32x4.mul(x, b0));
        c31 = f32x4.add(c31, f32x4.mul(x, b1));
        pa += ca;
        pb += rb;
      }
      const cj = c0 + (<usize>j << 2);
      const bj = bias + (<usize>j << 2);
      finish4(cj, c00, mode, bj);
      finish4(cj + 16, c01, mode, bj + 16);
      finish4(cj + rc, c10, mode, bj);
      finish4(cj + rc + 16, c11, mode, bj + 16);
      finish4(cj + 2 * rc, c20, mode, bj);
      finish4(cj + 2 * rc + 16, c21, mode, bj + 16);
      finish4(cj + 3 * rc, c30, mode, bj);
      finish4(cj + 3 * rc + 16, c31, mode, bj + 16);
    }
    for (; j + 4 <= n; j += 4) {
      let c0v = f32x4.splat(0), c1v = f32x4.splat(0), c2v = f32x4.splat(0), c3v = f32x4.splat(0);
      let pa = a0;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        c0v = f32x4.add(c0v, f32x4.mul(v128.load32_splat(pa), b0));
        c1v = f32x4.add(c1v, f32x4.mul(v128.load32_splat(pa + ra), b0));
        c2v = f32x4.add(c2v, f32x4.mul(v128.load32_splat(pa + 2 * ra), b0));
        c3v = f32x4.add(c3v, f32x4.mul(v128.load32_splat(pa + 3 * ra), b0));
        pa += ca;
        pb += rb;
      }
      const cj = c0 + (<usize>j << 2);
      const bj = bias + (<usize>j << 2);
      finish4(cj, c0v, mode, bj);
      finish4(cj + rc, c1v, mode, bj);
      finish4(cj + 2 * rc, c2v, mode, bj);
      finish4(cj + 3 * rc, c3v, mode, bj);
    }
    for (; j < n; j++) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let pa = a0;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const y = load<f32>(pb);
        s0 += load<f32>(pa) * y;
        s1 += load<f32>(pa + ra) * y;
        s2 += load<f32>(pa + 2 * ra) * y;
        s3 += load<f32>(pa + 3 * ra) * y;
        pa += ca;
        pb += rb;
      }
      const cj = c0 + (<usize>j << 2);
      const bj = bias + (<usize>j << 2);
      finish1(cj, s0, mode, bj);
      finish1(cj + rc, s1, mode, bj);
      finish1(cj + 2 * rc, s2, mode, bj);
      finish1(cj + 3 * rc, s3, mode, bj);
    }
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * ra;
    const c0 = c + <usize>i * rc;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let acc = f32x4.splat(0);
      let pa = a0;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
        pa += ca;
        pb += rb;
      }
      finish4(c0 + (<usize>j << 2), acc, mode, bias + (<usize>j << 2));
    }
    for (; j < n; j++) {
      let s: f32 = 0;
      let pa = a0;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += ca;
        pb += rb;
      }
      finish1(c0 + (<usize>j << 2), s, mode, bias + (<usize>j << 2));
    }
  }
}
