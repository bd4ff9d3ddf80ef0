/**
 * What the training monitor adds to a training step, on the tiny MLP of bench/train.ts
 * (2→64→64→2, ReLU, batch 64, CrossEntropyLoss, AdamW), with the monitor shown live: display
 * updates at its 4-per-second rate go to a sink that counts and discards them, so building the
 * live bundles is included. Two measurements, modes alternating in one process, best round each:
 *
 * - direct: `opt.step(); monitor.log(loss)` with and without a monitor attached (no forward or
 *   backward), so the difference is the monitor's own cost per step with little noise around it;
 * - end to end: whole training steps without a monitor, with one (`statsEvery: "auto"`), and with
 *   the sampled statistics forced on every step (`statsEvery: 1`).
 *
 * Times are CPU time of the process (`process.cpuUsage`), not wall time: with other work on the
 * machine's two cores, wall time is mostly waiting. Check `uptime` first anyway.
 *
 * The overhead is relative to paramlab's own step, so there is no PyTorch baseline here (PyTorch
 * has no monitor); bench/train.ts compares the step itself with PyTorch. Prints JSON.
 *
 *   node --import tsx bench/monitor.ts [steps=500] [rounds=15]
 */
import { cpus, loadavg } from "node:os";
import { jupyter, manualSeed, nn, optim, tensor, TrainingMonitor, type Tensor } from "../lib/index.js";
import { MonitorChartView, MonitorTableView } from "../lib/display/monitor_display.js";
import { LIVE_DISPLAY } from "../lib/display/sink.js";

const steps = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 15);

type Mode = "plain" | "monitor" | "monitor_stats_every_step";

let updates = 0;

function setup(mode: Mode) {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 2));
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = tensor(Array.from({ length: 64 * 2 }, (_, i) => Math.sin(0.37 * i)), [64, 2]);
  const y = tensor(Array.from({ length: 64 }, (_, i) => i % 2));
  const monitor = mode === "plain" ? null : new TrainingMonitor(opt, { model, statsEvery: mode === "monitor" ? "auto" : 1 });
  monitor?.show();
  const full = (): Tensor => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    monitor?.log(loss);
    return loss;
  };
  const loss = full();
  // The optimizer's step and the log alone: gradients stay from the last backward.
  const stepOnly = () => {
    opt.step();
    monitor?.log(loss);
  };
  return { full, stepOnly, monitor };
}

interface Round {
  us_per_step: number;
  display_updates: number;
  sampled_steps: number | null;
}

async function run(mode: Mode, what: "full" | "stepOnly"): Promise<Round> {
  const s = setup(mode);
  const fn = s[what];
  for (let i = 0; i < 100; i++) fn(); // warm-up (JIT)
  const before = updates;
  // CPU time of this process (user + system): on a shared 2-core machine, wall time mostly
  // measures the other processes; CPU time does not count the time this one waited.
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) fn();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / steps;
  const sampled = s.monitor ? s.monitor.history.groups[0].gradNorm.filter((v) => v !== null).length : null;
  const counted = updates - before;
  s.monitor?.remove(); // its final display renders a PNG: outside the timing, and awaited
  await jupyter.flushDisplays();
  return { us_per_step: us, display_updates: counted, sampled_steps: sampled };
}

function summarise(all: Record<string, Round[]>, base: string) {
  const best = (m: string) => all[m].reduce((a, b) => (b.us_per_step < a.us_per_step ? b : a));
  const plain = best(base).us_per_step;
  return Object.fromEntries(
    Object.keys(all).map((m) => {
      const b = best(m);
      return [m, {
        us_per_step: +b.us_per_step.toFixed(2),
        rounds_us: all[m].map((x) => +x.us_per_step.toFixed(2)),
        overhead_us_per_step: +(b.us_per_step - plain).toFixed(2),
        display_updates_in_best_round: b.display_updates,
        sampled_steps_in_best_round: b.sampled_steps,
      }];
    }),
  );
}

/** An AdamW whose update does nothing: `step()` is then only the hooks, so the monitor's own cost shows. */
class NoUpdate extends optim.AdamW {
  protected override _step(): undefined {
    return undefined;
  }
}

/**
 * The monitor's cost in parts, each timed on its own with little around it (CPU µs, best of
 * `rounds`): per step (hooks + log, nothing sampled), per sampled step (grad norms, snapshot,
 * ‖Δθ‖, frozen check), and per display update (building the live table and chart bundles).
 */
