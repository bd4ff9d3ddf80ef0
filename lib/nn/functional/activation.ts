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
