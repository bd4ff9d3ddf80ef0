/**
 * Issue 12, kernel items 1-9: what a demanding (or hostile) notebook does to a cell, driven through
 * a real kernel process over ZeroMQ (test/kernel/client.ts), each with the reply and outputs a
 * Jupyter frontend would see.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Message } from "../../kernel/wire.js";
import { NO_STDIN_MESSAGE, STDIN_MESSAGE, systemExitMessage } from "../../kernel/server.js";
import { KernelClient, resultText, streamText } from "./client.js";
import { assertSpecShape } from "./spec.js";

type ErrorContent = { ename: string; evalue: string; traceback: string[] };
const errorsOf = (ms: Message[]) => ms.filter((m) => m.header.msg_type === "error").map((m) => m.content as ErrorContent);

/** The display timeout the kernel under test runs with (PARAMLAB_DISPLAY_TIMEOUT_MS). */
const DISPLAY_TIMEOUT_MS = 1500;

let k: KernelClient;

describe("kernel cells (issue 12)", { timeout: 240_000 }, () => {
  before(async () => {
    k = await KernelClient.started({ env: { ...process.env, PARAMLAB_DISPLAY_TIMEOUT_MS: String(DISPLAY_TIMEOUT_MS) } });
  });
  after(async () => {
    await k?.close();
  });

  // Must stay the first cell of this kernel: the README's first example.
  test("1. importing preloaded names works in the first cell and again later", async () => {
    const first = await k.execute('import { nn, optim, manualSeed, visualizeOptimizerParamGroups } from "paramlab";\nmanualSeed(0);\nconst lin = new nn.Linear(2, 1);\ntypeof visualizeOptimizerParamGroups');
    assert.equal(first.reply.content.status, "ok", JSON.stringify(errorsOf(first.outputs)));
    assert.equal(resultText(first.outputs), "'function'");
    const again = await k.execute('import { nn, optim, tensor } from "paramlab";\nnew optim.Adam(lin.parameters()).paramGroups[0].lr');
    assert.equal(again.reply.content.status, "ok", JSON.stringify(errorsOf(again.outputs)));
    assert.equal(resultText(again.outputs), "0.001");
    const used = await k.execute("lin instanceof nn.Linear && tensor([1]).numel === 1");
    assert.equal(resultText(used.outputs), "true");
  });

  test("2. after an interrupt, a request sent right after the interrupted reply runs", async () => {
    // The window was short (the queue was checked 10 ms after the reply went out): try it often.
    for (let round = 0; round < 6; round++) {
      const id = await k.send(k.message("execute_request", { code: "await new Promise(() => {});", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
      await k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_input");
      await new Promise((r) => setTimeout(r, 100));
      const next = k.message("execute_request", { code: `40 + ${round}`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      // Sent the moment the interrupted reply arrives, as a frontend's next cell is: it was not
      // queued when the error happened.
      const sentNext = k.waitFor((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_reply", 10_000).then((reply) => {
        void k.send(next);
        return reply;
      });
      await k.request("interrupt_request", {}, "control");
      const interrupted = await sentNext;
      assert.equal(interrupted.content.status, "error");
      assert.equal(interrupted.content.ename, "KeyboardInterrupt");
      const r = await k.collect(next.header.msg_id);
      assert.equal(r.reply.content.status, "ok", `round ${round}: the request sent after the reply was ${r.reply.content.status}`);
      assert.equal(resultText(r.outputs), String(40 + round));
    }
  });

  test("3. string results are shown quoted, as Node's REPL shows them", async () => {
    const cases: [string, string][] = [
      ['"a" + "b"', "'ab'"],
      ['"42"', "'42'"],
      ["42", "42"],
      ['"it\'s"', `"it's"`],
      ['"two\\nlines"', "'two\\nlines'"],
      ['["x", 1]', "[ 'x', 1 ]"],
    ];
    for (const [code, want] of cases) {
      const r = await k.execute(code);
      assert.equal(resultText(r.outputs), want, code);
    }
  });

  test("4. process.exit() in a cell is refused with an error; the kernel keeps running", async () => {
    for (const [code, evalue] of [["process.exit(3)", systemExitMessage("process.exit(3)")], ["process.exit()", systemExitMessage("process.exit()")], ["process.abort()", systemExitMessage("process.abort()")]] as const) {
      const r = await k.execute(`let before${code.length} = 1;\n${code};\n"not reached"`);
      assert.equal(r.reply.content.status, "error", code);
      const [err] = errorsOf(r.outputs);
      assert.equal(err.ename, "SystemExit", code);
      assert.equal(err.evalue, evalue);
      assert.match(err.evalue, /Restart/);
      assert.equal(resultText(r.outputs), undefined);
    }
    assert.equal(k.child.exitCode, null);
    assert.equal(resultText((await k.execute("1 + 1")).outputs), "2");
  });

  test("5. any thrown value becomes one valid error output (ename / evalue strings, traceback strings)", async () => {
    const cases: [string, RegExp, RegExp][] = [
      ['const e1 = new Error("x"); (e1 as any).name = {}; throw e1', /^Error$/, /^x$/],
      ['const e2 = new Error("x"); (e2 as any).name = 7; throw e2', /^7$/, /^x$/],
      ['const e3 = new Error("x"); (e3 as any).message = { a: 1 }; throw e3', /^Error$/, /\{ a: 1 \}/],
      ['const e4 = new Error("x"); Object.defineProperty(e4, "message", { get() { throw new Error("getter"); } }); throw e4', /^Error$/, /message getter threw/],
      ['const e5 = new Error("x"); Object.defineProperty(e5, "stack", { get() { throw new Error("getter"); } }); throw e5', /^Error$/, /^x$/],
      ['const e6 = new Error("x"); Object.defineProperty(e6, "name", { get() { throw 1; } }); throw e6', /^Error$/, /^x$/],
      ["throw new Proxy({}, { get() { throw new Error(\"trap\"); }, getPrototypeOf() { throw new Error(\"trap\"); } })", /^(Object|Proxy)$/, /./],
      ["const pr = Proxy.revocable({}, {}); pr.revoke(); throw pr.proxy", /./, /./],
      ['throw Symbol("s")', /^symbol$/, /Symbol\(s\)/],
      ["throw null", /^null$/, /^null$/],
      ["throw undefined", /^undefined$/, /^undefined$/],
      ["throw Object.create(null)", /^Object$/, /./],
      ['throw { name: 5, message: ["m"] }', /^Object$/, /./],
      ['class Weird extends Error { get name(): string { throw new Error("no"); } }\nthrow new Weird("w")', /^(Weird|Error)$/, /^w$/],
    ];
    for (const [code, ename, evalue] of cases) {
      const r = await k.execute(code);
      assert.equal(r.reply.content.status, "error", code);
      assertSpecShape(r.reply);
      const errors = r.outputs.filter((m) => m.header.msg_type === "error");
      assert.equal(errors.length, 1, `${code}: ${errors.length} error outputs`);
      assertSpecShape(errors[0]);
      const err = errors[0].content as ErrorContent;
      assert.match(err.ename, ename, code);
      assert.match(err.evalue, evalue, code);
      assert.ok(err.traceback.length > 0, code);
      assert.equal(r.reply.content.ename, err.ename);
    }
    assert.equal(resultText((await k.execute("2 + 2")).outputs), "4");
  });

  test("6. an unhandled rejection started by a cell is reported within that cell", async () => {
    const r = await k.execute('Promise.reject(new RangeError("lost")); "after"');
    assert.equal(r.reply.content.status, "error");
    const [err] = errorsOf(r.outputs);
    assert.ok(err, "an error output before the cell's idle");
    assert.equal(err.ename, "RangeError");
    assert.equal(err.evalue, "lost");
    assert.match(err.traceback[0], /Unhandled promise rejection/);
    // A rejection the cell handles in time is no error.
    const handled = await k.execute('const hp = Promise.reject(new Error("handled"));\nhp.catch(() => undefined);\n"fine"');
    assert.equal(handled.reply.content.status, "ok", JSON.stringify(errorsOf(handled.outputs)));
    // A timer's exception while the cell awaits belongs to the cell too.
    const timer = await k.execute('setTimeout(() => { throw new TypeError("in a timer"); }, 10);\nawait new Promise((r) => setTimeout(r, 200));');
    assert.equal(timer.reply.content.status, "error");
    assert.equal(errorsOf(timer.outputs)[0]?.evalue, "in a timer");
  });

  test("7. input() asks the frontend through input_request when it allows stdin", async () => {
    const id = await k.send(k.message("execute_request", { code: 'const name = await input("Your name? ");\n`hello ${name}`', silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true }));
    const req = await k.waitFor((m) => m.header.msg_type === "input_request" && m.parent_header.msg_id === id, 10_000, "input_request");
    assert.equal(req.content.prompt, "Your name? ");
    assert.equal(req.content.password, false);
    await k.inputReply(req, "Ada");
    const r = await k.collect(id);
    assert.equal(r.reply.content.status, "ok", JSON.stringify(errorsOf(r.outputs)));
    assert.equal(resultText(r.outputs), "'hello Ada'");
    const pw = await k.send(k.message("execute_request", { code: 'const secret = await input("Password: ", { password: true });\nsecret.length', silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true }));
    const preq = await k.waitFor((m) => m.header.msg_type === "input_request" && m.parent_header.msg_id === pw, 10_000, "input_request");
    assert.equal(preq.content.password, true);
    await k.inputReply(preq, "s3cret");
    assert.equal(resultText((await k.collect(pw)).outputs), "6");
  });

  test("7. input() without allow_stdin, and reading process.stdin, fail with a clear error", async () => {
    const r = await k.execute('await input("x? ")', { allow_stdin: false });
    assert.equal(r.reply.content.status, "error");
    assert.equal(errorsOf(r.outputs)[0].evalue, NO_STDIN_MESSAGE);
    const started = Date.now();
    for (const code of ["const reading = (async () => {\n  for await (const chunk of process.stdin) console.log(chunk);\n})();\nawait reading;", "process.stdin.read()", 'await new Promise((resolve) => process.stdin.once("data", resolve))']) {
      const s = await k.execute(code, {}, 10_000);
      assert.equal(s.reply.content.status, "error", code);
      assert.equal(errorsOf(s.outputs)[0]?.evalue, STDIN_MESSAGE, code);
    }
    assert.ok(Date.now() - started < 9000);
  });

  test("8. a display whose bundle never resolves times out with a visible warning", async () => {
    const never = '({ [Symbol.for("Jupyter.display")]() { return new Promise(() => {}); }, toString() { return "never" } })';
    const started = Date.now();
    const r = await k.execute(`display(${never});\ndisplay("next");\n"done"`, {}, 20_000);
    const took = Date.now() - started;
    assert.equal(r.reply.content.status, "ok");
    assert.ok(took >= DISPLAY_TIMEOUT_MS - 100 && took < DISPLAY_TIMEOUT_MS + 8000, `took ${took} ms`);
    assert.match(streamText(r.outputs, "stderr"), /did not arrive within 1\.5 s/);
    // The displays after it are not stuck behind it.
    const shown = r.outputs.filter((m) => m.header.msg_type === "display_data").map((m) => (m.content.data as Record<string, string>)["text/plain"]);
    assert.ok(shown.includes("next"), JSON.stringify(shown));
    // A result whose bundle never resolves also times out, and shows its text.
    const res = await k.execute(never, {}, 20_000);
    assert.equal(res.reply.content.status, "ok");
    assert.match(streamText(res.outputs, "stderr"), /did not arrive within 1\.5 s/);
    assert.ok(resultText(res.outputs) !== undefined);
    // And later displays still work.
    const later = await k.execute('display("later")');
    assert.equal(later.outputs.filter((m) => m.header.msg_type === "display_data").length, 1);
  });

  test("14.4 cells see the user's vocabulary; the plumbing only as jupyter.*", async () => {
    for (const name of ["setDisplaySink", "flushDisplays", "DISPLAY_METADATA", "VEGALITE_MIME", "preloadRenderer", "sameShape", "formatShape", "toMimeBundle"]) {
      const r = await k.execute(`typeof ${name}`);
      assert.equal(r.reply.content.status, "error", name);
      assert.match(errorsOf(r.outputs)[0].evalue, new RegExp(`Cannot find name '${name}'`));
    }
    const j = await k.execute("[typeof jupyter.setDisplaySink, typeof jupyter.flushDisplays, jupyter.VEGALITE_MIME, typeof input, typeof clearOutput]");
    assert.equal(resultText(j.outputs), "[ 'function', 'function', 'application/vnd.vegalite.v5+json', 'function', 'function' ]");
    // The kernel's own use of the plumbing still works: display() reaches the notebook.
    const d = await k.execute('display(summary(new nn.Linear(2, 2)))');
    assert.equal(d.outputs.filter((m) => m.header.msg_type === "display_data").length, 1);
  });

  test("9. inspect right after ( shows the callee's signature and docs", async () => {
    await k.execute("const netI = new nn.Linear(2, 2);");
    for (const code of ["new optim.Adam(", "new optim.Adam(netI.parameters(), ", "optim.lr_scheduler.StepLR", "zeros("]) {
      const r = await k.request("inspect_request", { code, cursor_pos: code.length, detail_level: 0 });
      assertSpecShape(r);
      assert.equal(r.content.found, true, code);
      const text = (r.content.data as Record<string, string>)["text/plain"];
      if (code.includes("Adam")) {
        assert.match(text, /Adam\(params/, code);
        assert.ok(text.split("\n").length > 2, `${code}: the docs are missing:\n${text}`);
      }
      if (code === "zeros(") assert.match(text, /A tensor of zeros/);
    }
  });
});
