import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nn, optim, zeros } from "../../lib/index.js";
import { groupParameterNames, liveParameterNames } from "../../lib/display/naming.js";

class Encoder extends nn.Module {
  proj = new nn.Linear(3, 3);
}
class Model extends nn.Module {
  encoder = new Encoder();
  head = new nn.Linear(3, 1);
}

describe("parameter names without the model", () => {
  it("names a parameter by its path from the outermost live module", () => {
    const model = new Model();
    const names = liveParameterNames(new Set(model.parameters()));
    assert.equal(names.get(model.encoder.proj.weight), "encoder.proj.weight");
    assert.equal(names.get(model.head.bias!), "head.bias");
  });

  it("prefers param_names, then the model given, then live modules", () => {
    const model = new Model();
    const loose = new nn.Parameter(zeros(2));
    const opt = new optim.SGD([{ params: [model.head.weight, model.head.bias!, loose], lr: 0.1 }]);
    const names = groupParameterNames(opt.paramGroups, model.encoder);
    assert.equal(names.get(model.head.weight), "head.weight");
    assert.equal(names.has(loose), false, "a parameter of no module has no name");
    const named = new optim.SGD([["custom", model.head.weight] as const], { lr: 0.1 });
    assert.equal(groupParameterNames(named.paramGroups, model).get(model.head.weight), "custom");
    // Given a submodule as the model, its own paths win.
    const opt2 = new optim.SGD(model.encoder.parameters(), { lr: 0.1 });
    assert.equal(groupParameterNames(opt2.paramGroups, model.encoder).get(model.encoder.proj.weight), "proj.weight");
  });

  it("uses the newest root when an old copy of a model still holds the parameter", () => {
    const layer = new nn.Linear(2, 2);
    const old = new nn.Sequential(layer);
    const wrapped = new nn.Module();
    wrapped.registerModule("body", layer);
    assert.ok(old); // keeps the first root alive
    assert.equal(liveParameterNames(new Set([layer.weight])).get(layer.weight), "body.weight");
  });
});
