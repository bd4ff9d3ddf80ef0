import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sparkline } from "../../lib/display/sparkline.js";
import { parseHtml } from "./helpers.js";

/** The drawn points of each path, as [x, y] pairs. */
function points(svg: string): number[][][] {
  return parseHtml(svg)
    .querySelectorAll("path")
    .map((p) => [...p.getAttribute("d")!.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
}

describe("sparkline", () => {
  it("puts the largest value on the top edge and zero on the bottom edge", () => {
    // Plot area: x from 64 to 512 (520 - 64 - 8 wide), y from 22 (top) to 120 - 22 = 98 (bottom).
    const svg = sparkline([{ name: "g", x: [10, 11, 12, 13], y: [0.4, 0.2, 0.1, 0] }], "lr");
    assert.deepEqual(points(svg), [[[64, 22], [213.3, 60], [362.7, 79], [512, 98]]]);
    const labels = parseHtml(svg).querySelectorAll("text").map((t) => t.text);
    assert.ok(labels.includes("step 10") && labels.includes("13") && labels.includes("0.4") && labels.includes("0"), labels.join(" | "));
  });

  it("a legend moves the plot area down; gaps (null, NaN) split the line", () => {
    // With two series the plot area starts at y = 36: height 120 - 36 - 22 = 62.
    const svg = sparkline(
      [
        { name: "a", x: [0, 1, 2, 3], y: [1, null, 1, 1] },
        { name: "b <i>", x: [0, 1, 2, 3], y: [0, 0.5, Number.NaN, 0] },
      ],
      "two",
    );
    assert.deepEqual(points(svg), [[[64, 36], [362.7, 36], [512, 36]], [[64, 98], [213.3, 67], [512, 98]]]);
    const d = parseHtml(svg).querySelectorAll("path").map((p) => p.getAttribute("d"));
    assert.match(d[0]!, /^M64\.0,36\.0M362\.7,36\.0L512\.0,36\.0$/);
    assert.match(svg, /b &lt;i&gt;/, "names are escaped");
  });

  it("log scale spans the positive values' decades and leaves out values <= 0", () => {
    const svg = sparkline([{ name: "g", x: [0, 1, 2, 3], y: [1, 0.1, 0.01, 0] }], "log", { log: true });
    // log10: 0, -1, -2 over a 76 px high area: y = 22, 60, 98; the 0 is left out.
    assert.deepEqual(points(svg), [[[64, 22], [213.3, 60], [362.7, 98]]]);
  });

  it("keeps the extremes of a long series while drawing at most 600 points", () => {
    const y = Float64Array.from({ length: 100_000 }, (_, i) => (i === 54_321 ? 5 : Math.sin(i / 1000)));
    const x = Float64Array.from({ length: y.length }, (_, i) => i);
    const [pts] = points(sparkline([{ name: "g", x, y }], "long"));
    assert.ok(pts.length <= 600, `${pts.length} points`);
    assert.ok(pts.some(([, py]) => py === 22), "the spike at 54,321 reaches the top edge");
  });

  it("says so when there is no finite value, still as an SVG", () => {
    const svg = sparkline([{ name: "g", x: [0, 1], y: [Number.NaN, Infinity] }], "lr");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /no finite value to draw/);
    assert.equal(points(svg).length, 0);
  });
});
