/**
 * A small syntax highlighter for the code shown in reports (TypeScript/JavaScript cells, and the
 * Python snippets tutorials quote). Tokens get classes styled by the report's CSS; everything is
 * HTML-escaped. Deliberately lexical only: no parser, no dependency, never throws.
 */
import { escapeHtml } from "./escape.js";

const TS_KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue debugger declare default delete do else enum export " +
    "extends false finally for from function get if implements import in instanceof interface keyof let new null of " +
    "override private protected public readonly return satisfies set static super switch this throw true try type typeof " +
    "undefined var void while yield").split(" "),
);
const PY_KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from global " +
    "if import in is lambda nonlocal not or pass raise return self try while with yield").split(" "),
);

type Lang = "ts" | "py";

export function languageOf(name: string | undefined): Lang | undefined {
  const n = (name ?? "").toLowerCase();
  if (["ts", "typescript", "js", "javascript", "tsx", "jsx"].includes(n)) return "ts";
  if (["py", "python", "python3"].includes(n)) return "py";
  return undefined;
}

const TOKEN = {
  ts: /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|(`(?:\\[\s\S]|[^\\`])*`|"(?:\\.|[^\\"\n])*"|'(?:\\.|[^\\'\n])*')|(\b(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?n?)\b)|([A-Za-z_$][\w$]*)/g,
  py: /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|[rbfu]?"(?:\\.|[^\\"\n])*"|[rbfu]?'(?:\\.|[^\\'\n])*')|(\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_]\w*)/g,
};

/** Escaped, highlighted HTML for `code` in `lang`; plain escaped text for unknown languages. */
export function highlight(code: string, lang: string | undefined): string {
  const l = languageOf(lang);
  if (!l) return escapeHtml(code);
  const keywords = l === "ts" ? TS_KEYWORDS : PY_KEYWORDS;
  let html = "";
  let last = 0;
  for (const m of code.matchAll(TOKEN[l])) {
    html += escapeHtml(code.slice(last, m.index));
    last = m.index! + m[0].length;
    const text = escapeHtml(m[0]);
    if (m[1]) html += `<span class="tok-c">${text}</span>`;
    else if (m[2]) html += `<span class="tok-s">${text}</span>`;
    else if (m[3]) html += `<span class="tok-n">${text}</span>`;
    else if (keywords.has(m[0])) html += `<span class="tok-k">${text}</span>`;
    else if (/^[A-Z]/.test(m[0])) html += `<span class="tok-t">${text}</span>`;
    else if (code[last] === "(") html += `<span class="tok-f">${text}</span>`;
    else html += text;
  }
  return html + escapeHtml(code.slice(last));
}
