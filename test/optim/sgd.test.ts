import { parityTests } from "./fixtures.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor } from "../../lib/index.js";

parityTests("SGD");


test("SGD without momentum keeps no state (current PyTorch; torch 1.13 stored momentum_buffer=None)", () => {
  const p = new nn.Parameter(tensor([1, 2]));
  const opt = new optim.SGD([p], { lr: 0.5 });
  p.grad = tensor([1, -1]);
  opt.step();
  // Hand derivation: p - lr * g = [1 - 0.5, 2 + 0.5].
  assert.deepEqual(Array.from(p.data), [0.5, 2.5]);
  assert.equal(opt.state.size, 0);
  assert.deepEqual(opt.stateDict().state, {});
});

test("SGD step returns the closure's loss, like PyTorch", () => {
  const p = new nn.Parameter(tensor([1]));
  const opt = new optim.SGD([p], { lr: 0.1 });
  p.grad = tensor([1]);
  assert.equal(opt.step(() => 42), 42);
  assert.equal(opt.step(), undefined);
});
