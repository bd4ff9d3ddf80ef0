/**
 * Times `optim.lr_scheduler.simulate` and prints JSON. Baselines measured in the same run:
 * a naive loop (scheduler.step() and copying each group's lr into plain arrays, as a notebook would)
 * and PyTorch 1.13's own stepping rate (/usr/bin/python3, when it has torch), run plainly and with
 * glibc keeping freed memory (torch_env.ts); the faster is reported.
 *
 *     node --import tsx bench/schedules.ts [steps]
 */
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { existsSync } from "node:fs";
import * as S from "../lib/optim/lr_scheduler/index.js";
import type { OptimizerLike } from "../lib/optim/lr_scheduler/index.js";
import { TORCH_ENVS } from "./torch_env.js";

const STEPS = Number(process.argv[2] ?? 1_000_000);
const REPEATS = 5;

function optimizer(): OptimizerLike {
  return {
    paramGroups: [0.1, 0.05, 0.01].map((lr) => ({ params: [], lr, momentum: 0.9 })),
    defaults: { lr: 0.1, momentum: 0.9 },
  };
}

const cases: Record<string, (o: OptimizerLike) => S.LRScheduler> = {
  OneCycleLR: (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: STEPS }),
  CosineAnnealingWarmRestarts: (o) => new S.CosineAnnealingWarmRestarts(o, { T_0: 1000, T_mult: 2, eta_min: 1e-5 }),
  CosineAnnealingLR: (o) => new S.CosineAnnealingLR(o, { T_max: STEPS }),
  "getCosineScheduleWithWarmup (LambdaLR)": (o) => S.getCosineScheduleWithWarmup(o, { num_warmup_steps: 1000, num_training_steps: STEPS }),
  StepLR: (o) => new S.StepLR(o, { step_size: 1000, gamma: 0.9 }),
};

function best(fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function naive(build: (o: OptimizerLike) => S.LRScheduler): void {
  const o = optimizer();
  const s = build(o);
  const lrs: number[][] = o.paramGroups.map((g) => [g.lr]);
  for (let i = 1; i < STEPS; i++) {
    s.step();
    o.paramGroups.forEach((g, j) => lrs[j].push(g.lr));
  }
}

function torchRate(env: keyof typeof TORCH_ENVS): { steps: number; ms: number; perStepUs: number; env: string } | null {
  if (!existsSync("/usr/bin/python3")) return null;
  const n = Math.min(STEPS, 200_000);
  const script = `
import time, torch
p = [torch.nn.Parameter(torch.zeros(1)) for _ in range(3)]
opt = torch.optim.SGD([{"params": [x], "lr": lr} for x, lr in zip(p, [0.1, 0.05, 0.01])], lr=0.1, momentum=0.9)
s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=${n})
opt._step_count = 1
lrs = [[], [], []]
t0 = time.perf_counter()
for i in range(${n - 1}):
    s.step()
    for j, g in enumerate(opt.param_groups):
        lrs[j].append(g["lr"])
print((time.perf_counter() - t0) * 1000)
`;
  try {
    const ms = Number(execFileSync("/usr/bin/python3", ["-W", "ignore", "-c", script], { encoding: "utf8", env: { ...process.env, ...TORCH_ENVS[env] } }).trim());
    return { steps: n, ms: round(ms), perStepUs: round((ms * 1000) / n), env };
  } catch {
    return null;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const results: Record<string, unknown> = {};
for (const [name, build] of Object.entries(cases)) {
  const simulateMs = best(() => S.simulate(optimizer(), build, { steps: STEPS }));
  const naiveMs = best(() => naive(build));
  results[name] = { simulateMs: round(simulateMs), naiveLoopMs: round(naiveMs), speedup: round(naiveMs / simulateMs) };
}
const torchRuns = (Object.keys(TORCH_ENVS) as (keyof typeof TORCH_ENVS)[]).map(torchRate);
const torch = torchRuns.reduce((a, b) => (b && (!a || b.ms < a.ms) ? b : a), null);
console.log(
  JSON.stringify(
    {
      steps: STEPS,
      groups: 3,
      repeatsBestOf: REPEATS,
      node: process.version,
      load_average: loadavg().map((x) => +x.toFixed(2)),
      results,
      pytorchOneCycleLR: torch ? { ...torch, extrapolatedMsForSteps: round((torch.perStepUs * STEPS) / 1000) } : "unavailable",
      pytorchRuns: torchRuns,
    },
    null,
    2,
  ),
);
