/**
 * ANSI terminal escapes → HTML. Tracebacks and coloured logs keep their colours (SGR 30–37, 90–97,
 * 40–47, 100–107, bold, dim, italic, underline, 256-colour and truecolour); every other escape
 * (cursor movement, titles) is dropped. Text is HTML-escaped.
 */
import { escapeHtml } from "./escape.js";

const NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
/** Matches CSI sequences, OSC sequences (BEL or ST terminated) and lone two-byte escapes. */
const ESCAPE = /\u001b\[([0-9;?]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** Removes every ANSI escape, leaving plain text. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, "");
}

function color256(n: number): string {
  if (n < 8) return `var(--ansi-${NAMES[n]})`;
  if (n < 16) return `var(--ansi-bright-${NAMES[n - 8]})`;
  if (n < 232) {
    const v = n - 16;
    const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return `rgb(${level(Math.floor(v / 36))},${level(Math.floor(v / 6) % 6)},${level(v % 6)})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey},${grey},${grey})`;
}

function applySgr(params: number[], style: Style): Style {
  const next = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.keys(next).forEach((k) => delete next[k as keyof Style]);
    else if (p === 1) next.bold = true;
    else if (p === 2) next.dim = true;
    else if (p === 3) next.italic = true;
    else if (p === 4) next.underline = true;
    else if (p === 22) next.bold = next.dim = false;
    else if (p === 23) next.italic = false;
    else if (p === 24) next.underline = false;
    else if (p >= 30 && p <= 37) next.fg = `var(--ansi-${NAMES[p - 30]})`;
    else if (p >= 90 && p <= 97) next.fg = `var(--ansi-bright-${NAMES[p - 90]})`;
    else if (p >= 40 && p <= 47) next.bg = `var(--ansi-${NAMES[p - 40]})`;
    else if (p >= 100 && p <= 107) next.bg = `var(--ansi-bright-${NAMES[p - 100]})`;
    else if (p === 39) delete next.fg;
    else if (p === 49) delete next.bg;
    else if ((p === 38 || p === 48) && params[i + 1] === 5) {
      next[p === 38 ? "fg" : "bg"] = color256(params[i + 2] ?? 0);
      i += 2;
    } else if ((p === 38 || p === 48) && params[i + 1] === 2) {
      const [r, g, b] = [params[i + 2] ?? 0, params[i + 3] ?? 0, params[i + 4] ?? 0];
      next[p === 38 ? "fg" : "bg"] = `rgb(${r},${g},${b})`;
      i += 4;
    }
  }
  return next;
}

function css(style: Style): string {
  const parts: string[] = [];
  if (style.fg) parts.push(`color:${style.fg}`);
  if (style.bg) parts.push(`background:${style.bg}`);
  if (style.bold) parts.push("font-weight:bold");
  if (style.dim) parts.push("opacity:.7");
  if (style.italic) parts.push("font-style:italic");
  if (style.underline) parts.push("text-decoration:underline");
  return parts.join(";");
}

/** Escaped HTML with ANSI colours as `<span style>` (no classes needed beyond the --ansi-* vars). */
export function ansiToHtml(text: string): string {
  let html = "";
  let style: Style = {};
  let last = 0;
  const emit = (chunk: string) => {
    if (!chunk) return;
    const s = css(style);
    html += s ? `<span style="${s}">${escapeHtml(chunk)}</span>` : escapeHtml(chunk);
  };
  for (const m of text.matchAll(ESCAPE)) {
    emit(text.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[2] === "m") {
      const params = (m[1] ?? "").split(";").filter((s) => s !== "" && s !== "?").map(Number);
      style = applySgr(params.length ? params : [0], style);
    }
  }
  emit(text.slice(last));
  return html;
}

/**
 * Applies carriage returns and backspaces the way a terminal shows them, so progress lines
 * printed with "\r" appear once, at their final state.
 */
export function applyCarriageReturns(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let out = line;
      if (out.includes("\r")) {
        const parts = out.split("\r").filter((p, i, all) => p !== "" || i === all.length - 1);
        out = parts.reduce((acc, part) => part + acc.slice(part.length), "");
      }
      // Backspace erases the character before it.
      while (/[^\x08]\x08/.test(out)) out = out.replace(/[^\x08]\x08/, "");
      return out;
    })
    .join("\n");
}
