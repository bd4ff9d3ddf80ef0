import { parityTests } from "./fixtures.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";

parityTests("AdamW");


test("AdamW defaults are PyTorch's: weight_decay 0.01, decoupled", () => {
  const opt = new optim.AdamW([new nn.Parameter(tensor([1, 2]))]);
  assert.equal(opt.paramGroups[0].weight_decay, 1e-2);
  assert.equal(opt.paramGroups[0].decoupled_weight_decay, true);
  assert.equal(opt.paramGroups[0].lr, 1e-3);
});

test("AdamW is Adam with decoupled_weight_decay: the same numbers bit for bit", () => {
  const run = (make: (p: nn.Parameter[]) => optim.Optimizer) => {
    const ps = [new nn.Parameter(tensor([0.5, -1.5, 2.0])), new nn.Parameter(tensor([3.0, -0.25]))];
    const opt = make(ps);
    for (let s = 0; s < 4; s++) {
      ps.forEach((p, j) => (p.grad = tensor(Array.from(p.data, (_, i) => Math.cos(i + s + j)))));
      opt.step();
    }
    return ps.map((p) => Array.from(p.data));
  };
  assert.deepEqual(
    run((ps) => new optim.AdamW(ps, { lr: 0.1, weight_decay: 0.2, amsgrad: true })),
    run((ps) => new optim.Adam(ps, { lr: 0.1, weight_decay: 0.2, amsgrad: true, decoupled_weight_decay: true })),
  );
});

test("AdamW rejects a decoupled_weight_decay option, as PyTorch's AdamW.__init__ has none", () => {
  const p = new nn.Parameter(tensor([1]));
  const keys = Object.keys(optim.Adam.DEFAULTS).filter((k) => k !== "decoupled_weight_decay");
  assertThrowsMessage(
    () => new optim.AdamW([p], { decoupled_weight_decay: false } as never),
    TypeError,
    msg.unknownOption("AdamW", "decoupled_weight_decay", keys),
  );
});
