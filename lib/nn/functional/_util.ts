/** Helpers shared by the functional files. */
import { describeValue } from "../../errors.js";
import { allocateStorage, shapeNumel, Tensor } from "../../tensor/tensor.js";
import "../../autograd/index.js";

/** A fresh float32 tensor of `shape`. */
export function out(shape: number[]): Tensor {
  return new Tensor(allocateStorage(shapeNumel(shape)), shape);
}

/** Throws PyTorch's TypeError for an input that is not a Tensor. */
export function checkInput(x: unknown, fn: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be a Tensor, got ${describeValue(x)}`);
}

/** Applies `f` element-wise into a new tensor. */
export function map(x: Tensor, fn: string, f: (v: number) => number): Tensor {
  checkInput(x, fn);
  const y = out([...x.shape]);
  const a = x.data;
  const b = y.data;
  for (let i = 0; i < a.length; i++) b[i] = f(a[i]);
  return y;
}
