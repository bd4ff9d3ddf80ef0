/**
 * The next optimizer is one small file: Lion (Chen et al. 2023), declared here as a user would,
 * inherits the step loop, lazy state, decoupled weight decay, hyperparameter checks, hooks and
 * state dicts from the base class. Expected numbers are derived by hand in the comments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, Tensor, ValueError } from "../../lib/index.js";
import type { Betas } from "../../lib/optim/hyperparameters.js";
import * as msg from "../../lib/optim/messages.js";
import { defineKernel } from "../../lib/optim/parallel.js";
import { zeros, type ParamState, type StateSpec } from "../../lib/optim/param_state.js";
import { assertThrowsMessage } from "../util.js";

const DEFAULTS = { lr: 1e-4, betas: [0.9, 0.99] as Betas, weight_decay: 0, maximize: false, decoupled_weight_decay: true };
type LionDefaults = typeof DEFAULTS;

const lionKernel = defineKernel("lion", ["exp_avg"], ["lr", "sign", "decay", "beta1", "beta2"], function lion(a, s, start, end) {
  const f = Math.fround;
  const p = a.param;
  const g = a.grad;
  const m = a.exp_avg!;
  for (let i = start; i < end; i++) {
    const gi = s.sign * g[i];
    const c = s.beta1 * m[i] + (1 - s.beta1) * gi;
    p[i] = f(f(p[i] * s.decay) - s.lr * Math.sign(c));
    m[i] = f(s.beta2 * m[i] + (1 - s.beta2) * gi);
  }
});

class Lion extends optim.Optimizer<LionDefaults> {
  static readonly DEFAULTS = DEFAULTS;
  static readonly STATE: StateSpec<LionDefaults> = { exp_avg: zeros };
  protected override readonly kernel = lionKernel;
  protected override scalars(g: LionDefaults, _state: ParamState) {
    return { beta1: g.betas[0], beta2: g.betas[1] };
  }
}

test("a new optimizer declared in a few lines steps as derived by hand", () => {
  const p = new nn.Parameter(tensor([1, -2]));
  const opt = new Lion([p], { lr: 0.5, weight_decay: 0.1 });
  p.grad = tensor([0.5, -0.25]);
  opt.step();
  // m = 0 → c = 0.1 * g has g's sign; p = p * (1 - 0.5 * 0.1) - 0.5 * sign(g) = [0.95 - 0.5, -1.9 + 0.5]
  assert.deepEqual(Array.from(p.data), [Math.fround(0.45), Math.fround(-1.4)]);
  // m = 0.01 * g
  assert.deepEqual(Array.from((opt.state.get(p)!.exp_avg as Tensor).data), [Math.fround(0.005), Math.fround(-0.0025)]);
  p.grad = tensor([-0.001, 0.5]);
  opt.step();
  // c = 0.9 * m + 0.1 * g = [0.0045 - 0.0001, -0.00225 + 0.05] → signs [+, +]; p = p * 0.95 - 0.5
  assertClose(Array.from(p.data), [0.45 * 0.95 - 0.5, -1.4 * 0.95 - 0.5]);
});

function assertClose(a: number[], b: number[]) {
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6, `${x} vs ${b[i]}`));
}

test("a new optimizer inherits the checks, hooks and state dicts", () => {
  const p = new nn.Parameter(tensor([1, -2]));
  assertThrowsMessage(() => new Lion([p], { betas: [1.5, 0.99] }), ValueError, msg.invalidBeta(0, 1.5));
  assertThrowsMessage(() => new Lion([{ params: [p], lr: -1 }]), ValueError, msg.inParamGroup(0) + msg.invalidLr(-1));
  const opt = new Lion([p]);
  let posts = 0;
  opt.registerStepPostHook(() => posts++);
  p.grad = tensor([1, 1]);
  opt.step();
  assert.equal(posts, 1);
  const sd = JSON.parse(JSON.stringify(opt.stateDict()));
  assert.deepEqual(Object.keys(sd.state[0]), ["exp_avg"]);
  const again = new Lion([new nn.Parameter(tensor([0, 0]))]);
  again.loadStateDict(sd);
  assert.deepEqual(Array.from((again.state.get(again.paramGroups[0].params[0])!.exp_avg as Tensor).data), Array.from((opt.state.get(p)!.exp_avg as Tensor).data));
});
