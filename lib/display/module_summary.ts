/**
 * A torchinfo-style summary of a module: the nested tree with each layer's type and arguments,
 * its own parameter shapes, parameter counts and trainable state, then totals (total, trainable,
 * non-trainable, size in bytes). Runs of identical sibling blocks (the 24 layers of a
 * transformer) collapse into one row with a count, so large models stay readable.
 */
import { describeValue, kindOf, ValueError } from "../errors.js";
import { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { tensorBytes } from "../tensor/meta.js";
import { formatBytes, formatCount, formatShapeTuple, pad, displayWidth } from "./format.js";
import { el, escapeHtml, wrapHtml } from "./html.js";
import { JUPYTER_DISPLAY, mediaBundle, type MediaBundle } from "./sink.js";

/** Options of `summary()`. */
export interface SummaryOptions {
  /**
   * Collapse runs of identical sibling blocks into one row: `"auto"` (default) when the full
   * tree has more than `maxRows` rows, or always / never.
   */
  collapse?: "auto" | boolean;
  /** Row budget for `collapse: "auto"` (default 40). */
  maxRows?: number;
  /** Deepest level shown (root = 0); deeper modules are folded into their parent's counts. */
  depth?: number;
}

/** One row of the summary. */
export interface SummaryRow {
  /** Tree prefix for text: `├─`, `│ └─` ... */
  prefix: string;
  depth: number;
  /** Attribute name (`base`, `layers.0`), empty for the root. */
  name: string;
  type: string;
  args: string;
  /** Own parameters: `weight (8, 4)`. */
  shapes: string;
  /** Elements in this module's subtree (shared parameters counted once, at first sight). */
  params: number;
  trainable: "yes" | "frozen" | "partial" | "";
  /** Set on a row standing for `count` collapsed identical blocks. */
  repeat?: { count: number; first: string; last: string };
  /** Set when this module already appeared under another name. */
  sharedWith?: string;
  hasChildren: boolean;
}

interface Node {
  name: string;
  module: Module;
  own: Array<[string, Parameter]>;
  children: Node[];
  params: number;
  trainableParams: number;
  signature: number;
  sharedWith?: string;
}

/** Totals of a summary. */
export interface SummaryTotals {
  total: number;
  trainable: number;
  nonTrainable: number;
  paramBytes: number;
  buffers: number;
  bufferBytes: number;
}

/** Longest arguments text shown in full in the HTML table (the rest is in the cell's tooltip). */
const ARGS_MAX = 72;

function argsOf(m: Module): string {
  const extra = m.extraRepr();
  return extra.includes("\n") ? extra.split("\n").map((s) => s.trim()).filter(Boolean).join(", ") : extra;
}

/** Builds the module tree; parameters seen earlier (shared) are not counted again. */
function buildTree(root: Module): Node {
  const seenParams = new Set<Parameter>();
  const seenModules = new Map<Module, string>();
  const signatures = new Map<string, number>();
  const visit = (m: Module, path: string, label: string): Node => {
    const shared = seenModules.get(m);
    const own = m.namedParameters("", false, false);
    const node: Node = { name: label, module: m, own, children: [], params: 0, trainableParams: 0, signature: 0 };
    if (shared !== undefined) {
      node.sharedWith = shared;
      node.own = [];
    } else {
      seenModules.set(m, path);
      for (const [, p] of own) {
        if (seenParams.has(p)) continue;
        seenParams.add(p);
        node.params += p.numel;
        if (p.requiresGrad) node.trainableParams += p.numel;
      }
      for (const [name, child] of m.namedChildren()) {
        const c = visit(child, path ? `${path}.${name}` : name, name);
        node.children.push(c);
        node.params += c.params;
        node.trainableParams += c.trainableParams;
      }
    }
    // Identical blocks: same type, arguments, parameter shapes / trainability and children.
    const key = [
      m.constructor.name,
      argsOf(m),
      shared ?? "",
      own.map(([n, p]) => `${n}${p.shape.join("x")}${p.requiresGrad ? "t" : "f"}`).join(","),
      node.children.map((c) => `${c.name}=${c.signature}`).join(","),
    ].join("|");
    let sig = signatures.get(key);
    if (sig === undefined) signatures.set(key, (sig = signatures.size + 1));
    node.signature = sig;
    return node;
  };
  return visit(root, "", "");
}

function countRows(n: Node): number {
  return 1 + n.children.reduce((s, c) => s + countRows(c), 0);
}

function trainableState(params: number, trainable: number): SummaryRow["trainable"] {
  if (params === 0) return "";
  if (trainable === params) return "yes";
  if (trainable === 0) return "frozen";
  return "partial";
}

/** A model summary; displays as an HTML table, prints as a text table. */
export class ModuleSummary {
  readonly model: string;
  readonly rows: SummaryRow[];
  readonly totals: SummaryTotals;
  /** Whether identical blocks were collapsed. */
  readonly collapsed: boolean;

  constructor(model: Module, options: SummaryOptions = {}) {
    if (!(model instanceof Module)) throw new TypeError(`summary() expects an nn.Module, got ${kindOf(model)}`);
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(`summary(): options must be an object such as { depth: 2 }, got ${kindOf(options)}`);
    }
    const { collapse = "auto", maxRows = 40, depth = Infinity } = options;
    if (collapse !== "auto" && typeof collapse !== "boolean") {
      throw new ValueError(`summary(): collapse must be "auto", true or false, got ${describeValue(collapse)}`);
    }
    if (typeof maxRows !== "number" || !Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(`summary(): maxRows must be a positive integer, got ${describeValue(maxRows)}`);
    }
    if (typeof depth !== "number" || !(depth === Infinity || (Number.isInteger(depth) && depth >= 0))) {
      throw new RangeError(`summary(): depth must be a non-negative integer or Infinity, got ${describeValue(depth)}`);
    }
    const tree = buildTree(model);
    this.model = model.constructor.name;
    this.collapsed = collapse === true || (collapse === "auto" && countRows(tree) > maxRows);
    this.rows = [];
    this.#emit(tree, "", "", 0, depth);
    let buffers = 0;
    let bufferBytes = 0;
    for (const [, b] of model.namedBuffers()) {
      buffers += b.numel;
      bufferBytes += tensorBytes(b);
    }
    // Bytes in each tensor's own dtype (a bf16 checkpoint loaded shape-only takes 2 bytes a value).
    let paramBytes = 0;
    for (const p of model.parameters()) paramBytes += tensorBytes(p);
    this.totals = {
      total: tree.params,
      trainable: tree.trainableParams,
      nonTrainable: tree.params - tree.trainableParams,
      paramBytes,
      buffers,
      bufferBytes,
    };
  }

  #emit(n: Node, prefix: string, childPrefix: string, depth: number, maxDepth: number, fullName = ""): void {
    this.rows.push(this.#row(n, prefix, depth, fullName));
    if (depth >= maxDepth) return;
    const kids = n.children;
    let i = 0;
    while (i < kids.length) {
      let j = i + 1;
      if (this.collapsed) while (j < kids.length && kids[j].signature === kids[i].signature && !kids[i].sharedWith) j++;
      const lastGroup = j >= kids.length;
      const join = (name: string) => (fullName ? `${fullName}.${name}` : name);
      const branch = lastGroup && j - i === 1 ? "└─" : "├─";
      const cont = lastGroup && j - i === 1 ? "  " : "│ ";
      this.#emit(kids[i], childPrefix + branch, childPrefix + cont, depth + 1, maxDepth, join(kids[i].name));
      if (j - i > 1) {
        const rest = kids.slice(i + 1, j);
        const params = rest.reduce((s, c) => s + c.params, 0);
        const trainable = rest.reduce((s, c) => s + c.trainableParams, 0);
        this.rows.push({
          prefix: childPrefix + (lastGroup ? "└─" : "├─"),
          depth: depth + 1,
          name: `${rest[0].name}…${rest[rest.length - 1].name}`,
          type: kids[i].module.constructor.name,
          args: "",
          shapes: "",
          params,
          trainable: trainableState(params, trainable),
          repeat: { count: rest.length, first: join(rest[0].name), last: join(rest[rest.length - 1].name) },
          hasChildren: rest[0].children.length > 0,
        });
      }
      i = j;
    }
  }

  #row(n: Node, prefix: string, depth: number, fullName: string): SummaryRow {
    return {
      prefix,
      depth,
      name: fullName,
      type: n.module.constructor.name,
      args: argsOf(n.module),
      shapes: n.own.map(([name, p]) => `${name} ${formatShapeTuple(p.shape)}`).join(", "),
      params: n.params,
      trainable: trainableState(n.params, n.trainableParams),
      sharedWith: n.sharedWith,
      hasChildren: n.children.length > 0,
    };
  }

  /** The summary as text, in torchinfo's layout. */
  toString(): string {
    const head = ["Layer (type)", "Arguments", "Param shapes", "Param #", "Trainable"];
    const cells = this.rows.map((r) => [
      r.prefix + rowLabel(r),
      r.repeat ? "" : truncate(r.args, 48),
      r.sharedWith !== undefined ? `(shared with ${r.sharedWith || "root"})` : truncate(r.shapes, 40),
      r.sharedWith !== undefined ? "--" : formatCount(r.params),
      r.trainable,
    ]);
    const widths = head.map((h, i) => Math.max(displayWidth(h), ...cells.map((c) => displayWidth(c[i]))));
    const line = (c: string[]) => c.map((s, i) => pad(s, widths[i], i === 3 ? "right" : "left")).join("  ").replace(/\s+$/, "");
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    const bar = "=".repeat(total);
    const t = this.totals;
    const out = [bar, line(head), bar, ...cells.map(line), bar];
    out.push(`Total params: ${formatCount(t.total)}`);
    out.push(`Trainable params: ${formatCount(t.trainable)}`);
    out.push(`Non-trainable params: ${formatCount(t.nonTrainable)}`);
    out.push(`Params size: ${formatBytes(t.paramBytes)}`);
    if (t.buffers) out.push(`Buffers: ${formatCount(t.buffers)} elements (${formatBytes(t.bufferBytes)})`);
    out.push(bar);
    return out.join("\n");
  }

  /** The summary as an HTML table. */
  toHtml(): string {
    const t = this.totals;
    const rows = this.rows.map((r) => {
      const indent = `padding-left:${0.5 + r.depth * 1.4}em`;
      const label = r.repeat
        ? `<span class="pl-muted">⋮ ${escapeHtml(`${r.repeat.count} more × `)}</span><span class="pl-type">${escapeHtml(r.type)}</span><span class="pl-muted">${escapeHtml(` identical blocks (${lastSegment(r.repeat.first)} … ${lastSegment(r.repeat.last)})`)}</span>`
        : (r.name ? `<span class="pl-mono">${escapeHtml(lastSegment(r.name))}</span>: ` : "") + `<span class="pl-type">${escapeHtml(r.type)}</span>`;
      const cls = r.repeat ? ' class="pl-repeat"' : "";
      const title = r.name && !r.repeat ? ` title="${escapeHtml(r.name)}"` : "";
      const shapes = r.sharedWith !== undefined ? el("td", `shared with ${r.sharedWith || "the root"}`, "pl-muted") : el("td", r.shapes, "pl-mono");
      const params =
        r.sharedWith !== undefined || (r.params === 0 && !r.hasChildren)
          ? el("td", "—", "pl-num pl-muted")
          : el("td", formatCount(r.params), r.hasChildren ? "pl-num pl-muted" : "pl-num");
      return (
        `<tr${cls}><td style="${indent}"${title}>${label}</td>` +
        (r.args.length > ARGS_MAX
          ? el("td", r.args.slice(0, ARGS_MAX - 1) + "…", "pl-args pl-mono", `title="${escapeHtml(r.args)}"`)
          : el("td", r.repeat ? "" : r.args, "pl-args pl-mono")) +
        shapes +
        params +
        el("td", r.trainable, r.trainable === "yes" ? "pl-yes" : r.trainable === "partial" ? "pl-partial" : "pl-no") +
        "</tr>"
      );
    });
    const facts: Array<[string, string]> = [
      ["Total params", formatCount(t.total)],
      ["Trainable params", formatCount(t.trainable)],
      ["Non-trainable params", formatCount(t.nonTrainable)],
      ["Params size", formatBytes(t.paramBytes)],
    ];
    if (t.buffers) facts.push(["Buffers", `${formatCount(t.buffers)} elements (${formatBytes(t.bufferBytes)})`]);
    const caption = `${this.model} · ${formatCount(t.total)} parameters${this.collapsed ? " · identical blocks collapsed" : ""}`;
    return wrapHtml(
      "<table>" +
        el("caption", caption) +
        '<thead><tr><th>Layer (type)</th><th>Arguments</th><th>Param shapes</th><th class="pl-num">Param #</th><th>Trainable</th></tr></thead>' +
        `<tbody>${rows.join("")}</tbody></table>` +
        `<dl class="pl-facts">${facts.map(([k, v]) => el("dt", k) + el("dd", v, "pl-num")).join("")}</dl>`,
    );
  }

  [JUPYTER_DISPLAY](): MediaBundle {
    return mediaBundle({ "text/plain": this.toString(), "text/html": this.toHtml() });
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function lastSegment(path: string): string {
  return path.split(".").pop() ?? path;
}

function rowLabel(r: SummaryRow): string {
  if (r.repeat) return `⋮ ${r.repeat.count} more × ${r.type} (${lastSegment(r.repeat.first)} … ${lastSegment(r.repeat.last)})`;
  return r.name ? `${lastSegment(r.name)}: ${r.type}` : r.type;
}

function truncate(s: string, n: number): string {
  return displayWidth(s) <= n ? s : s.slice(0, n - 1) + "…";
}

/**
 * A torchinfo-style summary of a model: displays as a table in a notebook, prints as text.
 *
 * @example
 * summary(model);                       // layer tree, shapes, counts, totals
 * summary(bigModel, { collapse: true }); // identical blocks folded into "⋮ 23 more × Block"
 */
export function summary(model: Module, options?: SummaryOptions): ModuleSummary {
  return new ModuleSummary(model, options);
}
