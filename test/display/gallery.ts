/**
 * Example displays for looking at in a browser (`screenshot.ts`): the objects a newcomer meets
 * in the notebooks, built with the real layers, optimizers and schedulers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { compareSchedules, describeParamGroups, nn, optim, summary, type MimeBundle } from "../../lib/index.js";
import { toMimeBundle } from "../../lib/display/jupyter.js";
import type { Shot } from "./screenshot.js";

const root = join(__dirname, "..", "..");

/** The seed tutorial's actor-critic model. */
export class MyModel extends nn.Module {
  base = new nn.Linear(4, 8);
  actor = new nn.Linear(8, 2);
  critic = new nn.Linear(8, 1);
}

/** A transformer-like block, repeated to make a "large" model. */
export class Block extends nn.Module {
  ln = new nn.LayerNorm(64);
  attn = new nn.Linear(64, 192);
  proj = new nn.Linear(64, 64);
  mlp = new nn.Sequential(new nn.Linear(64, 256), new nn.GELU(), new nn.Linear(256, 64));
}

export class TinyGPT extends nn.Module {
  embed = new nn.Embedding(1000, 64);
  layers = new nn.ModuleList(Array.from({ length: 12 }, () => new Block()));
  norm = new nn.LayerNorm(64);
  head = new nn.Linear(64, 1000, { bias: false });
}

async function html(value: unknown): Promise<string> {
  const b: MimeBundle = await toMimeBundle(value);
  return String(b.data["text/html"]);
}

/** A page body that renders a Vega-Lite spec with vega-embed and Vega-Lite 5.6.1 (JupyterLab 4's). */
export function vegaEmbedShot(name: string, spec: object): Shot {
  const vega = readFileSync(join(root, "node_modules/vega/build/vega.min.js"), "utf8");
  const vl = gunzipSync(readFileSync(join(__dirname, "fixtures/vega-lite-5.6.1.min.js.gz"))).toString("utf8");
  const embed = readFileSync(join(root, "node_modules/vega-embed/build/vega-embed.min.js"), "utf8");
  // JupyterLab's renderer picks Vega's dark theme when the page is dark; do the same.
  const init =
    `{ const dark = getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim() === "#111";` +
    `vegaEmbed("#vis", ${JSON.stringify(spec)}, { actions: false, renderer: "svg", theme: dark ? "dark" : undefined })` +
    `.then(() => document.getElementById("vis").setAttribute("data-done", "1")); }`;
  return { name, html: `<div id="vis"></div>`, scripts: [vega, vl, embed], init, waitFor: "#vis[data-done]", width: 900 };
}

export async function buildGallery(): Promise<Shot[]> {
  const model = new MyModel();
  const opt = new optim.AdamW([
    { params: model.base.parameters(), lr: 1e-3, name: "base" },
    { params: model.actor.parameters(), lr: 5e-4, name: "actor" },
    { params: model.critic.parameters(), lr: 1e-4, name: "critic" },
  ]);

  // A report with the usual mistakes: the head left out, decay on norms, a frozen layer inside.
  const gpt = new TinyGPT();
  gpt.layers.get(0).requiresGrad_(false);
  const decay = gpt.namedParameters().filter(([n, p]) => p.ndim >= 2 && !n.startsWith("head"));
  const noDecay = gpt.namedParameters().filter(([n, p]) => p.ndim < 2 && !n.startsWith("norm"));
  const gptOpt = new optim.AdamW([
    { params: decay.map(([, p]) => p), weight_decay: 0.1, name: "decay" },
    { params: noDecay.map(([, p]) => p), weight_decay: 0.1, name: "no_decay" },
  ], { lr: 3e-4 });

  const sgd = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const steps = 1000;
  const trace = optim.lr_scheduler.simulate(
    opt,
    (o) => new optim.lr_scheduler.OneCycleLR(o, { max_lr: [1e-2, 5e-3, 1e-3], total_steps: steps }),
    { steps },
  );
  const restarts = optim.lr_scheduler.simulate(sgd, (o) => new optim.lr_scheduler.CosineAnnealingWarmRestarts(o, { T_0: 200, T_mult: 2, eta_min: 1e-3 }), { steps });
  const step = optim.lr_scheduler.simulate(sgd, (o) => new optim.lr_scheduler.StepLR(o, { step_size: 250, gamma: 0.3 }), { steps });
  const oneCycle = await toMimeBundle(trace);
  const compare = compareSchedules({ "step decay": step, "warm restarts": restarts }, { logY: true });
  const sched = new optim.lr_scheduler.CosineAnnealingLR(sgd, { T_max: 100, eta_min: 0.001 });
  for (let i = 0; i < 10; i++) {
    sgd.step();
    sched.step();
  }
  const pngShot = (name: string, b: MimeBundle): Shot => {
    const meta = (b.metadata?.["image/png"] ?? {}) as { width?: number; height?: number };
    return { name, html: `<img width="${meta.width}" height="${meta.height}" src="data:image/png;base64,${b.data["image/png"]}">`, width: 1100 };
  };
  return [
    { name: "optimizer-table", html: await html(opt), width: 1000 },
    { name: "param-group-report", html: await html(describeParamGroups(gpt, gptOpt)), width: 1100 },
    { name: "module-summary", html: await html(summary(gpt)), width: 1000 },
    { name: "module-summary-small", html: await html(model), width: 900 },
    { name: "tensor", html: await html(model.base.weight), width: 700 },
    { name: "scheduler", html: await html(sched), width: 800 },
    pngShot("schedule-png", oneCycle),
    vegaEmbedShot("schedule-vegalite", oneCycle.data["application/vnd.vegalite.v5+json"] as object),
    vegaEmbedShot("compare-vegalite", compare.spec()),
  ];
}
