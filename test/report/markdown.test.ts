import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMarkdown, safeHref, Slugger } from "../../kernel/report/markdown.js";

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

test("links keep http(s), mailto and relative targets; every other scheme, however spelled, loses its link", async () => {
  const keep = ["https://pytorch.org/docs", "http://example.com", "mailto:a@example.com", "02-param-groups.html#top", "#section", "?q=1", "../other/page.html"];
  // Spellings a browser's URL parser turns into a script or data URL (TAB and newlines are
  // dropped anywhere, leading spaces and control characters stripped, the scheme lowercased).
  const drop = ["javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "JaVaScRiPt:alert(1)", " \u0001javascript:alert(1)", "vbscript:x", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "jav&#x09;ascript:alert(1)"];
  for (const href of keep) assert.equal(safeHref(href), href, href);
  for (const href of drop.slice(0, -1)) assert.equal(safeHref(href), undefined, JSON.stringify(href));
  // Entities are not decoded in a URL that reaches the page escaped: the last one is a harmless relative path.
  assert.equal(safeHref(drop.at(-1)!), drop.at(-1));
  const md = await renderMarkdown(`[tab](<java\tscript:alert(1)>) [nl](<java\nscript:alert(1)>) [ok](https://pytorch.org)`, { slugs: new Slugger() });
  // (marked does not take the newline one as a link at all: it stays text.)
  assert.deepEqual([...md.html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]), ["https://pytorch.org"], md.html);
  assert.match(md.html, /^<p>tab /);
});

test("images are inlined only from the notebook's own folder tree unless imageRoot allows more", async () => {
  const root = mkdtempSync(join(tmpdir(), "paramlab-md-"));
  try {
    const nbDir = join(root, "project", "notebooks");
    mkdirSync(join(nbDir, "images"), { recursive: true });
    writeFileSync(join(nbDir, "images", "in.png"), Buffer.from(PNG_1X1, "base64"));
    writeFileSync(join(root, "secret.png"), Buffer.from(PNG_1X1, "base64"));
    writeFileSync(join(root, "project", "shared.png"), Buffer.from(PNG_1X1, "base64"));
    symlinkSync(join(root, "secret.png"), join(nbDir, "link.png"));
    const source = `![in](images/in.png) ![up](../../secret.png) ![abs](${join(root, "secret.png")}) ![link](link.png) ![shared](../shared.png) ![bad](%E0%A4%A.png)`;
    const inlined = async (imageRoot?: string) => {
      const md = await renderMarkdown(source, { slugs: new Slugger(), baseDir: nbDir, imageRoot });
      return [...md.html.matchAll(/<img src="data:[^"]+" alt="([^"]+)"/g)].map((m) => m[1]);
    };
    assert.deepEqual(await inlined(), ["in"]);
    // A wider root (the CLI's --image-root) lets the project folder in, still nothing above it.
    assert.deepEqual(await inlined(join(root, "project")), ["in", "shared"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
