import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, zeros, ValueError } from "../../lib/index.js";
import { assertClose } from "../util.js";
import { nnFixture } from "./fixture.js";
import { erf } from "../../lib/tensor/special.js";

const { init } = nn;

const calls: Record<string, () => { data: Float32Array; shape: number[] }> = {
  "uniform_(empty(3, 4), -2, 3)": () => init.uniform_(zeros(3, 4), -2, 3),
  "normal_(empty(20), 1, 0.5)": () => init.normal_(zeros(20), 1, 0.5),
  "xavier_uniform_(empty(3, 5))": () => init.xavierUniform_(zeros(3, 5)),
  "xavier_normal_(empty(4, 6), gain=2)": () => init.xavierNormal_(zeros(4, 6), 2),
  "kaiming_uniform_(empty(8, 3, 3, 3), fan_out relu)": () => init.kaimingUniform_(zeros(8, 3, 3, 3), { mode: "fan_out", nonlinearity: "relu" }),
  "kaiming_normal_(empty(16, 4))": () => init.kaimingNormal_(zeros(16, 4)),
  "kaiming_normal_(empty(2, 3)) scalar path": () => init.kaimingNormal_(zeros(2, 3)),
  "trunc_normal_(empty(40), std=0.5)": () => init.truncNormal_(zeros(40), 0, 0.5),
  "eye_(empty(3, 5))": () => init.eye_(zeros(3, 5)),
  "dirac_(empty(4, 2, 3, 3), groups=2)": () => init.dirac_(zeros(4, 2, 3, 3), 2),
  "orthogonal_(empty(6, 4))": () => init.orthogonal_(zeros(6, 4)),
  "orthogonal_(empty(3, 2, 4), gain=2)": () => init.orthogonal_(zeros(3, 2, 4), 2),
  "sparse_(empty(10, 4), 0.3)": () => init.sparse_(zeros(10, 4), 0.3),
};

for (const [name, expected] of Object.entries(nnFixture.init)) {
  test(`init.${name} equals PyTorch after the same seed`, () => {
    const seeds: Record<string, number> = {
      "uniform_(empty(3, 4), -2, 3)": 40, "normal_(empty(20), 1, 0.5)": 41, "xavier_uniform_(empty(3, 5))": 42,
      "xavier_normal_(empty(4, 6), gain=2)": 43, "kaiming_uniform_(empty(8, 3, 3, 3), fan_out relu)": 44,
      "kaiming_normal_(empty(16, 4))": 45, "kaiming_normal_(empty(2, 3)) scalar path": 46,
      "trunc_normal_(empty(40), std=0.5)": 47, "eye_(empty(3, 5))": 0, "dirac_(empty(4, 2, 3, 3), groups=2)": 0,
      "orthogonal_(empty(6, 4))": 48, "orthogonal_(empty(3, 2, 4), gain=2)": 49, "sparse_(empty(10, 4), 0.3)": 50,
    };
    manualSeed(seeds[name]);
    const t = calls[name]();
    assert.deepEqual(t.shape, expected.shape);
    if (name.startsWith("orthogonal_")) {
      // QR is computed in double here and in float32 by PyTorch: equal to float32 precision.
      assertClose(t.data, expected.values, { rtol: 1e-6, atol: 1e-6, what: name });
    } else {
      assert.deepEqual(Array.from(t.data), expected.values);
    }
  });
}

test("every recorded init call has a paramlab call", () => {
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(nnFixture.init).sort());
});

test("calculateGain and fan computation equal PyTorch's", () => {
  for (const [key, g] of Object.entries(nnFixture.gains)) {
    const [name, param] = key.split(" ");
    assert.equal(init.calculateGain(name as nn.init.Nonlinearity, param === undefined ? undefined : Number(param)), g, key);
  }
  assert.deepEqual(init.calculateFanInAndFanOut(zeros(8, 3, 5, 5)), nnFixture.fans["(8, 3, 5, 5)"]);
});

test("init functions reject bad arguments with PyTorch's messages", () => {
  const e = nnFixture.errors;
  assert.throws(() => init.calculateGain("foo" as never), (x: unknown) => x instanceof ValueError && (x as Error).message === e["init.calculate_gain('foo')"]);
  assert.throws(() => init.kaimingUniform_(zeros(2, 2), { mode: "fan_avg" as never }), { message: e["kaiming_uniform_ mode='fan_avg'"] });
  assert.throws(() => init.xavierUniform_(zeros(3)), (x: unknown) => (x as Error).message.startsWith(e["xavier_uniform_ on 1-d"]));
  assert.throws(() => init.calculateGain("leaky_relu", Number.NaN), /negative_slope NaN not a valid number/);
  assert.throws(() => init.uniform_([1, 2] as never), /uniform_\(\) expects a Tensor, got \[1,2\]/);
  assert.throws(() => init.eye_(zeros(2, 2, 2)), /Only tensors with 2 dimensions are supported \(got 3-d shape \[2, 2, 2\]\)/);
});

test("a zero-element weight is left alone (PyTorch warns and returns)", () => {
  manualSeed(0);
  const t = zeros(0, 4);
  assert.equal(init.kaimingUniform_(t), t);
});

test("erf is accurate to double precision at known points", () => {
  // erf(0.5), erf(1), erf(2), erf(3) from Abramowitz & Stegun table 7.1.
  assertClose([0.5, 1, 2, 3, -1].map(erf), [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -0.8427007929497149], { rtol: 1e-14, atol: 1e-16 });
});
