/**
 * Times one Adam step on 10M float32 parameters: paramlab (median of several steps) and, in the
 * same run, PyTorch's CPU Adam with foreach on and off (bench/adam_torch.py through
 * /usr/bin/python3, at torch's default thread count and at one thread per core, each plainly and
 * with glibc keeping freed memory: see torch_env.ts; the best of these is the baseline). The
 * machine is shared, so the two alternate for a few rounds and each side
 * reports its best round's median. Prints JSON: times in ms and the ratio torch_best / paramlab
 * (> 1: paramlab is faster).
 *
 *   node --import tsx bench/adam.ts [numel=10000000] [repeats=9] [rounds=3]
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { optim } from "../lib/index.js";
import { benchParameter, timeSteps } from "./optimizer_step.js";
import { median, runTorchJson, TORCH_ENVS } from "./torch_env.js";

const numel = Number(process.argv[2] ?? 10_000_000);
const repeats = Number(process.argv[3] ?? 9);
const rounds = Number(process.argv[4] ?? 3);

/** paramlab: one parameter of `numel` elements, a fixed gradient; returns a timer of `repeats` steps. */
function paramlabAdam() {
  const opt = new optim.Adam([benchParameter(numel)], { lr: 1e-3 });
  return (threads: number) => {
    const { times, threads: used } = timeSteps(opt, threads, repeats);
    return { threads: used, median: median(times), min: Math.min(...times), all: times.map((t) => +t.toFixed(2)) };
  };
}

type TorchRun = { torch_version?: string; threads?: number; env?: string; ms?: Record<string, { median: number; min: number }>; error?: string };

function timeTorch(threads: number | null, env: keyof typeof TORCH_ENVS): TorchRun {
  const args = [join(__dirname, "adam_torch.py"), String(numel), String(repeats)];
  if (threads !== null) args.push(String(threads));
  return { env, ...runTorchJson<TorchRun>(args, env) };
}

const cores = availableParallelism();
const timeParamlab = paramlabAdam();
const plainLoop = timeParamlab(1);
const paramlabRounds: ReturnType<typeof timeParamlab>[] = [];
const torchRuns: TorchRun[] = [];
for (let r = 0; r < rounds; r++) {
  paramlabRounds.push(timeParamlab(cores));
  for (const env of Object.keys(TORCH_ENVS) as (keyof typeof TORCH_ENVS)[]) {
    torchRuns.push(timeTorch(null, env));
    if (cores > 1) torchRuns.push(timeTorch(cores, env));
  }
}
const paramlab = paramlabRounds.reduce((a, b) => (b.median < a.median ? b : a));
let best: { ms: number; config: string } | null = null;
for (const run of torchRuns) {
  for (const [kind, t] of Object.entries(run.ms ?? {})) {
    if (!best || t.median < best.ms) best = { ms: t.median, config: `${kind}, ${run.threads} thread(s), ${run.env}` };
  }
}
const torchError = torchRuns.find((r) => r.error)?.error;
console.log(
  JSON.stringify(
    {
      numel,
      repeats,
      rounds,
      machine: { cores, cpu: cpus()[0]?.model, node: process.version, load_average: loadavg().map((x) => +x.toFixed(2)) },
      paramlab_ms: +paramlab.median.toFixed(2),
      paramlab_rounds_ms: paramlabRounds.map((r) => +r.median.toFixed(2)),
      paramlab: paramlab,
      paramlab_single_thread_ms: +plainLoop.median.toFixed(2),
      torch_rounds_ms: torchRuns.map((r) => ({ threads: r.threads, env: r.env, ...Object.fromEntries(Object.entries(r.ms ?? {}).map(([k, v]) => [k, +v.median.toFixed(2)])) })),
      torch: torchRuns,
      torch_best_ms: best ? +best.ms.toFixed(2) : null,
      torch_best_config: best?.config ?? null,
      torch_baseline_missing_reason: best ? null : (torchError ?? "no timings"),
      ratio_torch_over_paramlab: best ? +(best.ms / paramlab.median).toFixed(3) : null,
    },
    null,
    2,
  ),
);
