/**
 * Element-wise activations and softmax: PyTorch's `F.relu`, `F.gelu`, `F.tanh`, `F.sigmoid`,
 * `F.silu`, `F.leaky_relu`, `F.elu`, `F.softmax`, `F.log_softmax`. Each records its backward
 * (named as PyTorch names the node) right after its forward.
 */
import { describeValue, RuntimeError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { runWasmMap } from "../../tensor/parallel.js";
import { erf } from "../../tensor/special.js";
import { gradBuffer, recordOp } from "../../autograd/function.js";
import { checkInput, out } from "./_util.js";

/** Small enough that a JavaScript loop beats the call into wasm. */
const WASM_MIN_ELEMENTS = 64;
const NO_SCALARS: number[] = [];

/** max(0, x). @example F.relu(tensor([-1, 2])).tolist(); // [0, 2] */
export function relu(x: Tensor): Tensor {
  checkInput(x, "relu");
  const y = out([...x.shape]);
  const a = x.data;
  const b = y.data;
  // wasm f32x4 (wasm/activation.ts) where available: a JavaScript loop is branchy on mixed signs.
  if (a.length < WASM_MIN_ELEMENTS || runWasmMap("activation", "reluForward", [a, b, null, null, null], 0b10, NO_SCALARS) === 0) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      b[i] = v > 0 ? v : v !== v ? v : 0;
    }
  }
  return recordOp("ReluBackward0", y, [x], (g) => {
    const r = gradBuffer(x.shape);
    const gd = g.data;
    const rd = r.data;
    if (b.length < WASM_MIN_ELEMENTS || runWasmMap("activation", "reluBackward", [gd, b, rd, null, null], 0b100, NO_SCALARS) === 0) {
      for (let i = 0; i < b.length; i++) rd[i] = b[i] > 0 ? gd[i] : 0;
    }
    return [r];
  });
}

/** Approximations of GELU, PyTorch's names. */
export type GeluApproximate = "none" | "tanh";

/** Applies `f` element-wise into a new tensor. */
function map(x: Tensor, f: (v: number) => number): Tensor {
  const y = out([...x.shape]);
  const a = x.data;
  const b = y.data;
  for (let i = 0; i < a.length; i++) b[i] = f(a[i]);
  return y;
}

