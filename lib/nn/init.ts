/**
 * Weight initialisation: PyTorch's `torch.nn.init`, with camelCase names. Each function fills a
 * tensor in place, draws from the generator in PyTorch's order and returns the tensor, so
 * `manualSeed(s)` followed by the same calls gives PyTorch's values.
 */
import { describeValue, ValueError } from "../errors.js";
import { defaultGenerator, normalFill, permutationFill, uniformFill, type Generator } from "../tensor/random.js";
import { erf, erfinvFloat32 } from "../tensor/special.js";
import { Tensor } from "../tensor/tensor.js";

/** Nonlinearities `calculateGain` knows, PyTorch's names. */
export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

/** `fan_in` (default) or `fan_out`. */
export type FanMode = "fan_in" | "fan_out";

function checkTensor(t: unknown, fn: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}() expects a Tensor, got ${describeValue(t)}`);
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`).
 *
 * @example
 * nn.init.calculateGain("relu");          // Math.SQRT2
 * nn.init.calculateGain("leaky_relu", 0.2); // sqrt(2 / (1 + 0.2 ** 2))
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];
  if (linear.includes(nonlinearity) || nonlinearity === "sigmoid") return 1;
  if (nonlinearity === "tanh") return 5 / 3;
  if (nonlinearity === "relu") return Math.sqrt(2);
  if (nonlinearity === "leaky_relu") {
    let slope = 0.01;
    if (param !== undefined && param !== null) {
      if (typeof param !== "number" || !Number.isFinite(param)) throw new ValueError(`negative_slope ${describeValue(param)} not a valid number`);
      slope = param;
    }
    return Math.sqrt(2 / (1 + slope ** 2));
  }
  if (nonlinearity === "selu") return 3 / 4;
  throw new ValueError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/**
 * `[fanIn, fanOut]` of a weight: `size(1)` and `size(0)` times the receptive field (the product
 * of the remaining dimensions), as PyTorch's `_calculate_fan_in_and_fan_out`.
 *
 * @example
 * nn.init.calculateFanInAndFanOut(zeros(8, 3, 5, 5)); // [75, 200]
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  checkTensor(t, "calculateFanInAndFanOut");
  if (t.shape.length < 2) {
    throw new ValueError(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${t.shape.join(", ")}])`);
  }
  let receptive = 1;
  for (const d of t.shape.slice(2)) receptive *= d;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function correctFan(t: Tensor, mode: string): number {
  const m = String(mode).toLowerCase();
  if (m !== "fan_in" && m !== "fan_out") {
    throw new ValueError(`Mode ${String(mode)} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return m === "fan_in" ? fanIn : fanOut;
}

/** Where a generator can be passed (PyTorch 2.x's `generator=` keyword). */
export interface InitOptions {
  generator?: Generator;
}

/**
 * Fills with uniform samples in [a, b).
 *
 * @example
 * nn.init.uniform_(layer.weight, -0.1, 0.1);
 */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  checkTensor(t, "uniform_");
  uniformFill(t.data, a, b, { generator: options.generator ?? defaultGenerator });
  return t;
}

/**
 * Fills with normal samples N(mean, std²).
 *
 * @example
 * nn.init.normal_(embedding.weight, 0, 0.02);
 */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  checkTensor(t, "normal_");
  normalFill(t.data, mean, std, { generator: options.generator ?? defaultGenerator });
  return t;
}

/**
 * Fills with a normal N(mean, std²) truncated to [a, b], by inverse-CDF sampling from a uniform
 * draw as PyTorch's `trunc_normal_`.
 *
 * @example
 * nn.init.truncNormal_(vitPosEmbed, 0, 0.02);
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  checkTensor(t, "truncNormal_");
  const normCdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  uniformFill(t.data, 2 * l - 1, 2 * u - 1, { generator: options.generator ?? defaultGenerator });
  const scale = Math.fround(std * Math.SQRT2);
  const d = t.data;
  // PyTorch: erfinv_(); mul_(std * sqrt(2)); add_(mean); clamp_(a, b) — scalars cast to float32.
  const [m, lo, hi] = [Math.fround(mean), Math.fround(a), Math.fround(b)];
  for (let i = 0; i < d.length; i++) {
    const v = Math.fround(Math.fround(erfinvFloat32(d[i]) * scale) + m);
    d[i] = Math.min(Math.max(v, lo), hi);
  }
  return t;
}

/**
 * Fills with one value.
 *
 * @example
 * nn.init.constant_(layer.bias, 0.1);
 */
