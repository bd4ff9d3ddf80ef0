/** Dropout: PyTorch's `F.dropout`, seeded like PyTorch's CPU kernel; the gradient goes through the same mask. */
import { describeValue, ValueError } from "../../errors.js";
import { bernoulliFill, type Generator } from "../../tensor/random.js";
import { recordOp } from "../../autograd/function.js";
import { allocateStorage, Tensor } from "../../tensor/tensor.js";
import { checkInput } from "./_util.js";


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
  const mask = new Float32Array(x.numel);
  // p = 1 keeps nothing: no random numbers drawn, as PyTorch's `input * 0`.
  if (p < 1) bernoulliFill(mask, 1 - p, options);
  const scale = p < 1 ? Math.fround(1 / Math.fround(1 - p)) : 0;
  // PyTorch multiplies by mask·scale (one float32 tensor) in the forward and the backward.
  for (let i = 0; i < mask.length; i++) mask[i] *= scale;
  const yd = allocateStorage(x.numel);
  for (let i = 0; i < mask.length; i++) yd[i] = x.data[i] * mask[i];
  const y = new Tensor(yd, x.shape);
  return recordOp("MulBackward0", y, [x], (gy) => {
    const gx = allocateStorage(x.numel);
    for (let i = 0; i < mask.length; i++) gx[i] = gy.data[i] * mask[i];
    return [new Tensor(gx, x.shape)];
  });
}
