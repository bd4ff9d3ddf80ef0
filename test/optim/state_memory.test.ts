/**
 * Optimizer state memory from shapes: checked against the state tensors each optimizer actually
 * allocates after one step (every optimizer of the registry, options that create all its state),
 * and against hand arithmetic for the flag-dependent cases and a bf16 7B model.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../lib/nn/index.js";
import { Adam } from "../../lib/optim/adam.js";
import { AdamW } from "../../lib/optim/adamw.js";
import { RMSprop } from "../../lib/optim/rmsprop.js";
import { SGD } from "../../lib/optim/sgd.js";
import { optimizerMemory } from "../../lib/optim/state_memory.js";
import { metaTensor } from "../../lib/tensor/meta.js";
import { Tensor, ones } from "../../lib/tensor/tensor.js";
import { llama7bShapes } from "../serialization/helpers.js";
import { REGISTRY } from "./registry.js";

function model(): nn.Module {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Linear(8, 2)); // 40 + 18 = 58 parameters
}

describe("optimizerMemory", () => {
  for (const entry of REGISTRY) {
    test(`${entry.name}: state bytes equal the state tensors the optimizer allocates`, () => {
      const m = model();
      const opt = new entry.cls(m.parameters(), entry.options);
      const predicted = optimizerMemory(opt);
      for (const p of m.parameters()) p.grad = ones(p.shape);
      opt.step();
      let actual = 0;
      const keys = new Set<string>();
      for (const s of opt.state.values()) {
        for (const [k, v] of Object.entries(s)) {
          if (v instanceof Tensor && v.numel > 1) {
            actual += v.numel * 4;
            keys.add(k);
          }
        }
      }
      assert.equal(predicted.stateBytes, actual);
      assert.deepEqual(new Set(predicted.groups[0].stateKeys), keys);
      assert.equal(predicted.paramBytes, 58 * 4);
      assert.equal(predicted.gradBytes, 58 * 4);
      assert.equal(predicted.totalBytes, predicted.paramBytes + predicted.gradBytes + predicted.stateBytes);
    });
  }

  test("flags: SGD without momentum keeps nothing; Adam amsgrad 3×; RMSprop plain 1×; frozen parameters have no grad or state", () => {
    const m = model();
    assert.equal(optimizerMemory(new SGD(m.parameters(), { lr: 0.1 })).stateBytes, 0);
    assert.equal(optimizerMemory(new Adam(m.parameters(), { amsgrad: true })).stateBytes, 3 * 58 * 4);
    assert.equal(optimizerMemory(new RMSprop(m.parameters(), { lr: 0.01 })).stateBytes, 58 * 4);
    const frozen = model();
    (frozen as nn.Sequential).get(0).requiresGrad_(false);
    const mem = optimizerMemory(new AdamW(frozen.parameters(), { lr: 1e-3 }));
    assert.equal(mem.paramBytes, 58 * 4);
    assert.equal(mem.gradBytes, 18 * 4);
    assert.equal(mem.stateBytes, 2 * 18 * 4);
  });

  test("per group, named; a bf16 Llama-2-7B shape-only: AdamW state = 2 × 2 bytes × 6,738,415,616", () => {
    const sd: Record<string, ReturnType<typeof metaTensor>> = {};
    for (const [n, s] of llama7bShapes()) sd[n] = metaTensor(s, "bfloat16", n);
    const named = nn.Module.fromStateDict(sd).namedParameters();
    const opt = new AdamW(
      [
        { params: named.filter(([, p]) => p.ndim > 1), name: "decay" },
        { params: named.filter(([, p]) => p.ndim <= 1), name: "no_decay", weight_decay: 0 },
      ],
      { lr: 1e-4 },
    );
    const mem = optimizerMemory(opt);
    assert.equal(mem.groups[1].name, "no_decay");
    assert.equal(mem.groups[1].numel, 65 * 4096);
    assert.equal(mem.paramBytes, 2 * 6_738_415_616);
    assert.equal(mem.stateBytes, 4 * 6_738_415_616);
    assert.equal(mem.totalBytes, 8 * 6_738_415_616);
  });
});
