/**
 * One step of every optimizer on 10M float32 parameters: paramlab at 1 and 2 threads against
 * PyTorch (bench/optimizers_torch.py through /usr/bin/python3) at 1 and 2 threads, foreach on and
 * off, each run plainly and with glibc keeping freed memory (see torch_env.ts), all in this run.
 * Beside each time: the achieved memory bandwidth, counting the bytes a fused single pass must
 * move per parameter (BYTES below: each array read once, each updated array written once).
 * The machine is shared, so the run alternates: `rounds` times, every paramlab figure, then every
 * PyTorch figure; each figure is the min (and median) of `repeats` steps, and each side keeps its
 * best round. The load average is recorded at every round. Both sides also check that the timed
 * steps did the work (every element of the parameter moved, the state is there, nothing NaN).
 * Prints JSON; `ratio_*` = PyTorch's best / paramlab (> 1: paramlab is faster), from the minima;
 * `ratio_median_*` the same from the medians.
 *
 *   node --expose-gc --import tsx bench/optimizers.ts [numel=10000000] [repeats=10] [rounds=3] [names=all, comma-separated]
 *
 * --expose-gc lets the run free each optimizer's tensors before the next one: their storage in
 * the shared wasm memory returns only after a garbage collection, and without it nine
 * optimizers' 10M-element tensors would exceed the storage budget and later ones fall back to
 * (slower, staged) ordinary buffers.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { nn, optim } from "../lib/index.js";
import { benchParameter, timeSteps } from "./optimizer_step.js";
import { median, runTorchJson, TORCH_ENVS } from "./torch_env.js";

type Ctor = new (params: nn.Parameter[], options: Record<string, unknown>) => optim.Optimizer;

/** Options (same as optimizers_torch.py) and bytes moved per parameter per step by one fused pass. */
const OPTIONS: Record<string, { cls: Ctor; options: Record<string, unknown>; bytes: number; arrays: string }> = {
  SGD: { cls: optim.SGD as unknown as Ctor, options: { lr: 0.01, momentum: 0.9 }, bytes: 20, arrays: "read p, g, buf; write p, buf" },
  Adam: { cls: optim.Adam as unknown as Ctor, options: { lr: 1e-3 }, bytes: 28, arrays: "read p, g, m, v; write p, m, v" },
  AdamW: { cls: optim.AdamW as unknown as Ctor, options: { lr: 1e-3, weight_decay: 0.01 }, bytes: 28, arrays: "read p, g, m, v; write p, m, v" },
  RMSprop: { cls: optim.RMSprop as unknown as Ctor, options: { lr: 1e-2 }, bytes: 20, arrays: "read p, g, sq; write p, sq" },
  Adagrad: { cls: optim.Adagrad as unknown as Ctor, options: { lr: 1e-2 }, bytes: 20, arrays: "read p, g, sum; write p, sum" },
  Adamax: { cls: optim.Adamax as unknown as Ctor, options: { lr: 2e-3 }, bytes: 28, arrays: "read p, g, m, u; write p, m, u" },
  NAdam: { cls: optim.NAdam as unknown as Ctor, options: { lr: 2e-3 }, bytes: 28, arrays: "read p, g, m, v; write p, m, v" },
  RAdam: { cls: optim.RAdam as unknown as Ctor, options: { lr: 1e-3 }, bytes: 28, arrays: "read p, g, m, v; write p, m, v" },
  Adadelta: { cls: optim.Adadelta as unknown as Ctor, options: { lr: 1.0 }, bytes: 28, arrays: "read p, g, sq, acc; write p, sq, acc" },
};

const numel = Number(process.argv[2] ?? 10_000_000);
const repeats = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 3);
const names = process.argv[5] ? process.argv[5].split(",") : Object.keys(OPTIONS);
for (const n of names) if (!(n in OPTIONS)) throw new Error(`unknown optimizer ${n}; expected one of ${Object.keys(OPTIONS).join(", ")}`);
const THREADS = [1, Math.min(2, availableParallelism())].filter((t, i, a) => a.indexOf(t) === i);

const gbps = (bytes: number, ms: number) => +((bytes * numel) / (ms * 1e6)).toFixed(1);
const loads = () => loadavg().map((x) => +x.toFixed(2));

type Timing = { min: number; median: number };

/** Steps of one optimizer on `threads` threads, and whether they moved every element and left no NaN. */
function timeParamlab(name: string, threads: number): Timing & { moved_fraction: number; finite: boolean } {
  const p = benchParameter(numel);
  const opt = new OPTIONS[name].cls([p], OPTIONS[name].options);
  let before = new Float32Array(0);
  const { times } = timeSteps(opt, threads, repeats, () => (before = p.data.slice()));
  let moved = 0;
  let finite = true;
  for (let i = 0; i < numel; i++) {
    if (p.data[i] !== before[i]) moved++;
    if (!Number.isFinite(p.data[i])) finite = false;
  }
  return { min: Math.min(...times), median: median(times), moved_fraction: moved / numel, finite };
}

