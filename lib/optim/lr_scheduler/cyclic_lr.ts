import { ValueError } from "../../errors.js";
import * as msg from "./messages.js";
import * as C from "./checks.js";
import { LRScheduler, type CycledMomentum, type OptimizerLike, type StateSpec } from "./lr_scheduler.js";
import { momentumKind, setMomentum } from "./one_cycle_lr.js";
import { collapse, numberOption, perGroup, readOptions, required, type OptionEntry } from "./options.js";

export interface CyclicLROptions {
  /** Lower lr boundary: one for every group, or one per group. */
  base_lr: number | readonly number[];
  /** Upper lr boundary: one for every group, or one per group. */
  max_lr: number | readonly number[];
  /** Steps in the increasing half of a cycle. Default: 2000. */
  step_size_up?: number;
  /** Steps in the decreasing half. Default: `step_size_up`. */
  step_size_down?: number | null;
  /** `"triangular"` (default), `"triangular2"` or `"exp_range"`; ignored when `scale_fn` is given. */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** Constant of `exp_range`: amplitude × gamma^iterations. Default: 1. */
  gamma?: number;
  /** Custom amplitude scaling, 0 <= scale_fn(x) <= 1. */
  scale_fn?: ((x: number) => number) | null;
  /** Whether `scale_fn` takes the cycle number or the iteration. Default: `"cycle"`. */
  scale_mode?: "cycle" | "iterations";
  /** Cycle momentum (SGD) or `betas[0]` (Adam) inversely to the lr. Default: true. */
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  last_epoch?: number;
}

const KEYS = [
  "base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "scale_fn", "scale_mode",
  "cycle_momentum", "base_momentum", "max_momentum", "last_epoch",
] as const;

const STATE = {
  max_lrs: C.perGroupList(C.finite),
  total_size: C.positive,
  step_ratio: C.nonNegative,
  mode: C.oneOf("triangular", "triangular2", "exp_range"),
  gamma: C.finite,
  scale_mode: C.oneOf("cycle", "iterations"),
  // A function is not saved (null), as PyTorch saves only callable objects.
  _scale_fn_custom: { check: (_name: string, v: unknown) => v, save: (f: unknown) => (typeof f === "function" ? null : f), assign: false },
  cycle_momentum: C.boolean,
  use_beta1: C.boolean,
  base_momentums: C.list(C.finite),
  max_momentums: C.list(C.finite),
};

/**
 * Cyclical learning rates (PyTorch's `CyclicLR`): the lr cycles between `base_lr` and `max_lr`
 * with a triangular wave, its amplitude scaled per cycle or per iteration; momentum cycles the
 * opposite way. Step it after every batch.
 *
 * @example
 * new optim.lr_scheduler.CyclicLR(opt, { base_lr: 0.01, max_lr: 0.1, step_size_up: 10 });
 */
export class CyclicLR extends LRScheduler {
  max_lrs: number[];
  total_size: number;
  step_ratio: number;
  mode: string;
  gamma: number;
  scale_mode: "cycle" | "iterations";
  _scale_fn_custom: ((x: number) => number) | null;
  cycle_momentum: boolean;
  use_beta1 = false;
  base_momentums: number[] = [];
  max_momentums: number[] = [];
  /** Options as given, for `toString()` (not state). */
  #describe: OptionEntry[];

