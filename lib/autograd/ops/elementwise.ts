/**
 * Element-wise arithmetic with broadcasting: add, sub, mul, div, pow, neg, exp, log, sqrt, abs,
 * clamp. Each op computes its output, then records its backward right beside it; gradients are
 * summed back to each input's shape (`sumToShape`).
 */
import { describeValue, RuntimeError } from "../../errors.js";
import { sameShape, Tensor } from "../../tensor/tensor.js";
import { recordOp } from "../function.js";
import { broadcastShapes, checkTensor, checkTensorOrNumber, expandData, fresh, sumToShape } from "./_util.js";

const ADD = 0, MUL = 1, DIV = 2;

/** out = x op y (y: array of the same length, or the scalar `s` when `y` is null). */
function kernel(op: number, x: Float32Array, y: Float32Array | null, s: number, out: Float32Array): void {
  const n = out.length;
  if (y === null) {
    if (op === ADD) for (let i = 0; i < n; i++) out[i] = x[i] + s;
    else if (op === MUL) for (let i = 0; i < n; i++) out[i] = x[i] * s;
    else for (let i = 0; i < n; i++) out[i] = x[i] / s;
  } else {
    if (op === ADD) for (let i = 0; i < n; i++) out[i] = x[i] + y[i] * s;
    else if (op === MUL) for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
    else for (let i = 0; i < n; i++) out[i] = x[i] / y[i];
  }
}

