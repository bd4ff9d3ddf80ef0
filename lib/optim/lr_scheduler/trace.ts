/**
 * The result of `optim.lr_scheduler.simulate`: a learning-rate schedule computed without training.
 *
 * Sample `i` of every series is the value in effect for training step `i` (the value after `i`
 * calls of `scheduler.step()`), so a trace of `steps` samples steps the scheduler `steps - 1`
 * times. Series are Float64Array for speed and compact memory (one million steps × 3 groups is
 * 24 MB).
 */
export interface ScheduleTrace {
  /** Number of samples in every series. */
  readonly steps: number;
  /** One label per param group: the group's `name` key, else `group ${i}`. */
  readonly groupNames: string[];
  /** `lr[g][i]`: learning rate of group `g` at training step `i`. */
  readonly lr: Float64Array[];
  /** `momentum[g][i]`, present when the scheduler cycles SGD-style momentum. */
  readonly momentum?: Float64Array[];
  /** `beta1[g][i]`, present when the scheduler cycles Adam-style `betas[0]`. */
  readonly beta1?: Float64Array[];
  /** The scheduler's class name, e.g. `"OneCycleLR"`. */
  readonly scheduler: string;
  /** A one-line description with its options, e.g. `"OneCycleLR(max_lr=0.01, total_steps=1000)"`. */
  readonly description: string;
}
