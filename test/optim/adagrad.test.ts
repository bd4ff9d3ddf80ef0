import { fixtures, parityTests, TOL } from "./fixtures.js";
import { assertClose } from "../util.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, Tensor } from "../../lib/index.js";

parityTests("Adagrad");


interface AdagradGroupFixture {
  initial: number[][];
  options: Record<string, number>;
  group_options: Array<Record<string, number>>;
  initial_sums: number[][];
  group_initial_accumulator_value: number[];
  grads: number[][][];
  trajectory: number[][][];
  final_sums: number[][];
}

test("Adagrad fills sum from the constructor's initial_accumulator_value in every group, even one that sets its own (PyTorch)", () => {
  const fx = (fixtures as unknown as { adagrad_group_initial_accumulator: AdagradGroupFixture }).adagrad_group_initial_accumulator;
  const ps = fx.initial.map((v) => new nn.Parameter(tensor(v)));
  const opt = new optim.Adagrad(
    fx.group_options.map((g, i) => ({ ...g, params: [ps[i]] })),
    fx.options,
  );
  ps.forEach((p, i) => {
    const s = opt.state.get(p)!;
    assert.equal(s.step, 0, "state is made at construction");
    assert.deepEqual(Array.from((s.sum as Tensor).data), fx.initial_sums[i]);
  });
  assert.deepEqual(opt.paramGroups.map((g) => g.initial_accumulator_value), fx.group_initial_accumulator_value);
  fx.grads.forEach((gs, step) => {
    ps.forEach((p, i) => (p.grad = tensor(gs[i])));
    opt.step();
    ps.forEach((p, i) => assertClose(p.data, fx.trajectory[step][i], { ...TOL, what: `step ${step + 1} param ${i}` }));
  });
  ps.forEach((p, i) => assertClose((opt.state.get(p)!.sum as Tensor).data, fx.final_sums[i], { ...TOL, what: `sum ${i}` }));
});

test("Adagrad gives a group added later the same state (Porting note: PyTorch fails at its first step), sum from the constructor's value", () => {
  const opt = new optim.Adagrad([new nn.Parameter(tensor([1, 2]))], { initial_accumulator_value: 0.25 });
  const late = new nn.Parameter(tensor([5]));
  opt.addParamGroup({ params: [late], initial_accumulator_value: 1 });
  assert.equal(opt.state.get(late)!.step, 0);
  assert.deepEqual(Array.from((opt.state.get(late)!.sum as Tensor).data), [0.25]);
});
