/**
 * The LR range test (Leslie Smith 2015, "Cyclical Learning Rates for Training Neural Networks";
 * fastai's `lr_find`, torch-lr-finder's `LRFinder.range_test`): train for `num_iter` batches
 * while the lr grows from `start_lr` to `end_lr`, record the (smoothed) loss, stop when it
 * diverges, and suggest the lr where the smoothed loss falls fastest.
 *
 * The test runs on the caller's model and optimizer and then puts back, bit for bit, their
 * parameters, buffers, gradients, training flags, optimizer state and param groups, and the
 * global random generator: afterwards nothing shows it ran. The optimizer's update runs without
 * its step hooks (a monitor attached to it does not see the test) and `stepCount` is unchanged.
 *
 * Porting notes: torch-lr-finder sets every group to the same `start_lr` / `end_lr`; here every
 * group's lr is scaled by the same factor, so a head at 10× the backbone stays at 10× (`lrs` is
 * the first group's). A non-finite loss stops the test as divergence does (torch-lr-finder keeps
 * going on NaN).
 */
import { kindOf, RuntimeError, ValueError } from "../errors.js";
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Optimizer, ParamGroup, ParamState } from "../optim/optimizer.js";
import { getRngState, setRngState } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";

/** Options of `lrFinder`, torch-lr-finder's keyword names. */
export interface LRFinderOptions {
  /** First lr of the first group (default: its current lr). */
  start_lr?: number;
  /** Last lr of the first group (default 10). */
  end_lr?: number;
  /** Batches to train (default 100, at least 2). */
  num_iter?: number;
  /** `"exp"` (default): lr grows geometrically; `"linear"`: in equal steps. */
  mode?: "exp" | "linear";
  /** Weight of the new loss in the smoothed loss, in [0, 1) (default 0.05; 0: no smoothing). */
  smooth_f?: number;
  /** Stop once the smoothed loss exceeds `diverge_th` × the best so far (default 5, > 1). */
  diverge_th?: number;
  /** Points left out at the start / end when suggesting (torch-lr-finder's plot defaults 10 / 5). */
  skip_start?: number;
  skip_end?: number;
}

/** A batch: the model's input and the loss's target. */
export type Batch = readonly [input: unknown, target: unknown];

/** A loss: a function or a loss module (`nn.CrossEntropyLoss`, ...). */
export type LossFunction = ((output: unknown, target: unknown) => Tensor) | { forward(output: unknown, target: unknown): unknown };

/** The messages of the option checks, shared with the tests. */
export const LR_FINDER_MESSAGES = {
  option: (key: string, expected: string, got: unknown) => `lrFinder(): ${key} must be ${expected}, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`,
  unknown: (key: string, known: readonly string[]) => `lrFinder(): unknown option '${key}' (expected one of ${known.join(", ")})`,
  order: (start: number, end: number) => `lrFinder(): end_lr (${end}) must be greater than start_lr (${start})`,
  noBatches: () => "lrFinder(): batches yielded no batch (expected [input, target] pairs)",
  badBatch: (got: unknown) => `lrFinder(): each batch must be an [input, target] pair, got ${kindOf(got)}`,
  badLoss: (got: unknown) => `lrFinder(): the loss must be a one-element tensor, got ${got instanceof Tensor ? `a tensor of shape [${got.shape.join(", ")}]` : kindOf(got)}`,
};

const KNOWN = ["start_lr", "end_lr", "num_iter", "mode", "smooth_f", "diverge_th", "skip_start", "skip_end"] as const;

/**
 * The result of `lrFinder`: lr and loss per iteration, the suggestion, and a display (loss
 * against lr on a log axis with the suggestion marked).
 */
export class LRFinderResult {
  constructor(
    /** The first group's lr at each iteration. */
    readonly lrs: number[],
    /** The smoothed loss at each iteration (what is plotted and suggested from). */
    readonly losses: number[],
    /** The loss of each batch as computed. */
    readonly rawLosses: number[],
    /** Index into `lrs` of the steepest fall of the smoothed loss, or null (too few points). */
    readonly suggestionIndex: number | null,
    /** Each group's lr at the suggestion (the first is `suggestion`), keeping the groups' ratios. */
    readonly suggestedLrs: number[] | null,
    /** Group names (`name` key, else `group i`). */
    readonly groupNames: string[],
    /** Iteration at which the loss diverged and the test stopped, or null. */
    readonly divergedAt: number | null,
    readonly options: Readonly<Required<LRFinderOptions>>,
  ) {}

