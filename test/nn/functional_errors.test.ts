/** Bad arguments to the functional layers fail where they enter, in torch 1.13's words (nn_grad_fixtures.py `misc`). */
import { test } from "node:test";
import { nn, ones, RuntimeError, Tensor, ValueError } from "../../lib/index.js";
import { assertThrowsMessage } from "../util.js";
import { gradFixture } from "./fixture.js";

const F = nn.functional;
const x = ones(1, 4, 5, 5);
const w = ones(6, 4, 3, 3);

const recorded: Array<[string, () => unknown]> = [
  ["F.conv2d bias of 5 for 6 channels", () => F.conv2d(x, w, ones(5))],
  ["F.conv2d stride=0", () => F.conv2d(x, w, null, { stride: 0 })],
  ["F.conv2d padding=-1", () => F.conv2d(x, w, null, { padding: -1 })],
  ["F.conv2d dilation=0", () => F.conv2d(x, w, null, { dilation: 0 })],
  ["F.conv2d groups=0", () => F.conv2d(x, ones(6, 2, 3, 3), null, { groups: 0 })],
  ["F.conv2d groups=2, 5 output channels", () => F.conv2d(x, ones(5, 2, 3, 3), null, { groups: 2 })],
  ["F.conv2d padding='same' stride=2", () => F.conv2d(x, w, null, { stride: 2, padding: "same" })],
  ["F.conv2d padding='full'", () => F.conv2d(x, w, null, { padding: "full" as never })],
  ["F.layer_norm weight of 4 for [3]", () => F.layerNorm(ones(2, 3), [3], ones(4))],
];

for (const [key, fn] of recorded) {
  test(`${key} fails with PyTorch's message`, () => {
    const [cls, message] = gradFixture.misc[key] as [string, string];
    assertThrowsMessage(fn, cls === "RuntimeError" ? RuntimeError : Error, message);
  });
}

test("F.conv2d names a weight of the wrong kind or rank, and an unknown padding mode", () => {
  assertThrowsMessage(() => F.conv2d(x, [1, 2] as unknown as Tensor), TypeError, "conv2d(): argument 'weight' must be a Tensor, got [1,2]");
  assertThrowsMessage(() => F.conv1d(ones(1, 4, 5), w), RuntimeError, "conv1d(): expected a 3-dimensional weight (out_channels, in_channels / groups, kW), but got weight of size [6, 4, 3, 3]");
  assertThrowsMessage(
    () => F.conv2d(x, w, null, { padding: 1, padding_mode: "mirror" as never }),
    ValueError,
    `padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode="mirror"`,
  );
});

test("F.embedding and F.batchNorm name a table or input of the wrong rank", () => {
  // PyTorch says "'weight' must be 2-D"; paramlab adds the size it got.
  assertThrowsMessage(() => F.embedding([0], ones(3)), RuntimeError, gradFixture.misc["F.embedding 1-d weight"][1] + " (got weight of size [3])");
  assertThrowsMessage(() => F.batchNorm(ones(3), null, null, { training: true }), RangeError, "batch_norm(): expected an input with a channel dimension (N, C, *), but got input of size [3]");
});
