import { parityTests } from "./fixtures.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor } from "../../lib/index.js";

parityTests("NAdam");


test("NAdam loads mu_product / step given as 0-d tensors (PyTorch keeps both as tensors)", () => {
  const p = new nn.Parameter(tensor([1, 2]));
  const opt = new optim.NAdam([p]);
  p.grad = tensor([0.5, 0.5]);
  opt.step();
  const sd = opt.stateDict();
  const state = sd.state[0];
  opt.loadStateDict({ ...sd, state: { 0: { ...state, step: tensor(state.step as number), mu_product: tensor(state.mu_product as number) } } });
  assert.equal(opt.state.get(p)!.step, 1);
  assert.equal(typeof opt.state.get(p)!.mu_product, "number");
});
