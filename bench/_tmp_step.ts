import { manualSeed, nn, optim } from "../lib/index.js";
manualSeed(0);
const model = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 2));
for (const p of model.parameters()) { p.grad = p.detach().mul(0.01); }
const opt = new optim.AdamW(model.parameters(), { lr: 1e-2 });
for (let i = 0; i < 20000; i++) opt.step();
const N = 20000; const t = process.hrtime.bigint();
for (let i = 0; i < N; i++) opt.step();
console.log("AdamW step us", Number(process.hrtime.bigint() - t) / N / 1000);
