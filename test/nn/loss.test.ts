/**
 * Losses against torch 1.13 (test/fixtures/autograd_fixtures.py): every reduction, class weights,
 * ignore_index, label smoothing, probability targets, K-dim inputs, pos_weight; the functions
 * and the modules alike. Bad targets fail with messages that name what was given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, RuntimeError, Tensor, tensor, ValueError } from "../../lib/index.js";
import { lossMessages } from "../../lib/nn/functional/loss.js";
import { assertClose, assertThrowsMessage } from "../util.js";
import { autogradFixture, fromTJ, type LossCase, type TJ } from "../autograd/fixture.js";

const F = nn.functional;

/** Options as recorded (tensors as {shape, values}) turned into paramlab values. */
function options(c: LossCase): Record<string, unknown> {
  const out: Record<string, unknown> = { reduction: c.reduction };
  for (const [k, v] of Object.entries(c.options)) out[k] = typeof v === "object" ? fromTJ(v as TJ) : v;
  return out;
}

const FUNCTIONS: Record<string, (x: Tensor, t: Tensor, o: any) => Tensor> = {
  mse_loss: F.mseLoss,
  l1_loss: F.l1Loss,
  smooth_l1_loss: F.smoothL1Loss,
  huber_loss: F.huberLoss,
  cross_entropy_idx: F.crossEntropy,
  cross_entropy_prob: F.crossEntropy,
  nll_loss: F.nllLoss,
  binary_cross_entropy: F.binaryCrossEntropy,
  binary_cross_entropy_with_logits: F.binaryCrossEntropyWithLogits,
};

const MODULES: Record<string, (o: any) => { forward(x: Tensor, t: Tensor): Tensor }> = {
  mse_loss: (o) => new nn.MSELoss(o),
  l1_loss: (o) => new nn.L1Loss(o),
  smooth_l1_loss: (o) => new nn.SmoothL1Loss(o),
  huber_loss: (o) => new nn.HuberLoss(o),
  cross_entropy_idx: (o) => new nn.CrossEntropyLoss(o),
  cross_entropy_prob: (o) => new nn.CrossEntropyLoss(o),
  nll_loss: (o) => new nn.NLLLoss(o),
  binary_cross_entropy: (o) => new nn.BCELoss(o),
  binary_cross_entropy_with_logits: (o) => new nn.BCEWithLogitsLoss(o),
};

function check(c: LossCase, run: (x: Tensor, t: Tensor) => Tensor): void {
  const x = fromTJ(c.input).requiresGrad_();
  const t = fromTJ(c.target).requiresGrad_(c.target_grad !== null);
  const out = run(x, t);
  assert.deepEqual(out.shape, c.output.shape, "loss shape");
  assertClose(out.data, c.output.values, { rtol: 1e-5, atol: 1e-6, what: "loss" });
  assert.equal(out.gradFn?.name(), c.grad_fn);
  out.backward(fromTJ(c.grad_output));
  assertClose(x.grad!.data, c.input_grad.values, { rtol: 1e-5, atol: 1e-6, what: "input grad" });
  if (c.target_grad !== null) assertClose(t.grad!.data, c.target_grad.values, { rtol: 1e-5, atol: 1e-6, what: "target grad" });
}

for (const c of autogradFixture.losses) {
  const what = `${c.fn}(${JSON.stringify(Object.keys(c.options))}, reduction=${c.reduction}) on [${c.input.shape}]`;
  test(`F.${what} matches PyTorch`, () => check(c, (x, t) => FUNCTIONS[c.fn](x, t, options(c))));
  test(`module ${what} matches PyTorch`, () => check(c, (x, t) => MODULES[c.fn](options(c)).forward(x, t)));
}

/** Loss and input gradient of `run`, element for element (Object.is: -0 and NaN count). */
function lossAndGrad(run: (x: Tensor) => Tensor, logits: number[], shape: number[], gradient: number): { loss: number; grad: number[]; node: string | undefined } {
  const x = tensor(logits, shape).requiresGrad_();
  const loss = run(x);
  loss.backward(tensor(gradient));
  return { loss: loss.item(), grad: [...x.grad!.data], node: loss.gradFn?.name() };
}

