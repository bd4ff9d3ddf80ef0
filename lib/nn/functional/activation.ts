/** Element-wise activations: PyTorch's `F.relu`, `F.gelu`, `F.tanh`, `F.sigmoid`, `F.silu`, .... */
import { describeValue, RuntimeError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { erf } from "../../tensor/special.js";
import { map } from "./_util.js";


/** max(0, x). @example F.relu(tensor([-1, 2])).tolist(); // [0, 2] */
export function relu(x: Tensor): Tensor {
  return map(x, "relu", (v) => (v > 0 ? v : Number.isNaN(v) ? v : 0));
}

/** Approximations of GELU, PyTorch's names. */
export type GeluApproximate = "none" | "tanh";

/**
 * Gaussian error linear unit: x Φ(x), exact (`"none"`) or with the tanh approximation.
 *
 * @example
 * F.gelu(tensor([1]), "tanh");
 */
export function gelu(x: Tensor, approximate: GeluApproximate = "none"): Tensor {
  if (approximate === "tanh") {
    const k = Math.sqrt(2 / Math.PI);
    return map(x, "gelu", (v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))));
  }
  if (approximate !== "none") throw new RuntimeError(`approximate argument must be either none or tanh. (got ${describeValue(approximate)})`);
  return map(x, "gelu", (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
}

/** Hyperbolic tangent. @example F.tanh(tensor([0])).tolist(); // [0] */
export function tanh(x: Tensor): Tensor {
  return map(x, "tanh", Math.tanh);
}

/** 1 / (1 + e^-x). @example F.sigmoid(tensor([0])).tolist(); // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  return map(x, "sigmoid", (v) => 1 / (1 + Math.exp(-v)));
}

/** x · sigmoid(x) (swish). @example F.silu(tensor([0])).tolist(); // [0] */
export function silu(x: Tensor): Tensor {
  return map(x, "silu", (v) => v / (1 + Math.exp(-v)));
}

/**
 * x for x >= 0, `negativeSlope`·x otherwise.
 *
 * @example
 * F.leakyRelu(tensor([-1, 2]), 0.1).tolist(); // [-0.1, 2]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return map(x, "leaky_relu", (v) => (v > 0 ? v : v * negativeSlope));
}

/**
 * x for x > 0, alpha·(eˣ − 1) otherwise.
 *
 * @example
 * F.elu(tensor([-1, 2])).tolist(); // [-0.632..., 2]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return map(x, "elu", (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

/**
 * PyTorch's legacy choice when `dim` is omitted: 0 for 0-, 1- and 3-d inputs, else 1.
 *
 * @example
 * implicitSoftmaxDim(2); // 1
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function softmaxImpl(x: Tensor, dim: number | null | undefined, log: boolean, fn: string): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument 'input' must be a Tensor, got ${describeValue(x)}`);
  const nd = Math.max(x.ndim, 1);
  const d0 = dim === null || dim === undefined ? implicitSoftmaxDim(x.ndim) : dim;
  const d = d0 < 0 ? d0 + nd : d0;
  if (!Number.isInteger(d0) || d < 0 || d >= nd) {
    throw new RangeError(`Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${d0})`);
  }
  const shape = x.ndim === 0 ? [1] : x.shape;
  const size = shape[d];
  let inner = 1;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  const outer = x.numel / (size * inner || 1);
  const y = new Tensor(new Float32Array(x.numel), [...x.shape]);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x.data[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += Math.exp(x.data[base + k * inner] - max);
      const logSum = Math.log(sum);
      for (let k = 0; k < size; k++) {
        const z = x.data[base + k * inner] - max;
        y.data[base + k * inner] = log ? z - logSum : Math.exp(z) / sum;
      }
    }
  }
  return y;
}

/**
 * exp(x) / Σ exp(x) along `dim` (computed stably, max subtracted).
 *
 * @example
 * F.softmax(tensor([[1, 2, 3]]), 1);
 */
export function softmax(x: Tensor, dim?: number | null): Tensor {
  return softmaxImpl(x, dim, false, "softmax");
}

/**
 * log(softmax(x)) along `dim`, computed without the intermediate exp/log round trip.
 *
 * @example
 * F.logSoftmax(logits, -1);
 */
export function logSoftmax(x: Tensor, dim?: number | null): Tensor {
  return softmaxImpl(x, dim, true, "log_softmax");
}