  /** The suggested lr of the first group, or null. */
  get suggestion(): number | null {
    return this.suggestionIndex === null ? null : this.lrs[this.suggestionIndex];
  }

  /** The lr at which the smoothed loss was lowest. */
  get minLossLr(): number {
    let best = 0;
    for (let i = 1; i < this.losses.length; i++) if (this.losses[i] < this.losses[best]) best = i;
    return this.lrs[best];
  }

  toString(): string {
    const o = this.options;
    const lines = [
      `LR range test: ${this.lrs.length} of ${o.num_iter} iterations, lr ${fmt(this.lrs[0])} → ${fmt(this.lrs.at(-1)!)} (${o.mode})` +
        (this.divergedAt !== null ? `, stopped at iteration ${this.divergedAt + 1}: the loss diverged` : ""),
      `  smoothed loss (smooth_f ${o.smooth_f}): start ${fmt(this.losses[0])} · min ${fmt(Math.min(...this.losses))} at lr ${fmt(this.minLossLr)} · end ${fmt(this.losses.at(-1)!)}`,
    ];
    if (this.suggestion === null) lines.push(`  no suggestion: fewer than 2 points left after skip_start ${o.skip_start} / skip_end ${o.skip_end}`);
    else {
      lines.push(`  suggested lr (steepest fall of the smoothed loss): ${fmt(this.suggestion)}`);
      if (this.groupNames.length > 1) lines.push(`  per group: ${this.groupNames.map((n, i) => `${n} ${fmt(this.suggestedLrs![i])}`).join(", ")}`);
    }
    return lines.join("\n");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2).replace(/\.?0+e/, "e");
}

/**
 * Index of the steepest descent of `losses`: the minimum of NumPy's `np.gradient` (central
 * differences inside, one-sided at the ends), over `losses[skipStart : n - skipEnd]`, returned
 * as an index into `losses`; null when fewer than 2 points remain (torch-lr-finder's `plot`).
 *
 * @example
 * steepestIndex([5, 4, 2, 1.5, 1.4], 0, 0); // 1: np.gradient is [-1, -1.5, -1.25, -0.3, -0.1]
 */
export function steepestIndex(losses: readonly number[], skipStart: number, skipEnd: number): number | null {
  const lo = skipStart;
  const hi = losses.length - skipEnd;
  if (hi - lo < 2) return null;
  let best = -1;
  let bestG = Infinity;
  for (let i = lo; i < hi; i++) {
    const g = i === lo ? losses[i + 1] - losses[i] : i === hi - 1 ? losses[i] - losses[i - 1] : (losses[i + 1] - losses[i - 1]) / 2;
    if (g < bestG) {
      bestG = g;
      best = i;
    }
  }
  return best === -1 ? null : best;
}

