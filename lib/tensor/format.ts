/**
 * Text formatting of tensors, following PyTorch's `torch/_tensor_str.py`: 4 decimals, integer
 * mode (`1.`), scientific mode for wide ranges, summarisation with `...` past 1000 elements, and
 * rows wrapped at 80 columns.
 */

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

type Mode = "int" | "fixed" | "sci";

/** Chooses PyTorch's number style for the values that will be shown. */
function chooseMode(values: ArrayLike<number>): Mode {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v !== 0) finite.push(Math.abs(v));
  }
  if (finite.length === 0) return "int";
  let allInts = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && Math.ceil(v) !== v) {
      allInts = false;
      break;
    }
  }
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  if (allInts) return max > 1e8 ? "sci" : "int";
  if (max / min > 1000 || max > 1e8 || min < 1e-4) return "sci";
  return "fixed";
}

function formatNumber(v: number, mode: Mode): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  switch (mode) {
    case "int":
      return `${v.toFixed(0)}.`;
    case "fixed":
      return v.toFixed(PRECISION);
    case "sci": {
      // Python writes 1.0000e-05; JavaScript writes 1.0000e-5.
      const [mantissa, exp] = v.toExponential(PRECISION).split("e");
      const sign = exp.startsWith("-") ? "-" : "+";
      const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
      return `${mantissa}e${sign}${digits}`;
    }
  }
}

/** Indices shown along a dimension of size `n` (all, or the first and last `EDGE_ITEMS`). */
function shownIndices(n: number, summarize: boolean): Array<number | null> {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, null, ...tail];
}

/**
 * Formats `data` of the given `shape` as PyTorch prints the inside of `tensor(...)`, with
 * continuation lines indented by `indent` columns.
 */
export function formatTensorData(data: ArrayLike<number>, shape: readonly number[], indent: number): string {
  const numel = shape.reduce((a, b) => a * b, 1);
  const summarize = numel > THRESHOLD;
  if (numel === 0) return shape.length <= 1 ? "[]" : `[]`;
  const strides: number[] = new Array(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  // Collect the shown values first: the style and width depend on them all.
  const shown: number[] = [];
  const collect = (dim: number, offset: number) => {
    if (dim === shape.length) {
      shown.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[dim], summarize)) if (i !== null) collect(dim + 1, offset + i * strides[dim]);
  };
  collect(0, 0);
  const mode = chooseMode(shown);
  const width = Math.max(...shown.map((v) => formatNumber(v, mode).length));
  const fmt = (v: number) => formatNumber(v, mode).padStart(width);

  if (shape.length === 0) return formatNumber(data[0], mode);
  const render = (dim: number, offset: number, col: number): string => {
    const idx = shownIndices(shape[dim], summarize);
    if (dim === shape.length - 1) {
      const items = idx.map((i) => (i === null ? " ..." : fmt(data[offset + i * strides[dim]])));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - col) / (width + 2)));
      const lines: string[] = [];
      for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(", "));
      return `[${lines.join(",\n" + " ".repeat(col + 1))}]`;
    }
    const blankLines = "\n".repeat(shape.length - dim - 1);
    const sep = "," + blankLines + " ".repeat(col + 1);
    const parts = idx.map((i) => (i === null ? "..." : render(dim + 1, offset + i * strides[dim], col + 1)));
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0, indent);
}