export function constant_(t: Tensor, val: number): Tensor {
  checkTensor(t, "constant_");
  if (typeof val !== "number") throw new TypeError(`constant_(): val must be a number, got ${describeValue(val)}`);
  t.data.fill(val);
  return t;
}

/** Fills with ones. @example nn.init.ones_(norm.weight); */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Fills with zeros. @example nn.init.zeros_(layer.bias); */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/**
 * Fills a 2-D tensor with the identity matrix (ones on the diagonal).
 *
 * @example
 * nn.init.eye_(zeros(3, 5));
 */
export function eye_(t: Tensor): Tensor {
  checkTensor(t, "eye_");
  if (t.shape.length !== 2) throw new ValueError(`Only tensors with 2 dimensions are supported (got ${t.shape.length}-d shape [${t.shape.join(", ")}])`);
  const [rows, cols] = t.shape;
  t.data.fill(0);
  for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = 1;
  return t;
}

/**
 * Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
 *
 * @example
 * nn.init.xavierUniform_(layer.weight, nn.init.calculateGain("tanh"));
 */
export function xavierUniform_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(t, -a, a, options);
}

/**
 * Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)).
 *
 * @example
 * nn.init.xavierNormal_(layer.weight);
 */
export function xavierNormal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return normal_(t, 0, std, options);
}

/** Options of the Kaiming initialisers (PyTorch's keyword arguments). */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (only for `leaky_relu`). Default 0. */
  a?: number;
  /** `fan_in` (default) preserves the forward pass's variance, `fan_out` the backward's. */
  mode?: FanMode;
  /** Default `leaky_relu`, PyTorch's default. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" }: KaimingOptions): number {
  const fan = correctFan(t, mode);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). `nn.Linear` and the conv layers
 * use it with `a = sqrt(5)`.
 *
 * @example
 * nn.init.kaimingUniform_(conv.weight, { mode: "fan_out", nonlinearity: "relu" });
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor(t, "kaimingUniform_");
  // Porting note: PyTorch warns and returns for zero-element tensors; so does this.
  if (t.shape.includes(0)) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options);
}

/**
 * He normal: N(0, std²) with std = gain / sqrt(fan).
 *
 * @example
 * nn.init.kaimingNormal_(conv.weight, { mode: "fan_out", nonlinearity: "relu" });
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor(t, "kaimingNormal_");
  if (t.shape.includes(0)) return t;
  return normal_(t, 0, kaimingStd(t, options), options);
}

/**
 * Fills a `(out, in, *kernel)` weight with the Dirac delta: each output channel (in each of
 * `groups` groups) copies one input channel at the kernel's centre, so a convolution starts as
 * the identity.
 *
 * @example
 * nn.init.dirac_(conv.weight); // conv(x) == x where channel counts match
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  checkTensor(t, "dirac_");
  const dims = t.shape.length;
  if (dims < 3 || dims > 5) throw new ValueError(`Only tensors with 3, 4, or 5 dimensions are supported (got ${dims}-d shape [${t.shape.join(", ")}])`);
  if (!Number.isInteger(groups) || groups <= 0 || t.shape[0] % groups !== 0) {
    throw new ValueError(`dim 0 must be divisible by groups (got dim 0 = ${t.shape[0]}, groups = ${describeValue(groups)})`);
  }
  const outPerGroup = t.shape[0] / groups;
  const minDim = Math.min(outPerGroup, t.shape[1]);
  const kernel = t.shape.slice(2);
  const strides: number[] = [];
  let s = 1;
  for (let d = dims - 1; d >= 0; d--) {
    strides[d] = s;
    s *= t.shape[d];
  }
  t.data.fill(0);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      let off = (g * outPerGroup + d) * strides[0] + d * strides[1];
      kernel.forEach((k, i) => (off += Math.floor(k / 2) * strides[2 + i]));
      t.data[off] = 1;
    }
  }
  return t;
}

/**
 * Fills with a (semi-)orthogonal matrix: the Q of a QR decomposition of a normal sample, signs
 * fixed by R's diagonal, times `gain`; trailing dimensions are flattened. Same draws as PyTorch,
 * so the values equal PyTorch's to float32 precision.
 *
 * @example
 * nn.init.orthogonal_(rnn.weight_hh, nn.init.calculateGain("tanh"));
 */
