/** Dropout: PyTorch's `F.dropout`, seeded like PyTorch's CPU kernel. */
import { describeValue, ValueError } from "../../errors.js";
import { bernoulliFill, type Generator } from "../../tensor/random.js";
import { Tensor } from "../../tensor/tensor.js";
import { checkInput, out } from "./_util.js";


/**
 * Throws PyTorch's error for a dropout probability outside [0, 1]; returns `p`.
 *
 * @example
 * F.checkDropoutP(1.5); // ValueError: dropout probability has to be between 0 and 1, but got 1.5
 */
export function checkDropoutP(p: unknown): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ValueError(`dropout probability has to be between 0 and 1, but got ${describeValue(p)}`);
  }
  return p;
}

/**
 * Zeroes each element with probability `p` and scales the rest by `1 / (1 - p)` in training;
 * identity otherwise. Draws one Bernoulli sample per element, as PyTorch's CPU kernel does.
 *
 * @example
 * manualSeed(0);
 * F.dropout(ones(8), 0.5, true); // same mask as torch.manual_seed(0); F.dropout(torch.ones(8), 0.5)
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: { generator?: Generator } = {}): Tensor {
  checkInput(x, "dropout");
  checkDropoutP(p);
  if (p === 0 || !training || x.numel === 0) return x;
  if (p === 1) return out([...x.shape]);
  const mask = new Float32Array(x.numel);
  bernoulliFill(mask, 1 - p, options);
  const scale = Math.fround(1 / Math.fround(1 - p));
  const y = out([...x.shape]);
  for (let i = 0; i < mask.length; i++) y.data[i] = x.data[i] * (mask[i] * scale);
  return y;
}
