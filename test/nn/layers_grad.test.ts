/**
 * Gradients through every layer compared with torch 1.13 (test/fixtures/nn_grad_fixtures.py):
 * outputs, input and parameter gradients, grad_fn names and running statistics, step by step.
 * Parameters are loaded from the recording, so initialisation is not under test here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, ones, RuntimeError, Tensor, tensor } from "../../lib/index.js";
import { assertClose, assertThrowsMessage } from "../util.js";
import { gradFixture, loadRecorded } from "./fixture.js";

// Each entry builds the layer nn_grad_fixtures.py built, in PyTorch's keyword names.
const builders: Record<string, () => nn.Module> = {
  "Conv1d(4, 6, 3)": () => new nn.Conv1d(4, 6, 3),
  "Conv1d stride=2 padding=1 dilation=2 groups=2 bias=False": () => new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, bias: false }),
  "Conv1d padding='same' reflect": () => new nn.Conv1d(2, 4, 4, { padding: "same", padding_mode: "reflect" }),
  "Conv1d padding=2 replicate": () => new nn.Conv1d(3, 2, 3, { padding: 2, padding_mode: "replicate" }),
  "Conv1d padding=3 circular stride=2": () => new nn.Conv1d(2, 2, 5, { padding: 3, stride: 2, padding_mode: "circular" }),
  "Conv1d padding='valid' unbatched": () => new nn.Conv1d(3, 5, 2, { padding: "valid" }),
  "Conv2d(3, 8, 3)": () => new nn.Conv2d(3, 8, 3),
  "Conv2d (3, 2) stride=(2, 1) padding=(1, 2) dilation=(1, 2) groups=4": () => new nn.Conv2d(4, 8, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 4 }),
  "Conv2d padding='same' circular": () => new nn.Conv2d(3, 6, 5, { padding: "same", padding_mode: "circular" }),
  "Conv2d padding=1 replicate unbatched": () => new nn.Conv2d(2, 4, 3, { padding: 1, padding_mode: "replicate" }),
  "Conv2d padding=(1, 2) reflect stride=2": () => new nn.Conv2d(2, 3, 3, { padding: [1, 2], stride: 2, padding_mode: "reflect" }),
  "Conv2d padding='same' dilation=2 groups=3 zeros": () => new nn.Conv2d(6, 3, [3, 4], { padding: "same", dilation: 2, groups: 3 }),
  "Conv2d depthwise stride=2 padding=1": () => new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1, groups: 4, bias: false }),
  "Conv2d padding='valid' stride=2": () => new nn.Conv2d(1, 2, 2, { stride: 2, padding: "valid" }),
  "Conv2d 1x1": () => new nn.Conv2d(5, 3, 1),
  "MaxPool2d(2)": () => new nn.MaxPool2d(2),
  "MaxPool2d(3, stride=1) overlapping": () => new nn.MaxPool2d(3, { stride: 1 }),
  "MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True)": () => new nn.MaxPool2d([3, 2], { stride: [2, 1], padding: 1, dilation: [1, 2], ceil_mode: true }),
  "MaxPool2d(3, stride=2, padding=1) ties": () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
  "MaxPool2d(2) ties unbatched": () => new nn.MaxPool2d(2, { stride: 1 }),
  "MaxPool2d(2) with a NaN": () => new nn.MaxPool2d(2),
  "MaxPool1d(3, stride=2, padding=1) unbatched": () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  "MaxPool1d(2, dilation=2, ceil_mode=True) ties": () => new nn.MaxPool1d(2, { dilation: 2, ceil_mode: true }),
  "AvgPool2d(2)": () => new nn.AvgPool2d(2),
  "AvgPool2d(3, stride=2, padding=1, ceil_mode=True)": () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceil_mode: true }),
  "AvgPool2d(3, stride=2, padding=1, count_include_pad=False)": () => new nn.AvgPool2d(3, { stride: 2, padding: 1, count_include_pad: false }),
  "AvgPool2d((3, 2), stride=1, padding=(1, 1), ceil_mode=True, count_include_pad=False)": () =>
    new nn.AvgPool2d([3, 2], { stride: 1, padding: [1, 1], ceil_mode: true, count_include_pad: false }),
  "AvgPool1d(3, stride=1, padding=1)": () => new nn.AvgPool1d(3, { stride: 1, padding: 1 }),
  "AvgPool1d(4, stride=3, padding=2, ceil_mode=True) unbatched": () => new nn.AvgPool1d(4, { stride: 3, padding: 2, ceil_mode: true }),
  "AdaptiveAvgPool2d((1, 1))": () => new nn.AdaptiveAvgPool2d([1, 1]),
  "AdaptiveAvgPool2d(3)": () => new nn.AdaptiveAvgPool2d(3),
  "AdaptiveAvgPool2d((None, 4))": () => new nn.AdaptiveAvgPool2d([null, 4]),
  "AdaptiveAvgPool2d((5, 4)) overlapping unbatched": () => new nn.AdaptiveAvgPool2d([5, 4]),
  "BatchNorm1d(4)": () => new nn.BatchNorm1d(4),
  "BatchNorm1d(3, momentum=None, affine=False) 3-d": () => new nn.BatchNorm1d(3, { momentum: null, affine: false }),
  "BatchNorm2d(3, eps=1e-3, momentum=0.2)": () => new nn.BatchNorm2d(3, { eps: 1e-3, momentum: 0.2 }),
  "BatchNorm2d(3, momentum=None)": () => new nn.BatchNorm2d(3, { momentum: null }),
  "BatchNorm2d(3, track_running_stats=False)": () => new nn.BatchNorm2d(3, { track_running_stats: false }),
  "BatchNorm1d(2) batch of 2": () => new nn.BatchNorm1d(2),
  "LayerNorm(6)": () => new nn.LayerNorm(6),
  "LayerNorm([3, 4], elementwise_affine=False)": () => new nn.LayerNorm([3, 4], { elementwise_affine: false }),
  "LayerNorm(4, eps=1e-3)": () => new nn.LayerNorm(4, { eps: 1e-3 }),
  "Embedding(10, 3)": () => new nn.Embedding(10, 3),
  "Embedding(10, 4, padding_idx=-2)": () => new nn.Embedding(10, 4, { padding_idx: -2 }),
  "Embedding(5, 3, scale_grad_by_freq=True)": () => new nn.Embedding(5, 3, { scale_grad_by_freq: true }),
  "Embedding(6, 4, max_norm=1.0)": () => new nn.Embedding(6, 4, { max_norm: 1.0 }),
  "Dropout(0.3)": () => new nn.Dropout(0.3),
  "Dropout(0.5) 3-d": () => new nn.Dropout(),
  "Dropout(1.0)": () => new nn.Dropout(1.0),
  "Bilinear(3, 5, 2)": () => new nn.Bilinear(3, 5, 2),
  "Bilinear(2, 3, 4, bias=False) 3-d": () => new nn.Bilinear(2, 3, 4, { bias: false }),
  "Flatten()": () => new nn.Flatten(),
  "Flatten(0, 1)": () => new nn.Flatten(0, 1),
  "Unflatten(1, (2, 3))": () => new nn.Unflatten(1, [2, 3]),
  "Unflatten(-1, (2, -1))": () => new nn.Unflatten(-1, [2, -1]),
  "Sequential(Conv2d, BatchNorm2d, ReLU, MaxPool2d, Conv2d, AdaptiveAvgPool2d, Flatten, Linear)": () =>
    new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 4, 3), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3)),
  "Sequential(Embedding, LayerNorm, Dropout, Flatten, Linear)": () =>
    new nn.Sequential(new nn.Embedding(7, 4, { padding_idx: 0 }), new nn.LayerNorm(4), new nn.Dropout(0.2), new nn.Flatten(), new nn.Linear(12, 2)),
};

// Where paramlab records one node for what PyTorch builds from several (unbatched / 1-d inputs run
// through unsqueeze and squeeze there; adaptive pooling to 1x1 is a mean; bilinear is composed),
// the top node's name differs: only names of single-node ops are compared.
const SINGLE_NODE = /^(ConvolutionBackward0|MaxPool2DWithIndicesBackward0|AvgPool2DBackward0|AdaptiveAvgPool2DBackward0|NativeBatchNormBackward0|NativeLayerNormBackward0|EmbeddingBackward0|MulBackward0|ViewBackward0)$/;

// PyTorch sums in float32; paramlab accumulates in double (gemm too) and rounds once. Where the two
// differ by more than 1e-6 (conv weight gradients, LayerNorm input gradients), a float64 run of
// the same case in PyTorch sides with paramlab (checked by hand, e.g. Conv2d(3, 8, 3)
// weight.grad[51]: float64 1.28585721, paramlab 1.28585744, torch float32 1.28585219).
const TOL = { rtol: 2e-5, atol: 2e-6 };

test("every recorded case has a builder", () => {
  assert.deepEqual(Object.keys(gradFixture.cases).filter((k) => !(k in builders)), []);
});

for (const [name, rec] of Object.entries(gradFixture.cases)) {
  test(`${name}: output, gradients and running stats match PyTorch`, () => {
    const m = builders[name]();
    loadRecorded(m, rec.params, rec.buffers);
    rec.steps.forEach((step, k) => {
      const at = `${name} step ${k} (${step.mode})`;
      m.train(step.mode === "train");
      m.zeroGrad();
      const xs = rec.inputs.map((t) => (t.integer ? tensor(t.values, t.shape) : tensor(t.values, t.shape).requiresGrad_()));
      if (step.dropout_seed !== null) manualSeed(step.dropout_seed);
      const y = (m.forward as (...a: Tensor[]) => Tensor)(...xs);
      assert.deepEqual(y.shape, step.output.shape, `${at}: output shape`);
      assertClose(y.data, step.output.values, { ...TOL, what: `${at}: output` });
      if (step.grad_fn && SINGLE_NODE.test(step.grad_fn)) assert.equal(y.gradFn?.name(), step.grad_fn, `${at}: grad_fn`);
      y.backward(tensor(step.grad_output.values, step.grad_output.shape));
      step.input_grads.forEach((g, i) => {
        if (g === null) return;
        assert.ok(xs[i].grad, `${at}: input ${i} has a gradient`);
        assert.deepEqual(xs[i].grad!.shape, g.shape, `${at}: input ${i} gradient shape`);
        assertClose(xs[i].grad!.data, g.values, { ...TOL, what: `${at}: input ${i} gradient` });
      });
      const ps = new Map(m.namedParameters());
      for (const [pn, g] of step.param_grads) {
        const p = ps.get(pn)!;
        if (g === null) {
          assert.equal(p.grad, null, `${at}: ${pn} has no gradient`);
          continue;
        }
        assert.ok(p.grad, `${at}: ${pn} has a gradient`);
        assertClose(p.grad!.data, g.values, { ...TOL, what: `${at}: ${pn}.grad` });
      }
      const bs = new Map(m.namedBuffers());
      for (const [bn, b] of step.buffers_after) assertClose(bs.get(bn)!.data, b.values, { rtol: 1e-6, atol: 1e-7, what: `${at}: buffer ${bn}` });
    });
  });
}

test("Unflatten prints and fails as PyTorch does", () => {
  const misc = gradFixture.misc;
  assert.equal(new nn.Unflatten(1, [2, 3]).toString(), misc["Unflatten repr"]);
  const cases: Array<[string, () => unknown, new (...a: never[]) => Error]> = [
    ["Unflatten sizes do not multiply up", () => new nn.Unflatten(1, [2, 3]).forward(ones(2, 7)), RuntimeError],
    ["Unflatten -1 does not divide", () => new nn.Unflatten(1, [2, -1]).forward(ones(2, 7)), RuntimeError],
    // PyTorch's IndexError is a RangeError here, as for every dimension check in paramlab.
    ["Unflatten dim out of range", () => new nn.Unflatten(3, [2, 3]).forward(ones(2, 6)), RangeError],
    ["Unflatten float size", () => new nn.Unflatten(1, [2, 3.5]), TypeError],
  ];
  for (const [key, fn, cls] of cases) assertThrowsMessage(fn, cls, misc[key][1]);
});

test("a frozen conv weight gets no gradient; the input and bias still do", () => {
  const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
  conv.weight.requiresGrad = false;
  const x = ones(1, 2, 4, 4).requiresGrad_();
  conv.forward(x).sum().backward();
  assert.equal(conv.weight.grad, null);
  assert.ok(x.grad && conv.bias!.grad);
  // Each output position contributes 1 to its channel's bias: 16 positions.
  assert.deepEqual([...conv.bias!.grad!.data], [16, 16, 16]);
});

test("Dropout(inplace=true) on a tensor that requires grad works out of place, gradient through the mask", () => {
  const drop = new nn.Dropout(0.5, true);
  const x = ones(4, 4).requiresGrad_();
  manualSeed(3);
  const y = drop.forward(x);
  assert.notEqual(y, x);
  assert.deepEqual([...x.data], new Array(16).fill(1), "input untouched");
  y.backward(ones(4, 4));
  // The gradient is the mask times 1/(1-p): exactly the output for an input of ones.
  assert.deepEqual([...x.grad!.data], [...y.data]);
  assert.ok(y.data.some((v) => v === 0) && y.data.some((v) => v === 2));
});
