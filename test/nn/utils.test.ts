/** nn.utils against torch 1.13: clip_grad_norm_ (2, 1, inf), clip_grad_value_, flat vectors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, RuntimeError, tensor, zeros } from "../../lib/index.js";
import { assertClose, assertThrowsMessage } from "../util.js";
import { autogradFixture, fromTJ } from "../autograd/fixture.js";

const clip = autogradFixture.modules.clip as Record<string, any>;

/** Parameters with the recorded gradients set. */
function withGrads(before: Array<[string, { shape: number[]; values: number[] }]>): nn.Parameter[] {
  return before.map(([, g]) => {
    const p = new nn.Parameter(zeros(g.shape));
    p.grad = fromTJ(g);
    return p;
  });
}

for (const [key, c] of Object.entries(clip)) {
  if (key.startsWith("value/")) continue;
  test(`clipGradNorm_(max_norm=${c.max_norm}, norm_type=${c.norm_type}) returns PyTorch's total norm and scales as it does`, () => {
    const ps = withGrads(c.grads_before);
    const total = nn.utils.clipGradNorm_(ps, c.max_norm, c.norm_type === "inf" ? Infinity : c.norm_type);
    assert.deepEqual(total.shape, []);
    assertClose([total.item()], [c.total_norm], { rtol: 1e-6, what: "total norm" });
    ps.forEach((p, i) => assertClose(p.grad!.data, c.grads_after[i][1].values, { rtol: 1e-6, atol: 1e-9, what: `grad ${i}` }));
  });
}

test("clipGradValue_ clamps every element as PyTorch does", () => {
  const c = clip["value/0.05"];
  const ps = withGrads(c.grads_before);
  nn.utils.clipGradValue_(ps, 0.05);
  ps.forEach((p, i) => assertClose(p.grad!.data, c.grads_after[i][1].values, { what: `grad ${i}` }));
});

test("clipGradNorm_ with error_if_nonfinite throws on a NaN / inf norm; skips params without grad", () => {
  const p = new nn.Parameter(tensor([1, 2]));
  p.grad = tensor([Infinity, 1]);
  assertThrowsMessage(() => nn.utils.clipGradNorm_([p], 1, 2, { error_if_nonfinite: true }), RuntimeError,
    "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
  const q = new nn.Parameter(tensor([3, 4]));
  assert.equal(nn.utils.clipGradNorm_([q], 1).item(), 0);
  q.grad = tensor([3, 4]);
  // ‖(3, 4)‖ = 5 -> scaled by 1/(5 + 1e-6)
  assert.equal(nn.utils.clipGradNorm_(q, 1).item(), 5);
  assertClose(q.grad.data, [0.6, 0.8], { rtol: 1e-6 });
});

test("parametersToVector / vectorToParameters round-trip in parameter order", () => {
  const rec = autogradFixture.modules.parameters_to_vector;
  const ps = rec.params.map(([, t]: [string, any]) => new nn.Parameter(fromTJ(t)));
  const v = nn.utils.parametersToVector(ps);
  assertClose(v.data, rec.vector.values);
  const targets = ps.map((p: nn.Parameter) => new nn.Parameter(zeros(p.shape)));
  nn.utils.vectorToParameters(v, targets);
  targets.forEach((p: nn.Parameter, i: number) => assertClose(p.data, ps[i].data));
  assert.throws(() => nn.utils.vectorToParameters(zeros(3), targets), /the vector has 3 elements but the parameters need 51/);
});
