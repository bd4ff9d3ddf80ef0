/**
 * The monitor's alarms: kept once per kind and subject (first step, count, largest value), and
 * the "frozen parameter changed" check against snapshots.
 */
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Optimizer, ParamGroup } from "../optim/optimizer.js";
import type { AlarmKind, MonitorAlarm } from "./monitor.js";

/** An alarm as kept: its message is built when read, from the count and the largest value. */
interface AlarmEntry {
  kind: AlarmKind;
  step: number;
  subjects: string[];
  count: number;
  extra: number;
  message: (e: AlarmEntry) => string;
}

interface FrozenEntry {
  snapshot: Float32Array;
}

/** A group's `name` key, else `group i` (as schedule plots name groups). */
export function groupName(g: ParamGroup, i: number): string {
  return typeof g.name === "string" ? g.name : `group ${i}`;
}

/** Alarms raised so far and the frozen-parameter snapshots. */
export class Alarms {
  #entries = new Map<string, AlarmEntry>();
  #frozen = new Map<Parameter, FrozenEntry>();
  /** Parameters watched for "frozen but changed" (groups + model), refreshed every 32 checks. */
  #watched: Parameter[] = [];
  #checks = 0;
  #names: Map<Parameter, string> | null = null;

  constructor(
    readonly optimizer: Optimizer,
    readonly model: Module | null,
  ) {}

  /** The alarms, oldest first, messages built now. */
  list(): MonitorAlarm[] {
    return [...this.#entries.values()].map((e) => ({ kind: e.kind, step: e.step, message: e.message(e), subjects: [...e.subjects] }));
  }

  /** Compares frozen parameters with their snapshots (new ones are snapshotted). */
  checkFrozen(step: number, refresh: boolean): void {
    // Walking the model is the costly part; membership rarely changes, requiresGrad is read each time.
    if (this.#checks++ % 32 === 0 || refresh) {
      const params = new Set<Parameter>(this.optimizer.paramGroups.flatMap((g) => g.params));
      if (this.model) for (const p of this.model.parameters()) params.add(p);
      this.#watched = [...params];
    }
    for (const p of this.#watched) {
      const entry = this.#frozen.get(p);
      if (p.requiresGrad) {
        if (entry) this.#frozen.delete(p);
        continue;
      }
      if (entry === undefined || entry.snapshot.length !== p.data.length) {
        this.#frozen.set(p, { snapshot: Float32Array.from(p.data) });
        continue;
      }
      let maxDiff = 0;
      const a = p.data;
      const b = entry.snapshot;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i] - b[i]);
        if (d > maxDiff || Number.isNaN(d)) maxDiff = Number.isNaN(d) ? NaN : d;
        if (Number.isNaN(maxDiff)) break;
      }
      if (maxDiff !== 0) {
        const name = this.nameOf(p);
        const inOpt = this.#inOptimizer(p);
        this.raise("frozen-changed", name, step, maxDiff, (e) =>
          `frozen parameter ${e.subjects[0]} (requiresGrad false) changed by up to ${fmt(e.extra)} (first seen at step ${e.step})${inOpt ? "; it is still in an optimizer group" : ""}`,
        );
        b.set(a); // report further changes against the new value
      }
    }
  }

  #inOptimizer(p: Parameter): boolean {
    return this.optimizer.paramGroups.some((g) => g.params.includes(p));
  }

  raise(kind: AlarmKind, subject: string, step: number, value: number, message: (e: AlarmEntry) => string): void {
    const key = `${kind}:${subject}`;
    const prev = this.#entries.get(key);
    if (prev) {
      prev.count++;
      prev.extra = Number.isNaN(value) || Number.isNaN(prev.extra) ? NaN : Math.max(prev.extra, value);
    } else this.#entries.set(key, { kind, step, subjects: [subject], count: 1, extra: value, message });
  }

  nameOf(p: Parameter): string {
    if (this.#names === null) {
      this.#names = new Map();
      for (const g of this.optimizer.paramGroups) g.params.forEach((q, j) => { const n = g.param_names?.[j]; if (typeof n === "string") this.#names!.set(q, n); });
      if (this.model) for (const [n, q] of this.model.namedParameters()) if (!this.#names.has(q)) this.#names.set(q, n);
    }
    const n = this.#names.get(p);
    if (n !== undefined) return n;
    for (const [gi, g] of this.optimizer.paramGroups.entries()) {
      const j = g.params.indexOf(p);
      if (j !== -1) return `${groupName(g, gi)}[${j}]`;
    }
    return `parameter of shape [${p.shape.join(", ")}]`;
  }

}

/** Up to 5 names, then "and N more". */
export function listNames(names: string[]): string {
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}
