/**
 * A second, independent check of every backward: central finite differences of
 * L(x) = Σ op(x) ⊙ w (w the recorded upstream gradient), differenced in double precision, against
 * the analytic gradient. Elements where the two one-sided differences disagree sit on a kink
 * (relu at 0, a clamp bound, a max tie) and are skipped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, noGrad, Tensor } from "../../lib/index.js";
import { autogradFixture, fromTJ, label } from "./fixture.js";
import { OPS } from "./op_table.js";

const EPS = 1e-2;

/** Σ f(inputs) ⊙ w in double, evaluated without recording. */
function objective(f: () => Tensor, w: Float32Array): number {
  const out = noGrad(f);
  let s = 0;
  for (let i = 0; i < out.numel; i++) s += out.data[i] * (w.length === 1 ? w[0] : w[i]);
  return s;
}

/** Compares analytic gradients with finite differences for every input that requires grad. */
function gradcheck(what: string, inputs: Tensor[], f: () => Tensor, w: Tensor): number {
  f().backward(w);
  let checked = 0;
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const analytic = Float64Array.from(x.grad!.data);
    for (let i = 0; i < x.numel; i++) {
      const v = x.data[i];
      x.data[i] = v + EPS;
      const up = objective(f, w.data);
      x.data[i] = v - EPS;
      const down = objective(f, w.data);
      x.data[i] = v;
      const mid = objective(f, w.data);
      const right = (up - mid) / EPS;
      const left = (mid - down) / EPS;
      const scale = Math.max(1, Math.abs(right), Math.abs(left));
      if (Math.abs(right - left) > 0.05 * scale) continue; // a kink within ±EPS
      const numeric = (up - down) / (2 * EPS);
      const tol = 2e-3 * Math.max(1, Math.abs(numeric)) + 5e-3 * Math.abs(right - left);
      assert.ok(Math.abs(numeric - analytic[i]) <= tol, `${what}: d/d input${k}[${i}]: analytic ${analytic[i]}, finite difference ${numeric}`);
      checked++;
    }
  });
  return checked;
}

for (const c of autogradFixture.ops) {
  test(`finite differences agree with backward for ${label(c)}`, () => {
    const inputs = c.inputs.map((i) => fromTJ(i).requiresGrad_(i.requires_grad));
    const checked = gradcheck(label(c), inputs, () => OPS[c.op](inputs, c.args), fromTJ(c.grad_output));
    assert.ok(checked > 0, "no element was checked");
  });
}

const F = nn.functional;
const LOSSES: Record<string, (x: Tensor, t: Tensor, o: any) => Tensor> = {
  mse_loss: F.mseLoss, l1_loss: F.l1Loss, smooth_l1_loss: F.smoothL1Loss, huber_loss: F.huberLoss,
  cross_entropy_idx: F.crossEntropy, cross_entropy_prob: F.crossEntropy, nll_loss: F.nllLoss,
  binary_cross_entropy: F.binaryCrossEntropy, binary_cross_entropy_with_logits: F.binaryCrossEntropyWithLogits,
};

for (const c of autogradFixture.losses.filter((l) => l.reduction !== "sum")) {
  test(`finite differences agree with backward for ${c.fn}(${Object.keys(c.options)}, ${c.reduction})`, () => {
    const x = fromTJ(c.input).requiresGrad_();
    // BCE's target enters through log(x) and log(1 − x); keep x away from the clamp.
    const t = fromTJ(c.target).requiresGrad_(c.target_grad !== null);
    const o: Record<string, unknown> = { reduction: c.reduction };
    for (const [k, v] of Object.entries(c.options)) o[k] = typeof v === "object" ? fromTJ(v as never) : v;
    const checked = gradcheck(c.fn, [x, t], () => LOSSES[c.fn](x, t, o), fromTJ(c.grad_output));
    assert.ok(checked > 0);
  });
}
