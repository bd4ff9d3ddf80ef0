import { test } from "node:test";
import assert from "node:assert/strict";
import { ansiToHtml, applyCarriageReturns, stripAnsi } from "../../kernel/report/ansi.js";
import { escapeHtml, jsonForScript, scriptSafe } from "../../kernel/report/escape.js";
import { highlight } from "../../kernel/report/highlight.js";

test("stripAnsi removes SGR, cursor and OSC sequences", () => {
  assert.equal(stripAnsi("\u001b[0;31mErr\u001b[0m \u001b[2K\u001b]0;title\u0007ok"), "Err ok");
});

test("ansiToHtml maps the 16 colours, 256 colours, truecolour and bold to styles, escaping text", () => {
  assert.equal(ansiToHtml("\u001b[1;32m<ok>\u001b[0m"), '<span style="color:var(--ansi-green);font-weight:bold">&lt;ok&gt;</span>');
  // 256-colour 196 is the cube's (5,0,0): rgb(255,0,0); 38;2 is truecolour.
  assert.equal(ansiToHtml("\u001b[38;5;196mx"), '<span style="color:rgb(255,0,0)">x</span>');
  assert.equal(ansiToHtml("\u001b[48;2;1;2;3my\u001b[49mz"), '<span style="background:rgb(1,2,3)">y</span>z');
  assert.equal(ansiToHtml("\u001b[94mb\u001b[39m"), '<span style="color:var(--ansi-bright-blue)">b</span>');
});

test("carriage returns and backspaces show the line's final state", () => {
  assert.equal(applyCarriageReturns("10%\r50%\r100%\nnext"), "100%\nnext");
  assert.equal(applyCarriageReturns("abcdef\rxy"), "xycdef");
  assert.equal(applyCarriageReturns("ab\bc"), "ac");
  assert.equal(applyCarriageReturns("windows line\r\nnext"), "windows line\nnext");
});

test("escaping for text, attributes, inline JSON and inline scripts", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const json = jsonForScript({ s: "</script><!-- & \u2028" });
  assert.ok(!json.includes("<") && !json.includes(">") && !json.includes("&"));
  assert.deepEqual(JSON.parse(json), { s: "</script><!-- & \u2028" });
  const code = 'var x = "</script>", y = "<!--", z = /<!--/u.test("<!--")';
  const safe = scriptSafe(code);
  assert.equal(safe, 'var x = "<\\/script>", y = "\\x3C!--", z = /\\x3C!--/u.test("\\x3C!--")');
  // Same values once evaluated.
  assert.deepEqual(new Function(`${safe}; return [x, y, z];`)(), new Function(`${code}; return [x, y, z];`)());
});

test("highlight escapes and classifies TypeScript and Python tokens", () => {
  assert.equal(
    highlight('const a = f("<b>", 1e-3); // note', "typescript"),
    '<span class="tok-k">const</span> a = <span class="tok-f">f</span>(<span class="tok-s">&quot;&lt;b&gt;&quot;</span>, <span class="tok-n">1e-3</span>); <span class="tok-c">// note</span>',
  );
  assert.equal(highlight("def f(x): return None  # c", "python"),
    '<span class="tok-k">def</span> <span class="tok-f">f</span>(x): <span class="tok-k">return</span> <span class="tok-k">None</span>  <span class="tok-c"># c</span>');
  assert.equal(highlight("<plain>", "text"), "&lt;plain&gt;");
});
