/**
 * Executed notebook → one self-contained HTML page: rendered markdown with a table of contents,
 * highlighted code, every output (charts interactive with a static fallback), and a header with
 * the run's date, the paramlab version and whether every cell succeeded. Nothing is loaded from
 * the network: scripts, styles and images are all inline.
 */
import { basename, dirname, extname } from "node:path";
import { paramlabVersion, vegaBundle } from "./assets.js";
import { escapeHtml } from "./escape.js";
import { highlight } from "./highlight.js";
import { renderMarkdown, Slugger, type Heading } from "./markdown.js";
import { joinSource, type Notebook } from "./notebook.js";
import { renderOutput, type OutputContext } from "./outputs.js";
import { CHART_SCRIPT, REPORT_CSS } from "./styles.js";

export interface RenderOptions {
  /** The source notebook's path: its directory resolves relative images, its name titles the page. */
  notebookPath: string;
  /** When the notebook was executed; omitted for a notebook exported without running it. */
  runDate?: Date;
  /** Seconds the run took. */
  durationSeconds?: number;
  /** paramlab's version; read from package.json when omitted. */
  version?: string;
  /** Link back to an index page of several reports. */
  indexHref?: string;
  /** Markdown images are inlined only from under this directory (default: the notebook's directory). */
  imageRoot?: string;
}

export interface RenderedReport {
  html: string;
  title: string;
  /** The first paragraph of prose, as plain text (for the index page). */
  summary: string;
  headings: Heading[];
  /** Number of chart outputs (Vega-Lite / Vega). */
  charts: number;
  /** Number of code cells with an error output. */
  errors: number;
}

