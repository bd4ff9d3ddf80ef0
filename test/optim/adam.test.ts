import { parityTests } from "./fixtures.js";
import { test } from "node:test";
import { nn, optim, RuntimeError, tensor, ValueError } from "../../lib/index.js";
import * as msg from "../../lib/optim/messages.js";
import { assertThrowsMessage } from "../util.js";

parityTests("Adam");


test("Adam rejects capturable / differentiable = true (PyTorch kernels paramlab does not have)", () => {
  const p = new nn.Parameter(tensor([1]));
  assertThrowsMessage(() => new optim.Adam([p], { capturable: true }), ValueError, msg.unsupportedFlag("Adam", "capturable"));
  assertThrowsMessage(() => new optim.Adam([p], { differentiable: true }), ValueError, msg.unsupportedFlag("Adam", "differentiable"));
});

test("Adam rejects fused and foreach both true with PyTorch's RuntimeError", () => {
  const p = new nn.Parameter(tensor([1]));
  assertThrowsMessage(() => new optim.Adam([p], { fused: true, foreach: true }), RuntimeError, msg.fusedAndForeach());
});
