/**
 * Random tensors from the seedable generator (random.ts): `rand`, `randn`, `randint`,
 * `randperm`, `randLike`, `randnLike`. Same seed, same numbers as PyTorch on the CPU.
 */
import { describeValue, ValueError } from "../errors.js";
import { integerFill, normalFill, permutationFill, uniformFill, type RandomOptions } from "./random.js";
import { allocateStorage, checkShape, shapeNumel, Tensor } from "./tensor.js";

/** A shape as separate sizes or one array, optionally followed by `{ generator }`. */
export type ShapeArgs = number[] | [readonly number[]] | [readonly number[], RandomOptions] | [...number[], RandomOptions];

function parseShapeArgs(args: ShapeArgs, fn: string): { shape: number[]; options?: RandomOptions } {
  const list = [...args] as unknown[];
  let options: RandomOptions | undefined;
  const last = list[list.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) options = list.pop() as RandomOptions;
  const shape = list.length === 1 && Array.isArray(list[0]) ? (list[0] as number[]) : (list as number[]);
  return { shape: checkShape(shape, `${fn}(): size`), options };
}

function filled(shape: number[], fill: (d: Float32Array) => void): Tensor {
  const data = allocateStorage(shapeNumel(shape));
  fill(data);
  return new Tensor(data, shape);
}

/**
 * Uniform samples in [0, 1): `rand(2, 3)`, `rand([2, 3])` or `rand([2, 3], { generator })`.
 * Same seed, same numbers as `torch.rand`.
 *
 * @example
 * manualSeed(0);
 * rand(3).tolist(); // [0.4963, 0.7682, 0.0885] (float32), as torch.rand(3)
 */
export function rand(...args: ShapeArgs): Tensor {
  const { shape, options } = parseShapeArgs(args, "rand");
  return filled(shape, (d) => uniformFill(d, 0, 1, options));
}

/**
 * Standard normal samples: `randn(2, 3)`, `randn([2, 3])` or `randn([2, 3], { generator })`.
 * Same seed, same numbers as `torch.randn`.
 *
 * @example
 * manualSeed(0);
 * randn(2, 2).shape; // [2, 2]
 */
export function randn(...args: ShapeArgs): Tensor {
  const { shape, options } = parseShapeArgs(args, "randn");
  return filled(shape, (d) => normalFill(d, 0, 1, options));
}

/**
 * Integers drawn uniformly from [low, high), PyTorch's `torch.randint(low, high, size)`.
 * Porting note: stored as float32 (exact below 2^24); PyTorch returns int64.
 *
 * @example
 * manualSeed(0);
 * randint(0, 10, [8]).tolist(); // [4, 9, 3, 0, 3, 9, 7, 3], as torch.randint(0, 10, (8,))
 */
export function randint(low: number, high: number, size: readonly number[], options?: RandomOptions): Tensor {
  const shape = checkShape(size, "randint(): size");
  return filled(shape, (d) => integerFill(d, low, high, options));
}

/**
 * A random permutation of 0..n-1, PyTorch's `torch.randperm(n)` on the CPU.
 *
 * @example
 * manualSeed(0);
 * randperm(10).tolist(); // [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]
 */
export function randperm(n: number, options?: RandomOptions): Tensor {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new ValueError(`randperm(): n must be a non-negative integer, got ${describeValue(n)}`);
  }
  return filled([n], (d) => permutationFill(d, options));
}

/**
 * Uniform samples in [0, 1) with the shape of `t`.
 *
 * @example
 * randLike(weight).shape; // weight.shape
 */
export function randLike(t: Tensor, options?: RandomOptions): Tensor {
  return rand([...t.shape], options ?? {});
}

/**
 * Standard normal samples with the shape of `t`.
 *
 * @example
 * randnLike(weight).shape; // weight.shape
 */
export function randnLike(t: Tensor, options?: RandomOptions): Tensor {
  return randn([...t.shape], options ?? {});
}
