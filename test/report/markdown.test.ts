import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMarkdown, Slugger } from "../../kernel/report/markdown.js";

// A 1×1 PNG (the smallest valid one: IHDR, one IDAT row, IEND).
const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

test("headings get unique GitHub-style ids and are collected for the table of contents", async () => {
  const slugs = new Slugger();
  const md = await renderMarkdown("# Intro\n\n## `simulate()` & friends\n\n## Intro", { slugs });
  assert.deepEqual(md.headings, [
    { level: 1, text: "Intro", id: "intro" },
    { level: 2, text: "simulate() & friends", id: "simulate--friends" },
    { level: 2, text: "Intro", id: "intro-1" },
  ]);
  assert.match(md.html, /<h2 id="simulate--friends"><code>simulate\(\)<\/code> &amp; friends<a class="anchor" href="#simulate--friends"/);
});

test("images are inlined: cell attachments and files next to the notebook become data: URIs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "paramlab-md-"));
  try {
    writeFileSync(join(dir, "plot.png"), Buffer.from(PNG_1X1, "base64"));
    const md = await renderMarkdown("![from disk](plot.png) ![attached](attachment:a.png) ![web](https://example.com/x.png)", {
      slugs: new Slugger(),
      baseDir: dir,
      attachments: { "a.png": { "image/png": PNG_1X1 } },
    });
    const srcs = [...md.html.matchAll(/<img src="([^"]+)" alt="([^"]+)"/g)].map((m) => [m[2], m[1]]);
    assert.deepEqual(srcs, [
      ["from disk", `data:image/png;base64,${PNG_1X1}`],
      ["attached", `data:image/png;base64,${PNG_1X1}`],
    ]);
    // A remote image would be a network request: shown as a labelled placeholder instead.
    assert.match(md.html, /<span class="missing-image">\[image: web\]<\/span>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("links keep their target but script URLs are dropped; code blocks are highlighted", async () => {
  const md = await renderMarkdown("[docs](https://pytorch.org \"PyTorch\") [bad](javascript:alert(1))\n\n```python\nimport torch\n```", {
    slugs: new Slugger(),
  });
  assert.match(md.html, /<a href="https:\/\/pytorch.org" title="PyTorch" rel="noopener noreferrer">docs<\/a>/);
  assert.doesNotMatch(md.html, /javascript:/);
  assert.match(md.html, /<pre class="md-code"><code><span class="tok-k">import<\/span> torch<\/code><\/pre>/);
});
