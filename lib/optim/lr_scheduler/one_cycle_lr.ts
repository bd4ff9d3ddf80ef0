import { ValueError } from "../../errors.js";
import type { ParamGroup } from "../optimizer.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import type { Check } from "./checks.js";
import { LRScheduler, type CycledMomentum, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { collapse, perGroup, readOptions, required, type OptionEntry } from "./options.js";

export interface OneCycleLROptions {
  /** Peak lr: one for every group, or one per group. */
  max_lr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `steps_per_epoch`. */
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  /** Fraction of the cycle spent increasing the lr. Default: 0.3. */
  pct_start?: number;
  /** `"cos"` (default) or `"linear"`. */
  anneal_strategy?: "cos" | "linear";
  /** Cycle momentum (SGD) or `betas[0]` (Adam) inversely to the lr. Default: true. */
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  /** initial_lr = max_lr / div_factor. Default: 25. */
  div_factor?: number;
  /** min_lr = initial_lr / final_div_factor. Default: 1e4. */
  final_div_factor?: number;
  /** Use the paper's three phases instead of fastai's two. Default: false. */
  three_phase?: boolean;
  last_epoch?: number;
}

type LrKey = "initial_lr" | "max_lr" | "min_lr";
type MomentumKey = "max_momentum" | "base_momentum";

/** One phase of the cycle, keyed as PyTorch's `_schedule_phases`. */
export interface SchedulePhase {
  end_step: number;
  start_lr: LrKey;
  end_lr: LrKey;
  start_momentum: MomentumKey;
  end_momentum: MomentumKey;
}

const KEYS = [
  "max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy", "cycle_momentum",
  "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase", "last_epoch",
] as const;

const LR_KEYS = ["initial_lr", "max_lr", "min_lr"] as const;
const MOMENTUM_KEYS = ["max_momentum", "base_momentum"] as const;

/** `_schedule_phases`: an array of phases, each with a finite `end_step` and PyTorch's key names. */
const phasesCheck: Check<SchedulePhase[]> = (name, v, n) => {
  if (!Array.isArray(v) || v.length === 0) throw new TypeError(msg.badStateValue(name, v, "a non-empty array of phases"));
  return v.map((p, i) => {
    const at = `${name}[${i}]`;
    if (typeof p !== "object" || p === null) throw new TypeError(msg.badStateValue(at, p, "a phase object"));
    const ph = p as Record<string, unknown>;
    for (const k of ["start_lr", "end_lr"]) {
      if (!LR_KEYS.includes(ph[k] as LrKey)) throw new ValueError(msg.notOneOf(`${at}.${k}`, ph[k], LR_KEYS));
    }
    for (const k of ["start_momentum", "end_momentum"]) {
      if (!MOMENTUM_KEYS.includes(ph[k] as MomentumKey)) throw new ValueError(msg.notOneOf(`${at}.${k}`, ph[k], MOMENTUM_KEYS));
    }
    return {
      end_step: C.finite(`${at}.end_step`, ph.end_step, n),
      start_lr: ph.start_lr as LrKey,
      end_lr: ph.end_lr as LrKey,
      start_momentum: ph.start_momentum as MomentumKey,
      end_momentum: ph.end_momentum as MomentumKey,
    };
  });
};

const STATE = {
  total_steps: C.positiveInteger,
  _schedule_phases: phasesCheck,
  _anneal_func_type: C.oneOf("cos", "linear"),
  cycle_momentum: C.boolean,
  use_beta1: C.boolean,
};

/** Cycle-momentum setup shared with `CyclicLR`: which key to cycle, PyTorch's check. */
export function momentumKind(optimizer: OptimizerLike): "momentum" | "beta1" {
  // PyTorch reads `optimizer.defaults`; an optimizer-like object without defaults is judged by its groups.
  const has = (k: string) =>
    optimizer.defaults ? k in optimizer.defaults : optimizer.paramGroups.length > 0 && optimizer.paramGroups.every((g) => k in g);
  if (!has("momentum") && !has("betas")) throw new ValueError(msg.noMomentum());
  return has("betas") ? "beta1" : "momentum";
}

/** Writes a momentum value into a group: `momentum`, or `betas[0]` for Adam-style optimizers. */
export function setMomentum(group: ParamGroup, useBeta1: boolean, value: number): void {
  if (useBeta1) group.betas = [value, (group.betas as [number, number])[1]];
  else group.momentum = value;
}

/**
 * The 1cycle policy (PyTorch's `OneCycleLR`): the lr rises from `max_lr / div_factor` to `max_lr`
 * over `pct_start` of the cycle, then anneals to `initial_lr / final_div_factor`; momentum (or
 * Adam's beta1) moves the opposite way. Step it after every batch.
 *
 * @example
 * new optim.lr_scheduler.OneCycleLR(opt, { max_lr: 0.01, total_steps: 1000 });
 * // OneCycleLR(max_lr=0.01, total_steps=1000, pct_start=0.3, anneal_strategy='cos')
 */
export class OneCycleLR extends LRScheduler {
  total_steps: number;
  _schedule_phases: SchedulePhase[];
  _anneal_func_type: "cos" | "linear";
  cycle_momentum: boolean;
  use_beta1 = false;
  /** Options as given, for `toString()` (not state). */
  #describe: OptionEntry[];

  constructor(optimizer: OptimizerLike, options: OneCycleLROptions) {
    super(optimizer, options);
    const o = readOptions("OneCycleLR", options, KEYS);
    const n = optimizer.paramGroups.length;
    const maxLrOption = required("OneCycleLR", "max_lr", o.max_lr);
    if (o.total_steps !== undefined && o.total_steps !== null) {
      this.total_steps = C.positiveInteger("total_steps", o.total_steps, n);
    } else if (o.epochs != null && o.steps_per_epoch != null) {
      this.total_steps = C.positiveInteger("epochs", o.epochs, n) * C.positiveInteger("steps_per_epoch", o.steps_per_epoch, n);
    } else throw new ValueError(msg.totalStepsOrEpochs());

    const pctStart = o.pct_start ?? 0.3;
    if (typeof pctStart !== "number" || Number.isNaN(pctStart)) throw new TypeError(msg.notANumber("pct_start", pctStart));
    const threePhase = C.boolean("three_phase", o.three_phase ?? false, n);
    const T = this.total_steps;
    this._schedule_phases = threePhase
      ? [
          { end_step: pctStart * T - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
          { end_step: 2 * pctStart * T - 2, start_lr: "max_lr", end_lr: "initial_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
          { end_step: T - 1, start_lr: "initial_lr", end_lr: "min_lr", start_momentum: "max_momentum", end_momentum: "max_momentum" },
        ]
      : [
          { end_step: pctStart * T - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
          { end_step: T - 1, start_lr: "max_lr", end_lr: "min_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
        ];
    if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1)) throw new ValueError(msg.pctStart(pctStart));
    const strategy = o.anneal_strategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear") throw new ValueError(msg.annealStrategy(strategy));
    this._anneal_func_type = strategy;

    const groups = optimizer.paramGroups;
    const maxLrs = perGroup("max_lr", groups, maxLrOption);
    // Porting note: PyTorch divides by these without a check (ZeroDivisionError for 0, a
    // negative lr for a negative factor); they must be > 0 here.
    const divFactor = C.positive("div_factor", o.div_factor ?? 25, n);
    const finalDivFactor = C.positive("final_div_factor", o.final_div_factor ?? 1e4, n);
    const lastEpoch = C.epoch("last_epoch", o.last_epoch ?? -1, n);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initial_lr = maxLrs[i] / divFactor;
        g.max_lr = maxLrs[i];
        g.min_lr = g.initial_lr / finalDivFactor;
      });
    }
    this.cycle_momentum = C.boolean("cycle_momentum", o.cycle_momentum ?? true, n);
    const baseMomentum = o.base_momentum ?? 0.85;
    const maxMomentum = o.max_momentum ?? 0.95;
    if (this.cycle_momentum) {
      this.use_beta1 = momentumKind(optimizer) === "beta1";
      const maxMs = perGroup("max_momentum", groups, maxMomentum);
      const baseMs = perGroup("base_momentum", groups, baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, this.use_beta1, maxMs[i]);
          g.max_momentum = maxMs[i];
          g.base_momentum = baseMs[i];
        });
      }
    }
    this.#describe = [
      { key: "max_lr", value: collapse(maxLrs) },
      { key: "total_steps", value: this.total_steps },
      { key: "pct_start", value: pctStart },
      { key: "anneal_strategy", value: strategy },
      { key: "cycle_momentum", value: this.cycle_momentum, default: true },
      { key: "base_momentum", value: baseMomentum, default: 0.85 },
      { key: "max_momentum", value: maxMomentum, default: 0.95 },
      { key: "div_factor", value: divFactor, default: 25 },
      { key: "final_div_factor", value: finalDivFactor, default: 1e4 },
      { key: "three_phase", value: threePhase, default: false },
    ];
    this.initialize(lastEpoch);
  }

  /** Anneals from `start` to `end` as `pct` goes from 0 to 1 (cosine or linear). */
  anneal(start: number, end: number, pct: number): number {
    if (this._anneal_func_type === "cos") return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const stepNum = this.lastEpoch;
    // Porting note: 1.13's message reported step_num + 1; current PyTorch reports step_num (followed).
    if (stepNum > this.total_steps) throw new ValueError(msg.steppedPastTotal(stepNum, this.total_steps));
    const phases = this._schedule_phases;
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0.0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.end_step;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          const lr = this.anneal(group[phase.start_lr] as number, group[phase.end_lr] as number, pct);
          if (this.cycle_momentum) {
            const m = this.anneal(group[phase.start_momentum] as number, group[phase.end_momentum] as number, pct);
            setMomentum(group, this.use_beta1, m);
          }
          return lr;
        }
        startStep = phase.end_step;
      }
      throw new Error("unreachable");
    });
  }

  override cyclesMomentum(): CycledMomentum {
    return this.cycle_momentum ? (this.use_beta1 ? "beta1" : "momentum") : null;
  }

  /**
   * Fast path for `simulate`: the lr (and momentum) for steps `from..to-1`, written straight into
   * typed arrays. Same operations in the same order as `getLr()`, so the values are identical.
   */
  _simulate(lr: Float64Array[], momentum: Float64Array[] | null, from: number, to: number): boolean {
    // Sample t is step t: only from the start (a preview from a later step takes the plain loop).
    if (this.getLr !== OneCycleLR.prototype.getLr || this.lastEpoch !== from - 1) return false;
    if (to - 1 > this.total_steps) throw new ValueError(msg.steppedPastTotal(this.total_steps + 1, this.total_steps));
    const phases = this._schedule_phases;
    const cos = this._anneal_func_type === "cos";
    const groups = this.optimizer.paramGroups;
    const n = Math.min(groups.length, lr.length);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const ma = new Float64Array(n);
    const mb = new Float64Array(n);
    let startStep = 0.0;
    let t = from;
    // The phase and pct depend on the step only, so the cosine is computed once for all groups.
    for (let i = 0; i < phases.length && t < to; i++) {
      const phase = phases[i];
      const endStep = phase.end_step;
      const last = i === phases.length - 1;
      for (let g = 0; g < n; g++) {
        a[g] = groups[g][phase.start_lr] as number;
        b[g] = groups[g][phase.end_lr] as number;
        ma[g] = groups[g][phase.start_momentum] as number;
        mb[g] = groups[g][phase.end_momentum] as number;
      }
      const span = endStep - startStep;
      for (; t < to && (t <= endStep || last); t++) {
        const pct = (t - startStep) / span;
        if (cos) {
          const c = Math.cos(Math.PI * pct) + 1;
          for (let g = 0; g < n; g++) {
            lr[g][t] = b[g] + ((a[g] - b[g]) / 2.0) * c;
            if (momentum) momentum[g][t] = mb[g] + ((ma[g] - mb[g]) / 2.0) * c;
          }
        } else {
          for (let g = 0; g < n; g++) {
            lr[g][t] = (b[g] - a[g]) * pct + a[g];
            if (momentum) momentum[g][t] = (mb[g] - ma[g]) * pct + ma[g];
          }
        }
      }
      startStep = phase.end_step;
    }
    return true;
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  protected override describeOptions(): OptionEntry[] {
    return this.#describe.map((e) => ({ ...e }));
  }
}