function decodeText(html: string): string {
  return html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function notebookName(path: string): string {
  return basename(path, extname(path));
}

function languageOf(nb: Notebook): string {
  const info = nb.metadata.language_info as { name?: string } | undefined;
  return info?.name ?? nb.metadata.kernelspec?.language ?? "typescript";
}

function tocHtml(headings: Heading[], indexHref: string | undefined): string {
  if (headings.length === 0 && !indexHref) return "";
  const top = Math.min(...headings.map((h) => h.level), 6);
  const items = headings
    .filter((h) => h.level - top < 3)
    .map((h) => `<li class="l${h.level - top + 1}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
    .join("");
  const back = indexHref ? `<a class="back" href="${escapeHtml(indexHref)}">← All reports</a>` : "";
  return `<nav class="toc" aria-label="Table of contents">${back}<div class="toc-title">Contents</div><ol>${items}</ol></nav>`;
}

/** A full HTML page wrapper shared by reports and the index page. */
export function pageHtml(title: string, body: string, extraScripts = ""): string {
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="generator" content="paramlab ${escapeHtml(paramlabVersion())}">\n` +
    `<link rel="icon" href="data:,">\n<title>${escapeHtml(title)}</title>\n<style>${REPORT_CSS}</style>\n</head>\n` +
    `<body>\n${body}\n${extraScripts}</body>\n</html>\n`
  );
}

/** Renders an (executed) notebook as a report page. */
export async function renderNotebookHtml(nb: Notebook, options: RenderOptions): Promise<RenderedReport> {
  const slugs = new Slugger();
  const ctx: OutputContext = { markdown: { slugs, baseDir: dirname(options.notebookPath), imageRoot: options.imageRoot }, charts: 0 };
  const headings: Heading[] = [];
  const lang = languageOf(nb);
  const parts: string[] = [];
  let errors = 0;
  let summary = "";

  for (const [index, cell] of nb.cells.entries()) {
    const source = joinSource(cell.source);
    const idAttr = ` id="cell-${index + 1}"`;
    if (cell.cell_type === "markdown") {
      const md = await renderMarkdown(source, { ...ctx.markdown, attachments: cell.attachments });
      headings.push(...md.headings);
      if (!summary) {
        const para = /<p>([\s\S]*?)<\/p>/.exec(md.html)?.[1];
        if (para) summary = decodeText(para.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim();
      }
      parts.push(`<section class="cell markdown"${idAttr}>${md.html}</section>`);
    } else if (cell.cell_type === "raw") {
      if (source.trim()) parts.push(`<section class="cell raw"${idAttr}><pre>${escapeHtml(source)}</pre></section>`);
    } else {
      // An empty, never-run cell (often the last one) adds nothing to a report.
      if (!source.trim() && cell.outputs.length === 0) continue;
      const count = cell.execution_count ?? " ";
      const outputs: string[] = [];
      if (cell.outputs.some((o) => o.output_type === "error")) errors++;
      for (const output of cell.outputs) {
        const html = await renderOutput(output, ctx);
        if (!html) continue;
        const label = output.output_type === "execute_result" ? `Out[${output.execution_count ?? count}]:` : "";
        outputs.push(`<div class="io"><div class="prompt out">${escapeHtml(label)}</div>${html}</div>`);
      }
      parts.push(
        `<section class="cell code"${idAttr}>` +
          `<div class="io input"><div class="prompt">In [${escapeHtml(String(count))}]:</div>` +
          `<pre><code class="language-${escapeHtml(lang)}">${highlight(source, lang)}</code></pre></div>` +
          (outputs.length ? `<div class="outputs">${outputs.join("")}</div>` : "") +
          `</section>`,
      );
    }
  }

  const name = notebookName(options.notebookPath);
  const h1 = headings.find((h) => h.level === 1);
  const title = (nb.metadata.title as string | undefined) ?? h1?.text ?? name;
  const version = options.version ?? paramlabVersion();
  const kernel = nb.metadata.kernelspec?.display_name ?? nb.metadata.kernelspec?.name ?? "unknown kernel";
  const meta = [
    `<span><strong>${escapeHtml(name)}.ipynb</strong></span>`,
    options.runDate
      ? `<span>Run <time datetime="${options.runDate.toISOString()}">${escapeHtml(options.runDate.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time>` +
        (options.durationSeconds !== undefined ? ` in ${options.durationSeconds.toFixed(1)} s` : "") +
        `</span>`
      : `<span>Not re-executed (saved outputs)</span>`,
    `<span>Kernel: ${escapeHtml(kernel)}</span>`,
    `<span>paramlab ${escapeHtml(version)}</span>`,
    errors
      ? `<span class="status-error">${errors} cell${errors === 1 ? "" : "s"} failed</span>`
      : `<span class="status-ok">All cells ran without errors</span>`,
  ];
  let scripts = "";
  if (ctx.charts > 0) {
    for (const s of vegaBundle().scripts) scripts += `<script data-lib="${s.name}@${s.version}">${s.code}</script>\n`;
    scripts += `<script>${CHART_SCRIPT}</script>\n`;
  }
  const body =
    `<div class="layout${headings.length || options.indexHref ? "" : " no-toc"}">${tocHtml(headings, options.indexHref)}<main>` +
    `<header class="report-meta">${meta.join("")}</header>\n` +
    parts.join("\n") +
    `\n<footer class="report-footer">Generated by <code>paramlab report</code> (paramlab ${escapeHtml(version)})` +
    (options.runDate ? ` on ${escapeHtml(options.runDate.toUTCString())}` : "") +
    `.${ctx.charts > 0 ? " Charts: Vega-Lite, inlined;" : ""} This page needs no network.</footer></main></div>`;
  return { html: pageHtml(title, body, scripts), title, summary, headings, charts: ctx.charts, errors };
}

export interface IndexEntry {
  file: string;
  title: string;
  summary?: string;
  notebook: string;
  /** Number of code cells with an error output. */
  errors: number;
}

/** An index page linking every report of one run. */
export function renderIndexHtml(entries: IndexEntry[], runDate: Date): string {
  const items = entries
    .map(
      (e) =>
        `<li><a href="${escapeHtml(encodeURIComponent(e.file))}">${escapeHtml(e.title)}</a> <small>(${escapeHtml(e.notebook)}` +
        `${e.errors ? `, <span class="status-error">${e.errors} failing cell${e.errors === 1 ? "" : "s"}</span>` : ""})</small>` +
        (e.summary ? `<div class="report-summary">${escapeHtml(e.summary.length > 320 ? `${e.summary.slice(0, 317)}…` : e.summary)}</div>` : "") +
        `</li>`,
    )
    .join("\n");
  const body =
    `<main><h1>paramlab reports</h1><header class="report-meta"><span>Run ${escapeHtml(runDate.toUTCString())}</span>` +
    `<span>paramlab ${escapeHtml(paramlabVersion())}</span></header><ul class="report-list">${items}</ul></main>`;
  return pageHtml("paramlab reports", body);
}