function checkOptions(options: LRFinderOptions, firstLr: number): Required<LRFinderOptions> {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`lrFinder(): options must be an object, got ${kindOf(options)}`);
  }
  for (const k of Object.keys(options)) if (!(KNOWN as readonly string[]).includes(k)) throw new TypeError(LR_FINDER_MESSAGES.unknown(k, KNOWN));
  const m = LR_FINDER_MESSAGES.option;
  // An option given as undefined takes its default, as an omitted one does.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { start_lr: firstLr, end_lr: 10, num_iter: 100, mode: "exp" as const, smooth_f: 0.05, diverge_th: 5, skip_start: 10, skip_end: 5, ...given } as Required<LRFinderOptions>;
  const positive = (k: "start_lr" | "end_lr") => {
    if (typeof o[k] !== "number" || !(o[k] > 0) || !Number.isFinite(o[k])) throw new RangeError(m(k, "a finite number > 0", o[k]));
  };
  positive("start_lr");
  positive("end_lr");
  if (!(o.end_lr > o.start_lr)) throw new RangeError(LR_FINDER_MESSAGES.order(o.start_lr, o.end_lr));
  if (typeof o.num_iter !== "number" || !Number.isInteger(o.num_iter) || o.num_iter < 2) throw new RangeError(m("num_iter", "an integer >= 2", o.num_iter));
  if (o.mode !== "exp" && o.mode !== "linear") throw new ValueError(m("mode", '"exp" or "linear"', o.mode));
  if (typeof o.smooth_f !== "number" || !(o.smooth_f >= 0 && o.smooth_f < 1)) throw new RangeError(m("smooth_f", "a number in [0, 1)", o.smooth_f));
  if (typeof o.diverge_th !== "number" || !(o.diverge_th > 1)) throw new RangeError(m("diverge_th", "a number > 1", o.diverge_th));
  for (const k of ["skip_start", "skip_end"] as const) {
    if (typeof o[k] !== "number" || !Number.isInteger(o[k]) || o[k] < 0) throw new RangeError(m(k, "an integer >= 0", o[k]));
  }
  return o;
}

/** Batches one after another, starting over when the iterable ends (as torch-lr-finder's loader iterator). */
function batchSource(batches: Iterable<Batch>): () => Batch {
  if (batches === null || typeof (batches as Iterable<Batch>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`lrFinder(): batches must be an iterable of [input, target] pairs, got ${kindOf(batches)}`);
  }
  let it = batches[Symbol.iterator]();
  return () => {
    let r = it.next();
    if (r.done) {
      it = batches[Symbol.iterator]();
      r = it.next();
      if (r.done) throw new ValueError(LR_FINDER_MESSAGES.noBatches());
    }
    const b = r.value;
    if (!Array.isArray(b) || b.length !== 2) throw new TypeError(LR_FINDER_MESSAGES.badBatch(b));
    return b as unknown as Batch;
  };
}

/** Everything the test changes, copied so it can be put back bit for bit. */
function saveState(model: Module, optimizer: Optimizer) {
  const copy = (t: Tensor) => new Tensor(Float32Array.from(t.data), t.shape);
  const tensors = new Map<Tensor, Float32Array>();
  for (const p of model.parameters()) tensors.set(p, Float32Array.from(p.data));
  for (const g of optimizer.paramGroups) for (const p of g.params) tensors.set(p, Float32Array.from(p.data));
  for (const b of model.buffers()) tensors.set(b, Float32Array.from(b.data));
  const params = new Set<Parameter>([...model.parameters(), ...optimizer.paramGroups.flatMap((g) => g.params)]);
  const grads = new Map<Parameter, Tensor | null>([...params].map((p) => [p, p.grad]));
  const gradData = new Map<Tensor, Float32Array>();
  for (const g of grads.values()) if (g) gradData.set(g, Float32Array.from(g.data));
  const training = model.modules().map((m) => [m, m.training] as const);
  const state = new Map<Parameter, ParamState>();
  for (const [p, s] of optimizer.state) state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? copy(v) : v])));
  // Hyperparameters only: the groups' `params` arrays are not touched and keep their identity.
  const groups = optimizer.paramGroups.map((g) => Object.fromEntries(Object.entries(g).filter(([k]) => k !== "params")));
  const rng = getRngState();
  return () => {
    for (const [t, d] of tensors) t.data.set(d);
    for (const [p, g] of grads) p.grad = g;
    for (const [t, d] of gradData) t.data.set(d);
    for (const [m, flag] of training) m.training = flag;
    optimizer.state.clear();
    for (const [p, s] of state) optimizer.state.set(p, s);
    optimizer.paramGroups.forEach((g, i) => {
      for (const k of Object.keys(g)) if (k !== "params" && !(k in groups[i])) delete (g as Record<string, unknown>)[k];
      Object.assign(g, groups[i]);
    });
    setRngState(rng);
  };
}

function groupName(g: ParamGroup, i: number): string {
  return typeof g.name === "string" ? g.name : `group ${i}`;
}

