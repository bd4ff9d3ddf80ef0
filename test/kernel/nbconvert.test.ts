/**
 * `jupyter nbconvert --to notebook --execute` of a notebook with 24 output cells loses no output,
 * 10 runs in a row (iopub ordering: every output is published before the cell's idle status).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { hasJupyter, JUPYTER, jupyterEnv, KERNEL_NAME } from "./jupyter.js";

const skip = hasJupyter("nbconvert") ? false : "jupyter nbconvert is not installed";
const RUNS = Number(process.env.NBCONVERT_RUNS ?? 10);

interface Cell {
  source: string;
  /** What the executed cell must contain, by construction of its source. */
  expect: { stream?: string; result?: string; displays?: number; updates?: boolean };
}

function cells(): Cell[] {
  const out: Cell[] = [];
  for (let i = 0; i < 8; i++) {
    out.push({ source: `console.log("line ${i}");\nconsole.log("more ${i}");\n${i} * ${i}`, expect: { stream: `line ${i}\nmore ${i}\n`, result: String(i * i) } });
  }
  for (let i = 0; i < 6; i++) {
    out.push({ source: `for (let j = 0; j < 50; j++) process.stdout.write(String(j % 10));\ndisplay("shown ${i}");\n"done ${i}"`, expect: { stream: "0123456789".repeat(5), displays: 1, result: `'done ${i}'` } });
  }
  for (let i = 0; i < 4; i++) {
    out.push({ source: `const h${i} = display("0", { display_id: true });\nfor (let s = 1; s <= 3; s++) { await new Promise((r) => setTimeout(r, 2)); h${i}.update(String(s)); }\nconsole.log("updated ${i}")`, expect: { stream: `updated ${i}\n`, displays: 1, updates: true } });
  }
  for (let i = 0; i < 4; i++) {
    out.push({ source: `setTimeout(() => console.log("timer ${i}"), 1);\nawait new Promise((r) => setTimeout(r, 30));\nnew Promise((r) => setTimeout(() => r(${i} + 0.5), 5))`, expect: { stream: `timer ${i}\n`, result: String(i + 0.5) } });
  }
  out.push({ source: "const lin = new nn.Linear(2, 2);\nlin", expect: { result: "*" } });
  out.push({ source: "new optim.Adam(lin.parameters(), { lr: 1e-3 })", expect: { result: "*" } });
  return out;
}

function notebook(list: Cell[]): unknown {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: KERNEL_NAME, display_name: "TypeScript (paramlab, test)", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: list.map((c, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source: c.source })),
  };
}

describe("nbconvert --execute", { skip, timeout: 600_000 }, () => {
  let env: ReturnType<typeof jupyterEnv>;
  const list = cells();
  before(() => {
    env = jupyterEnv();
    fs.writeFileSync(path.join(env.notebooks, "many.ipynb"), JSON.stringify(notebook(list), null, 1));
  });
  after(() => {
    if (env) fs.rmSync(env.dir, { recursive: true, force: true });
  });

  test(`a ${cells().length}-cell notebook keeps every output, ${RUNS} runs in a row`, () => {
    assert.ok(list.length >= 20);
    for (let run = 1; run <= RUNS; run++) {
      const out = path.join(env.notebooks, `out-${run}.ipynb`);
      const r = spawnSync(
        JUPYTER,
        ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, "--ExecutePreprocessor.timeout=60", "--output", out, path.join(env.notebooks, "many.ipynb")],
        { env: env.env, cwd: env.notebooks, encoding: "utf8", timeout: 120_000 },
      );
      assert.equal(r.status, 0, `run ${run}: nbconvert failed:\n${r.stderr}`);
      const nb = JSON.parse(fs.readFileSync(out, "utf8")) as { cells: { outputs: Record<string, any>[]; execution_count: number }[] };
      nb.cells.forEach((cell, i) => {
        const want = list[i].expect;
        const where = `run ${run}, cell ${i}`;
        assert.equal(cell.execution_count, i + 1, `${where}: execution_count`);
        const streams = cell.outputs.filter((o) => o.output_type === "stream" && o.name === "stdout");
        const text = streams.map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text)).join("");
        assert.equal(text, want.stream ?? "", `${where}: stdout`);
        const results = cell.outputs.filter((o) => o.output_type === "execute_result");
        if (want.result === undefined) assert.equal(results.length, 0, `${where}: unexpected result`);
        else {
          assert.equal(results.length, 1, `${where}: execute_result missing`);
          const plain = results[0].data["text/plain"];
          const value = Array.isArray(plain) ? plain.join("") : plain;
          if (want.result === "*") assert.ok(value && Object.keys(results[0].data).length > 1, `${where}: rich result`);
          else assert.equal(value, want.result, `${where}: result`);
        }
        const displays = cell.outputs.filter((o) => o.output_type === "display_data");
        assert.equal(displays.length, want.displays ?? 0, `${where}: display_data count`);
        if (want.updates) {
          // nbclient applies update_display_data in place: the display shows the last update.
          const plain = displays[0].data["text/plain"];
          assert.equal(Array.isArray(plain) ? plain.join("") : plain, "3", `${where}: updated display`);
        }
        assert.ok(!cell.outputs.some((o) => o.output_type === "error"), `${where}: error output`);
      });
    }
  });
});
