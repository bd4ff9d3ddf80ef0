/**
 * `TrainingMonitor`: watches an optimizer while a loop trains, through its step hooks. Per step it
 * records the loss (raw and smoothed), each group's lr and momentum / beta1; on sampled steps the
 * gradient norm and the update-to-parameter ratio ‖Δθ‖/‖θ‖ per group; and it raises alarms for
 * trainable parameters that never get a gradient, frozen parameters that change, and non-finite
 * losses or gradients. PyTorch has no equivalent (fastai's Recorder and `lr_find` are the
 * nearest); the names follow PyTorch's vocabulary.
 *
 * Layering: it reads optim (hooks, groups) and nn (names); it never imports lib/display. The
 * notebook display is installed by lib/display (`setMonitorPresenter`), which reads `history`.
 */
import { kindOf, RuntimeError, ValueError } from "../errors.js";
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Optimizer, ParamGroup } from "../optim/optimizer.js";
import { Tensor } from "../tensor/tensor.js";
import type { RemovableHandle } from "../utils/hooks.js";
import { historyCsv, historyJson, type MonitorJson } from "./monitor_export.js";
import { Alarms, groupName, listNames } from "./monitor_alarms.js";
import { monitorText, short, statusLine, TextView } from "./monitor_text.js";

/** Options of `new TrainingMonitor(optimizer, options)`. */
export interface TrainingMonitorOptions {
  /** The model: names parameters in alarms, and its frozen parameters are watched too. */
  model?: Module;
  /** The lr scheduler, named in the display. */
  scheduler?: { constructor: { name: string } };
  /**
   * β of the smoothed loss, a bias-corrected exponential moving average as fastai's
   * (`avg = β·avg + (1−β)·loss`, shown as `avg / (1 − βⁿ)`). Default 0.98; 0 means no smoothing.
   */
  smoothing?: number;
  /**
   * Steps between samples of the gradient norms and ‖Δθ‖/‖θ‖ (they read every parameter, the
   * rest of the monitor reads a few numbers). `"auto"` (default) keeps their cost near 1% of the
   * training step, and samples early steps densely (at step s, at most 1 + s/10 steps apart):
   * measured, so the sampled steps vary from run to run. A number fixes the period.
   */
  statsEvery?: number | "auto";
  /** Title of the display (default "Training"). */
  title?: string;
}

/** One param group's series, index-aligned with `MonitorHistory.step`. */
export interface GroupHistory {
  /** The group's `name` key, else `group i` (as schedule plots name groups). */
  readonly name: string;
  readonly lr: number[];
  /** ‖grad‖₂ over the group's parameters as the optimizer sees it (after clipping); null: not sampled. */
  readonly gradNorm: (number | null)[];
  /** ‖θ_after − θ_before‖₂ / ‖θ_before‖₂ of the step; null: not sampled. */
  readonly updateRatio: (number | null)[];
  /** `momentum`, or `betas[0]` of Adam-like optimizers (`momentumKey` says which); null: none. */
  readonly momentum: (number | null)[];
}

/** What the monitor recorded, one entry per optimizer step (read it, don't modify it). */
export interface MonitorHistory {
  /** The optimizer's `stepCount` after each step. */
  readonly step: number[];
  /** The loss logged for the step; null: none logged. */
  readonly loss: (number | null)[];
  /** Bias-corrected EMA of the finite losses so far; null before the first. */
  readonly smoothedLoss: (number | null)[];
  readonly groups: GroupHistory[];
  /** Which hyperparameter `momentum` holds: "momentum", "beta1", or null when the optimizer has neither. */
  readonly momentumKey: "momentum" | "beta1" | null;
}

/** Kinds of alarm. */
export type AlarmKind = "nonfinite-loss" | "loss-diverging" | "nonfinite-grad" | "no-grad" | "frozen-changed";