/**
 * Runs the LR range test and returns the lrs, smoothed losses and the suggested lr (the steepest
 * fall of the smoothed loss). Every group's lr is scaled by the same factor, so the groups keep
 * their ratios; `lrs` is the first group's. The model and optimizer are unchanged afterwards.
 *
 * @example
 * const result = lrFinder(model, opt, new nn.CrossEntropyLoss(), [[x, y]], { end_lr: 1, num_iter: 100 });
 * result.suggestion; // e.g. 0.012
 * display(result);   // loss against lr, log axis, suggestion marked
 */
export function lrFinder(model: Module, optimizer: Optimizer, lossFn: LossFunction, batches: Iterable<Batch>, options: LRFinderOptions = {}): LRFinderResult {
  if (model === null || typeof model !== "object" || typeof (model as Module).forward !== "function" || typeof (model as Module).parameters !== "function") {
    throw new TypeError(`lrFinder(model, ...): expected an nn.Module, got ${kindOf(model)}`);
  }
  if (optimizer === null || typeof optimizer !== "object" || !Array.isArray((optimizer as Optimizer).paramGroups) || !((optimizer as Optimizer).state instanceof Map)) {
    throw new TypeError(`lrFinder(model, optimizer, ...): expected an optim.Optimizer, got ${kindOf(optimizer)}`);
  }
  const loss = typeof lossFn === "function" ? lossFn : lossFn !== null && typeof lossFn === "object" && typeof lossFn.forward === "function" ? (o: unknown, t: unknown) => lossFn.forward(o, t) : null;
  if (loss === null) throw new TypeError(`lrFinder(model, optimizer, lossFn, ...): lossFn must be a function (output, target) => loss or a loss module, got ${kindOf(lossFn)}`);
  const groups = optimizer.paramGroups;
  const baseLrs = groups.map((g) => g.lr as number);
  const o = checkOptions(options, baseLrs[0]);
  if (!(baseLrs[0] > 0)) throw new RangeError(`lrFinder(): the first group's lr must be > 0 to scale the others from it, got ${baseLrs[0]}`);
  const next = batchSource(batches);
  const restore = saveState(model, optimizer);
  const lrs: number[] = [];
  const losses: number[] = [];
  const raw: number[] = [];
  let divergedAt: number | null = null;
  const update = (optimizer as unknown as { _step(): unknown })._step.bind(optimizer);
  const params = groups.flatMap((g) => g.params);
  try {
    model.train();
    let best = Infinity;
    for (let i = 0; i < o.num_iter; i++) {
      const r = i / (o.num_iter - 1);
      const lr = o.mode === "exp" ? o.start_lr * (o.end_lr / o.start_lr) ** r : o.start_lr + r * (o.end_lr - o.start_lr);
      groups.forEach((g, gi) => (g.lr = (baseLrs[gi] * lr) / baseLrs[0]));
      for (const p of params) p.grad = null;
      const [input, target] = next();
      const l = loss(model.forward(input), target);
      if (!(l instanceof Tensor) || l.numel !== 1) throw new TypeError(LR_FINDER_MESSAGES.badLoss(l));
      l.backward();
      update();
      const v = l.data[0];
      raw.push(v);
      lrs.push(lr);
      const smoothed = i === 0 || o.smooth_f === 0 ? v : o.smooth_f * v + (1 - o.smooth_f) * losses[losses.length - 1];
      losses.push(smoothed);
      if (i === 0 || smoothed < best) best = smoothed;
      if (!Number.isFinite(smoothed) || smoothed > o.diverge_th * best) {
        divergedAt = i;
        break;
      }
    }
  } finally {
    restore();
  }
  if (losses.length === 0) throw new RuntimeError("lrFinder(): no iteration ran");
  const idx = steepestIndex(divergedAt !== null && !Number.isFinite(losses.at(-1)!) ? losses.slice(0, -1) : losses, o.skip_start, o.skip_end);
  const suggested = idx === null ? null : baseLrs.map((b) => (b * lrs[idx]) / baseLrs[0]);
  return new LRFinderResult(lrs, losses, raw, idx, suggested, groups.map(groupName), divergedAt, o);
}
