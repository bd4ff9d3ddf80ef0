import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, zeros, RuntimeError } from "../../lib/index.js";

/** A layer built from parameters only, so these tests do not depend on the layer library. */
class Affine extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(inF: number, outF: number) {
    super();
    this.weight = new nn.Parameter(zeros(outF, inF));
    this.bias = new nn.Parameter(zeros(outF));
  }
}

class ActorCritic extends nn.Module {
  base = new Affine(4, 8);
  actor = new Affine(8, 2);
  critic = new Affine(8, 1);
}

test("namedParameters lists class-field members in declaration order with dotted names (seed example)", () => {
  const model = new ActorCritic();
  // Expected names and shapes are the seed tutorial's printed PyTorch output.
  assert.deepEqual(
    model.namedParameters().map(([n, p]) => `${n} ${JSON.stringify(p.shape)}`),
    [
      "base.weight [8,4]",
      "base.bias [8]",
      "actor.weight [2,8]",
      "actor.bias [2]",
      "critic.weight [1,8]",
      "critic.bias [1]",
    ],
  );
  assert.equal(model.parameters().length, 6);
});

test("shared parameters are reported once and stateDict keeps both names, as in PyTorch", () => {
  class Tied extends nn.Module {
    a = new Affine(2, 2);
    b = new Affine(2, 2);
    constructor() {
      super();
      this.b.weight = this.a.weight;
    }
  }
  const m = new Tied();
  assert.deepEqual(m.namedParameters().map(([n]) => n), ["a.weight", "a.bias", "b.bias"]);
  assert.deepEqual(Object.keys(m.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
  assert.equal(m.numParameters(), 4 + 2 + 2);
});

test("loadStateDict reports missing and unexpected keys and size mismatches in PyTorch's words", () => {
  const m = new ActorCritic();
  const sd = m.stateDict();
  delete (sd as Record<string, unknown>)["actor.bias"];
  (sd as Record<string, unknown>)["extra"] = zeros(1);
  assert.throws(
    () => m.loadStateDict(sd),
    (e: unknown) =>
      e instanceof RuntimeError &&
      e.message ===
        'Error(s) in loading state_dict for ActorCritic:\n\tMissing key(s) in state_dict: "actor.bias". \n\tUnexpected key(s) in state_dict: "extra". ',
  );
  assert.deepEqual(m.loadStateDict(sd, { strict: false }), { missingKeys: ["actor.bias"], unexpectedKeys: ["extra"] });
  assert.throws(
    () => m.loadStateDict({ ...m.stateDict(), "base.bias": zeros(3) }),
    /size mismatch for base\.bias: copying a param with shape torch\.Size\(\[3\]\) from checkpoint, the shape in current model is torch\.Size\(\[8\]\)\./,
  );
});

test("requiresGrad_ freezes a submodule and numParameters counts trainable ones", () => {
  const m = new ActorCritic();
  m.base.requiresGrad_(false);
  // base: 8*4 + 8 = 40 frozen; actor 2*8+2 = 18; critic 8+1 = 9.
  assert.equal(m.numParameters(), 67);
  assert.equal(m.numParameters({ trainableOnly: true }), 27);
});

test("getSubmodule and getParameter follow dotted paths and name what is missing", () => {
  const m = new ActorCritic();
  assert.equal(m.getSubmodule("actor"), m.actor);
  assert.equal(m.getParameter("critic.bias"), m.critic.bias);
  assert.throws(() => m.getParameter("critic.gamma"), /Affine has no attribute `gamma`/);
});
