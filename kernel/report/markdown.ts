/**
 * Markdown cells → HTML with `marked` (loaded lazily: it is ESM-only).
 *
 * Headings get stable ids and are collected for the table of contents. Images are made
 * self-contained: `attachment:` references come from the cell's attachments and relative paths are
 * read from disk next to the notebook, both inlined as data: URIs. Raw HTML in markdown is
 * escaped except a few harmless formatting tags without attributes (a report never runs script
 * from prose).
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, isAbsolute, relative, resolve } from "node:path";
import { escapeHtml } from "./escape.js";
import { highlight } from "./highlight.js";
import type { MimeBundle } from "./notebook.js";

export interface Heading {
  level: number;
  text: string;
  id: string;
}

export interface MarkdownContext {
  /** The cell's attachments (nbformat `attachments`), for `attachment:name` images. */
  attachments?: Record<string, MimeBundle>;
  /** Directory relative image paths are resolved against (the notebook's directory). */
  baseDir?: string;
  /**
   * Images are read from disk only from inside this directory tree (default: `baseDir`), so a
   * notebook cannot inline `/etc/...` or `../../..` into its report.
   */
  imageRoot?: string;
  /** Shared across a page so ids stay unique. */
  slugs: Slugger;
}

export interface RenderedMarkdown {
  html: string;
  headings: Heading[];
}

/** GitHub-style heading ids, unique within one page. */
export class Slugger {
  private readonly seen = new Map<string, number>();
  slug(text: string): string {
    const base =
      text
        .toLowerCase()
        .replace(/<[^>]*>/g, "")
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .trim()
        .replace(/\s/g, "-") || "section";
    const n = this.seen.get(base) ?? 0;
    this.seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

const SAFE_TAG = /^<\/?(b|i|em|strong|code|kbd|sub|sup|br|hr|small|mark|details|summary|p|ul|ol|li|center)\s*\/?>$/i;
const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
};

function sanitizeHtml(raw: string): string {
  return raw.replace(/<[^>]*>|[^<]+|</g, (part) => (SAFE_TAG.test(part) ? part : escapeHtml(part)));
}

/** Resolves an image reference to a data: URI, or undefined when it cannot be made offline. */
function inlineImage(href: string, ctx: MarkdownContext): string | undefined {
  if (href.startsWith("data:image/")) return href;
  if (href.startsWith("attachment:")) {
    const bundle = ctx.attachments?.[decodeURIComponent(href.slice("attachment:".length))];
    if (!bundle) return undefined;
    const mime = Object.keys(bundle).find((m) => m.startsWith("image/"));
    if (!mime) return undefined;
    const value = bundle[mime];
    const data = Array.isArray(value) ? value.join("") : String(value);
    return mime === "image/svg+xml"
      ? `data:${mime};base64,${Buffer.from(data).toString("base64")}`
      : `data:${mime};base64,${data.replace(/\s+/g, "")}`;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) return undefined;
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(href.split(/[?#]/)[0]!);
  } catch {
    return undefined; // a malformed %-escape names no file
  }
  const path = resolve(ctx.baseDir ?? ".", relativePath);
  const mime = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!mime || !existsSync(path) || !insideRoot(path, ctx.imageRoot ?? ctx.baseDir ?? ".")) return undefined;
  return `data:${mime};base64,${readFileSync(path).toString("base64")}`;
}

/** True when `path`, symbolic links resolved, lies inside the directory `root`. */
function insideRoot(path: string, root: string): boolean {
  try {
    const real = realpathSync(path);
    const rel = relative(realpathSync(root), real);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && statSync(real).isFile();
  } catch {
    return false;
  }
}

/** Link schemes a report keeps; anything else (javascript:, data:, vbscript:, file:) loses its link. */
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/**
 * The link target when it is safe to keep, else undefined. The scheme is read as a browser reads
 * it, after the URL parser's normalisation (which drops TAB and newlines anywhere and leading
 * spaces and control characters: `java\tscript:` is `javascript:`). Relative links are kept.
 */
export function safeHref(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, "https://relative.invalid/");
  } catch {
    return undefined;
  }
  return SAFE_SCHEMES.has(url.protocol) ? href : undefined;
}

// marked is ESM-only: from CommonJS it can only be loaded with a dynamic import().
const importMarked = () => import("marked");
let markedModule: ReturnType<typeof importMarked> | undefined;

/** Loads marked once per process. */
function loadMarked(): ReturnType<typeof importMarked> {
  markedModule ??= importMarked();
  return markedModule;
}

/** The fields of marked's tokens that the renderer below reads. */
interface InlineParser {
  parser: { parseInline(tokens: unknown[]): string };
}
interface HeadingToken {
  depth: number;
  tokens: unknown[];
}
interface CodeToken {
  text: string;
  lang?: string;
}
interface LinkToken {
  href: string;
  title?: string | null;
  text: string;
  tokens: unknown[];
}

/** Renders one markdown cell. */
export async function renderMarkdown(source: string, ctx: MarkdownContext): Promise<RenderedMarkdown> {
  const { Marked } = await loadMarked();
  const headings: Heading[] = [];
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      heading(this: InlineParser, token: HeadingToken) {
        const inner = this.parser.parseInline(token.tokens);
        const text = inner.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
        const id = ctx.slugs.slug(text);
        headings.push({ level: token.depth, text, id });
        return `<h${token.depth} id="${escapeHtml(id)}">${inner}<a class="anchor" href="#${escapeHtml(id)}" aria-label="link to this section">¶</a></h${token.depth}>\n`;
      },
      html(token: { text: string }) {
        return sanitizeHtml(token.text);
      },
      code(token: CodeToken) {
        const lang = (token.lang ?? "").split(/\s/)[0];
        return `<pre class="md-code"><code>${highlight(token.text, lang)}</code></pre>\n`;
      },
      image(token: LinkToken) {
        const src = inlineImage(token.href, ctx);
        const alt = escapeHtml(token.text);
        if (!src) return `<span class="missing-image">[image: ${alt}]</span>`;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
        return `<img src="${escapeHtml(src)}" alt="${alt}"${title}>`;
      },
      link(this: InlineParser, token: LinkToken) {
        const inner = this.parser.parseInline(token.tokens);
        const href = safeHref(token.href.trim());
        if (href === undefined) return inner;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
        const external = /^[a-z][a-z0-9+.-]*:/i.test(href) ? ' rel="noopener noreferrer"' : "";
        return `<a href="${escapeHtml(href)}"${title}${external}>${inner}</a>`;
      },
    },
  });
  const html = marked.parse(source) as string;
  return { html, headings };
}
