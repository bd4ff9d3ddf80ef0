import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, Tensor } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { fromTJ, nnFixture } from "./fixture.js";

// Each entry builds, after the same manualSeed, the layer that nn_fixtures.py built in PyTorch.
class MyModel extends nn.Module {
  base = new nn.Linear(4, 8);
  actor = new nn.Linear(8, 2);
  critic = new nn.Linear(8, 1);
  override forward(x: Tensor): Tensor {
    return this.actor.forward(this.base.forward(x));
  }
}

const builders: Record<string, () => nn.Module> = {
  "Linear(4, 8)": () => new nn.Linear(4, 8),
  "Linear(5, 3, bias=False) on 3-d input": () => new nn.Linear(5, 3, { bias: false }),
  "Linear(300, 70)": () => new nn.Linear(300, 70),
  "Bilinear(3, 5, 2)": () => new nn.Bilinear(3, 5, 2),
  "Conv1d(4, 6, 3)": () => new nn.Conv1d(4, 6, 3),
  "Conv1d strided dilated grouped no bias": () => new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }),
  "Conv1d same reflect": () => new nn.Conv1d(2, 4, 4, { padding: "same", padding_mode: "reflect" }),
  "Conv2d(3, 8, 3)": () => new nn.Conv2d(3, 8, 3),
  "Conv2d tuple args groups=4": () => new nn.Conv2d(4, 8, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 4 }),
  "Conv2d same circular": () => new nn.Conv2d(3, 6, 5, { padding: "same", padding_mode: "circular" }),
  "Conv2d replicate unbatched": () => new nn.Conv2d(2, 4, 3, { padding: 1, padding_mode: "replicate" }),
  "Conv2d valid stride 2": () => new nn.Conv2d(1, 2, 2, { stride: 2, padding: "valid" }),
  "Embedding(10, 3)": () => new nn.Embedding(10, 3),
  "Embedding(10, 16, padding_idx=-2)": () => new nn.Embedding(10, 16, { padding_idx: -2 }),
  "Embedding(5, 2) scalar normal path": () => new nn.Embedding(5, 2),
  "Embedding max_norm": () => new nn.Embedding(6, 4, { max_norm: 1.0 }),
  "LayerNorm(6)": () => new nn.LayerNorm(6),
  "LayerNorm([3, 4], no affine)": () => new nn.LayerNorm([3, 4], { elementwise_affine: false }),
  "LayerNorm(4, eps=1e-3)": () => new nn.LayerNorm(4, { eps: 1e-3 }),
  "BatchNorm1d(4)": () => new nn.BatchNorm1d(4),
  "BatchNorm1d(3, momentum=None, affine=False) 3-d": () => new nn.BatchNorm1d(3, { momentum: null, affine: false }),
  "BatchNorm2d(3)": () => new nn.BatchNorm2d(3, { eps: 1e-3, momentum: 0.2 }),
  "BatchNorm2d(3, track_running_stats=False)": () => new nn.BatchNorm2d(3, { track_running_stats: false }),
  "Dropout(0.3)": () => new nn.Dropout(0.3),
  "Dropout(0.5) 2-d": () => new nn.Dropout(),
  "ReLU()": () => new nn.ReLU(),
  "GELU()": () => new nn.GELU(),
  "GELU(approximate='tanh')": () => new nn.GELU("tanh"),
  "Tanh()": () => new nn.Tanh(),
  "Sigmoid()": () => new nn.Sigmoid(),
  "SiLU()": () => new nn.SiLU(),
  "Identity()": () => new nn.Identity(3, { foo: 4 }),
  "Flatten()": () => new nn.Flatten(),
  "Flatten(0, 1)": () => new nn.Flatten(0, 1),
  "LeakyReLU()": () => new nn.LeakyReLU(),
  "LeakyReLU(0.2, inplace=True)": () => new nn.LeakyReLU(0.2, true),
  "ELU()": () => new nn.ELU(),
  "ELU(alpha=0.5)": () => new nn.ELU(0.5),
  "Softmax(dim=1)": () => new nn.Softmax(1),
  "Softmax(dim=-1)": () => new nn.Softmax(-1),
  "LogSoftmax(dim=0)": () => new nn.LogSoftmax(0),
  "MaxPool2d(2)": () => new nn.MaxPool2d(2),
  "MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)": () =>
    new nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], ceil_mode: true }),
  "MaxPool1d(3, stride=2, padding=1) unbatched": () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  "AvgPool2d(2)": () => new nn.AvgPool2d(2),
  "AvgPool2d(3, stride=2, padding=1, ceil_mode=True)": () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceil_mode: true }),
  "AvgPool2d(3, stride=2, padding=1, count_include_pad=False)": () => new nn.AvgPool2d(3, { stride: 2, padding: 1, count_include_pad: false }),
  "AvgPool1d(3, stride=1, padding=1)": () => new nn.AvgPool1d(3, { stride: 1, padding: 1 }),
  "AdaptiveAvgPool2d((1, 1))": () => new nn.AdaptiveAvgPool2d([1, 1]),
  "AdaptiveAvgPool2d(3)": () => new nn.AdaptiveAvgPool2d(3),
  "AdaptiveAvgPool2d((None, 4))": () => new nn.AdaptiveAvgPool2d([null, 4]),
  "Small CNN": () =>
    new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.LeakyReLU(0.1), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 4, 3), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3), new nn.LogSoftmax(1),
    ),
  "Sequential MLP": () => new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2)),
  "Sequential OrderedDict": () =>
    new nn.Sequential(new Map<string, nn.Module>([["fc1", new nn.Linear(4, 3)], ["act", new nn.GELU("tanh")], ["drop", new nn.Dropout(0.1)]])),
  "Conv net with BatchNorm": () =>
    new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Linear(16, 2)),
  "MyModel (seed tutorial)": () => new MyModel(),
};

