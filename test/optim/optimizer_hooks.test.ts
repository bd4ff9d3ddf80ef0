/**
 * Optimizer hooks (PyTorch 2.x semantics, read from torch/optim/optimizer.py; torch 1.13 has none,
 * so the expected orders are derived from that source): order of global and per-optimizer hooks,
 * argument replacement, state-dict hooks replacing dicts, removal, and stepCount.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, RuntimeError, tensor } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";
import { REGISTRY } from "./registry.js";

function sgd() {
  const p = new nn.Parameter(tensor([1, 2]));
  p.grad = tensor([1, 1]);
  return { p, opt: new optim.SGD([p], { lr: 0.5 }) };
}

test("step hooks run in PyTorch's order: global pre, own pre, step, own post, global post", () => {
  const { p, opt } = sgd();
  const log: string[] = [];
  const handles = [
    opt.registerStepPreHook(() => void log.push("pre1")),
    optim.registerOptimizerStepPreHook(() => void log.push("globalPre")),
    opt.registerStepPreHook(() => void log.push("pre2")),
    opt.registerStepPostHook((o) => void log.push(`post1@${o.stepCount}:${p.data[0]}`)),
    optim.registerOptimizerStepPostHook(() => void log.push("globalPost")),
    opt.registerStepPostHook(() => void log.push("post2")),
  ];
  try {
    opt.step();
    // The post hook sees the updated parameter (1 - 0.5 * 1) and the counted step.
    assert.deepEqual(log, ["globalPre", "pre1", "pre2", "post1@1:0.5", "post2", "globalPost"]);
  } finally {
    for (const h of handles) h.remove();
  }
  log.length = 0;
  opt.step();
  assert.deepEqual(log, [], "removed hooks no longer run");
  assert.equal(opt.stepCount, 2);
});

test("a step pre-hook may replace the arguments (here: the closure), and the post-hook sees them", () => {
  const { opt } = sgd();
  let seen: optim.StepArgs | null = null;
  opt.registerStepPreHook(() => [() => 7]);
  opt.registerStepPostHook((_o, args) => void (seen = args));
  assert.equal(opt.step(() => 1), 7);
  assert.equal(seen![0]!(), 7);
});

test("a step pre-hook returning something other than an argument array is a RuntimeError", () => {
  const { opt } = sgd();
  opt.registerStepPreHook(() => 42 as never);
  assertThrowsMessage(() => opt.step(), RuntimeError, msg.badPreHookResult(42));
});

test("global hooks apply to every optimizer class and stop after remove()", () => {
  const seen: string[] = [];
  const handle = optim.registerOptimizerStepPostHook((o) => void seen.push(o.constructor.name));
  try {
    for (const entry of REGISTRY) {
      const p = new nn.Parameter(tensor([1, 2]));
      p.grad = tensor([0.5, -0.5]);
      new entry.cls([p], entry.options).step();
    }
  } finally {
    handle.remove();
  }
  assert.deepEqual(seen, REGISTRY.map((e) => e.name));
  const { opt } = sgd();
  opt.step();
  assert.deepEqual(seen.length, REGISTRY.length);
});

test("state-dict hooks: pre runs first, post may replace the dict, prepend runs first", () => {
  const { opt } = sgd();
  const log: string[] = [];
  opt.registerStateDictPreHook(() => void log.push("pre"));
  opt.registerStateDictPostHook((_o, sd) => {
    log.push("post1");
    return { ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, tag: "x" })) };
  });
  opt.registerStateDictPostHook((_o, sd) => void log.push(`post0:${"tag" in sd.param_groups[0]}`), true);
  opt.registerStateDictPostHook((_o, sd) => void log.push(`post2:${sd.param_groups[0].tag}`));
  const sd = opt.stateDict();
  assert.deepEqual(log, ["pre", "post0:false", "post1", "post2:x"]);
  assert.equal(sd.param_groups[0].tag, "x");
});

test("load-state-dict hooks: pre may substitute the dict (caller's dict untouched), post runs after loading", () => {
  const { opt } = sgd();
  const saved = JSON.parse(JSON.stringify(opt.stateDict()));
  const log: string[] = [];
  opt.registerLoadStateDictPreHook((_o, sd) => {
    log.push("pre");
    sd.param_groups = sd.param_groups.map((g) => ({ ...g, lr: 0.125 }));
    return undefined;
  });
  opt.registerLoadStateDictPreHook((_o, sd) => ({ ...sd, param_groups: sd.param_groups.map((g) => ({ ...g, momentum: 0 })) }));
  const h = opt.registerLoadStateDictPostHook((o) => void log.push(`post:${o.paramGroups[0].lr}`));
  opt.loadStateDict(saved);
  assert.deepEqual(log, ["pre", "post:0.125"]);
  assert.equal(saved.param_groups[0].lr, 0.5, "the caller's dict is a shallow copy away from the hooks");
  h.remove();
  opt.loadStateDict(saved);
  assert.deepEqual(log, ["pre", "post:0.125", "pre"]);
});

test("step is an ordinary prototype method (no per-instance patch), and stepCount counts calls", () => {
  const { opt } = sgd();
  assert.equal(Object.prototype.hasOwnProperty.call(opt, "step"), false);
  assert.equal(opt.step, optim.Optimizer.prototype.step);
  opt.step();
  opt.step();
  assert.equal(opt.stepCount, 2);
});

test("each step's post hooks get that step's own args: what a hook does to them does not reach the next step", () => {
  const { opt } = sgd();
  const seen: number[] = [];
  opt.registerStepPostHook((_o, args) => {
    seen.push(args.length);
    (args as unknown[]).push("left by the hook");
  });
  opt.step();
  opt.step();
  assert.deepEqual(seen, [0, 0]);
});