test("cross entropy on class indices (one fused node) gives the bits of log_softmax + nll_loss", () => {
  const cases: Array<{ n: number; c: number; target: (i: number) => number; options: Record<string, unknown>; gradient: number }> = [
    { n: 64, c: 2, target: (i) => i % 2, options: {}, gradient: 1 },
    { n: 5, c: 7, target: (i) => (3 * i) % 7, options: { reduction: "sum" }, gradient: -2.5 },
    { n: 6, c: 3, target: (i) => (i % 3 === 1 ? -100 : i % 3), options: {}, gradient: 1 },
    { n: 4, c: 3, target: (i) => (i < 2 ? 2 : 1), options: { ignore_index: 2, reduction: "mean" }, gradient: 0.5 },
    { n: 3, c: 4, target: () => 1, options: { ignore_index: 1 }, gradient: 1 }, // every target ignored: 0/0
  ];
  for (const { n, c, target, options: o, gradient } of cases) {
    const logits = Array.from({ length: n * c }, (_, i) => 3 * Math.sin(1.7 * i + 0.3) + (i % 5 === 0 ? 40 : 0));
    const y = tensor(Array.from({ length: n }, (_, i) => target(i)));
    const fused = lossAndGrad((x) => F.crossEntropy(x, y, o), logits, [n, c], gradient);
    const general = lossAndGrad((x) => F.nllLoss(F.logSoftmax(x, 1), y, o), logits, [n, c], gradient);
    const what = `[${n}, ${c}] ${JSON.stringify(o)}`;
    assert.ok(Object.is(fused.loss, general.loss), `${what}: loss ${fused.loss} vs ${general.loss}`);
    fused.grad.forEach((v, i) => assert.ok(Object.is(v, general.grad[i]), `${what}: grad[${i}] ${v} vs ${general.grad[i]}`));
    assert.equal(fused.node, "NllLossBackward0");
  }
  // Cases the fused node does not take still agree with their own composition.
  const x = tensor([[1, 2, 3], [0, -1, 4]]);
  const w = tensor([1, 2, 0.5]);
  assertClose(F.crossEntropy(x, tensor([2, 0]), { weight: w }).data, F.nllLoss(F.logSoftmax(x, 1), tensor([2, 0]), { weight: w }).data);
  assert.deepEqual(F.crossEntropy(x, tensor([2, 0]), { reduction: "none" }).shape, [2]);
});

test("class targets: out of range and non-integer targets name the value and what was expected", () => {
  const logits = tensor([[1, 2, 3], [0, 1, 0]]);
  assertThrowsMessage(() => F.crossEntropy(logits, tensor([0, 3])), RangeError, lossMessages.outOfBounds(3, 3, -100));
  assert.equal(lossMessages.outOfBounds(3, 3, -100), "Target 3 is out of bounds: expected a class index in [0, 2] (or ignore_index -100)");
  assertThrowsMessage(() => new nn.CrossEntropyLoss().forward(logits, tensor([0, 1.5])), RuntimeError,
    "cross_entropy: expected class indices (integers in [0, 2]) or class probabilities of the input's shape [2, 3]; got 1.5 at position 1 of the target");
  assertThrowsMessage(() => F.crossEntropy(logits, tensor([0, 1, 2])), ValueError, "Expected input batch_size (2) to match target batch_size (3).");
  assertThrowsMessage(() => F.crossEntropy(logits, tensor([0, 1]), { weight: tensor([1, 2]) }), RuntimeError,
    "weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]");
  assertThrowsMessage(() => new nn.CrossEntropyLoss({ label_smoothing: 1.5 }), ValueError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5");
});

test("bad reductions, sizes and probabilities fail in PyTorch's words", () => {
  assertThrowsMessage(() => new nn.MSELoss({ reduction: "avg" as never }), ValueError, '"avg" is not a valid value for reduction');
  assert.throws(() => F.mseLoss(tensor([1, 2]), tensor([[1, 2]])), /Using a target size \(torch.Size\(\[1, 2\]\)\) that is different to the input size \(torch.Size\(\[2\]\)\)/);
  assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])), /all elements of input should be between 0 and 1 \(got 1.5 at position 1\)/);
  assertThrowsMessage(() => new nn.HuberLoss({ delta: 0 }), RuntimeError, "huber_loss does not support non-positive values for delta.");
  assertThrowsMessage(() => new nn.SmoothL1Loss({ beta: -1 }), RuntimeError, "smooth_l1_loss does not support negative values for beta.");
});

test("loss modules print as PyTorch prints them", () => {
  assert.equal(new nn.CrossEntropyLoss().toString(), "CrossEntropyLoss()");
  assert.equal(new nn.MSELoss().toString(), "MSELoss()");
});
