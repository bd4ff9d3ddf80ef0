/**
 * One dialect for layer options (issue 14 item 7): PyTorch's keyword names; the old camelCase
 * spellings still work, with one DeprecationWarning per spelling.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, tensor, ValueError } from "../../lib/index.js";
import { conflictingOptionMessage, deprecatedOptionMessage, resetOptionWarnings } from "../../lib/nn/_options.js";
import { assertThrowsMessage } from "../util.js";

/** Runs `fn`, returning the warnings process.emitWarning was given. */
function captureWarnings(fn: () => void): Array<{ message: string; type: string | undefined }> {
  const seen: Array<{ message: string; type: string | undefined }> = [];
  const original = process.emitWarning;
  process.emitWarning = ((w: string | Error, type?: string | { type?: string }) => {
    seen.push({ message: String(w instanceof Error ? w.message : w), type: typeof type === "string" ? type : type?.type });
  }) as typeof process.emitWarning;
  try {
    fn();
  } finally {
    process.emitWarning = original;
  }
  return seen;
}

// [PyTorch name, old spelling, layer that reports it, PyTorch-named build, old-named build, what must agree]
const table: Array<[string, string, string, () => nn.Module, () => nn.Module, (m: nn.Module) => unknown]> = [
  ["padding_mode", "paddingMode", "Conv2d", () => new nn.Conv2d(1, 1, 3, { padding_mode: "reflect" }), () => new nn.Conv2d(1, 1, 3, { paddingMode: "reflect" }), (m) => (m as nn.Conv2d).paddingMode],
  ["padding_idx", "paddingIdx", "Embedding", () => new nn.Embedding(4, 2, { padding_idx: 1 }), () => new nn.Embedding(4, 2, { paddingIdx: 1 }), (m) => (m as nn.Embedding).paddingIdx],
  ["max_norm", "maxNorm", "Embedding", () => new nn.Embedding(4, 2, { max_norm: 2 }), () => new nn.Embedding(4, 2, { maxNorm: 2 }), (m) => (m as nn.Embedding).maxNorm],
  ["norm_type", "normType", "Embedding", () => new nn.Embedding(4, 2, { norm_type: 1 }), () => new nn.Embedding(4, 2, { normType: 1 }), (m) => (m as nn.Embedding).normType],
  ["scale_grad_by_freq", "scaleGradByFreq", "Embedding", () => new nn.Embedding(4, 2, { scale_grad_by_freq: true }), () => new nn.Embedding(4, 2, { scaleGradByFreq: true }), (m) => (m as nn.Embedding).scaleGradByFreq],
  ["ceil_mode", "ceilMode", "MaxPool2d", () => new nn.MaxPool2d(2, { ceil_mode: true }), () => new nn.MaxPool2d(2, { ceilMode: true }), (m) => m.toString()],
  ["count_include_pad", "countIncludePad", "AvgPool2d", () => new nn.AvgPool2d(2, { count_include_pad: false }), () => new nn.AvgPool2d(2, { countIncludePad: false }), (m) => (m as nn.AvgPool2d).countIncludePad],
  ["elementwise_affine", "elementwiseAffine", "LayerNorm", () => new nn.LayerNorm(3, { elementwise_affine: false }), () => new nn.LayerNorm(3, { elementwiseAffine: false }), (m) => m.toString()],
  ["track_running_stats", "trackRunningStats", "BatchNorm1d", () => new nn.BatchNorm1d(3, { track_running_stats: false }), () => new nn.BatchNorm1d(3, { trackRunningStats: false }), (m) => m.toString()],
];

for (const [name, old, layer, build, buildOld, read] of table) {
  test(`${layer} takes ${name}; ${old} still works with one DeprecationWarning`, () => {
    resetOptionWarnings();
    const fresh = captureWarnings(() => build());
    assert.deepEqual(fresh, [], `${name} warns about nothing`);
    let viaOld: nn.Module | undefined;
    const first = captureWarnings(() => {
      viaOld = buildOld();
    });
    assert.deepEqual(first, [{ message: deprecatedOptionMessage(old, name, layer), type: "DeprecationWarning" }]);
    assert.deepEqual(read(viaOld!), read(build()), `${old} means the same as ${name}`);
    assert.deepEqual(captureWarnings(() => buildOld()), [], "the warning is shown once");
  });
}

test("giving both spellings of one option is a ValueError naming both", () => {
  assertThrowsMessage(() => new nn.Conv1d(1, 1, 3, { padding_mode: "reflect", paddingMode: "zeros" }), ValueError, conflictingOptionMessage("paddingMode", "padding_mode", "Conv1d"));
});

test("the functional forms take PyTorch's names too", () => {
  resetOptionWarnings();
  const F = nn.functional;
  const x = tensor([[[1, 2, 3, 4, 5]]]);
  const warnings = captureWarnings(() => {
    assert.deepEqual(F.avgPool1d(x, 2, { ceil_mode: true, count_include_pad: false }).tolist(), [[[1.5, 3.5, 5]]]);
    assert.deepEqual(F.maxPool1d(x, 2, { ceil_mode: true }).tolist(), [[[2, 4, 5]]]);
    assert.deepEqual(F.embedding([1], tensor([[0, 0], [3, 4]]), { max_norm: 1 }).tolist(), [[0.6000000238418579, 0.800000011920929]]);
  });
  assert.deepEqual(warnings, []);
  const old = captureWarnings(() => F.avgPool1d(x, 2, { countIncludePad: false }));
  assert.deepEqual(old.map((w) => w.message), [deprecatedOptionMessage("countIncludePad", "count_include_pad", "avg_pool1d")]);
});

test("boolean options given another kind of value are a TypeError naming the option", () => {
  const x = tensor([[[1, 2, 3, 4]]]);
  assertThrowsMessage(() => nn.functional.avgPool1d(x, 2, { count_include_pad: "no" as never }), TypeError, 'avg_pool1d: count_include_pad must be a boolean, got "no"');
  assertThrowsMessage(() => nn.functional.maxPool1d(x, 2, { ceil_mode: 1 as never }), TypeError, "max_pool1d: ceil_mode must be a boolean, got 1");
  assertThrowsMessage(() => new nn.AvgPool2d(2, { ceil_mode: "yes" as never }), TypeError, 'AvgPool2d: ceil_mode must be a boolean, got "yes"');
  assertThrowsMessage(() => new nn.LayerNorm(3, { bias: 0 as never }), TypeError, "LayerNorm: bias must be a boolean, got 0");
  assertThrowsMessage(() => new nn.BatchNorm2d(3, { track_running_stats: "yes" as never }), TypeError, 'BatchNorm2d: track_running_stats must be a boolean, got "yes"');
});
