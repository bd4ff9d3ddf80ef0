/**
 * The tutorials' prose promises only what every front end shows: where it mentions hovering over a
 * chart, it also says that classic Notebook and nbconvert show a PNG (issue 12 item 15).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(__dirname, "..", "..", "notebooks");

test("markdown that mentions hover tooltips says what each front end shows", () => {
  const offenders: string[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(join(DIR, file), "utf8")) as { cells: Array<{ cell_type: string; source: string | string[] }> };
    nb.cells.forEach((cell, i) => {
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      if (cell.cell_type !== "markdown" || !/\bhover/i.test(text)) return;
      if (!(/JupyterLab/.test(text) && /PNG/.test(text) && /classic Notebook/i.test(text))) offenders.push(`${file} cell ${i + 1}`);
    });
  }
  assert.deepEqual(offenders, []);
});
