/**
 * The float32 `log` and `sincos` that PyTorch's AVX2 `normal_` kernel evaluates (Cephes
 * polynomials via `aten/src/ATen/native/cpu/avx_mathfun.h`), one lane at a time. Every operation
 * rounds to float32 as the vector instructions do, so `randn` reproduces PyTorch's bits rather
 * than a correctly rounded `Math.log`.
 */

const f = Math.fround;
/**
 * A fused multiply-add rounded once to float32. GCC contracts the kernel's vector multiply and add
 * into FMA instructions, so the port does too. The product of two float32 values is exact in a
 * double; the sum then rounds twice (double, float32), which differs from one rounding only in
 * cases far rarer than PyTorch's own run-to-run guarantees.
 */
export function fmaf(a: number, b: number, c: number): number {
  return f(a * b + c);
}
// One shared word viewed as float32 and uint32, for the exponent / mantissa bit tricks.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

function bits(x: number): number {
  F32[0] = x;
  return U32[0];
}

function fromBits(b: number): number {
  U32[0] = b >>> 0;
  return F32[0];
}

const SQRTHF = f(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);

/** Natural log of a positive float32, as `log256_ps` (NaN for x <= 0). */
export function log256(xIn: number): number {
  if (!(xIn > 0)) return NaN;
  let x = Math.max(f(xIn), fromBits(0x00800000));
  const b = bits(x);
  let e = f(((b >>> 23) - 0x7f) + 1);
  x = fromBits((b & ~0x7f800000) | 0x3f000000); // mantissa with the exponent of 0.5
  if (x < SQRTHF) {
    e = f(e - 1);
    x = f(f(x - 1) + x);
  } else {
    x = f(x - 1);
  }
  const z = f(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fmaf(y, x, LOG_P[i]);
  y = f(y * x);
  // GCC fuses (y * z) + (e * q1) as fma(y, z, e * q1); checked against torch 1.13 bit for bit.
  y = fmaf(y, z, f(e * LOG_Q1));
  y = fmaf(-z, 0.5, y);
  x = f(x + y);
  return fmaf(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** Where `sincos256` writes its result: `[sin, cos]` (no allocation per call). */
export const SINCOS = new Float64Array(2);

/** sin(x) and cos(x) of a float32, as `sincos256_ps`, written to `SINCOS`. */
export function sincos256(xIn: number): void {
  let x = Math.abs(f(xIn));
  let signSin = xIn < 0 || Object.is(xIn, -0);
  let j = Math.trunc(f(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  const y0 = f(j);
  if (j & 4) signSin = !signSin;
  const polySin = (j & 2) === 0;
  const signCos = ((~(j - 2)) & 4) !== 0;
  x = fmaf(y0, DP1, x);
  x = fmaf(y0, DP2, x);
  x = fmaf(y0, DP3, x);
  const z = f(x * x);
  let yc = COS_P[0];
  yc = fmaf(yc, z, COS_P[1]);
  yc = fmaf(yc, z, COS_P[2]);
  yc = f(yc * z);
  yc = fmaf(yc, z, -f(z * 0.5));
  yc = f(yc + 1);
  let ys = SIN_P[0];
  ys = fmaf(ys, z, SIN_P[1]);
  ys = fmaf(ys, z, SIN_P[2]);
  ys = f(ys * z);
  ys = fmaf(ys, x, x);
  const sinAbs = polySin ? ys : yc;
  const cosAbs = polySin ? yc : ys;
  SINCOS[0] = signSin ? -sinAbs : sinAbs;
  SINCOS[1] = signCos ? -cosAbs : cosAbs;
}