  constructor(optimizer: OptimizerLike, options: CyclicLROptions) {
    super(optimizer, options);
    const o = readOptions("CyclicLR", options, KEYS);
    const n = optimizer.paramGroups.length;
    const groups = optimizer.paramGroups;
    const baseLrs = perGroup("base_lr", groups, required("CyclicLR", "base_lr", o.base_lr));
    const lastEpoch = o.last_epoch ?? -1;
    if (lastEpoch === -1) groups.forEach((g, i) => (g.lr = baseLrs[i]));
    this.max_lrs = perGroup("max_lr", groups, required("CyclicLR", "max_lr", o.max_lr));
    // Porting note: PyTorch does not check these and fails with ZeroDivisionError when stepped.
    const up = C.positive("step_size_up", o.step_size_up ?? 2000, n);
    const down = o.step_size_down == null ? up : C.nonNegative("step_size_down", o.step_size_down, n);
    this.total_size = up + down;
    this.step_ratio = up / this.total_size;
    const mode = o.mode ?? "triangular";
    const scaleFn = o.scale_fn ?? null;
    if (!["triangular", "triangular2", "exp_range"].includes(mode) && scaleFn === null) throw new ValueError(msg.cyclicModeInvalid());
    if (scaleFn !== null && typeof scaleFn !== "function") throw new TypeError(msg.lrLambdaNotFunction(scaleFn).replace("lr_lambda", "scale_fn"));
    this.mode = mode;
    this.gamma = STATE.gamma("gamma", o.gamma ?? 1.0, n);
    this._scale_fn_custom = scaleFn;
    const scaleMode = o.scale_mode ?? "cycle";
    if (scaleMode !== "cycle" && scaleMode !== "iterations") throw new ValueError(msg.scaleModeInvalid(scaleMode));
    this.scale_mode = scaleFn !== null ? scaleMode : mode === "exp_range" ? "iterations" : "cycle";

    this.cycle_momentum = C.boolean("cycle_momentum", o.cycle_momentum ?? true, n);
    const baseMomentum = o.base_momentum ?? 0.8;
    const maxMomentum = o.max_momentum ?? 0.9;
    if (this.cycle_momentum) {
      // Porting note: PyTorch 1.13 required `momentum` (SGD); current PyTorch also cycles Adam's
      // beta1 (`use_beta1`), which is followed here.
      this.use_beta1 = momentumKind(optimizer) === "beta1";
      this.base_momentums = perGroup("base_momentum", groups, baseMomentum);
      this.max_momentums = perGroup("max_momentum", groups, maxMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, this.use_beta1, this.max_momentums[i]);
          g.max_momentum = this.max_momentums[i];
          g.base_momentum = this.base_momentums[i];
        });
      }
    }
    this.#describe = [
      { key: "base_lr", value: collapse(baseLrs) },
      { key: "max_lr", value: collapse(this.max_lrs) },
      { key: "step_size_up", value: up },
      { key: "step_size_down", value: down, default: up },
      ...(scaleFn ? [] : [{ key: "mode", value: mode, default: "triangular" }]),
      { key: "gamma", value: this.gamma, default: 1.0 },
      ...(scaleFn ? [{ key: "scale_fn", value: scaleFn }, { key: "scale_mode", value: this.scale_mode }] : []),
      { key: "cycle_momentum", value: this.cycle_momentum, default: true },
      { key: "base_momentum", value: baseMomentum, default: 0.8 },
      { key: "max_momentum", value: maxMomentum, default: 0.9 },
    ];
    this.initialize(lastEpoch);
    this.base_lrs = baseLrs;
  }

  /** The amplitude scaling at `x` (cycle number or iteration). */
  scaleFn(x: number): number {
    if (this._scale_fn_custom !== null) {
      const v = this._scale_fn_custom(x);
      if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(msg.scaleFnResult(x, v));
      return v;
    }
    if (this.mode === "triangular") return 1.0;
    if (this.mode === "triangular2") return 1 / 2.0 ** (x - 1);
    return this.gamma ** x;
  }

  getLr(): number[] {
    this.warnGetLrOutsideStep();
    const t = this.lastEpoch;
    const cycle = Math.floor(1 + t / this.total_size);
    const x = 1.0 + t / this.total_size - cycle;
    const scaleFactor = x <= this.step_ratio ? x / this.step_ratio : (x - 1) / (this.step_ratio - 1);
    const scale = this.scaleFn(this.scale_mode === "cycle" ? cycle : t);
    // CyclicLR assigns base_lrs after the initial step, so the first getLr reads the base lrs it was given.
    const bases = this.base_lrs;
    const lrs = bases.map((b, i) => b + (this.max_lrs[i] - b) * scaleFactor * scale);
    if (this.cycle_momentum) {
      const groups = this.optimizer.paramGroups;
      groups.forEach((g, i) => {
        const height = (this.max_momentums[i] - this.base_momentums[i]) * scaleFactor;
        setMomentum(g, this.use_beta1, this.max_momentums[i] - height * scale);
      });
    }
    return lrs;
  }

  override cyclesMomentum(): CycledMomentum {
    return this.cycle_momentum ? (this.use_beta1 ? "beta1" : "momentum") : null;
  }

  protected override stateSpec(): StateSpec {
    return { ...super.stateSpec(), ...STATE };
  }

  protected override describeOptions(): OptionEntry[] {
    return this.#describe.map((e) => ({ ...e }));
  }
}