export function orthogonal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  checkTensor(t, "orthogonal_");
  if (t.shape.length < 2) throw new ValueError(`Only tensors with 2 or more dimensions are supported (got shape [${t.shape.join(", ")}])`);
  if (t.numel === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel / rows;
  const flat = new Float32Array(rows * cols);
  normalFill(flat, 0, 1, { generator: options.generator ?? defaultGenerator });
  // Work on an m x n matrix with m >= n (the transpose when rows < cols), in double.
  const transpose = rows < cols;
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  const a: number[][] = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => (transpose ? flat[j * cols + i] : flat[i * cols + j])));
  const q = householderQ(a, m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = q[i][j] * gain;
      if (transpose) t.data[j * cols + i] = v;
      else t.data[i * cols + j] = v;
    }
  }
  return t;
}

/** Thin Q (m x n) of A = QR with R's diagonal made non-negative (what PyTorch's sign fix gives). */
function householderQ(a: number[][], m: number, n: number): number[][] {
  const r = a.map((row) => [...row]);
  const vs: number[][] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i][k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = r[k][k] > 0 ? -norm : norm;
    const v = new Array(m).fill(0);
    for (let i = k; i < m; i++) v[i] = r[i][k];
    v[k] -= alpha;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i] ** 2;
    vs.push(v);
    if (vnorm === 0) continue;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * r[i][j];
      const f = (2 * dot) / vnorm;
      for (let i = k; i < m; i++) r[i][j] -= f * v[i];
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q: number[][] = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i] ** 2;
    if (vnorm === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i][j];
      const f = (2 * dot) / vnorm;
      for (let i = k; i < m; i++) q[i][j] -= f * v[i];
    }
  }
  // Make R's diagonal non-negative: flip the matching columns of Q.
  for (let j = 0; j < n; j++) {
    if (r[j][j] < 0) for (let i = 0; i < m; i++) q[i][j] = -q[i][j];
  }
  return q;
}

/**
 * Fills a 2-D tensor with N(0, std²) samples, then zeroes `ceil(sparsity * rows)` random rows in
 * each column (a `randperm` per column, as PyTorch).
 *
 * @example
 * nn.init.sparse_(zeros(10, 4), 0.3);
 */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, options: InitOptions = {}): Tensor {
  checkTensor(t, "sparse_");
  if (t.shape.length !== 2) throw new ValueError(`Only tensors with 2 dimensions are supported (got ${t.shape.length}-d shape [${t.shape.join(", ")}])`);
  if (typeof sparsity !== "number" || !(sparsity >= 0 && sparsity <= 1)) throw new ValueError(`sparse_(): sparsity must be in [0, 1], got ${describeValue(sparsity)}`);
  const g = options.generator ?? defaultGenerator;
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  normalFill(t.data, 0, std, { generator: g });
  const perm = new Float32Array(rows);
  for (let c = 0; c < cols; c++) {
    permutationFill(perm, { generator: g });
    for (let k = 0; k < numZeros; k++) t.data[perm[k] * cols + c] = 0;
  }
  return t;
}
