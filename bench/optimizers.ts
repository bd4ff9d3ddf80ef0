/**
 * One step of every optimizer on 10M float32 parameters: paramlab at 1 and 2 threads against
 * PyTorch (bench/optimizers_torch.py through /usr/bin/python3) at 1 and 2 threads, foreach on and
 * off, each run plainly and with glibc keeping freed memory (see torch_env.ts), all in this run.
 * Beside each time: the achieved memory bandwidth, counting the bytes a fused single pass must
 * move per parameter (BYTES below: each array read once, each updated array written once).
 * Prints JSON; `ratio_*` = PyTorch's best / paramlab (> 1: paramlab is faster).
 *
 *   node --expose-gc --import tsx bench/optimizers.ts [numel=10000000] [repeats=5] [names=all, comma-separated]
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
const repeats = Number(process.argv[3] ?? 5);
const names = process.argv[4] ? process.argv[4].split(",") : Object.keys(OPTIONS);
for (const n of names) if (!(n in OPTIONS)) throw new Error(`unknown optimizer ${n}; expected one of ${Object.keys(OPTIONS).join(", ")}`);
const THREADS = [1, Math.min(2, availableParallelism())].filter((t, i, a) => a.indexOf(t) === i);

const gbps = (bytes: number, ms: number) => +((bytes * numel) / (ms * 1e6)).toFixed(1);

function timeParamlab(name: string, threads: number): number {
  const opt = new OPTIONS[name].cls([benchParameter(numel)], OPTIONS[name].options);
  return median(timeSteps(opt, threads, repeats).times);
}

type TorchOut = { threads: number; ms: Record<string, Record<string, { median: number; min: number }>> };

const load = { before: loadavg().map((x) => +x.toFixed(2)) as number[], after: [] as number[] };
const paramlab: Record<string, Record<string, number>> = {};
async function release(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 10)); // FinalizationRegistry callbacks run between tasks
}

async function main() {
for (const name of names) {
  paramlab[name] = {};
  for (const t of THREADS) {
    paramlab[name][`${t}_thread`] = +timeParamlab(name, t).toFixed(2);
    await release();
  }
}
const torch: Record<string, unknown> = {};
const torchBest: Record<string, Record<string, { ms: number; config: string }>> = {};
for (const t of THREADS) {
  for (const env of Object.keys(TORCH_ENVS) as (keyof typeof TORCH_ENVS)[]) {
    const run = runTorchJson<TorchOut>([join(__dirname, "optimizers_torch.py"), String(numel), String(repeats), String(t), names.join(",")], env);
    torch[`${t}_thread_${env}`] = run;
    if ("error" in run) continue;
    for (const [name, kinds] of Object.entries(run.ms)) {
      for (const [kind, v] of Object.entries(kinds)) {
        const best = ((torchBest[name] ??= {})[`${t}_thread`] ??= { ms: Infinity, config: "" });
        if (v.median < best.ms) Object.assign(best, { ms: +v.median.toFixed(2), config: `${kind}, ${env}` });
      }
    }
  }
}
load.after = loadavg().map((x) => +x.toFixed(2));

const table = names.map((name) => {
  const row: Record<string, unknown> = { optimizer: name, bytes_per_param: OPTIONS[name].bytes };
  for (const t of THREADS) {
    const ms = paramlab[name][`${t}_thread`];
    const best = torchBest[name]?.[`${t}_thread`];
    row[`paramlab_${t}t_ms`] = ms;
    row[`paramlab_${t}t_GBps`] = gbps(OPTIONS[name].bytes, ms);
    row[`torch_best_${t}t_ms`] = best?.ms ?? null;
    row[`torch_best_${t}t_config`] = best?.config ?? null;
    row[`ratio_${t}t`] = best ? +(best.ms / ms).toFixed(2) : null;
  }
  return row;
});
const top = THREADS[THREADS.length - 1];
console.log(
  JSON.stringify(
    {
      numel,
      repeats,
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, node: process.version, load_average: load },
      gc_between_optimizers: typeof (globalThis as { gc?: unknown }).gc === "function",
      headline: Object.fromEntries(table.map((r) => [r.optimizer as string, { ratio: r[`ratio_${top}t`], paramlab_ms: r[`paramlab_${top}t_ms`], torch_best_ms: r[`torch_best_${top}t_ms`] }])),
      table,
      bytes_moved: Object.fromEntries(names.map((n) => [n, OPTIONS[n].arrays])),
      torch,
    },
    null,
    2,
  ),
);
}

void main();
