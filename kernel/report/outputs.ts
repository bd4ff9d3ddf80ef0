/**
 * One notebook output → HTML, choosing the richest MIME type a static page can show:
 * Vega-Lite/Vega (interactive chart, with the kernel's PNG shown until the chart has rendered
 * and whenever scripts are off) > HTML > SVG > PNG/JPEG/GIF > Markdown > LaTeX > JSON > plain text.
 */
import { ansiToHtml, applyCarriageReturns } from "./ansi.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import { renderMarkdown, type MarkdownContext } from "./markdown.js";
import { joinSource, type MimeBundle, type Output } from "./notebook.js";

export const VEGALITE_MIME = /^application\/vnd\.vegalite\.v(\d+)(\.\d+)*\+json$/;
export const VEGA_MIME = /^application\/vnd\.vega\.v(\d+)(\.\d+)*\+json$/;
const IMAGE_MIMES = ["image/png", "image/jpeg", "image/gif"];

export interface OutputContext {
  markdown: MarkdownContext;
  /** Set when any chart was emitted, so the page includes the Vega scripts (once). */
  charts: number;
}

function text(value: unknown): string {
  if (typeof value === "string" || Array.isArray(value)) return joinSource(value as string | string[]);
  return JSON.stringify(value, null, 2);
}

function imageSize(mime: string, metadata: Record<string, unknown>): string {
  const meta = (metadata[mime] as Record<string, unknown> | undefined) ?? metadata;
  const attrs: string[] = [];
  for (const key of ["width", "height"]) {
    const v = meta?.[key];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) attrs.push(` ${key}="${Math.round(v)}"`);
  }
  return attrs.join("");
}

function imageTag(mime: string, data: MimeBundle, metadata: Record<string, unknown>, cls: string, alt: string): string {
  const value = text(data[mime]);
  const src =
    mime === "image/svg+xml"
      ? `data:image/svg+xml;base64,${Buffer.from(value).toString("base64")}`
      : `data:${mime};base64,${value.replace(/\s+/g, "")}`;
  return `<img class="${cls}" src="${src}" alt="${escapeHtml(alt)}"${imageSize(mime, metadata)}>`;
}

function plainText(data: MimeBundle): string | undefined {
  return data["text/plain"] === undefined ? undefined : text(data["text/plain"]);
}

function chart(mime: string, data: MimeBundle, metadata: Record<string, unknown>, ctx: OutputContext): string {
  ctx.charts++;
  const mode = VEGALITE_MIME.test(mime) ? "vega-lite" : "vega";
  let spec = data[mime];
  if (typeof spec === "string") spec = JSON.parse(spec);
  const summary = plainText(data) ?? "chart";
  const fallbackMime = ["image/png", "image/svg+xml", "image/jpeg"].find((m) => data[m] !== undefined);
  const fallback = fallbackMime
    ? imageTag(fallbackMime, data, metadata, "chart-fallback", summary)
    : `<pre class="chart-fallback">${escapeHtml(summary)}</pre>`;
  return (
    `<figure class="output chart" data-mode="${mode}">` +
    `<div class="chart-target" role="img" aria-label="${escapeHtml(summary)}"></div>` +
    fallback +
    `<script type="application/json" class="chart-spec">${jsonForScript(spec)}</script>` +
    `</figure>`
  );
}

/** HTML for one MIME bundle (display_data / execute_result). */
export async function renderBundle(data: MimeBundle, metadata: Record<string, unknown>, ctx: OutputContext): Promise<string> {
  const mimes = Object.keys(data);
  const vega = mimes.find((m) => VEGALITE_MIME.test(m)) ?? mimes.find((m) => VEGA_MIME.test(m));
  if (vega) return chart(vega, data, metadata, ctx);
  if (data["text/html"] !== undefined) return `<div class="output html">${text(data["text/html"])}</div>`;
  if (data["image/svg+xml"] !== undefined) {
    return `<div class="output image">${imageTag("image/svg+xml", data, metadata, "", plainText(data) ?? "image")}</div>`;
  }
  const image = IMAGE_MIMES.find((m) => data[m] !== undefined);
  if (image) return `<div class="output image">${imageTag(image, data, metadata, "", plainText(data) ?? "image")}</div>`;
  if (data["text/markdown"] !== undefined) {
    const md = await renderMarkdown(text(data["text/markdown"]), { ...ctx.markdown, attachments: undefined });
    return `<div class="output markdown">${md.html}</div>`;
  }
  if (data["text/latex"] !== undefined) return `<pre class="output latex">${escapeHtml(text(data["text/latex"]))}</pre>`;
  if (data["application/json"] !== undefined) {
    return `<pre class="output json">${escapeHtml(JSON.stringify(data["application/json"], null, 2))}</pre>`;
  }
  const plain = plainText(data);
  if (plain !== undefined) return `<pre class="output text">${ansiToHtml(plain)}</pre>`;
  const first = mimes[0];
  return first ? `<pre class="output unsupported">[${escapeHtml(first)} output not shown]</pre>` : "";
}

/** HTML for one nbformat output. */
export async function renderOutput(output: Output, ctx: OutputContext): Promise<string> {
  switch (output.output_type) {
    case "stream":
      return `<pre class="output stream ${output.name === "stderr" ? "stderr" : "stdout"}">${ansiToHtml(applyCarriageReturns(text(output.text)))}</pre>`;
    case "error": {
      const traceback = (output.traceback ?? []).join("\n");
      const headline = `${output.ename}: ${output.evalue}`;
      // Some kernels put only stack frames in the traceback; keep the error's name and message.
      const body = traceback.includes(output.evalue ?? "") && traceback.trim() ? traceback : `${headline}\n${traceback}`.trimEnd();
      return `<pre class="output error" role="alert">${ansiToHtml(body)}</pre>`;
    }
    case "display_data":
    case "execute_result":
      return renderBundle(output.data ?? {}, output.metadata ?? {}, ctx);
    default: {
      const unknown = output as { output_type?: unknown };
      return `<pre class="output unsupported">[${escapeHtml(String(unknown.output_type))} output not shown]</pre>`;
    }
  }
}
