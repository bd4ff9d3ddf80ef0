/**
 * Float32 matrix products through `gemm` (the kernel under every matmul / linear, forward and
 * backward) against PyTorch's torch.mm in the same run (bench/matmul_torch.py, /usr/bin/python3,
 * plainly and with glibc keeping freed memory; the faster counts): square sizes 64 to 1024 and the
 * products of one training step of a 784-256-256-10 MLP at batch 128. paramlab at 1 and 2
 * threads, plus the plain JavaScript path for reference. Prints JSON with ms and GFLOPS from the
 * minimum over repeats on both sides (the machine is shared: the minimum is the least disturbed
 * run), medians beside them; `ratio_*` = PyTorch's best / paramlab (> 1: paramlab is faster).
 *
 *   node --import tsx bench/matmul.ts
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gemm, gemmJs } from "../lib/tensor/gemm.js";
import { setNumThreads } from "../lib/tensor/parallel.js";
import { wasmExports } from "../lib/tensor/wasm.js";
import { median, runTorchJson, TORCH_ENVS } from "./torch_env.js";

type Shape = { name: string; m: number; n: number; k: number; transA: boolean; transB: boolean };
const square = [64, 128, 256, 512, 1024].map((s): Shape => ({ name: `${s}x${s}x${s}`, m: s, n: s, k: s, transA: false, transB: false }));
// nn.Linear(in, out) on x [128, in]: forward y = x W^T; backward dW = g^T x, dx = g W.
const mlp: Shape[] = [
  [784, 256],
  [256, 256],
  [256, 10],
].flatMap(([inF, outF]) => [
  { name: `linear ${inF}->${outF} forward`, m: 128, n: outF, k: inF, transA: false, transB: true },
  { name: `linear ${inF}->${outF} grad weight`, m: outF, n: inF, k: 128, transA: true, transB: false },
  { name: `linear ${inF}->${outF} grad input`, m: 128, n: inF, k: outF, transA: false, transB: false },
]);
const shapes = [...square, ...mlp];
const THREADS = [1, Math.min(2, availableParallelism())].filter((t, i, a) => a.indexOf(t) === i);

function fill(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + seed);
  return a;
}

function time(fn: () => void, flops: number): { median: number; min: number } {
  fn();
  const reps = Math.max(3, Math.min(50, Math.floor(2e9 / flops)));
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), min: Math.min(...times) };
}

const gflops = (s: Shape, ms: number) => +((2 * s.m * s.n * s.k) / (ms * 1e6)).toFixed(2);
const load = { before: loadavg().map((x) => +x.toFixed(2)), after: [] as number[] };
const rows: Record<string, unknown>[] = [];
const paramlab: Array<Array<{ median: number; min: number }>> = [];
for (const s of shapes) {
  const a = fill(s.m * s.k, 1);
  const b = fill(s.k * s.n, 2);
  const c = new Float32Array(s.m * s.n);
  const flops = 2 * s.m * s.n * s.k;
  const perThreads = THREADS.map((t) => {
    const previous = setNumThreads(t);
    try {
      return time(() => gemm(s.m, s.n, s.k, a, 0, s.transA, b, 0, s.transB, c, 0, false), flops);
    } finally {
      setNumThreads(previous);
    }
  });
  paramlab.push(perThreads);
  const js = s.m * s.n * s.k <= 256 ** 3 ? time(() => gemmJs(s.m, s.n, s.k, a, 0, s.transA, b, 0, s.transB, c, 0, false), flops) : null;
  rows.push({ shape: s.name, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB, js_path_ms: js === null ? null : +js.min.toFixed(3), js_path_GFLOPS: js === null ? null : gflops(s, js.min) });
}
type Timing = { median: number; min: number };
type TorchOut = { threads: number; ms: Array<{ new: Timing; out: Timing }> };
const torchRuns: Record<string, unknown> = {};
const arg = JSON.stringify(shapes.map((s) => [s.m, s.n, s.k, s.transA, s.transB]));
const torchBest: Array<Record<number, { ms: number; median: number; config: string }>> = shapes.map(() => ({}));
for (const t of THREADS) {
  for (const env of Object.keys(TORCH_ENVS) as (keyof typeof TORCH_ENVS)[]) {
    const run = runTorchJson<TorchOut>([join(__dirname, "matmul_torch.py"), String(t), arg], env);
    torchRuns[`${t}_thread_${env}`] = run;
    if ("error" in run) continue;
    run.ms.forEach((r, i) => {
      for (const [kind, v] of Object.entries(r)) {
        const best = (torchBest[i][t] ??= { ms: Infinity, median: Infinity, config: "" });
        if (v.min < best.ms) Object.assign(best, { ms: v.min, median: v.median, config: `${kind} output, ${env}` });
      }
    });
  }
}
load.after = loadavg().map((x) => +x.toFixed(2));
shapes.forEach((s, i) => {
  THREADS.forEach((t, j) => {
    const ms = paramlab[i][j].min;
    const best = torchBest[i][t];
    Object.assign(rows[i], {
      [`paramlab_${t}t_ms`]: +ms.toFixed(3),
      [`paramlab_${t}t_median_ms`]: +paramlab[i][j].median.toFixed(3),
      [`torch_${t}t_median_ms`]: best ? +best.median.toFixed(3) : null,
      [`paramlab_${t}t_GFLOPS`]: gflops(s, ms),
      [`torch_${t}t_ms`]: best ? +best.ms.toFixed(3) : null,
      [`torch_${t}t_GFLOPS`]: best ? gflops(s, best.ms) : null,
      [`torch_${t}t_config`]: best?.config ?? null,
      [`ratio_${t}t`]: best ? +(best.ms / ms).toFixed(3) : null,
    });
  });
});
console.log(
  JSON.stringify(
    {
      wasm: wasmExports("gemm") !== null,
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, node: process.version, load_average: load },
      rows,
      torch: torchRuns,
    },
    null,
    2,
  ),
);
