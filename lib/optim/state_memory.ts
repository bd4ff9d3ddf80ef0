/**
 * Memory an optimizer needs, from shapes alone (meta parameters included): per group, the
 * parameters, their gradients and the optimizer's per-parameter state tensors, in each parameter's
 * dtype (PyTorch allocates state with `zeros_like(param)`).
 *
 * The state each optimizer keeps is a table here, keyed by class name and read from the group's
 * options — the names are PyTorch's state keys (torch/optim/*.py), e.g. Adam keeps `exp_avg` and
 * `exp_avg_sq` (2×) plus `max_exp_avg_sq` with amsgrad (+1×). Scalar state (`step`) is not counted.
 * Gradients and state exist only for trainable parameters (state is created at their first step).
 */
import { tensorBytes } from "../tensor/meta.js";
import type { Optimizer, ParamGroup } from "./optimizer.js";

/** PyTorch's full-size state tensors per parameter, by optimizer class, for a group's options. */
export const OPTIMIZER_STATE: Readonly<Record<string, (group: ParamGroup) => string[]>> = {
  SGD: (g) => (typeof g.momentum === "number" && g.momentum !== 0 ? ["momentum_buffer"] : []),
  Adam: (g) => ["exp_avg", "exp_avg_sq", ...(g.amsgrad === true ? ["max_exp_avg_sq"] : [])],
  AdamW: (g) => ["exp_avg", "exp_avg_sq", ...(g.amsgrad === true ? ["max_exp_avg_sq"] : [])],
  Adamax: () => ["exp_avg", "exp_inf"],
  NAdam: () => ["exp_avg", "exp_avg_sq"],
  RAdam: () => ["exp_avg", "exp_avg_sq"],
  RMSprop: (g) => ["square_avg", ...(typeof g.momentum === "number" && g.momentum > 0 ? ["momentum_buffer"] : []), ...(g.centered === true ? ["grad_avg"] : [])],
  Adagrad: () => ["sum"],
  Adadelta: () => ["square_avg", "acc_delta"],
};

/** Memory of one param group. */
export interface GroupMemory {
  /** Index of the group. */
  group: number;
  name?: string;
  tensors: number;
  numel: number;
  trainableNumel: number;
  /** Bytes of the parameters (each in its dtype). */
  paramBytes: number;
  /** Bytes of the gradients of trainable parameters. */
  gradBytes: number;
  /** State tensor names per parameter (`[]` when none, `null` when the optimizer is unknown). */
  stateKeys: string[] | null;
  /** Bytes of the optimizer state (`stateKeys.length ×` the trainable parameters' bytes). */
  stateBytes: number;
}

/** Memory of an optimizer's groups, and the totals. */
export interface OptimizerMemory {
  optimizer: string;
  /** False when the optimizer's state is not in the table (its state then counts 0). */
  known: boolean;
  groups: GroupMemory[];
  paramBytes: number;
  gradBytes: number;
  stateBytes: number;
  /** Parameters + gradients + state. */
  totalBytes: number;
}

/** The state table entry of an optimizer: its class or the nearest known base class. */
function stateRule(optimizer: Optimizer): [string, ((g: ParamGroup) => string[]) | undefined] {
  for (let proto = Object.getPrototypeOf(optimizer); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = proto.constructor?.name;
    if (name && Object.prototype.hasOwnProperty.call(OPTIMIZER_STATE, name)) return [name, OPTIMIZER_STATE[name]];
  }
  return [optimizer.constructor.name, undefined];
}

/**
 * Parameters, gradients and optimizer state in bytes, per group and in total, from shapes alone.
 *
 * @example
 * const mem = optimizerMemory(new optim.AdamW(model.parameters(), { lr: 1e-4 }));
 * mem.groups[0].stateKeys; // ["exp_avg", "exp_avg_sq"]
 * mem.stateBytes;          // 2 × the trainable parameters' bytes
 */
export function optimizerMemory(optimizer: Optimizer): OptimizerMemory {
  const [, rule] = stateRule(optimizer);
  const groups = optimizer.paramGroups.map((g, i): GroupMemory => {
    let numel = 0;
    let trainableNumel = 0;
    let paramBytes = 0;
    let trainableBytes = 0;
    for (const p of g.params) {
      const b = tensorBytes(p);
      numel += p.numel;
      paramBytes += b;
      if (p.requiresGrad) {
        trainableNumel += p.numel;
        trainableBytes += b;
      }
    }
    const stateKeys = rule ? rule(g) : null;
    return {
      group: i,
      name: typeof g.name === "string" ? g.name : undefined,
      tensors: g.params.length,
      numel,
      trainableNumel,
      paramBytes,
      gradBytes: trainableBytes,
      stateKeys,
      stateBytes: (stateKeys?.length ?? 0) * trainableBytes,
    };
  });
  const sum = (k: "paramBytes" | "gradBytes" | "stateBytes") => groups.reduce((s, g) => s + g[k], 0);
  const paramBytes = sum("paramBytes");
  const gradBytes = sum("gradBytes");
  const stateBytes = sum("stateBytes");
  return { optimizer: optimizer.constructor.name, known: rule !== undefined, groups, paramBytes, gradBytes, stateBytes, totalBytes: paramBytes + gradBytes + stateBytes };
}