/** g · f'(x) element-wise, where `df(x, y)` gives the derivative from the input and output. */
function chain(g: Tensor, x: Tensor, y: Tensor, df: (x: number, y: number) => number): Tensor {
  const r = out([...x.shape]);
  for (let i = 0; i < r.data.length; i++) r.data[i] = g.data[i] * df(x.data[i], y.data[i]);
  return r;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Gaussian error linear unit: x Φ(x), exact (`"none"`) or with the tanh approximation.
 *
 * @example
 * F.gelu(tensor([1]), "tanh");
 */
export function gelu(x: Tensor, approximate: GeluApproximate = "none"): Tensor {
  checkInput(x, "gelu");
  if (approximate === "tanh") {
    const y = map(x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
    return recordOp("GeluBackward0", y, [x], (g) => [chain(g, x, y, (v) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
    })]);
  }
  if (approximate !== "none") throw new RuntimeError(`approximate argument must be either none or tanh. (got ${describeValue(approximate)})`);
  const y = map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
  // d/dx x·Φ(x) = Φ(x) + x·φ(x)
  return recordOp("GeluBackward0", y, [x], (g) => [chain(g, x, y, (v) => 0.5 * (1 + erf(v / Math.SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v))]);
}

/** Hyperbolic tangent. @example F.tanh(tensor([0])).tolist(); // [0] */
export function tanh(x: Tensor): Tensor {
  checkInput(x, "tanh");
  const y = map(x, Math.tanh);
  return recordOp("TanhBackward0", y, [x], (g) => [chain(g, x, y, (_, t) => 1 - t * t)]);
}

/** 1 / (1 + e^-x). @example F.sigmoid(tensor([0])).tolist(); // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  checkInput(x, "sigmoid");
  const y = map(x, (v) => 1 / (1 + Math.exp(-v)));
  return recordOp("SigmoidBackward0", y, [x], (g) => [chain(g, x, y, (_, s) => s * (1 - s))]);
}

/** x · sigmoid(x) (swish). @example F.silu(tensor([0])).tolist(); // [0] */
export function silu(x: Tensor): Tensor {
  checkInput(x, "silu");
  const y = map(x, (v) => v / (1 + Math.exp(-v)));
  return recordOp("SiluBackward0", y, [x], (g) => [chain(g, x, y, (v) => {
    const s = 1 / (1 + Math.exp(-v));
    return s * (1 + v * (1 - s));
  })]);
}

/**
 * x for x > 0, `negativeSlope`·x otherwise.
 *
 * @example
 * F.leakyRelu(tensor([-1, 2]), 0.1).tolist(); // [-0.1, 2]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkInput(x, "leaky_relu");
  if (typeof negativeSlope !== "number") throw new TypeError(`leaky_relu(): argument 'negative_slope' must be Number, not ${describeValue(negativeSlope)}`);
  const y = map(x, (v) => (v > 0 ? v : v * negativeSlope));
  return recordOp("LeakyReluBackward0", y, [x], (g) => [chain(g, x, y, (v) => (v > 0 ? 1 : negativeSlope))]);
}

/**
 * x for x > 0, alpha·(eˣ − 1) otherwise.
 *
 * @example
 * F.elu(tensor([-1, 2])).tolist(); // [-0.632..., 2]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkInput(x, "elu");
  if (typeof alpha !== "number") throw new TypeError(`elu(): argument 'alpha' must be Number, not ${describeValue(alpha)}`);
  const y = map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
  return recordOp("EluBackward0", y, [x], (g) => [chain(g, x, y, (v, e) => (v > 0 ? 1 : e + alpha))]);
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

/** outer × size × inner around the softmax dim, checked with PyTorch's message. */
function softmaxLayout(x: Tensor, dim: number | null | undefined, fn: string): [number, number, number] {
  checkInput(x, fn);
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
  return [x.numel / (size * inner || 1), size, inner];
}

function softmaxForward(x: Tensor, [outer, size, inner]: [number, number, number], log: boolean): Tensor {
  const y = out([...x.shape]);
  const xd = x.data;
  const yd = y.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, xd[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += Math.exp(xd[base + k * inner] - max);
      const logSum = Math.log(sum);
      for (let k = 0; k < size; k++) {
        const z = xd[base + k * inner] - max;
        yd[base + k * inner] = log ? z - logSum : Math.exp(z) / sum;
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
  const layout = softmaxLayout(x, dim, "softmax");
  const y = softmaxForward(x, layout, false);
  const [outer, size, inner] = layout;
  // dx = y ⊙ (g − Σ g⊙y) along dim
  return recordOp("SoftmaxBackward0", y, [x], (g) => {
    const r = gradBuffer(x.shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let dot = 0;
        for (let k = 0; k < size; k++) dot += g.data[base + k * inner] * y.data[base + k * inner];
        for (let k = 0; k < size; k++) {
          const at = base + k * inner;
          r.data[at] = y.data[at] * (g.data[at] - dot);
        }
      }
    }
    return [r];
  });
}

/**
 * log(softmax(x)) along `dim`, computed without the intermediate exp/log round trip.
 *
 * @example
 * F.logSoftmax(logits, -1);
 */
export function logSoftmax(x: Tensor, dim?: number | null): Tensor {
  const layout = softmaxLayout(x, dim, "log_softmax");
  const y = softmaxForward(x, layout, true);
  const [outer, size, inner] = layout;
  // dx = g − softmax ⊙ Σ g along dim
  return recordOp("LogSoftmaxBackward0", y, [x], (g) => {
    const r = gradBuffer(x.shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let sum = 0;
        for (let k = 0; k < size; k++) sum += g.data[base + k * inner];
        for (let k = 0; k < size; k++) {
          const at = base + k * inner;
          r.data[at] = g.data[at] - Math.exp(y.data[at]) * sum;
        }
      }
    }
    return [r];
  });
}