function components() {
  const make = (statsEvery: number | null) => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 2));
    for (const p of model.parameters()) p.grad = tensor(Array.from(p.data, (v) => v * 0.1), p.shape);
    const opt = new NoUpdate(model.parameters(), { lr: 1e-3 });
    const mon = statsEvery === null ? null : new TrainingMonitor(opt, { model, statsEvery });
    return { opt, mon };
  };
  const time = (statsEvery: number | null, n: number) => {
    let best = Infinity;
    for (let r = 0; r < rounds; r++) {
      const { opt, mon } = make(statsEvery);
      for (let i = 0; i < 200; i++) (opt.step(), mon?.log(0.5));
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) (opt.step(), mon?.log(0.5));
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / n);
      mon?.remove();
    }
    return best;
  };
  const bare = time(null, 20000);
  const perStep = time(1e9, 20000) - bare;
  const perSample = time(1, 2000) - bare - perStep;
  const { opt, mon } = make(1);
  for (let i = 0; i < 2000; i++) (opt.step(), mon!.log(0.5));
  const table = new MonitorTableView(mon!);
  const chart = new MonitorChartView(mon!);
  let bundleUs = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    table[LIVE_DISPLAY]();
    chart[LIVE_DISPLAY]();
    const c = process.cpuUsage(c0);
    bundleUs = Math.min(bundleUs, c.user + c.system);
  }
  return { per_step_us: +perStep.toFixed(3), per_sampled_step_us: +perSample.toFixed(2), live_update_us_at_2000_steps: +bundleUs.toFixed(0) };
}

void (async () => {
  jupyter.setDisplaySink(() => void updates++);
  const loadBefore = loadavg().map((l) => +l.toFixed(2));
  const parts = components();
  // The share of steps auto mode samples in a long run (early steps are sampled densely, so a
  // short round would overstate it).
  const longRun = await (async () => {
    const s = setup("monitor");
    for (let i = 0; i < 5000; i++) s.full();
    const sampled = s.monitor!.history.groups[0].gradNorm.filter((v) => v !== null).length;
    s.monitor!.remove();
    await jupyter.flushDisplays();
    return { steps: 5001, sampled };
  })();
  const direct: Record<string, Round[]> = { plain: [], monitor: [] };
  const e2e: Record<string, Round[]> = { plain: [], monitor: [], monitor_stats_every_step: [] };
  for (let r = 0; r < rounds; r++) {
    for (const m of ["plain", "monitor"] as const) direct[m].push(await run(m, "stepOnly"));
    for (const m of ["plain", "monitor", "monitor_stats_every_step"] as const) e2e[m].push(await run(m, "full"));
  }
  jupyter.setDisplaySink(null);
  const d = summarise(direct, "plain");
  const e = summarise(e2e, "plain");
  const stepUs = e.plain.us_per_step;
  // The monitor's cost per training step from its parts: every step, plus the sampled share of
  // the sampling cost (auto mode, as sampled in the best end-to-end round), plus 4 live updates a
  // second spread over the steps of that second.
  const sampledShare = longRun.sampled / longRun.steps;
  const updatesPerStep = (4 * stepUs) / 1e6;
  const monitorUs = parts.per_step_us + sampledShare * parts.per_sampled_step_us + updatesPerStep * parts.live_update_us_at_2000_steps;
  console.log(JSON.stringify({
    benchmark: "training monitor overhead on the tiny MLP step (2-64-64-2, batch 64, AdamW), shown live (4 display updates/s)",
    steps_per_round: steps,
    rounds,
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    loadavg_before: loadBefore,
    loadavg_after: loadavg().map((l) => +l.toFixed(2)),
    headline: {
      how: "monitor cost from its parts (per step + sampled share × per sample + 4 live updates/s), against the best plain end-to-end step",
      monitor_us_per_step: +monitorUs.toFixed(3),
      sampled_share_of_5000_steps: +sampledShare.toFixed(4),
      training_step_us: stepUs,
      overhead_pct_of_step: +((100 * monitorUs) / stepUs).toFixed(2),
    },
    components: parts,
    direct_optimizer_step_plus_log: d,
    end_to_end_training_step: e,
  }, null, 2));
})();
