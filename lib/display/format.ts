/**
 * Text formatting shared by every display: numbers in JavaScript's notation, shapes as PyTorch
 * tuples, counts with thousands separators, byte sizes, and padding by display width.
 */

/** A number as JavaScript writes it (`1e-8`, `0.0014142135623730952`); `-0` as `0`. */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? "0" : String(v);
}

/**
 * A hyperparameter value as the optimizer prints it: numbers in JS notation, arrays as tuples
 * `(0.9, 0.999)`, booleans `True` / `False` and `null` as `None` (PyTorch's words, as
 * `Optimizer.toString()` uses), strings as they are, functions by name.
 */
export function formatValue(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null || v === undefined) return "None";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "function") return v.name ? `<function ${v.name}>` : "<function>";
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const items = Array.from(v as ArrayLike<unknown>);
    const shown = items.length > 8 ? [...items.slice(0, 6).map(formatValue), "…", formatValue(items[items.length - 1])] : items.map(formatValue);
    return `(${shown.join(", ")}${items.length === 1 ? "," : ""})`;
  }
  const shape = (v as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `${(v as object).constructor?.name ?? "Tensor"} of shape ${formatShapeTuple(shape)}`;
  const name = (v as object).constructor?.name;
  if (name && name !== "Object") return `<${name}>`;
  try {
    const json = JSON.stringify(v);
    return json.length <= 80 ? json : `{${Object.keys(v as object).join(", ")}}`;
  } catch {
    return "<object>";
  }
}

/** A shape as Python prints `tuple(p.shape)`: `(3, 4)`, `(3,)`, `()`. */
export function formatShapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** An integer with thousands separators: `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A byte size for people: `268 B`, `1.50 KB`, `42.31 MB` (powers of 1024, as torchinfo's MB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}

/** A short number for a plot label or a table cell: 4 significant digits, JS exponent style. */
export function formatShort(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
  return v.toExponential(3).replace(/\.?0+e/, "e");
}

/** Width of a string in terminal columns (wide characters and emoji count 2, combining marks 0). */
export function displayWidth(s: string): number {
  let w = 0;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i].codePointAt(0)!;
    if (cp === 0xfe0f || cp === 0x200d || (cp >= 0x300 && cp <= 0x36f)) continue;
    // A symbol followed by VS16 (emoji presentation, e.g. "⚠️") takes two columns.
    if (chars[i + 1] === "\ufe0f") {
      w += 2;
      continue;
    }
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

/** Pads to a display width (left-aligned by default). */
export function pad(s: string, width: number, align: "left" | "right" = "left"): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return align === "left" ? s + fill : fill + s;
}
