/**
 * Kernel benchmark: paramlab's kernel against stock tslab (node_modules/tslab) in the same run.
 *   - start → first result: spawn the kernel, send `1 + 1` at once, time until its execute_reply
 *   - typed cell p50: a cell building a model and an optimizer with the library (typed)
 *   - completion p50: complete_request on `optim.`
 * Both kernels run in the repository root (stock tslab imports the library from ./dist/lib;
 * paramlab has it preloaded). Prints JSON.
 *
 *   node --import tsx bench/kernel.ts [--starts 5] [--cells 30] [--completions 20]
 */
import os from "node:os";
import { KernelClient, PARAMLAB_ARGV, ROOT, TSLAB_ARGV } from "../test/kernel/client.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const STARTS = arg("starts", 5);
const CELLS = arg("cells", 30);
const COMPLETIONS = arg("completions", 20);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round = (x: number) => Math.round(x * 10) / 10;
const summary = (xs: number[]) => ({ p50: round(quantile(xs, 0.5)), p90: round(quantile(xs, 0.9)), min: round(Math.min(...xs)), n: xs.length });

interface Flavour {
  name: "paramlab" | "tslab";
  argv: string[];
  /** Run once before timing typed cells (stock tslab must import the library). */
  setup: string;
}

const FLAVOURS: Flavour[] = [
  { name: "paramlab", argv: PARAMLAB_ARGV, setup: "1" },
  { name: "tslab", argv: TSLAB_ARGV, setup: 'import { nn, optim, manualSeed } from "./dist/lib/index.js";' },
];

async function timeStart(f: Flavour): Promise<number> {
  const t0 = performance.now();
  const k = await KernelClient.spawn({ argv: f.argv, cwd: ROOT });
  try {
    const id = await k.send(k.message("execute_request", { code: "1 + 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    await k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_reply", 60_000, "first reply");
    return performance.now() - t0;
  } finally {
    await k.close();
  }
}

type Timings = { typedCellMs: number[]; completionMs: number[]; trivialCellMs: number[] };

/** Both kernels run side by side and take turns, so machine load hits them alike. */
async function timeSessions(flavours: Flavour[]): Promise<Record<string, Timings>> {
  const kernels: KernelClient[] = [];
  try {
    for (const f of flavours) {
      const k = await KernelClient.spawn({ argv: f.argv, cwd: ROOT });
      kernels.push(k);
      await k.ready();
      const setup = await k.execute(f.setup);
      if (setup.reply.content.status !== "ok") throw new Error(`${f.name} setup failed: ${JSON.stringify(setup.outputs.map((m) => m.content))}`);
    }
    const out: Record<string, Timings> = {};
    for (const f of flavours) out[f.name] = { typedCellMs: [], completionMs: [], trivialCellMs: [] };
    for (let i = 0; i < CELLS; i++) {
      for (let j = 0; j < flavours.length; j++) {
        const k = kernels[j];
        const t = out[flavours[j].name];
        const code = `manualSeed(${i});\nconst model${i} = new nn.Linear(16, 4);\nconst opt${i}: optim.Optimizer = new optim.Adam(model${i}.parameters(), { lr: 1e-3 });\nconst lr${i}: number = opt${i}.paramGroups[0].lr;`;
        const t0 = performance.now();
        const r = await k.execute(code);
        t.typedCellMs.push(performance.now() - t0);
        if (r.reply.content.status !== "ok") throw new Error(`${flavours[j].name} typed cell failed: ${JSON.stringify(r.reply.content)}`);
        const t1 = performance.now();
        await k.execute(`const t${i} = ${i};`);
        t.trivialCellMs.push(performance.now() - t1);
      }
    }
    for (let i = 0; i < COMPLETIONS; i++) {
      for (let j = 0; j < flavours.length; j++) {
        const code = "optim.";
        const t0 = performance.now();
        const r = await kernels[j].request("complete_request", { code, cursor_pos: code.length });
        out[flavours[j].name].completionMs.push(performance.now() - t0);
        if (!(r.content.matches as string[]).includes("SGD")) throw new Error(`${flavours[j].name}: completion lacks SGD`);
      }
    }
    return out;
  } finally {
    for (const k of kernels) await k.close();
  }
}

async function main(): Promise<void> {
  const starts: Record<string, number[]> = { paramlab: [], tslab: [] };
  // Alternate the kernels so that machine load affects both alike.
  for (let i = 0; i < STARTS; i++) for (const f of FLAVOURS) starts[f.name].push(await timeStart(f));
  const out: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg().map(round) },
    method: `start→first result: spawn → execute_reply of "1 + 1" (${STARTS} starts each, alternating); cells: ${CELLS} typed library cells and ${CELLS} trivial cells per kernel, both kernels running side by side and taking turns; completion: ${COMPLETIONS} complete_request "optim.". Both kernels run in the repository root.`,
  };
  const results: Record<string, Record<string, ReturnType<typeof summary>>> = {};
  const sessions = await timeSessions(FLAVOURS);
  for (const f of FLAVOURS) {
    const s = sessions[f.name];
    results[f.name] = {
      startToFirstResultMs: summary(starts[f.name]),
      typedCellMs: summary(s.typedCellMs),
      trivialCellMs: summary(s.trivialCellMs),
      completionMs: summary(s.completionMs),
    };
  }
  out.paramlab = results.paramlab;
  out.tslab = results.tslab;
  const ratio = (key: string) => round((results.paramlab[key].p50 / results.tslab[key].p50) * 100) / 100;
  out.paramlabOverTslabP50 = {
    startToFirstResult: ratio("startToFirstResultMs"),
    typedCell: ratio("typedCellMs"),
    trivialCell: ratio("trivialCellMs"),
    completion: ratio("completionMs"),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
