/**
 * Matrix products through the one `gemm` kernel: `matmul` (1-d, 2-d and batched with
 * broadcasting of the batch dims). C = A·B has gradients dA = G·Bᵀ and dB = Aᵀ·G.
 */
import { RuntimeError } from "../../errors.js";
import { gemm } from "../../tensor/gemm.js";
import { formatShape, sameShape, shapeNumel, Tensor } from "../../tensor/tensor.js";
import { gradBuffer, recordOp } from "../function.js";
import { broadcastShapes, checkTensor, expandData, fresh, sumToShape, wrap } from "./_util.js";

/** PyTorch's message for `mm` with inner sizes that differ. */
export function mmShapeMessage(m: number, k1: number, k2: number, n: number): string {
  return `mat1 and mat2 shapes cannot be multiplied (${m}x${k1} and ${k2}x${n})`;
}

/**
 * Matrix product with PyTorch's rules: 1-d·1-d is a dot product, a 1-d operand is treated as a
 * row (left) or column (right) vector and that dim is dropped, and leading (batch) dims broadcast.
 *
 * @example
 * matmul(ones(2, 3), ones(3, 4)).shape;    // [2, 4]
 * matmul(ones(5, 2, 3), ones(3, 4)).shape; // [5, 2, 4]
 */
export function matmul(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, "matmul");
  checkTensor(other, "matmul", "other");
  if (input.ndim === 0 || other.ndim === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${input.ndim}D and ${other.ndim}D`);
  }
  const aShape = input.ndim === 1 ? [1, input.shape[0]] : input.shape;
  const bShape = other.ndim === 1 ? [other.shape[0], 1] : other.shape;
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const k2 = bShape[bShape.length - 2];
  const n = bShape[bShape.length - 1];
  if (k !== k2) {
    if (input.ndim === 1 && other.ndim === 1) {
      throw new RuntimeError(`inconsistent tensor size, expected tensor [${k}] and src [${k2}] to have the same number of elements, but got ${k} and ${k2} elements respectively`);
    }
    throw new RuntimeError(mmShapeMessage(m, k, k2, n));
  }
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  const batches = shapeNumel(batch);
  const aFull = [...batch, m, k];
  const bFull = [...batch, k, n];
  const A = expandData(wrap(input.data, aShape), aFull);
  const B = expandData(wrap(other.data, bShape), bFull);
  const outShape = [...batch, ...(input.ndim === 1 ? [] : [m]), ...(other.ndim === 1 ? [] : [n])];
  const out = fresh(outShape);
  for (let i = 0; i < batches; i++) gemm(m, n, k, A, i * m * k, false, B, i * k * n, false, out.data, i * m * n, false);
  const name = input.ndim === 1 && other.ndim === 1 ? "DotBackward0"
    : input.ndim === 2 && other.ndim === 2 ? "MmBackward0"
    : input.ndim === 2 && other.ndim === 1 ? "MvBackward0"
    : input.ndim === 1 && other.ndim === 2 ? "SqueezeBackward3"
    : "UnsafeViewBackward0"; // PyTorch folds batch dims, multiplies, and views back
  return recordOp(name, out, [input, other], (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    // Without broadcast batch dims to sum over, the product is the gradient itself.
    if (input.requiresGrad) {
      const own = shapeNumel(aFull) === input.numel;
      const full = own ? gradBuffer(input.shape) : fresh(aFull);
      for (let i = 0; i < batches; i++) gemm(m, k, n, g.data, i * m * n, false, B, i * k * n, true, full.data, i * m * k, false);
      ga = own ? full : wrap(sumToShape(wrap(full.data, aFull), aShape).data, input.shape);
    }
    if (other.requiresGrad) {
      const own = shapeNumel(bFull) === other.numel;
      const full = own ? gradBuffer(other.shape) : fresh(bFull);
      for (let i = 0; i < batches; i++) gemm(k, n, m, A, i * m * k, true, g.data, i * m * n, false, full.data, i * k * n, false);
      gb = own ? full : wrap(sumToShape(wrap(full.data, bFull), bShape).data, other.shape);
    }
    return [ga, gb];
  });
}

let ones = new Float32Array(0);

/** `n` ones (a shared read-only vector, grown as needed). */
function onesOf(n: number): Float32Array {
  if (ones.length < n) ones = new Float32Array(Math.max(n, 2 * ones.length)).fill(1);
  return ones;
}

/**
 * y = x Wᵀ + b over the last dimension: input `(*, in)`, weight `(out, in)`, bias `(out)`
 * (PyTorch's `F.linear`, recorded as `AddmmBackward0` for a 2-d input with bias).
 *
 * @example
 * linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]])).tolist(); // [[1, 2, 3]]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor(x, "linear");
  checkTensor(weight, "linear", "weight");
  if (bias !== null && bias !== undefined) checkTensor(bias, "linear", "bias");
  if (weight.ndim !== 2) throw new RuntimeError(`linear(): weight must be 2-D (out_features, in_features), got shape ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  const last = x.ndim ? x.shape[x.ndim - 1] : 1;
  const rows = x.ndim ? x.numel / (last || 1) : 1;
  if (x.ndim === 0 || last !== inF) throw new RuntimeError(mmShapeMessage(x.ndim <= 1 ? 1 : rows, last, inF, outF));
  const b = bias ?? null;
  if (b !== null && !sameShape(b.shape, [outF]) && b.numel !== outF) {
    throw new RuntimeError(`linear(): bias must have shape [${outF}] to match weight ${formatShape(weight.shape)}, got ${formatShape(b.shape)}`);
  }
  const y = fresh([...x.shape.slice(0, -1), outF]);
  gemm(rows, outF, inF, x.data, 0, false, weight.data, 0, true, y.data, 0, false, b === null ? null : b.data);
  const name = x.ndim === 2 ? (b !== null ? "AddmmBackward0" : "MmBackward0") : x.ndim === 1 ? (b !== null ? "AddBackward0" : "SqueezeBackward3") : "UnsafeViewBackward0";
  return recordOp(name, y, [x, weight, b], (g) => {
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (x.requiresGrad) {
      gx = gradBuffer(x.shape);
      gemm(rows, inF, outF, g.data, 0, false, weight.data, 0, false, gx.data, 0, false);
    }
    if (weight.requiresGrad) {
      gw = gradBuffer(weight.shape);
      gemm(outF, inF, rows, g.data, 0, true, x.data, 0, false, gw.data, 0, false);
    }
    if (b !== null && b.requiresGrad) {
      // Column sums of g as the product 1ᵀ·g: float32 sums, as PyTorch's sum over dim 0.
      gb = gradBuffer(b.shape);
      gemm(1, outF, rows, onesOf(rows), 0, false, g.data, 0, false, gb.data, 0, false);
    }
    return [gx, gw, gb];
  });
}
