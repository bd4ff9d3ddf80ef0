/**
 * Table-driven bad input: every scheduler of the registry × every entry path (constructor
 * options, loadStateDict, per-call values) × every kind of bad value. Each must give the error
 * class and message of lib/optim/lr_scheduler/messages.ts, and a rejected loadStateDict must
 * leave the scheduler as it was.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ValueError } from "../../../lib/errors.js";
import * as S from "../../../lib/optim/lr_scheduler/index.js";
import * as msg from "../../../lib/optim/lr_scheduler/messages.js";
import { assertThrowsMessage } from "../../util.js";
import { makeOptimizer } from "./helpers.js";
import { badValues, REGISTRY } from "./registry.js";

// Schedulers stepped without an optimizer step warn (PyTorch's text); not what is tested here.
process.removeAllListeners("warning");

const fresh = () => makeOptimizer("sgd");

test("every exported scheduler class and Hugging Face schedule is in the registry", () => {
  const names = new Set(REGISTRY.map((e) => e.name));
  const exported = Object.entries(S)
    .filter(([k, v]) => typeof v === "function" && (/^get[A-Z]/.test(k) || (v.prototype instanceof S.LRScheduler && !k.startsWith("_"))))
    .map(([k]) => k);
  for (const k of exported) assert.ok(names.has(k), `${k} is exported but has no registry entry`);
});

for (const entry of REGISTRY) {
  describe(entry.name, () => {
    test("constructor: every option rejects every bad value", () => {
      for (const [key, expect] of Object.entries(entry.options)) {
        for (const [label, value, cls, message] of badValues(expect)) {
          try {
            assertThrowsMessage(() => entry.make(fresh(), { [key]: value }), cls, message(key));
          } catch (e) {
            throw new Error(`${entry.name} option ${key} = ${label}: ${(e as Error).message}`);
          }
        }
      }
    });

    test("loadStateDict: every state entry rejects every bad value, leaving the state unchanged", () => {
      const s = entry.make(fresh());
      const before = JSON.stringify(s.stateDict());
      for (const [key, expect] of Object.entries(entry.state)) {
        assert.ok(key in s.stateDict(), `${entry.name}: ${key} is not a state key`);
        for (const [label, value, cls, message] of badValues(expect)) {
          try {
            // A good entry first: a bad one later must still leave everything unchanged.
            const good = Object.keys(s.stateDict()).find((k) => k !== key && k !== "_schedulers");
            const partial = good ? { [good]: s.stateDict()[good] } : {};
            assertThrowsMessage(() => s.loadStateDict({ ...partial, [key]: value }), cls, message(key));
          } catch (e) {
            throw new Error(`${entry.name} state ${key} = ${label}: ${(e as Error).message}`);
          }
          assert.equal(JSON.stringify(s.stateDict()), before, `${entry.name} state ${key} = ${label} changed the state`);
        }
      }
    });

    test("loadStateDict: not an object, the optimizer, or an unknown key is a clear error", () => {
      const s = entry.make(fresh());
      const cls = s.constructor.name;
      const keys = Object.keys(s.stateDict()).filter((k) => k !== "_schedulers");
      assertThrowsMessage(() => s.loadStateDict("x" as never), TypeError, msg.badStateDict("x"));
      assertThrowsMessage(() => s.loadStateDict({ optimizer: fresh() }), ValueError, msg.stateDictOptimizer(cls));
      assertThrowsMessage(() => s.loadStateDict({ gammma: 0.5 }), ValueError, msg.unexpectedStateKey(cls, "gammma", keys));
      assertThrowsMessage(() => s.loadStateDict(JSON.parse('{"__proto__": {"x": 1}}')), ValueError, msg.unexpectedStateKey(cls, "__proto__", keys));
      // Its own state dict, through JSON, loads.
      s.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    });

    if (entry.stepEpoch) {
      test("step(epoch): the deprecated epoch argument is checked", () => {
        const s = entry.make(fresh());
        for (const [label, value, cls, message] of [
          ["string", "x", TypeError, msg.notANumber("epoch", "x")],
          ["NaN", NaN, TypeError, msg.notANumber("epoch", NaN)],
          ["negative", -1, ValueError, msg.nonNegativeInteger("epoch", -1)],
          ["fractional", 2.5, ValueError, msg.nonNegativeInteger("epoch", 2.5)],
        ] as const) {
          try {
            assertThrowsMessage(() => s.step(value as never), cls, message);
          } catch (e) {
            throw new Error(`${entry.name} step(${label}): ${(e as Error).message}`);
          }
        }
      });
    }
  });
}

describe("per-call values", () => {
  test("an lr_lambda returning a non-number names the group, the epoch and the value", () => {
    for (const [value, cls] of [["x", TypeError], [undefined, TypeError], [NaN, TypeError], [Infinity, ValueError]] as const) {
      for (const Cls of [S.LambdaLR, S.MultiplicativeLR]) {
        const opt = fresh();
        const s = new Cls(opt, { lr_lambda: [() => 1, (e: number) => (e === 2 ? (value as never) : 1), () => 1] });
        s.step();
        const lrs = opt.paramGroups.map((g) => g.lr);
        assertThrowsMessage(() => s.step(), cls, msg.lambdaResult("lr_lambda", 1, 2, value));
        assert.deepEqual(opt.paramGroups.map((g) => g.lr), lrs, "no lr was written");
      }
    }
  });

  test("simulate checks the lambda values too (its fast path included)", () => {
    assertThrowsMessage(
      () => S.simulate(fresh(), (o) => new S.LambdaLR(o, { lr_lambda: (e: number) => (e === 5 ? ("x" as never) : 1) }), { steps: 10 }),
      TypeError,
      msg.lambdaResult("lr_lambda", 0, 5, "x"),
    );
  });

  test("CyclicLR scale_fn returning a non-number is an error, not a NaN lr", () => {
    const bad = (x: number) => (x >= 2 ? ("x" as never) : 1);
    const s = new S.CyclicLR(fresh(), { base_lr: 0.01, max_lr: 0.1, step_size_up: 2, scale_fn: bad, scale_mode: "iterations" });
    s.step();
    assertThrowsMessage(() => s.step(), TypeError, msg.scaleFnResult(2, "x"));
  });

  test("ChainedScheduler and ParamwiseScheduler given one scheduler say an array was expected", () => {
    const opt = fresh();
    const one = new S.ExponentialLR(opt, { gamma: 0.9 });
    assertThrowsMessage(() => new S.ChainedScheduler(one as never), TypeError, msg.schedulersNotArray("ChainedScheduler", one));
    assertThrowsMessage(() => new S.ParamwiseScheduler(one as never), TypeError, msg.schedulersNotArray("ParamwiseScheduler", one));
    assert.match(msg.schedulersNotArray("ChainedScheduler", one), /expects an array of schedulers, got a ExponentialLR .*wrap it in \[ \]/);
    assertThrowsMessage(() => new S.ChainedScheduler([]), ValueError, msg.noSchedulers("ChainedScheduler"));
  });

  test("a composite's loadStateDict checks every child before changing any", () => {
    const opt = fresh();
    const s = new S.SequentialLR(opt, { schedulers: [new S.ConstantLR(opt, { factor: 0.5, total_iters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 })], milestones: [2] });
    const state = s.stateDict();
    const before = JSON.stringify(state);
    const bad = JSON.parse(before);
    bad.last_epoch = 7;
    bad._schedulers[0].total_iters = 4;
    bad._schedulers[1].gamma = "x";
    assertThrowsMessage(() => s.loadStateDict(bad), TypeError, msg.notANumber("gamma", "x"));
    assert.equal(JSON.stringify(s.stateDict()), before);
    assertThrowsMessage(() => s.loadStateDict({ ...state, _schedulers: [state] }), ValueError, msg.stateSchedulerCount("SequentialLR", [state], 2));
  });

  test("timm's step(epoch) and stepUpdate(n) check their argument", () => {
    const s = new S.CosineLRScheduler(fresh(), { t_initial: 10 });
    assertThrowsMessage(() => s.step("x" as never), TypeError, msg.notANumber("epoch", "x"));
    assertThrowsMessage(() => s.stepUpdate(NaN), TypeError, msg.notANumber("num_updates", NaN));
  });

  test("CosineAnnealingWarmRestarts.step(epoch) rejects a string and NaN as well as a negative epoch", () => {
    const s = new S.CosineAnnealingWarmRestarts(fresh(), { T_0: 4 });
    assertThrowsMessage(() => s.step("x" as never), TypeError, msg.notANumber("epoch", "x"));
    assertThrowsMessage(() => s.step(NaN), TypeError, msg.notANumber("epoch", NaN));
    assertThrowsMessage(() => s.step(-1), ValueError, msg.negativeEpoch(-1));
  });
});
