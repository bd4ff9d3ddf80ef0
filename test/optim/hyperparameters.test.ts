/**
 * The one set of hyperparameter checks, table-driven: every optimizer in the registry × every
 * path a value enters (constructor options, a group given to the constructor, addParamGroup, a
 * loaded state dict's group) × every kind of bad value for each of its hyperparameters
 * (registry.ts `badInputs`). Each must be rejected with the same error class and message (plus
 * the path's prefix), before anything changes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, ValueError } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";
import { badInputs, REGISTRY, type BadInput } from "./registry.js";

const param = (v = [0.5, -1.0, 2.0]) => new nn.Parameter(tensor(v));

type Path = {
  name: string;
  prefix: string;
  /** Applies `bad` on this path; on rejection, checks that nothing changed. */
  apply: (entry: (typeof REGISTRY)[number], bad: BadInput) => void;
};

const PATHS: Path[] = [
  {
    name: "constructor options",
    prefix: "",
    apply: (e, bad) => void new e.cls([param()], { ...e.options, ...bad.options }),
  },
  {
    name: "a group given to the constructor",
    prefix: msg.inParamGroup(1),
    apply: (e, bad) => void new e.cls([{ params: [param()] }, { params: [param()], ...bad.options }], e.options),
  },
  {
    name: "addParamGroup",
    prefix: msg.inParamGroup(1),
    apply: (e, bad) => {
      const opt = new e.cls([param()], e.options);
      try {
        opt.addParamGroup({ params: [param()], ...bad.options });
      } catch (error) {
        assert.equal(opt.paramGroups.length, 1, "a rejected group is not added");
        throw error;
      }
    },
  },
  {
    name: "loadStateDict",
    prefix: msg.inLoadedGroup(0),
    apply: (e, bad) => {
      const p = param();
      const opt = new e.cls([p], e.options);
      p.grad = tensor([0.1, 0.2, -0.3]);
      opt.step();
      const sd = JSON.parse(JSON.stringify(opt.stateDict()));
      Object.assign(sd.param_groups[0], bad.options); // after JSON, so NaN stays NaN
      const before = JSON.stringify(opt.paramGroups.map((g) => ({ ...g, params: undefined })));
      try {
        opt.loadStateDict(sd);
      } catch (error) {
        assert.equal(JSON.stringify(opt.paramGroups.map((g) => ({ ...g, params: undefined }))), before, "groups unchanged after a rejected load");
        throw error;
      }
    },
  },
];

for (const entry of REGISTRY) {
  const defaults = new entry.cls([param()]).defaults;
  const cases = badInputs(entry, defaults);
  const fixed = (bad: BadInput) => Object.keys(bad.options).some((k) => entry.fixed?.includes(k));
  for (const path of PATHS) {
    // A fixed key is no constructor option, and a loaded group gets the class's value (AdamW).
    const applicable = path.name === "constructor options" || path.name === "loadStateDict" ? cases.filter((bad) => !fixed(bad)) : cases;
    test(`${entry.name} rejects each of ${applicable.length} bad hyperparameter values given through ${path.name}`, () => {
      for (const bad of applicable) {
        assertThrowsMessage(() => path.apply(entry, bad), bad.error, path.prefix + bad.message);
      }
    });
  }

  test(`${entry.name} accepts every default value on every path (the checks reject only bad values)`, () => {
    const options = Object.fromEntries(Object.entries(defaults).filter(([k]) => !entry.fixed?.includes(k)));
    for (const path of PATHS) path.apply(entry, { options: path.prefix === "" ? options : { ...defaults }, error: TypeError, message: "" });
  });
}

test("a group may not carry another optimizer's hyperparameters; other extra keys are kept", () => {
  const sgdKeys = Object.keys(new optim.SGD([param()]).defaults);
  assertThrowsMessage(
    () => new optim.SGD([{ params: [param()], betas: [0.9, 0.999], amsgrad: true }]),
    ValueError,
    msg.inParamGroup(0) + msg.foreignHyperparameters("SGD", ["betas", "amsgrad"], sgdKeys),
  );
  const opt = new optim.SGD([{ params: [param()], name: "head", initial_lr: 0.1, lr_scale: 0.5 }]);
  assert.equal(opt.paramGroups[0].lr_scale, 0.5);
});

test("an option left undefined takes the default on every path", () => {
  const opt = new optim.Adam([{ params: [param()], lr: undefined }], { eps: undefined });
  assert.equal(opt.paramGroups[0].lr, 1e-3);
  assert.equal(opt.paramGroups[0].eps, 1e-8);
});

test("a bad value written straight into a group is rejected at the next step, before any weight changes", () => {
  for (const entry of REGISTRY) {
    const p = param();
    const opt = new entry.cls([p], entry.options);
    p.grad = tensor([0.1, 0.2, -0.3]);
    opt.paramGroups[0].lr = "abc" as never;
    const before = Array.from(p.data);
    assertThrowsMessage(() => opt.step(), TypeError, msg.inParamGroup(0) + msg.hyperNotNumber("lr", "abc"));
    assert.deepEqual(Array.from(p.data), before, entry.name);
    opt.paramGroups[0].lr = NaN;
    assertThrowsMessage(() => opt.step(), ValueError, msg.inParamGroup(0) + msg.invalidLr(NaN));
  }
});

test("after steps with good values, a value changed in place (lr, one beta, an added key) is still caught at the next step", () => {
  // step() skips re-checking a group whose values are those it last checked; every kind of edit
  // must invalidate that.
  const p = param();
  const opt = new optim.Adam([p], { lr: 0.01 });
  p.grad = tensor([0.1, 0.2, -0.3]);
  opt.step();
  opt.step();
  const group = opt.paramGroups[0];
  group.lr = -1;
  assertThrowsMessage(() => opt.step(), ValueError, msg.inParamGroup(0) + msg.invalidLr(-1));
  group.lr = 0.01;
  opt.step();
  (group.betas as number[])[0] = 1.5;
  const before = Array.from(p.data);
  assertThrowsMessage(() => opt.step(), ValueError, msg.inParamGroup(0) + msg.invalidBeta(0, 1.5));
  assert.deepEqual(Array.from(p.data), before);
  (group.betas as number[])[0] = 0.9;
  opt.step();
  group.momentum = 0.9;
  assert.throws(() => opt.step(), (e: Error) => e instanceof ValueError && /momentum/.test(e.message));
});
