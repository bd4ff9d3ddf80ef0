/**
 * HTML building blocks shared by the tables: escaping, one self-contained style sheet and a
 * wrapper. Nothing external is referenced (no fonts, scripts or images), so an output renders
 * offline and in exported HTML. Colours come from JupyterLab's `--jp-*` variables, so tables
 * follow its light and dark themes; the fallbacks are translucent greys and `inherit`, which
 * read well on a white page (classic Notebook) and on a dark one (VS Code).
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for use in HTML content or a quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Class put on every paramlab output's outer element; the style sheet is scoped under it. */
export const ROOT_CLASS = "paramlab-display";

/**
 * The scope selector, the class repeated for specificity (0,3,0): JupyterLab's output CSS styles
 * tables with `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td` (0,2,1), which a single class
 * would not override.
 */
const R = `.${ROOT_CLASS}.${ROOT_CLASS}.${ROOT_CLASS}`;

const STYLE = `
${R}{font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-size:var(--jp-ui-font-size1,13px);color:var(--jp-ui-font-color1,inherit);line-height:1.4;max-width:100%;overflow-x:auto}
${R} table{border-collapse:collapse;border-spacing:0;margin:0;font-size:inherit;color:inherit;background:transparent;table-layout:auto;width:auto}
${R} caption{caption-side:top;text-align:left;padding:2px 0 6px;font-weight:600;color:var(--jp-ui-font-color0,inherit)}
${R} th,${R} td{padding:3px 10px;border:none;border-bottom:1px solid var(--jp-border-color2,rgba(128,128,128,.25));text-align:left;vertical-align:top;white-space:nowrap;background:transparent;color:inherit}
${R} thead th{font-weight:600;border-bottom:2px solid var(--jp-border-color1,rgba(128,128,128,.5));color:var(--jp-ui-font-color2,inherit)}
${R} tr:hover td{background:var(--jp-layout-color2,rgba(128,128,128,.08))}
${R} .pl-num{text-align:right;font-variant-numeric:tabular-nums}
${R} .pl-mono{font-family:var(--jp-code-font-family,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace);font-size:var(--jp-code-font-size,12px)}
${R} .pl-muted{color:var(--jp-ui-font-color2,inherit);opacity:.75}
${R} tr.pl-group th{background:var(--jp-layout-color2,rgba(128,128,128,.12));border-top:2px solid var(--jp-border-color1,rgba(128,128,128,.5));font-weight:400;white-space:normal}
${R} .pl-group-title{font-weight:700;margin-right:10px}
${R} .pl-hyper{max-width:52em}
${R} .pl-chip{display:inline-block;margin:1px 6px 1px 0;padding:0 6px;border-radius:3px;background:var(--jp-layout-color0,rgba(128,128,128,.1));border:1px solid var(--jp-border-color2,rgba(128,128,128,.3));white-space:nowrap}
${R} .pl-chip.pl-default{opacity:.6}
${R} .pl-chip b{font-weight:600}
${R} .pl-key{color:var(--jp-ui-font-color2,inherit);opacity:.85}
${R} tr.pl-total td{font-weight:600;border-bottom:2px solid var(--jp-border-color1,rgba(128,128,128,.5))}
${R} tfoot td{font-weight:700;border-bottom:none}
${R} .pl-yes{color:var(--jp-success-color1,#2e7d32)}
${R} .pl-no{color:var(--jp-ui-font-color2,inherit);opacity:.8}
${R} .pl-partial{color:var(--jp-warn-color1,#b26a00)}
${R} .pl-warn{color:var(--jp-warn-color1,#b26a00)}
${R} .pl-error{color:var(--jp-error-color1,#c62828)}
${R} .pl-tree{white-space:pre;font-family:var(--jp-code-font-family,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace);font-size:var(--jp-code-font-size,12px)}
${R} .pl-type{font-weight:600}
${R} .pl-args{color:var(--jp-ui-font-color2,inherit)}
${R} .pl-repeat td{font-style:italic}
${R} ul.pl-problems{margin:8px 0 0;padding-left:20px}
${R} ul.pl-problems li{margin:2px 0}
${R} .pl-ok{margin-top:8px;color:var(--jp-success-color1,#2e7d32)}
${R} dl.pl-facts{width:auto;overflow:visible;padding:0;display:inline-grid;grid-template-columns:max-content auto;gap:2px 12px;margin:6px 0}
${R} dl.pl-facts dt{color:var(--jp-ui-font-color2,inherit);opacity:.85;font-weight:400;float:none;width:auto;padding:0;margin:0}
${R} dl.pl-facts dd{margin:0;float:none;width:auto;padding:0}
${R} img.pl-plot{display:block;margin-top:8px;max-width:100%;height:auto}
${R} img.pl-img-dark{display:none}
body[data-jp-theme-light="false"] ${R} img.pl-img-dark,body.vscode-dark ${R} img.pl-img-dark{display:block}
body[data-jp-theme-light="false"] ${R} img.pl-img-light,body.vscode-dark ${R} img.pl-img-light{display:none}
${R} pre.pl-values{margin:6px 0 0;padding:6px 8px;background:var(--jp-cell-editor-background,rgba(128,128,128,.08));border-radius:3px;color:inherit;overflow-x:auto}
`
  .trim()
  .replace(/\n/g, "");

/** The style sheet (one `<style>` element). */
export function styleTag(): string {
  return `<style>${STYLE}</style>`;
}

/** Wraps content in the scoped root element with the style sheet. */
export function wrapHtml(inner: string, extraClass = ""): string {
  return `<div class="${ROOT_CLASS}${extraClass ? " " + extraClass : ""}">${styleTag()}${inner}</div>`;
}

/** `<tag class=...>escaped text</tag>` */
export function el(tag: string, text: unknown, className?: string, attrs = ""): string {
  const cls = className ? ` class="${className}"` : "";
  return `<${tag}${cls}${attrs ? " " + attrs : ""}>${escapeHtml(text)}</${tag}>`;
}
