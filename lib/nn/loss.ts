/**
 * Loss modules: PyTorch's `nn.MSELoss`, `L1Loss`, `SmoothL1Loss`, `HuberLoss`,
 * `CrossEntropyLoss`, `NLLLoss`, `BCELoss`, `BCEWithLogitsLoss`. Each checks its options when
 * built and calls the function of `nn.functional` in `forward(input, target)`.
 */
import { describeValue, RuntimeError, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as L from "./functional/loss.js";
import { Module } from "./module.js";

/** Base of the losses: the options object and `reduction`, checked once. */
abstract class Loss extends Module {
  readonly reduction: L.Reduction;

  constructor(options: L.ReductionOptions | undefined) {
    super();
    if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
      throw new TypeError(`${this.constructor.name}: options must be an object such as { reduction: "sum" }, got ${describeValue(options)}`);
    }
    this.reduction = L.checkReduction(options?.reduction);
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Registers an optional weight as a buffer (as PyTorch does), checking it is a Tensor. */
function weightBuffer(module: Module, name: string, value: Tensor | null | undefined): Tensor | null {
  if (value !== undefined && value !== null && !(value instanceof Tensor)) {
    throw new TypeError(`${module.constructor.name}: ${name} must be a Tensor or null, got ${describeValue(value)}`);
  }
  module.registerBuffer(name, value ?? null);
  return value ?? null;
}

/**
 * Mean squared error: (x − y)² averaged (or summed, or per element with `reduction: "none"`).
 *
 * @example
 * new nn.MSELoss().forward(pred, target).backward();
 */
export class MSELoss extends Loss {
  constructor(options?: L.ReductionOptions) {
    super(options);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error |x − y|.
 *
 * @example
 * new nn.L1Loss({ reduction: "sum" }).forward(pred, target);
 */
export class L1Loss extends Loss {
  constructor(options?: L.ReductionOptions) {
    super(options);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Quadratic below `beta`, linear above (PyTorch's `SmoothL1Loss`).
 *
 * @example
 * new nn.SmoothL1Loss({ beta: 0.5 }).forward(pred, target);
 */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: L.SmoothL1Options = {}) {
    super(options);
    const beta = options.beta ?? 1;
    if (typeof beta !== "number" || Number.isNaN(beta)) throw new TypeError(`SmoothL1Loss: beta must be a number, got ${describeValue(beta)}`);
    if (beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
    this.beta = beta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Quadratic below `delta`, linear (slope `delta`) above (PyTorch's `HuberLoss`).
 *
 * @example
 * new nn.HuberLoss({ delta: 2 }).forward(pred, target);
 */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: L.HuberOptions = {}) {
    super(options);
    const delta = options.delta ?? 1;
    if (typeof delta !== "number" || Number.isNaN(delta)) throw new TypeError(`HuberLoss: delta must be a number, got ${describeValue(delta)}`);
    if (delta <= 0) throw new RuntimeError("huber_loss does not support non-positive values for delta.");
    this.delta = delta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Negative log-likelihood of class indices under log-probabilities (use after LogSoftmax).
 *
 * @example
 * new nn.NLLLoss({ ignore_index: 0 }).forward(logProbs, labels);
 */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options: L.NLLOptions = {}) {
    super(options);
    this.weight = weightBuffer(this, "weight", options.weight);
    this.ignoreIndex = options.ignore_index ?? -100;
    if (!Number.isInteger(this.ignoreIndex)) throw new TypeError(`NLLLoss: ignore_index must be an integer, got ${describeValue(this.ignoreIndex)}`);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignore_index: this.ignoreIndex });
  }
}

/**
 * Cross entropy of logits against class indices or class probabilities, with class `weight`,
 * `ignore_index` and `label_smoothing` (PyTorch's `CrossEntropyLoss`).
 *
 * @example
 * const lossFn = new nn.CrossEntropyLoss({ label_smoothing: 0.1 });
 * lossFn.forward(model.forward(x), y).backward();
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: L.CrossEntropyOptions = {}) {
    super(options);
    this.weight = weightBuffer(this, "weight", options.weight);
    this.ignoreIndex = options.ignore_index ?? -100;
    if (!Number.isInteger(this.ignoreIndex)) throw new TypeError(`CrossEntropyLoss: ignore_index must be an integer, got ${describeValue(this.ignoreIndex)}`);
    const eps = options.label_smoothing ?? 0;
    if (typeof eps !== "number" || Number.isNaN(eps)) throw new TypeError(`CrossEntropyLoss: label_smoothing must be a number, got ${describeValue(eps)}`);
    if (eps < 0 || eps > 1) throw new ValueError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
    this.labelSmoothing = eps;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignore_index: this.ignoreIndex,
      label_smoothing: this.labelSmoothing,
    });
  }
}

/**
 * Binary cross entropy of probabilities (use after Sigmoid), with an element `weight`.
 *
 * @example
 * new nn.BCELoss().forward(F.sigmoid(logits), targets);
 */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(options: L.BCEOptions = {}) {
    super(options);
    this.weight = weightBuffer(this, "weight", options.weight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * Sigmoid + binary cross entropy in one stable step, with `weight` and `pos_weight`.
 *
 * @example
 * new nn.BCEWithLogitsLoss({ pos_weight: tensor([3]) }).forward(logits, targets);
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(options: L.BCEWithLogitsOptions = {}) {
    super(options);
    this.weight = weightBuffer(this, "weight", options.weight);
    this.posWeight = weightBuffer(this, "pos_weight", options.pos_weight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, pos_weight: this.posWeight });
  }
}
