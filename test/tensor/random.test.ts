import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Generator, manualSeed, rand, randn, randint, randperm, Tensor, initialSeed, zeros, seed, getRngState, setRngState } from "../../lib/index.js";
import { bernoulliFill, normalFill, uniformFill } from "../../lib/tensor/random.js";

// Recorded from torch 1.13 by test/fixtures/tensor_random.py.
const fixture = JSON.parse(readFileSync(join(__dirname, "../fixtures/tensor_random.json"), "utf8")) as {
  cases: Array<{ name: string; seed: number; shape: number[]; values: number[] }>;
  generator: { seed: number; rand4: number[]; randn4: number[] };
};

const fill = (n: number, f: (d: Float32Array) => void) => {
  const d = new Float32Array(n);
  f(d);
  return new Tensor(d, [n]);
};
const cat = (...ts: Tensor[]) => new Tensor(Float32Array.from(ts.flatMap((t) => Array.from(t.data))), [ts.reduce((n, t) => n + t.numel, 0)]);

const calls: Record<string, () => Tensor> = {
  "rand(5)": () => rand(5),
  "rand(3, 4)": () => rand(3, 4),
  "randn(5) scalar path": () => randn(5),
  "randn(15) scalar path": () => randn([15]),
  "randn(16) one block": () => randn(16),
  "randn(37) tail block recomputed": () => randn(37),
  "randn(2000) seed 7": () => randn(2000),
  "randn(3) then randn(3) uses the cached normal": () => cat(randn(3), randn(3)),
  "rand(2) then randn(20)": () => cat(rand(2), randn(20)),
  "uniform_(-0.57735, 0.57735) x 500": () => fill(500, (d) => uniformFill(d, -1 / 3 ** 0.5, 1 / 3 ** 0.5)),
  "normal_(0.3, 0.02) x 300": () => fill(300, (d) => normalFill(d, 0.3, 0.02)),
  "normal_(1.5, 2) x 7": () => fill(7, (d) => normalFill(d, 1.5, 2)),
  "bernoulli_(0.3) x 50": () => fill(50, (d) => bernoulliFill(d, 0.3)),
  "large seed 2**40+5": () => rand(4),
  "randint(0, 10, (8,))": () => randint(0, 10, [8]),
  "randint(-5, 1000003, (2, 3))": () => randint(-5, 1000003, [2, 3]),
  "randperm(10)": () => randperm(10),
  "randperm(57)": () => randperm(57),
  "t.uniform_(2, 4) then t.normal_() then t.bernoulli_(0.7)": () => cat(zeros(5).uniform_(2, 4), zeros(17).normal_(), zeros(6).bernoulli_(0.7)),
};

for (const c of fixture.cases) {
  test(`${c.name} with manualSeed(${c.seed}) equals torch bit for bit`, () => {
    manualSeed(c.seed);
    const t = calls[c.name]();
    assert.deepEqual(t.shape.length ? t.shape : [t.numel], c.shape.length ? c.shape : [t.numel]);
    // Float32 values written to JSON as doubles round-trip exactly.
    assert.deepEqual(Array.from(t.data), c.values);
  });
}

test("every recorded case has a paramlab call", () => {
  assert.deepEqual(fixture.cases.map((c) => c.name).sort(), Object.keys(calls).sort());
});

test("a Generator object is independent of the default generator", () => {
  const g = new Generator().manualSeed(fixture.generator.seed);
  manualSeed(0);
  const before = rand(2).data.slice();
  assert.deepEqual(Array.from(rand([4], { generator: g }).data), fixture.generator.rand4);
  assert.deepEqual(Array.from(randn([4], { generator: g }).data), fixture.generator.randn4);
  manualSeed(0);
  assert.deepEqual(rand(2).data, before);
});

test("getState / setState replays the same numbers, including a cached normal", () => {
  const g = new Generator(3);
  randn([1], { generator: g }); // leaves the second Box-Muller value cached
  const state = g.getState();
  const a = randn([5], { generator: g }).data;
  g.setState(state);
  assert.deepEqual(randn([5], { generator: g }).data, a);
  assert.throws(() => g.setState({} as never), /setState\(\): expected a state from getState\(\)/);
});

test("seeds: negatives wrap to unsigned 64-bit, non-integers are refused", () => {
  manualSeed(-1);
  assert.equal(initialSeed(), 2n ** 64n - 1n);
  assert.throws(() => manualSeed(1.5), /manual_seed expected an integer seed, got 1.5/);
  assert.throws(() => manualSeed(2n ** 64n), /Overflow/);
  assert.equal(String(new Generator(7)), "Generator(seed=7)");
});

test("bad sizes and arguments name what was given", () => {
  assert.throws(() => rand(2, -1), /rand\(\): size must contain non-negative integers, got \[2,-1\]/);
  assert.throws(() => normalFill(new Float32Array(3), 0, -1), /normal expects std >= 0.0, but found std -1/);
  assert.throws(() => uniformFill(new Float32Array(3), 1, 0), /uniform_ expects to return a \[from, to\) range, but found from=1 > to=0/);
  assert.throws(() => bernoulliFill(new Float32Array(3), 1.5), /bernoulli_ expects p to be in \[0, 1\], but got p=1.5/);
  assert.throws(() => rand([2], { generator: 5 as never }), /rand\(\)|generator must be a Generator/);
});

test("randint and randperm reject bad arguments", () => {
  assert.throws(() => randint(3, 3, [2]), /random_ expects 'from' to be less than 'to', but got from=3 >= to=3/);
  assert.throws(() => randint(0, 1.5, [2]), /random_ expects integer bounds, got from=0, to=1.5/);
  assert.throws(() => randperm(-1), /randperm\(\): n must be a non-negative integer, got -1/);
});

test("seed() picks a fresh seed that manualSeed replays; getRngState / setRngState restore the default stream", () => {
  const s = seed();
  assert.equal(initialSeed(), s);
  const a = rand(4).data.slice();
  manualSeed(s);
  assert.deepEqual(rand(4).data, a);
  const state = getRngState();
  const b = randn(5).data.slice();
  setRngState(state);
  assert.deepEqual(randn(5).data, b);
});