/** A problem the monitor saw. */
export interface MonitorAlarm {
  readonly kind: AlarmKind;
  /** Step at which it was first seen. */
  readonly step: number;
  /** Plain words: what happened, where, and how often. */
  readonly message: string;
  /** Parameter names concerned (no-grad, frozen-changed) or the group (nonfinite-grad). */
  readonly subjects: string[];
}

/** How `show()` presents the monitor; lib/display installs the notebook one. */
export interface MonitorView {
  /**
   * Brings the display up to date: called at the end, and while training four times per TICK_MS
   * (250 ms) or per `intervalMs`, whichever is shorter (the view or its sink throttles).
   */
  update(final: boolean): void;
  /**
   * Least time between two live updates the view can show, ms (the notebook view reads
   * `jupyter.setUpdateRate`'s: at 10 updates a second the monitor ticks every 100 ms).
   */
  readonly intervalMs?: number;
}

/** Shows a monitor; returns null where it cannot (no notebook), and `show()` prints text instead. */
export type MonitorPresenter = (monitor: TrainingMonitor) => MonitorView | null;

let presenter: MonitorPresenter | null = null;

/** Installs what `show()` uses (lib/display does this on import); `null`: print text. */
export function setMonitorPresenter(next: MonitorPresenter | null): void {
  presenter = next;
}

/**
 * The live display's default interval between sends, ms (4 a second). The monitor calls its view
 * four times per this interval, or per the view's shorter `intervalMs`; the view's sink decides
 * what is sent.
 */
const TICK_MS = 250;
/**
 * The smoothed loss is "diverging" above this many times its lowest value, as `lrFinder`'s
 * `diverge_th` (torch-lr-finder's default), when it is also above where training started.
 */
const DIVERGE_FACTOR = 5;
/** Share of the step time the sampled statistics may take in "auto" mode. */
const STATS_BUDGET = 0.01;

function momentumOf(g: ParamGroup): number | null {
  if (typeof g.momentum === "number") return g.momentum;
  const b = g.betas;
  if (Array.isArray(b) && typeof b[0] === "number") return b[0];
  return null;
}

