import { parityTests } from "./fixtures.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, Tensor } from "../../lib/index.js";

parityTests("Adagrad");


test("Adagrad creates step and sum (= initial_accumulator_value) for every parameter at construction, as PyTorch", () => {
  const ps = [new nn.Parameter(tensor([1, 2])), new nn.Parameter(tensor([3]))];
  const opt = new optim.Adagrad(ps, { initial_accumulator_value: 0.25 });
  for (const p of ps) {
    const s = opt.state.get(p)!;
    assert.equal(s.step, 0);
    assert.deepEqual(Array.from((s.sum as Tensor).data), Array(p.numel).fill(0.25));
  }
  opt.addParamGroup({ params: [new nn.Parameter(tensor([5]))], initial_accumulator_value: 1 });
  assert.deepEqual(Array.from((opt.state.get(opt.paramGroups[1].params[0])!.sum as Tensor).data), [1]);
});