test("every recorded layer has a builder", () => {
  assert.deepEqual(Object.keys(builders).sort(), Object.keys(nnFixture.layers).sort());
});

for (const [name, rec] of Object.entries(nnFixture.layers)) {
  test(`${name}: repr, parameter names, shapes and seeded values equal PyTorch's; forward matches`, () => {
    manualSeed(rec.seed);
    const m = builders[name]();
    assert.equal(m.toString(), rec.repr);
    assert.deepEqual(
      m.namedParameters().map(([n, p]) => [n, p.shape]),
      rec.params.map(([n, t]) => [n, t.shape]),
    );
    // Default initialisation draws the same numbers in the same order: bit-equal.
    m.namedParameters().forEach(([n, p], i) => assert.deepEqual(Array.from(p.data), rec.params[i][1].values, `${name}: ${n}`));
    assert.deepEqual(m.namedBuffers().map(([n, b]) => [n, b.shape]), rec.buffers.map(([n, t]) => [n, t.shape]));
    assert.deepEqual(Object.keys(m.stateDict()), rec.state_dict_keys);
    for (const [k, run] of rec.runs.entries()) {
      m.train(run.mode === "train");
      const inputs = run.inputs.map(fromTJ);
      const y = m.forward(...inputs) as Tensor;
      assert.ok(y instanceof Tensor, `${name}: forward returns a Tensor`);
      assert.deepEqual(y.shape, run.output.shape, `${name} run ${k}: output shape`);
      assertClose(y.data, run.output.values, { rtol: 1e-5, atol: 2e-6, what: `${name} run ${k} (${run.mode}) output` });
      for (const [[bn, b], [en, e]] of m.namedBuffers().map((x, i) => [x, run.buffers_after[i]] as const)) {
        assert.equal(bn, en);
        assertClose(b.data, e.values, { rtol: 1e-5, atol: 1e-6, what: `${name} run ${k}: buffer ${bn}` });
      }
    }
  });
}

for (const [name, build] of Object.entries({
  ModuleList: () => new nn.ModuleList([new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1)]),
  ModuleDict: () => new nn.ModuleDict(new Map<string, nn.Module>([["10", new nn.Linear(1, 1)], ["2", new nn.ReLU()], ["a", new nn.Linear(1, 2)]])),
  "empty Sequential": () => new nn.Sequential(),
})) {
  test(`${name}: repr and parameter order equal PyTorch's (integer-like keys keep insertion order)`, () => {
    const rec = nnFixture.containers[name];
    manualSeed(name === "ModuleList" ? 30 : 31);
    const m = build();
    assert.equal(m.toString(), rec.repr);
    assert.deepEqual(m.namedParameters().map(([n]) => n), rec.params.map(([n]) => n));
    m.namedParameters().forEach(([n, p], i) => assert.deepEqual(Array.from(p.data), rec.params[i][1].values, n));
    assert.deepEqual(Object.keys(m.stateDict()), rec.state_dict_keys);
  });
}
