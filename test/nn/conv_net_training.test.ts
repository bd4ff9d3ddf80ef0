/**
 * A small conv net (Conv2d → BatchNorm2d → ReLU → MaxPool2d → Flatten → Linear) trained five steps
 * with SGD (momentum 0.9, nesterov, weight decay) and cross-entropy follows torch 1.13's
 * trajectory step by step: loss, gradients, parameters and running statistics
 * (test/fixtures/nn_grad_fixtures.py, `train_conv_net`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { gradFixture, loadRecorded } from "./fixture.js";

test("conv net with nesterov SGD follows PyTorch's parameters step by step", () => {
  const rec = gradFixture.train_conv_net;
  const net = new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(4 * 3 * 3, 3),
  );
  loadRecorded(net, rec.params, []);
  const x = tensor(rec.input.values, rec.input.shape);
  const y = tensor(rec.target);
  const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-3 });
  rec.steps.forEach((step, k) => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(net.forward(x) as ReturnType<typeof tensor>, y);
    assertClose([loss.item()], [step.loss], { rtol: 1e-5, what: `step ${k} loss` });
    loss.backward();
    const ps = new Map(net.namedParameters());
    for (const [name, g] of step.grads) assertClose(ps.get(name)!.grad!.data, g.values, { rtol: 1e-4, atol: 1e-6, what: `step ${k} ${name}.grad` });
    opt.step();
    for (const [name, p] of step.params_after) assertClose(ps.get(name)!.data, p.values, { rtol: 1e-4, atol: 1e-6, what: `step ${k} ${name}` });
    const bs = new Map(net.namedBuffers());
    for (const [name, b] of step.buffers_after) assertClose(bs.get(name)!.data, b.values, { rtol: 1e-5, atol: 1e-6, what: `step ${k} ${name}` });
  });
  assert.ok(rec.steps[4].loss < rec.steps[0].loss, "the recorded run learns (sanity of the fixture)");
});
