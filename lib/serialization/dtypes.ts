/**
 * The safetensors dtypes paramlab reads and writes: their names in the file ("BF16") and in
 * PyTorch ("bfloat16"), element sizes, and little-endian decoding into float32 storage.
 *
 * Floating types load as float32 (F64 rounds to nearest, F16 and BF16 widen exactly). Integer and
 * bool types keep their values: every I8 / U8 / I16 value and BOOL fits float32 exactly; I32 and
 * I64 values beyond ±2^24 load only when float32 holds them exactly, else the load fails naming
 * the tensor, the element and the value (never a silently rounded integer).
 */
import type { DType } from "../tensor/tensor.js";
import * as msg from "./messages.js";

/** A dtype name as written in a safetensors header. */
export type SafetensorsDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

/** File name → PyTorch name. */
export const TORCH_DTYPE: Readonly<Record<SafetensorsDType, DType>> = {
  F64: "float64",
  F32: "float32",
  F16: "float16",
  BF16: "bfloat16",
  I64: "int64",
  I32: "int32",
  I16: "int16",
  I8: "int8",
  U8: "uint8",
  BOOL: "bool",
};

/** PyTorch name → file name. */
export const FILE_DTYPE: Readonly<Record<DType, SafetensorsDType>> = Object.fromEntries(
  Object.entries(TORCH_DTYPE).map(([file, torch]) => [torch, file]),
) as Record<DType, SafetensorsDType>;

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** True when `name` is a dtype paramlab supports. */
export function isSafetensorsDType(name: unknown): name is SafetensorsDType {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, name);
}

const TWO_24 = 1 << 24;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half → float (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes `bytes` (little-endian elements of `dtype`) into `out`. `name` names the tensor in
 * errors (an integer float32 cannot hold exactly, a BOOL byte other than 0 / 1).
 */
export function decodeInto(out: Float32Array, bytes: Uint8Array, dtype: SafetensorsDType, name: string): void {
  const n = out.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer, out.byteOffset, n * 4).set(bytes.subarray(0, n * 4));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return;
    case "F64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return;
    case "BF16": {
      // A bfloat16 is the top half of a float32: shift its bits into place.
      const bits = new Uint32Array(out.buffer, out.byteOffset, n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return;
    }
    case "F16":
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return;
    case "I8":
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      return;
    case "U8":
      for (let i = 0; i < n; i++) out[i] = bytes[i];
      return;
    case "I16":
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      return;
    case "BOOL":
      for (let i = 0; i < n; i++) {
        const b = bytes[i];
        if (b > 1) throw new RangeError(msg.badBool(name, i, b));
        out[i] = b;
      }
      return;
    case "I32":
      for (let i = 0; i < n; i++) {
        const v = view.getInt32(i * 4, true);
        out[i] = v;
        if ((v > TWO_24 || v < -TWO_24) && out[i] !== v) throw new RangeError(msg.inexactInteger(name, i, String(v), dtype));
      }
      return;
    case "I64":
      for (let i = 0; i < n; i++) {
        const lo = view.getUint32(i * 8, true);
        const hi = view.getInt32(i * 8 + 4, true);
        // Small values (the usual case: position ids, counters) need no BigInt.
        if ((hi === 0 && lo <= TWO_24) || (hi === -1 && lo >= 2 ** 32 - TWO_24)) {
          out[i] = hi * 2 ** 32 + lo;
          continue;
        }
        const v = view.getBigInt64(i * 8, true);
        out[i] = Number(v);
        if (!Number.isFinite(out[i]) || BigInt(out[i]) !== v) throw new RangeError(msg.inexactInteger(name, i, v.toString(), dtype));
      }
      return;
  }
}

/** Encodes float32 `values` as little-endian `dtype` elements (integer dtypes need integers). */
export function encode(values: Float32Array, dtype: SafetensorsDType, name: string): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * DTYPE_SIZE[dtype]);
  const view = new DataView(out.buffer);
  const integer = (i: number, lo: number, hi: number): number => {
    const v = values[i];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(msg.notEncodable(name, i, v, dtype));
    return v;
  };
  switch (dtype) {
    case "F32":
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, values[i], true);
      break;
    case "F64":
      for (let i = 0; i < n; i++) view.setFloat64(i * 8, values[i], true);
      break;
    case "BF16":
    case "F16":
      // Porting note: paramlab never holds bf16 / f16 values (they load as float32), so it does
      // not write them either; save writes F32 for float tensors.
      throw new RangeError(msg.notEncodable(name, 0, values[0], dtype));
    case "I8":
      for (let i = 0; i < n; i++) view.setInt8(i, integer(i, -128, 127));
      break;
    case "U8":
      for (let i = 0; i < n; i++) out[i] = integer(i, 0, 255);
      break;
    case "BOOL":
      for (let i = 0; i < n; i++) out[i] = integer(i, 0, 1);
      break;
    case "I16":
      for (let i = 0; i < n; i++) view.setInt16(i * 2, integer(i, -32768, 32767), true);
      break;
    case "I32":
      for (let i = 0; i < n; i++) view.setInt32(i * 4, integer(i, -(2 ** 31), 2 ** 31 - 1), true);
      break;
    case "I64":
      // float32 integers below 2^63 in magnitude are all int64 values (2^63 itself is not).
      for (let i = 0; i < n; i++) view.setBigInt64(i * 8, BigInt(integer(i, -(2 ** 63), 2 ** 63 - 2 ** 39)), true);
      break;
  }
  return out;
}