/** a op (alpha·b) for a Tensor or scalar `b`, broadcasting. */
function binary(op: number, a: Tensor, b: Tensor | number, alpha: number): Tensor {
  if (typeof b === "number") {
    const out = fresh(a.shape);
    kernel(op, a.data, null, op === ADD ? alpha * b : b, out.data);
    return out;
  }
  if (sameShape(a.shape, b.shape)) {
    const out = fresh(a.shape);
    kernel(op, a.data, b.data, alpha, out.data);
    return out;
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const out = fresh(shape);
  if (b.numel === 1 && sameShape(shape, a.shape)) kernel(op, a.data, null, op === ADD ? alpha * b.data[0] : b.data[0], out.data);
  else kernel(op, expandData(a, shape), expandData(b, shape), alpha, out.data);
  return out;
}

/** Options of add / sub (PyTorch's keyword `alpha`). */
export interface AlphaOptions {
  /** Multiplier of `other`. Default 1. */
  alpha?: number;
}

function readAlpha(options: AlphaOptions | undefined, fn: string): number {
  const alpha = options?.alpha ?? 1;
  if (typeof alpha !== "number") throw new TypeError(`${fn}(): argument 'alpha' must be Number, not ${describeValue(alpha)}`);
  return alpha;
}

/**
 * input + alpha · other, broadcasting (PyTorch's `torch.add`).
 *
 * @example
 * add(tensor([1, 2]), tensor([10, 20])).tolist(); // [11, 22]
 */
export function add(input: Tensor, other: Tensor | number, options?: AlphaOptions): Tensor {
  checkTensor(input, "add");
  checkTensorOrNumber(other, "add");
  const alpha = readAlpha(options, "add");
  const out = binary(ADD, input, other, alpha);
  if (typeof other === "number") return recordOp("AddBackward1", out, [input], (g) => [g]);
  return recordOp("AddBackward0", out, [input, other], (g) => [
    sumToShape(g, input.shape),
    other.requiresGrad ? sumToShape(alpha === 1 ? g : mul(g, alpha), other.shape) : null,
  ]);
}

/**
 * input − alpha · other, broadcasting (PyTorch's `torch.sub`).
 *
 * @example
 * sub(tensor([5]), tensor([2])).item(); // 3
 */
export function sub(input: Tensor, other: Tensor | number, options?: AlphaOptions): Tensor {
  checkTensor(input, "sub");
  checkTensorOrNumber(other, "sub");
  const alpha = readAlpha(options, "sub");
  const out = binary(ADD, input, other, -alpha);
  if (typeof other === "number") return recordOp("SubBackward1", out, [input], (g) => [g]);
  return recordOp("SubBackward0", out, [input, other], (g) => [
    sumToShape(g, input.shape),
    other.requiresGrad ? sumToShape(mul(g, -alpha), other.shape) : null,
  ]);
}

/**
 * input · other element-wise, broadcasting (PyTorch's `torch.mul`).
 *
 * @example
 * mul(tensor([1, 2]), 3).tolist(); // [3, 6]
 */
export function mul(input: Tensor, other: Tensor | number): Tensor {
  checkTensor(input, "mul");
  checkTensorOrNumber(other, "mul");
  const out = binary(MUL, input, other, 1);
  if (typeof other === "number") return recordOp("MulBackward1", out, [input], (g) => [mul(g, other)]);
  return recordOp("MulBackward0", out, [input, other], (g) => [
    input.requiresGrad ? sumToShape(mul(g, other), input.shape) : null,
    other.requiresGrad ? sumToShape(mul(g, input), other.shape) : null,
  ]);
}

/**
 * input / other element-wise, broadcasting (PyTorch's `torch.div`, true division).
 *
 * @example
 * div(tensor([1, 2]), 4).tolist(); // [0.25, 0.5]
 */
export function div(input: Tensor, other: Tensor | number): Tensor {
  checkTensor(input, "div");
  checkTensorOrNumber(other, "div");
  const out = binary(DIV, input, other, 1);
  if (typeof other === "number") return recordOp("DivBackward1", out, [input], (g) => [div(g, other)]);
  return recordOp("DivBackward0", out, [input, other], (g) => [
    input.requiresGrad ? sumToShape(div(g, other), input.shape) : null,
    // d(a/b)/db = −a/b² = −out/b
    other.requiresGrad ? sumToShape(neg(div(mul(g, out), other)), other.shape) : null,
  ]);
}

/** Applies a unary float function element-wise into a fresh tensor. */
function unary(x: Tensor, f: (v: number) => number): Tensor {
  const out = fresh(x.shape);
  const a = x.data;
  const o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = f(a[i]);
  return out;
}

/**
 * −input (PyTorch's `torch.neg`).
 *
 * @example
 * neg(tensor([1, -2])).tolist(); // [-1, 2]
 */
export function neg(input: Tensor): Tensor {
  checkTensor(input, "neg");
  const out = fresh(input.shape);
  const a = input.data;
  const o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = -a[i];
  return recordOp("NegBackward0", out, [input], (g) => [neg(g)]);
}

/**
 * input ** exponent, element-wise; the exponent is a number or a tensor (broadcast).
 *
 * @example
 * pow(tensor([2, 3]), 2).tolist(); // [4, 9]
 */
export function pow(input: Tensor, exponent: Tensor | number): Tensor {
  checkTensor(input, "pow");
  checkTensorOrNumber(exponent, "pow", "exponent");
  if (typeof exponent === "number") {
    const e = exponent;
    const out = e === 2 ? binary(MUL, input, input, 1) : unary(input, (v) => Math.pow(v, e));
    return recordOp("PowBackward0", out, [input], (g) => {
      // d(xᵉ)/dx = e·xᵉ⁻¹ (0 when e = 0, as PyTorch)
      if (e === 0) return [fresh(input.shape)];
      return [mul(g, e === 2 ? mul(input, 2) : mul(unary(input, (v) => Math.pow(v, e - 1)), e))];
    });
  }
  const shape = broadcastShapes(input.shape, exponent.shape);
  const x = expandData(input, shape);
  const y = expandData(exponent, shape);
  const out = fresh(shape);
  for (let i = 0; i < out.numel; i++) out.data[i] = Math.pow(x[i], y[i]);
  return recordOp("PowBackward1", out, [input, exponent], (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (input.requiresGrad) {
      const t = fresh(shape);
      for (let i = 0; i < t.numel; i++) t.data[i] = y[i] === 0 ? 0 : g.data[i] * y[i] * Math.pow(x[i], y[i] - 1);
      ga = sumToShape(t, input.shape);
    }
    if (exponent.requiresGrad) {
      // d(aᵇ)/db = aᵇ·ln a, taken as 0 where a = 0 and b >= 0 (PyTorch's masked_fill)
      const t = fresh(shape);
      for (let i = 0; i < t.numel; i++) t.data[i] = x[i] === 0 && y[i] >= 0 ? 0 : g.data[i] * out.data[i] * Math.log(x[i]);
      gb = sumToShape(t, exponent.shape);
    }
    return [ga, gb];
  });
}

/**
 * eˣ element-wise.
 *
 * @example
 * exp(tensor([0])).item(); // 1
 */
export function exp(input: Tensor): Tensor {
  checkTensor(input, "exp");
  const out = unary(input, Math.exp);
  return recordOp("ExpBackward0", out, [input], (g) => [mul(g, out)]);
}

/**
 * Natural logarithm element-wise.
 *
 * @example
 * log(tensor([1])).item(); // 0
 */
export function log(input: Tensor): Tensor {
  checkTensor(input, "log");
  const out = unary(input, Math.log);
  return recordOp("LogBackward0", out, [input], (g) => [div(g, input)]);
}

/**
 * Square root element-wise.
 *
 * @example
 * sqrt(tensor([4])).item(); // 2
 */
export function sqrt(input: Tensor): Tensor {
  checkTensor(input, "sqrt");
  const out = unary(input, Math.sqrt);
  return recordOp("SqrtBackward0", out, [input], (g) => [div(g, mul(out, 2))]);
}

/**
 * |x| element-wise; its gradient is sign(x) (0 at 0, as PyTorch).
 *
 * @example
 * abs(tensor([-1, 2])).tolist(); // [1, 2]
 */
export function abs(input: Tensor): Tensor {
  checkTensor(input, "abs");
  const out = unary(input, Math.abs);
  return recordOp("AbsBackward0", out, [input], (g) => [mul(g, unary(input, Math.sign))]);
}

/**
 * Limits values to [min, max] (either bound may be null); the gradient passes where
 * min ≤ x ≤ max and is 0 elsewhere.
 *
 * @example
 * clamp(tensor([-2, 0.5, 3]), -1, 1).tolist(); // [-1, 0.5, 1]
 */
export function clamp(input: Tensor, min: number | null = null, max: number | null = null): Tensor {
  checkTensor(input, "clamp");
  if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (min !== null && typeof min !== "number") throw new TypeError(`clamp(): argument 'min' must be Number, not ${describeValue(min)}`);
  if (max !== null && typeof max !== "number") throw new TypeError(`clamp(): argument 'max' must be Number, not ${describeValue(max)}`);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  // PyTorch: min(max(x, lo), hi), so hi wins when lo > hi; NaN stays NaN.
  const out = unary(input, (v) => (v !== v ? v : Math.min(Math.max(v, lo), hi)));
  const name = min !== null && max !== null ? "ClampBackward1" : min !== null ? "ClampMinBackward0" : "ClampMaxBackward0";
  return recordOp(name, out, [input], (g) => {
    const t = fresh(input.shape);
    const x = input.data;
    for (let i = 0; i < t.numel; i++) t.data[i] = x[i] >= lo && x[i] <= hi ? g.data[i] : 0;
    return [t];
  });
}
