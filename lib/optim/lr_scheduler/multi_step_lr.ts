import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { readOptions, required, type OptionEntry } from "./options.js";

/** PyTorch's `Counter` of milestones, as JSON has it: `{ "30": 1, "80": 2 }`. */
const counter: Check<Record<number, number>> = (name, v, n) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new TypeError(msg.badStateValue(name, v, "an object of milestone → count"));
  }
  const out: Record<number, number> = {};
  for (const [k, count] of Object.entries(v)) {
    const m = Number(k);
    if (!Number.isInteger(m)) throw new ValueError(msg.badStateValue(`${name} key`, k, "an integer milestone"));
    out[m] = C.positiveInteger(`${name}[${k}]`, count, n);
  }
  return out;
};
const STATE = { milestones: counter, gamma: C.finite };

export interface MultiStepLROptions {
  /** Step indices at which the lr is multiplied by `gamma` (a repeated milestone decays twice). */
  milestones: readonly number[];
  /** Multiplicative factor of the decay. Default: 0.1. */
  gamma?: number;
  last_epoch?: number;
}

/**
 * Decays each group's lr by `gamma` at each milestone (PyTorch's `MultiStepLR`).
 *
 * @example
 * // lr = 0.05 before 30, 0.005 for 30..79, 0.0005 from 80
 * new optim.lr_scheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone → how many times it was given (PyTorch keeps a `Counter`). */
  milestones: Record<number, number>;
  gamma: number;

  constructor(optimizer: OptimizerLike, options: MultiStepLROptions) {
    super(optimizer, options);
    const o = readOptions("MultiStepLR", options, ["milestones", "gamma", "last_epoch"]);
    const ms = required("MultiStepLR", "milestones", o.milestones);
    if (!Array.isArray(ms) || ms.some((m) => !Number.isInteger(m))) throw new ValueError(msg.milestonesNotArray(ms));
    this.milestones = {};
    for (const m of ms) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = STATE.gamma("gamma", o.gamma ?? 0.1, optimizer.paramGroups.length);
    this.initialize(o.last_epoch ?? -1);
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  override getClosedFormLr(): number[] {
    // bisect_right over the sorted milestones (with repeats)
    let k = 0;
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) k += n;
    return this.base_lrs.map((b) => b * this.gamma ** k);
  }

  protected override describeOptions(): OptionEntry[] {
    const list: number[] = [];
    for (const [m, n] of Object.entries(this.milestones)) for (let i = 0; i < n; i++) list.push(Number(m));
    list.sort((a, b) => a - b);
    return [{ key: "milestones", value: list }, { key: "gamma", value: this.gamma }];
  }
}
