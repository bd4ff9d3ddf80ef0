/** Helpers shared by the op files: fresh outputs, argument checks, broadcasting. */
import { describeValue, kindOf, RuntimeError } from "../../errors.js";
import { allocateStorage, sameShape, shapeNumel, Tensor } from "../../tensor/tensor.js";

/** A fresh zeroed tensor of `shape`. */
export function fresh(shape: readonly number[]): Tensor {
  return new Tensor(allocateStorage(shapeNumel(shape)), shape);
}

/** A tensor over `data` (no copy) with `shape`. */
export function wrap(data: Float32Array, shape: readonly number[]): Tensor {
  return new Tensor(data, shape);
}

/** Throws PyTorch's TypeError when `x` is not a Tensor. */
export function checkTensor(x: unknown, fn: string, arg = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument '${arg}' must be Tensor, not ${kindOf(x)}`);
}

/** Throws PyTorch's TypeError when `x` is neither a Tensor nor a number. */
export function checkTensorOrNumber(x: unknown, fn: string, arg = "other"): asserts x is Tensor | number {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new TypeError(`${fn}(): argument '${arg}' must be Tensor or Number, not ${kindOf(x)}`);
  }
}

/** Normalises a possibly negative `dim` of a tensor with `ndim` dims (0-d tensors accept 0 and -1). */
export function normDim(dim: unknown, ndim: number, fn = "dim"): number {
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw new TypeError(`${fn}: dim must be an integer, got ${describeValue(dim)}`);
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * The broadcast shape of `a` and `b` (NumPy / PyTorch rules), or PyTorch's error naming the first
 * dimension that does not match.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The values of `t` broadcast to `shape` (a copy; `t.data` itself when the shapes are equal). */
export function expandData(t: Tensor, shape: readonly number[]): Float32Array {
  if (sameShape(t.shape, shape)) return t.data;
  const n = shapeNumel(shape);
  const out = allocateStorage(n);
  if (t.numel === 1) return out.fill(t.data[0]);
  const nd = shape.length;
  const offset = nd - t.shape.length;
  // Source strides per output dim, 0 where broadcast.
  const src = stridesOf(t.shape);
  const st = new Array<number>(nd).fill(0);
  for (let i = 0; i < t.shape.length; i++) st[offset + i] = t.shape[i] === 1 ? 0 : src[i];
  // Copy the innermost run at a time when it is contiguous in the source.
  const inner = shape[nd - 1];
  const innerStride = st[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  const d = t.data;
  for (let o = 0; o < n; o += inner) {
    let s = 0;
    for (let i = 0; i < nd - 1; i++) s += idx[i] * st[i];
    if (innerStride === 1) out.set(d.subarray(s, s + inner), o);
    else if (innerStride === 0) out.fill(d[s], o, o + inner);
    for (let i = nd - 2; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * Sums a gradient of the broadcast shape back to `shape` (the shape of the input it flowed from).
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const out = fresh(shape);
  const o = out.data;
  const d = g.data;
  if (out.numel === 1) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i];
    o[0] = s;
    return out;
  }
  const nd = g.shape.length;
  const offset = nd - shape.length;
  const dst = stridesOf(shape);
  const st = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) st[offset + i] = shape[i] === 1 ? 0 : dst[i];
  const inner = g.shape[nd - 1];
  const innerStride = st[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  for (let p = 0; p < d.length; p += inner) {
    let s = 0;
    for (let i = 0; i < nd - 1; i++) s += idx[i] * st[i];
    if (innerStride === 1) {
      for (let j = 0; j < inner; j++) o[s + j] += d[p + j];
    } else {
      let acc = 0;
      for (let j = 0; j < inner; j++) acc += d[p + j];
      o[s] += acc;
    }
    for (let i = nd - 2; i >= 0; i--) {
      if (++idx[i] < g.shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}