type TorchOut = { threads: number; ms: Record<string, Record<string, Timing>>; check: Record<string, Record<string, unknown>> };

async function release(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 10)); // FinalizationRegistry callbacks run between tasks
}

/** The better of two timings (by min; the median kept from the same round). */
function better<T extends Timing>(a: T | undefined, b: T): T {
  return a === undefined || b.min < a.min ? b : a;
}

async function main() {
  const load: number[][] = [loads()];
  const paramlab: Record<string, Record<string, Timing & { moved_fraction: number; finite: boolean; rounds: number[] }>> = {};
  const torchBest: Record<string, Record<string, Timing & { config: string; rounds: number[] }>> = {};
  const torchChecks: Record<string, unknown> = {};
  const torchErrors: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      for (const t of THREADS) {
        const r = timeParamlab(name, t);
        const key = `${t}_thread`;
        const prev = paramlab[name]?.[key];
        (paramlab[name] ??= {})[key] = { ...better(prev, r), rounds: [...(prev?.rounds ?? []), +r.min.toFixed(2)] };
        await release();
      }
    }
    for (const t of THREADS) {
      for (const env of Object.keys(TORCH_ENVS) as (keyof typeof TORCH_ENVS)[]) {
        const run = runTorchJson<TorchOut>([join(__dirname, "optimizers_torch.py"), String(numel), String(repeats), String(t), names.join(",")], env);
        if ("error" in run) {
          torchErrors.push(run.error);
          continue;
        }
        torchChecks[`${t}_thread_${env}`] = run.check;
        for (const [name, kinds] of Object.entries(run.ms)) {
          for (const [kind, v] of Object.entries(kinds)) {
            const key = `${t}_thread`;
            const prev = torchBest[name]?.[key];
            const candidate = { ...v, config: `${kind}, ${env}`, rounds: prev?.rounds ?? [] };
            const best = better(prev, candidate);
            (torchBest[name] ??= {})[key] = { ...best, rounds: prev?.rounds ?? [] };
          }
          // This round's best over configurations, for the record.
          const key = `${t}_thread`;
          const roundMin = Math.min(...Object.values(kinds).map((v) => v.min));
          const rs = torchBest[name][key].rounds;
          if (rs.length <= round) rs.push(+roundMin.toFixed(2));
          else rs[round] = Math.min(rs[round], +roundMin.toFixed(2));
        }
      }
    }
    load.push(loads());
  }

  const table = names.map((name) => {
    const row: Record<string, unknown> = { optimizer: name, bytes_per_param: OPTIONS[name].bytes };
    for (const t of THREADS) {
      const mine = paramlab[name][`${t}_thread`];
      const best = torchBest[name]?.[`${t}_thread`];
      row[`paramlab_${t}t_ms`] = +mine.min.toFixed(2);
      row[`paramlab_${t}t_median_ms`] = +mine.median.toFixed(2);
      row[`paramlab_${t}t_GBps`] = gbps(OPTIONS[name].bytes, mine.min);
      row[`paramlab_${t}t_rounds_ms`] = mine.rounds;
      row[`torch_best_${t}t_ms`] = best ? +best.min.toFixed(2) : null;
      row[`torch_best_${t}t_median_ms`] = best ? +best.median.toFixed(2) : null;
      row[`torch_best_${t}t_config`] = best?.config ?? null;
      row[`torch_${t}t_rounds_ms`] = best?.rounds ?? null;
      row[`ratio_${t}t`] = best ? +(best.min / mine.min).toFixed(2) : null;
      row[`ratio_median_${t}t`] = best ? +(best.median / mine.median).toFixed(2) : null;
    }
    return row;
  });
  const top = THREADS[THREADS.length - 1];
  console.log(
    JSON.stringify(
      {
        numel,
        repeats,
        rounds,
        machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, node: process.version, load_average_by_round: load },
        gc_between_optimizers: typeof (globalThis as { gc?: unknown }).gc === "function",
        headline: Object.fromEntries(
          table.map((r) => [r.optimizer as string, { ratio: r[`ratio_${top}t`], paramlab_ms: r[`paramlab_${top}t_ms`], torch_best_ms: r[`torch_best_${top}t_ms`] }]),
        ),
        table,
        bytes_moved: Object.fromEntries(names.map((n) => [n, OPTIONS[n].arrays])),
        checks: {
          paramlab: Object.fromEntries(names.map((n) => [n, Object.fromEntries(THREADS.map((t) => [`${t}_thread`, { moved_fraction: paramlab[n][`${t}_thread`].moved_fraction, finite: paramlab[n][`${t}_thread`].finite }]))])),
          torch: torchChecks,
        },
        torch_errors: torchErrors,
      },
      null,
      2,
    ),
  );
}

void main();
