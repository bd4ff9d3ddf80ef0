import { Adam, type AdamDefaults } from "./adam.js";

/** AdamW's options: Adam's, without `decoupled_weight_decay` (always true). */
export type AdamWOptions = Partial<Omit<AdamDefaults, "decoupled_weight_decay">>;

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, `param *= 1 - lr * weight_decay`
 * before the Adam update. As in PyTorch 2.x it is Adam with `decoupled_weight_decay: true`, so
 * both share one implementation; like PyTorch's AdamW it takes no `decoupled_weight_decay`
 * option and sets it on every loaded group. Default `weight_decay` is `1e-2`.
 *
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 3e-4, weight_decay: 0.05 });
 */
export class AdamW extends Adam {
  static override readonly DEFAULTS: Readonly<AdamDefaults> = { ...Adam.DEFAULTS, weight_decay: 1e-2, decoupled_weight_decay: true };
  /** PyTorch's AdamW.__setstate__ forces it on any loaded state. */
  static readonly FIXED = { decoupled_weight_decay: true };
}
