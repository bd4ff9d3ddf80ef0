/**
 * Rich display of a Tensor or Parameter: shape, dtype, requires_grad and gradient state, simple
 * statistics and a few values. The text form is PyTorch's `repr` (the object's `toString()`).
 */
import { Parameter } from "../nn/parameter.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensorBytes } from "../tensor/meta.js";
import { formatBytes, formatCount, formatShapeTuple, formatShort } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { mediaBundle, type MediaBundle } from "./sink.js";

/** How many values the HTML preview shows before eliding the middle. */
const HEAD = 6;
const TAIL = 3;

/** min / max / mean / std (population) over the finite values, plus NaN / Inf counts. */
export function tensorStats(data: ArrayLike<number>): { min: number; max: number; mean: number; std: number; nan: number; inf: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      n++;
    }
  }
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) sq += (v - mean) * (v - mean);
  }
  return { min: n ? min : NaN, max: n ? max : NaN, mean, std: n ? Math.sqrt(sq / n) : NaN, nan, inf };
}

/** A flat preview of the values: all of them when few, else the first and last few. */
export function valuePreview(data: ArrayLike<number>): string {
  const n = data.length;
  const pick = (i: number) => formatShort(data[i]);
  if (n <= HEAD + TAIL + 1) return `[${Array.from({ length: n }, (_, i) => pick(i)).join(", ")}]`;
  const head = Array.from({ length: HEAD }, (_, i) => pick(i));
  const tail = Array.from({ length: TAIL }, (_, i) => pick(n - TAIL + i));
  return `[${head.join(", ")}, …, ${tail.join(", ")}]`;
}

/** One-line description: `Parameter (3, 4) float32, 12 elements, requires_grad=True, grad: none`. */
export function tensorHeadline(t: Tensor): string {
  const parts = [`${t instanceof Parameter ? "Parameter" : "Tensor"} ${formatShapeTuple(t.shape)} ${t.dtype}${t.isMeta ? " (meta)" : ""}`, `${formatCount(t.numel)} elements`];
  if (t instanceof Parameter) {
    parts.push(`requires_grad=${t.requiresGrad ? "True" : "False"}`);
    parts.push(`grad: ${t.grad === null ? "none" : formatShapeTuple(t.grad.shape)}`);
  }
  return parts.join(", ");
}

/** HTML card for a tensor. */
export function tensorHtml(t: Tensor): string {
  const isParam = t instanceof Parameter;
  if (t.isMeta) return metaTensorHtml(t, isParam);
  const facts: Array<[string, string, string?]> = [
    ["shape", formatShapeTuple(t.shape), "pl-mono"],
    ["dtype", t.dtype, "pl-mono"],
    ["numel", formatCount(t.numel)],
  ];
  if (isParam) {
    facts.push(["requires_grad", t.requiresGrad ? "True (trainable)" : "False (frozen)", t.requiresGrad ? "pl-yes" : "pl-no"]);
    facts.push(["grad", t.grad === null ? "None" : `${formatShapeTuple(t.grad.shape)}, norm ${formatShort(norm(t.grad.data))}`]);
  }
  if (t.numel > 0) {
    const s = tensorStats(t.data);
    const stats = `min ${formatShort(s.min)} · max ${formatShort(s.max)} · mean ${formatShort(s.mean)} · std ${formatShort(s.std)}`;
    facts.push(["stats", stats + (s.nan ? ` · ${s.nan} NaN` : "") + (s.inf ? ` · ${s.inf} ±Inf` : ""), s.nan || s.inf ? "pl-warn" : undefined]);
  }
  const dl = facts.map(([k, v, cls]) => el("dt", k) + el("dd", v, cls)).join("");
  const title = `<div class="pl-group-title">${escapeHtml(isParam ? "Parameter" : "Tensor")}</div>`;
  // Small tensors show PyTorch's printed form (rows and columns); large ones a flat preview.
  const values = t.numel <= 64 ? t.toString().replace(/^Parameter containing:\n/, "") : valuePreview(t.data);
  return wrapHtml(`${title}<dl class="pl-facts">${dl}</dl><br>${el("pre", values, "pl-values pl-mono")}`);
}

/** HTML card of a shape-only tensor: shape, dtype, size; no values to show. */
function metaTensorHtml(t: Tensor, isParam: boolean): string {
  const facts: Array<[string, string, string?]> = [
    ["shape", formatShapeTuple(t.shape), "pl-mono"],
    ["dtype", t.dtype, "pl-mono"],
    ["device", "meta (shape only, no values)", "pl-muted"],
    ["numel", formatCount(t.numel)],
    ["size", formatBytes(tensorBytes(t))],
  ];
  if (isParam) facts.push(["requires_grad", (t as Parameter).requiresGrad ? "True (trainable)" : "False (frozen)", (t as Parameter).requiresGrad ? "pl-yes" : "pl-no"]);
  const dl = facts.map(([k, v, cls]) => el("dt", k) + el("dd", v, cls)).join("");
  return wrapHtml(`<div class="pl-group-title">${escapeHtml(isParam ? "Parameter" : "Tensor")} (meta)</div><dl class="pl-facts">${dl}</dl>`);
}

function norm(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i] * data[i];
  return Math.sqrt(s);
}

/** The Jupyter bundle of a tensor: PyTorch's repr as text, plus the HTML card. */
export function tensorBundle(t: Tensor): MediaBundle {
  return mediaBundle({ "text/plain": t.toString(), "text/html": tensorHtml(t) });
}
