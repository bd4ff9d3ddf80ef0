import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, ones, zeros } from "../../lib/index.js";
import { nnFixture } from "./fixture.js";

// torch 1.13's print() and names for the same containers (nn_fixtures.py, "parameter_containers").
const rec = (nnFixture as unknown as {
  parameter_containers: {
    ParameterList: { repr: string; names: string[] };
    ParameterDict: { repr: string; names: string[] };
    nested: { repr: string; names: string[]; state_dict_keys: string[] };
    empty: [string, string];
  };
}).parameter_containers;

const makeDict = () => new nn.ParameterDict(new Map([["b", ones(2)], ["10", ones(1, 1)], ["2", ones(3)]]));

test("ParameterList registers '0', '1', ..., wraps tensors and prints as PyTorch", () => {
  const pl = new nn.ParameterList([new nn.Parameter(ones(3, 4)), new nn.Parameter(ones(5), false)]);
  assert.equal(pl.toString(), rec.ParameterList.repr);
  assert.deepEqual(pl.namedParameters().map(([n]) => n), rec.ParameterList.names);
  pl.append(zeros(2));
  assert.ok(pl.get(-1) instanceof nn.Parameter);
  assert.equal(pl.length, 3);
  assert.deepEqual([...pl].map((p) => p.numel), [12, 5, 2]);
  assert.throws(() => pl.get(3), /index 3 is out of range/);
  assert.deepEqual([new nn.ParameterList().toString(), new nn.ParameterDict().toString()], rec.empty);
});

test("ParameterDict keeps insertion order with integer-like keys and prints as PyTorch", () => {
  const pd = makeDict();
  assert.equal(pd.toString(), rec.ParameterDict.repr);
  assert.deepEqual(pd.namedParameters().map(([n]) => n), rec.ParameterDict.names);
  assert.equal(pd.get("10").numel, 1);
  assert.ok(pd.has("2") && !pd.has("3"));
  pd.pop("b");
  assert.deepEqual(pd.keys(), ["10", "2"]);
  assert.throws(() => pd.get("b"), /"b" \(keys: "10", "2"\)/);
  assert.throws(() => pd.set("x", 3 as never), /ParameterDict: value for "x": expected a Parameter or Tensor, got 3/);
  pd.clear();
  assert.equal(pd.length, 0);
  assert.deepEqual(new nn.ParameterDict([["w", ones(1)]]).keys(), ["w"]);
  assert.deepEqual(new nn.ParameterDict({ a: ones(1), b: zeros(2) }).keys(), ["a", "b"]);
});

test("parameter containers inside a model: repr, names and state-dict order equal PyTorch's", () => {
  class M extends nn.Module {
    ps = new nn.ParameterList([zeros(2)]);
    pd = makeDict();
    fc = new nn.Linear(1, 1);
  }
  const m = new M();
  assert.equal(m.toString(), rec.nested.repr);
  assert.deepEqual(m.namedParameters().map(([n]) => n), rec.nested.names);
  assert.deepEqual(Object.keys(m.stateDict()), rec.nested.state_dict_keys);
});
