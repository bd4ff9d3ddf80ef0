/** Gradient clipping: PyTorch's `nn.utils.clip_grad_norm_` and `clip_grad_value_`. */
import { describeValue, kindOf, RuntimeError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";

/** Parameters as PyTorch accepts them: one tensor or an iterable of tensors. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

function gradsOf(parameters: TensorOrTensors, fn: string): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : parameters && typeof (parameters as Iterable<Tensor>)[Symbol.iterator] === "function" ? [...(parameters as Iterable<Tensor>)] : null;
  if (list === null) throw new TypeError(`${fn}(): parameters must be a Tensor or an iterable of Tensors, got ${kindOf(parameters)}`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}(): parameters[${i}] must be a Tensor, got ${kindOf(p)}`);
  });
  return list.filter((p) => p.grad !== null).map((p) => p.grad as Tensor);
}

/** Options of `clipGradNorm_`, PyTorch's keyword names. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (default false: scale anyway, as PyTorch). */
  error_if_nonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint `norm_type`-norm is at most `max_norm`;
 * returns the total norm before clipping (a 0-d tensor). `norm_type` may be `Infinity`.
 *
 * @example
 * loss.backward();
 * const total = nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(parameters: TensorOrTensors, max_norm: number, norm_type = 2, options: ClipGradNormOptions = {}): Tensor {
  const grads = gradsOf(parameters, "clip_grad_norm_");
  if (typeof max_norm !== "number" || Number.isNaN(max_norm)) throw new TypeError(`clip_grad_norm_(): max_norm must be a number, got ${describeValue(max_norm)}`);
  if (typeof norm_type !== "number" || Number.isNaN(norm_type)) throw new TypeError(`clip_grad_norm_(): norm_type must be a number, got ${describeValue(norm_type)}`);
  if (grads.length === 0) return new Tensor(new Float32Array([0]), []);
  let total: number;
  if (norm_type === Infinity) {
    total = 0;
    for (const g of grads) for (let i = 0; i < g.numel; i++) { const a = Math.abs(g.data[i]); if (a > total || a !== a) total = a; }
  } else {
    // Norm of the per-tensor norms (as PyTorch), each accumulated in double and rounded to float32.
    let acc = 0;
    for (const g of grads) {
      let s = 0;
      for (let i = 0; i < g.numel; i++) s += Math.abs(g.data[i]) ** norm_type;
      acc += Math.fround(s ** (1 / norm_type)) ** norm_type;
    }
    total = Math.fround(acc ** (1 / norm_type));
  }
  if ((options.error_if_nonfinite ?? false) && !Number.isFinite(total)) {
    throw new RuntimeError(
      `The total norm of order ${norm_type === Infinity ? "inf" : norm_type.toFixed(1)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
    );
  }
  const coef = Math.fround(max_norm / Math.fround(total + 1e-6));
  // PyTorch multiplies by min(coef, 1) unconditionally (clamped coefficient, no branch).
  const scale = Math.min(coef, 1);
  for (const g of grads) for (let i = 0; i < g.numel; i++) g.data[i] *= scale;
  return new Tensor(new Float32Array([total]), []);
}

/**
 * Clamps every gradient element to [−clip_value, clip_value], in place.
 *
 * @example
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: TensorOrTensors, clip_value: number): void {
  const grads = gradsOf(parameters, "clip_grad_value_");
  if (typeof clip_value !== "number" || Number.isNaN(clip_value)) throw new TypeError(`clip_grad_value_(): clip_value must be a number, got ${describeValue(clip_value)}`);
  const c = Math.abs(clip_value);
  for (const g of grads) for (let i = 0; i < g.numel; i++) g.data[i] = Math.min(Math.max(g.data[i], -c), c);
}
