import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { displayWidth, formatBytes, formatCount, formatShapeTuple, formatShort, formatValue, pad } from "../../lib/display/format.js";

describe("display formatting", () => {
  it("writes numbers in JavaScript notation and values as the optimizer prints them", () => {
    assert.equal(formatValue(1e-8), "1e-8");
    assert.equal(formatValue(0.0014142135623730952), "0.0014142135623730952");
    assert.equal(formatValue(-0), "0");
    assert.equal(formatValue([0.9, 0.999]), "(0.9, 0.999)");
    assert.equal(formatValue([1]), "(1,)");
    assert.equal(formatValue(true), "True");
    assert.equal(formatValue(null), "None");
    assert.equal(formatValue("cos"), "cos");
    assert.equal(formatValue(function warmup() {}), "<function warmup>");
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
  });

  it("writes shapes as Python tuples", () => {
    assert.equal(formatShapeTuple([3, 4]), "(3, 4)");
    assert.equal(formatShapeTuple([3]), "(3,)");
    assert.equal(formatShapeTuple([]), "()");
  });

  it("writes counts, sizes and short numbers", () => {
    assert.equal(formatCount(1234567), "1,234,567");
    assert.equal(formatBytes(268), "268 B");
    assert.equal(formatBytes(1536), "1.50 KB");
    assert.equal(formatBytes(3 * 1024 * 1024), "3.00 MB");
    assert.equal(formatShort(0.000123456), "1.235e-4");
    assert.equal(formatShort(0.0123456), "0.01235");
    assert.equal(formatShort(2), "2");
  });

  it("pads by terminal columns (emoji and CJK are two wide)", () => {
    assert.equal(displayWidth("⚠️ x"), 4);
    assert.equal(displayWidth("层"), 2);
    assert.equal(pad("ab", 4), "ab  ");
    assert.equal(pad("7", 3, "right"), "  7");
  });
});