function sumSquares(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/**
 * Watches an optimizer's steps: loss (raw and smoothed), lr, gradient norm, ‖Δθ‖/‖θ‖ and
 * momentum per param group, with alarms. Log the loss each step with `log(loss)` (before or after
 * `step()`); `show()` displays it live in a notebook (a table and a chart; the chart ends as a
 * PNG) or prints a status line in a terminal; `history` holds the numbers (`toCSV()`, `toJSON()`);
 * `remove()` detaches it.
 *
 * Cost: a few numbers per step. Gradient norms and ‖Δθ‖/‖θ‖ read every parameter, so they are
 * sampled (`statsEvery`, by default at about 1% of the step's time); non-finite gradients are
 * caught on sampled steps, non-finite and diverging losses on every step.
 *
 * @example
 * const monitor = new TrainingMonitor(opt, { model, scheduler });
 * monitor.show();
 * for (const [x, y] of batches) {
 *   opt.zeroGrad();
 *   const loss = lossFn.forward(model.forward(x), y);
 *   loss.backward();
 *   opt.step();
 *   scheduler.step();
 *   monitor.log(loss);
 * }
 * monitor.remove();
 */
export class TrainingMonitor {
  readonly optimizer: Optimizer;
  readonly model: Module | null;
  readonly scheduler: { constructor: { name: string } } | null;
  readonly title: string;
  /** β of the bias-corrected EMA of the loss. */
  readonly smoothing: number;
  readonly statsEvery: number | "auto";
  readonly #history: {
    step: number[];
    loss: (number | null)[];
    smoothedLoss: (number | null)[];
    groups: GroupHistory[];
    momentumKey: "momentum" | "beta1" | null;
  };
  readonly #handles: RemovableHandle[];
  #removed = false;

  // Loss bookkeeping: see log().
  #pendingLoss: number | null = null;
  #lastRowHasLoss = true;
  #avg = 0;
  #finiteLosses = 0;
  /** First and lowest smoothed loss, and the step of the lowest (for "loss-diverging"). */
  #firstSmoothed = NaN;
  #bestSmoothed = Infinity;
  #bestStep = 0;

  // Sampling
  #nextSample = 1;
  #sampling = false;
  #sampleStart = 0;
  #sampleCost = 0;
  #costEstimate = 0;
  #lastPost = -1;
  #stepTime = 0;
  #gradSq: number[] = [];
  #paramSq: number[] = [];
  #before = new Map<Parameter, Float32Array>();

  // Alarms
  #alarms: Alarms;
  #noGradYet: Parameter[] = [];
  #everTracked = new Set<Parameter>();

  // Display
  #view: MonitorView | null = null;
  #lastTick = 0;

  /**
   * Attaches to `optimizer` (through its step hooks) until `remove()`.
   *
   * @example
   * const monitor = new TrainingMonitor(opt, { model, smoothing: 0.9 });
   */
  constructor(optimizer: Optimizer, options: TrainingMonitorOptions = {}) {
    if (optimizer === null || typeof optimizer !== "object" || !Array.isArray((optimizer as Optimizer).paramGroups) || typeof (optimizer as Optimizer).registerStepPostHook !== "function") {
      throw new TypeError(`TrainingMonitor(optimizer): expected an optim.Optimizer, got ${kindOf(optimizer)}`);
    }
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(`TrainingMonitor(optimizer, options): options must be an object, got ${kindOf(options)}`);
    }
    const known = ["model", "scheduler", "smoothing", "statsEvery", "title"];
    for (const k of Object.keys(options)) {
      if (!known.includes(k)) throw new TypeError(`TrainingMonitor(): unknown option '${k}' (expected one of ${known.join(", ")})`);
    }
    const { model, scheduler, smoothing = 0.98, statsEvery = "auto", title = "Training" } = options;
    if (model !== undefined && (model === null || typeof (model as Module).namedParameters !== "function")) {
      throw new TypeError(`TrainingMonitor(): model must be an nn.Module, got ${kindOf(model)}`);
    }
    if (typeof smoothing !== "number" || !(smoothing >= 0 && smoothing < 1)) {
      throw new RangeError(`TrainingMonitor(): smoothing must be a number with 0 <= smoothing < 1, got ${String(smoothing)}`);
    }
    if (statsEvery !== "auto" && !(typeof statsEvery === "number" && Number.isInteger(statsEvery) && statsEvery >= 1)) {
      throw new RangeError(`TrainingMonitor(): statsEvery must be "auto" or an integer >= 1, got ${JSON.stringify(statsEvery)}`);
    }
    if (typeof title !== "string") throw new TypeError(`TrainingMonitor(): title must be a string, got ${kindOf(title)}`);
    this.optimizer = optimizer;
    this.model = model ?? null;
    this.scheduler = scheduler ?? null;
    this.smoothing = smoothing;
    this.statsEvery = statsEvery;
    this.title = title;
    const first = optimizer.paramGroups.find((g) => momentumOf(g) !== null);
    const momentumKey = first === undefined ? null : typeof first.momentum === "number" ? "momentum" : "beta1";
    this.#history = { step: [], loss: [], smoothedLoss: [], groups: [], momentumKey };
    this.#syncGroups();
    this.#handles = [optimizer.registerStepPreHook(() => this.#pre()), optimizer.registerStepPostHook(() => this.#post())];
    this.#alarms = new Alarms(optimizer, this.model);
    this.#alarms.checkFrozen(0, false); // snapshots of what is frozen now
  }

  /** The recorded series (live arrays: read them, don't modify them). */
  get history(): MonitorHistory {
    return this.#history;
  }

  /** Steps recorded. */
  get steps(): number {
    return this.#history.step.length;
  }

  /** Alarms raised so far, oldest first (the no-gradient alarm is computed when read). */
  get alarms(): MonitorAlarm[] {
    const out: MonitorAlarm[] = this.#alarms.list();
    if (this.steps > 0 && this.#noGradYet.length > 0) {
      const names = this.#noGradYet.map((p) => this.#alarms.nameOf(p));
      const n = names.length;
      out.push({
        kind: "no-grad",
        step: this.#history.step[0],
        message: `${n} trainable parameter${n === 1 ? " has" : "s have"} had no gradient in ${this.steps} step${this.steps === 1 ? "" : "s"}: ${listNames(names)}`,
        subjects: names,
      });
    }
    return out.sort((a, b) => a.step - b.step);
  }

  /** Whether `remove()` was called. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * Records the loss of the current step: call it once per step, before or after `step()`. A
   * tensor must hold one element (it is read with `item()`).
   *
   * @example
   * opt.step(); monitor.log(loss);
   */
  log(loss: Tensor | number): void {
    if (this.#removed) throw new RuntimeError("TrainingMonitor.log(): the monitor was removed (remove() detaches it for good; make a new one)");
    let v: number;
    if (typeof loss === "number") v = loss;
    else if (loss instanceof Tensor) {
      if (loss.numel !== 1) throw new ValueError(`TrainingMonitor.log(loss): expected a one-element tensor or a number, got a tensor of shape [${loss.shape.join(", ")}]`);
      v = loss.data[0];
    } else throw new TypeError(`TrainingMonitor.log(loss): expected a Tensor or a number, got ${kindOf(loss)}`);
    // After step(): the newest row has no loss yet, so the loss is that step's; else the next step's.
    if (!this.#lastRowHasLoss) {
      const i = this.#history.loss.length - 1;
      this.#history.loss[i] = v;
      this.#history.smoothedLoss[i] = this.#smooth(v, this.#history.step[i]);
      this.#lastRowHasLoss = true;
    } else this.#pendingLoss = v;
  }

  /**
   * Shows the monitor and keeps it up to date while training: in a notebook a table and a chart
   * that update live (the chart ends as a PNG); in a terminal a status line every 2 s. Returns
   * the monitor.
   *
   * @example
   * const monitor = new TrainingMonitor(opt, { model }).show();
   */
  show(): this {
    if (this.#view === null) this.#view = presenter?.(this) ?? new TextView(this);
    else this.#view.update(false);
    this.#lastTick = performance.now();
    return this;
  }

  /**
   * Detaches the monitor from the optimizer (its hooks are removed) and brings the display up to
   * date one last time. The history stays readable.
   *
   * @example
   * monitor.remove();
   */
  remove(): void {
    if (this.#removed) return;
    for (const h of this.#handles) h.remove();
    this.#removed = true;
    this.#alarms.checkFrozen(this.#history.step.at(-1) ?? 0, true);
    this.#view?.update(true);
  }

  /**
   * The history as CSV: `step,loss,smoothed_loss`, then per group `lr`, `grad_norm`,
   * `update_ratio` (and `momentum` / `beta1`) as `<group>/<column>`; empty cells where nothing
   * was recorded.
   *
   * @example
   * writeFileSync("run.csv", monitor.toCSV());
   */
  toCSV(): string {
    return historyCsv(this.#history);
  }


  /**
   * The history and alarms as plain data (`JSON.stringify` it; non-finite numbers become
   * strings "NaN" / "Infinity" / "-Infinity" so nothing is lost).
   *
   * @example
   * writeFileSync("run.json", JSON.stringify(monitor.toJSON()));
   */
  toJSON(): MonitorJson {
    return { title: this.title, optimizer: this.optimizer.constructor.name, smoothing: this.smoothing, history: historyJson(this.#history), alarms: this.alarms };
  }


  /** One line: step, loss, lr per group, alarms. */
  statusLine(): string {
    return statusLine(this);
  }

  /** The latest figures per group and the alarms, as text. */
  toString(): string {
    return monitorText(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- hooks ---------------------------------------------------------------------------------

  #pre(): void {
    const next = this.optimizer.stepCount + 1;
    this.#sampling = next >= this.#nextSample;
    if (!this.#sampling) return;
    this.#sampleStart = performance.now();
    this.#syncGroups();
    const groups = this.optimizer.paramGroups;
    this.#gradSq = groups.map(() => 0);
    this.#paramSq = groups.map(() => 0);
    groups.forEach((g, gi) => {
      let anyGrad = false;
      for (const p of g.params) {
        if (p.grad !== null) {
          this.#gradSq[gi] += sumSquares(p.grad.data);
          anyGrad = true;
        }
        this.#paramSq[gi] += sumSquares(p.data);
        let buf = this.#before.get(p);
        if (buf === undefined || buf.length !== p.data.length) this.#before.set(p, (buf = new Float32Array(p.data.length)));
        buf.set(p.data);
      }
      if (!anyGrad) this.#gradSq[gi] = NaN; // marks "no gradient" (null), not non-finite
      else if (!Number.isFinite(this.#gradSq[gi])) {
        this.#alarms.raise("nonfinite-grad", groupName(g, gi), next, 0, (e) => `non-finite gradient in group ${e.subjects[0]} (first at step ${e.step}; on ${e.count} sampled step${e.count === 1 ? "" : "s"})`);
      }
    });
    this.#sampleCost = performance.now() - this.#sampleStart;
  }

  #post(): void {
    const opt = this.optimizer;
    const h = this.#history;
    const step = opt.stepCount;
    const groups = opt.paramGroups;
    if (groups.length !== h.groups.length) this.#syncGroups();
    h.step.push(step);
    // Loss: one logged before step() belongs to this step.
    if (this.#pendingLoss !== null) {
      const v = this.#pendingLoss;
      this.#pendingLoss = null;
      h.loss.push(v);
      h.smoothedLoss.push(this.#smooth(v, step));
      this.#lastRowHasLoss = true;
    } else {
      h.loss.push(null);
      h.smoothedLoss.push(this.#finiteLosses > 0 ? h.smoothedLoss[h.smoothedLoss.length - 1] ?? null : null);
      this.#lastRowHasLoss = false;
    }
    const sampled = this.#sampling;
    const postStart = sampled ? performance.now() : 0;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi];
      const s = h.groups[gi];
      s.lr.push(g.lr as number);
      s.momentum.push(momentumOf(g));
      if (sampled) {
        const gs = this.#gradSq[gi];
        s.gradNorm.push(Number.isNaN(gs) ? null : Math.sqrt(gs));
        let d = 0;
        for (const p of g.params) {
          const before = this.#before.get(p)!;
          const a = p.data;
          for (let i = 0; i < a.length; i++) {
            const x = a[i] - before[i];
            d += x * x;
          }
        }
        const ps = this.#paramSq[gi];
        s.updateRatio.push(ps > 0 ? Math.sqrt(d) / Math.sqrt(ps) : d > 0 ? Infinity : null);
      } else {
        s.gradNorm.push(null);
        s.updateRatio.push(null);
      }
    }
    // Parameters that have not had a gradient yet: checked every step while there are any.
    if (this.#noGradYet.length > 0) this.#noGradYet = this.#noGradYet.filter((p) => p.grad === null && p.requiresGrad);
    if (sampled) {
      this.#alarms.checkFrozen(step, false);
      this.#sampleCost += performance.now() - postStart;
      this.#sampling = false;
      this.#scheduleNext(step);
    }
    const now = performance.now();
    if (this.#lastPost >= 0) {
      const dt = now - this.#lastPost;
      this.#stepTime = this.#stepTime === 0 ? dt : 0.9 * this.#stepTime + 0.1 * dt;
    }
    this.#lastPost = now;
    // A quarter of the interval: the sink sends only once its own interval has passed, so
    // ticking at the interval itself could miss that by a hair and wait a whole tick more.
    if (this.#view !== null && now - this.#lastTick >= Math.min(TICK_MS, this.#view.intervalMs ?? TICK_MS) / 4) {
      this.#lastTick = now;
      this.#view.update(false);
    }
  }

  #scheduleNext(step: number): void {
    if (this.statsEvery !== "auto") {
      this.#nextSample = step + this.statsEvery;
      return;
    }
    // The sample's cost against the step's: sample again once the budget has paid for it. The
    // cost is smoothed and falls fast (a cold first sample, still being compiled, is slow), and
    // early steps are sampled densely whatever the cost (at step s, at most 1 + s/10 apart).
    const c = this.#sampleCost;
    this.#costEstimate = this.#costEstimate === 0 ? c : Math.min(c, 0.7 * this.#costEstimate + 0.3 * c);
    const stepTime = this.#stepTime > 0 ? this.#stepTime : this.#costEstimate * 10;
    const gap = Math.ceil(this.#costEstimate / (STATS_BUDGET * Math.max(stepTime, 1e-6)));
    this.#nextSample = step + Math.max(1, Math.min(gap, 1 + Math.floor(step / 10), 1000));
  }

  #smooth(v: number, step: number): number | null {
    if (!Number.isFinite(v)) {
      this.#alarms.raise("nonfinite-loss", "loss", step, 0, (e) => `non-finite loss at step ${e.step}; ${e.count} non-finite loss${e.count === 1 ? "" : "es"} so far (left out of the smoothed loss)`);
      return this.#finiteLosses > 0 ? this.#avg / (1 - this.smoothing ** this.#finiteLosses) : null;
    }
    this.#finiteLosses++;
    this.#avg = this.smoothing * this.#avg + (1 - this.smoothing) * v;
    const smoothed = this.smoothing === 0 ? v : this.#avg / (1 - this.smoothing ** this.#finiteLosses);
    this.#checkDivergence(smoothed, step);
    return smoothed;
  }

  /**
   * "loss-diverging": the smoothed loss above DIVERGE_FACTOR x its lowest so far and above its
   * first value (so a loss that restarts high on purpose, as with warm restarts, after falling
   * far, is not flagged while it stays below where it began). Only for losses whose lowest value
   * is positive: a ratio means nothing for a loss that can be negative.
   */
  #checkDivergence(smoothed: number, step: number): void {
    if (this.#finiteLosses === 1) this.#firstSmoothed = smoothed;
    if (smoothed < this.#bestSmoothed) {
      this.#bestSmoothed = smoothed;
      this.#bestStep = step;
      return;
    }
    const best = this.#bestSmoothed;
    if (!(best > 0 && smoothed > DIVERGE_FACTOR * best && smoothed > this.#firstSmoothed)) return;
    const bestStep = this.#bestStep;
    const first = this.#firstSmoothed;
    const from = bestStep === 1 ? `its first and lowest value (${short(best)})` : `its lowest (${short(best)} at step ${bestStep}) and above its first value (${short(first)})`;
    this.#alarms.raise("loss-diverging", "loss", step, smoothed, (e) =>
      `loss diverging: at step ${e.step} the smoothed loss rose above ${DIVERGE_FACTOR}× ${from}; it reached ${short(e.extra)}, ` +
      `on ${e.count} step${e.count === 1 ? "" : "s"} so far (a learning rate too high is the usual cause)`,
    );
  }

  /** Adds series for groups added since (earlier steps padded with null) and tracks new parameters. */
  #syncGroups(): void {
    const h = this.#history;
    const groups = this.optimizer.paramGroups;
    for (let gi = h.groups.length; gi < groups.length; gi++) {
      const pad = () => new Array<number | null>(h.step.length).fill(null);
      h.groups.push({ name: groupName(groups[gi], gi), lr: pad() as number[], gradNorm: pad(), updateRatio: pad(), momentum: pad() });
    }
    for (const g of groups) {
      for (const p of g.params) {
        if (this.#everTracked.has(p)) continue;
        this.#everTracked.add(p);
        if (p.requiresGrad && p.grad === null) this.#noGradYet.push(p);
      }
    }
  }
}
