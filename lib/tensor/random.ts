/**
 * Seedable randomness that reproduces PyTorch's CPU generator bit for bit: a Mersenne Twister
 * (mt19937) seeded by `manualSeed`, with the same transformations ATen applies
 * (`aten/src/ATen/core/TransformationHelper.h`, `DistributionsHelper.h`,
 * `aten/src/ATen/native/cpu/DistributionTemplates.h`).
 *
 * - `uniform_` on float32: one 32-bit draw per element, its low 24 bits scaled by 2^-24, then
 *   `x * (to - from) + from` with one rounding (PyTorch's build fuses it into an FMA).
 * - `normal_` on >= 16 float32 elements: all uniforms first, then Box-Muller over blocks of 16
 *   (the last block recomputed from 16 fresh uniforms when the size is not a multiple of 16),
 *   evaluated with the float32 log/sincos that PyTorch's AVX2 kernel uses (see avx_mathfun.ts).
 *   Checked bit for bit against torch 1.13 (Debian build, AVX2 kernels) on 100 000 samples.
 * - `normal_` on < 16 elements: per element, 53-bit doubles from two draws each, Box-Muller in
 *   double with the second value cached in the generator, as `normal_distribution<double>`.
 * - `bernoulli_(p)`: per element, a 53-bit double uniform compared with `p`.
 * - integers in [low, high): one 32-bit draw (64-bit when the range is >= 2^32) modulo the range.
 *
 * This file works on raw Float32Arrays so that `Tensor` can use it; `rand`, `randn`, `randint`
 * and `randperm` live in sampling.ts.
 */
import { kindOf, ValueError } from "../errors.js";
import { log256, SINCOS, sincos256 } from "./avx_mathfun.js";

const N = 624;
const M = 397;
const TWO_POW_M24 = 1 / (1 << 24);
const TWO_POW_M53 = 2 ** -53;
/** PyTorch's default seed for the CPU generator when none was set. */
const DEFAULT_SEED = 67280421310721n;

/**
 * A random number generator with PyTorch's `torch.Generator` behaviour on the CPU: same seed,
 * same numbers as PyTorch.
 *
 * @example
 * const g = new Generator().manualSeed(0);
 * rand([3], { generator: g }).data; // Float32Array [0.4963, 0.7682, 0.0885], as torch.rand(3)
 */
export class Generator {
  readonly #mt = new Uint32Array(N);
  #index = N;
  #seed = 0n;
  /** Box-Muller's second value, kept for the next double normal draw (PyTorch caches it too). */
  #nextDoubleNormal: number | null = null;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Re-seeds the generator and clears the cached normal sample, like `torch.Generator.manual_seed`. */
  manualSeed(seed: number | bigint): this {
    let s: bigint;
    if (typeof seed === "bigint") s = seed;
    else if (typeof seed === "number" && Number.isInteger(seed)) s = BigInt(seed);
    // Porting note: PyTorch truncates a float seed with int(); a fractional seed is refused here.
    else throw new TypeError(`manual_seed expected an integer seed, got ${typeof seed === "number" ? seed : kindOf(seed)}`);
    // PyTorch accepts negative seeds by reinterpreting them as unsigned 64-bit.
    if (s < -(1n << 63n) || s >= 1n << 64n) {
      throw new RangeError(`Overflow when unpacking long: seed ${s} is outside [-2^63, 2^64)`);
    }
    this.#seed = BigInt.asUintN(64, s);
    // std::mt19937 keeps only the low 32 bits of the seed.
    const mt = this.#mt;
    mt[0] = Number(this.#seed & 0xffffffffn);
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
    this.#nextDoubleNormal = null;
    return this;
  }

  /** The seed last set (PyTorch's `initial_seed()`), as a bigint since seeds are 64-bit. */
  initialSeed(): bigint {
    return this.#seed;
  }

  /** The next raw 32-bit draw of the Mersenne Twister (PyTorch's `random()`). */
  random(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A float32 uniform in [from, to) from one draw, as `uniform_real_distribution<float>`. */
  uniformFloat(from = 0, to = 1): number {
    const x = (this.random() & 0xffffff) * TWO_POW_M24;
    // x * (to - from) + from, fused into one float32 rounding as GCC compiles PyTorch's kernel.
    return Math.fround(x * Math.fround(Math.fround(to) - Math.fround(from)) + Math.fround(from));
  }

  /** A double uniform in [0, 1) from a 64-bit draw (two 32-bit draws, first one high), 53 bits kept. */
  uniformDouble(): number {
    const hi = this.random();
    const lo = this.random();
    // (hi << 32 | lo) & (2^53 - 1): the low 21 bits of `hi` and all of `lo`.
    return ((hi & 0x1fffff) * 4294967296 + lo) * TWO_POW_M53;
  }

  /** A double normal sample as `normal_distribution<double>` (Box-Muller, second value cached). */
  normalDouble(mean = 0, std = 1): number {
    if (this.#nextDoubleNormal !== null) {
      const cached = this.#nextDoubleNormal;
      this.#nextDoubleNormal = null;
      return cached * std + mean;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.#nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta) * std + mean;
  }

  /**
   * The generator's whole state (twister words, position, seed and cached normal), to save and
   * restore with `setState`. Porting note: PyTorch returns a ByteTensor; this is a plain object.
   */
  getState(): GeneratorState {
    return { mt: Array.from(this.#mt), index: this.#index, seed: this.#seed.toString(), nextDoubleNormal: this.#nextDoubleNormal };
  }

  /** Restores a state from `getState()`. */
  setState(state: GeneratorState): this {
    if (!state || !Array.isArray(state.mt) || state.mt.length !== N || !Number.isInteger(state.index) || state.index < 0 || state.index > N) {
      throw new ValueError(`setState(): expected a state from getState() (mt: ${N} words, index in [0, ${N}]), got ${kindOf(state)}`);
    }
    this.#mt.set(state.mt);
    this.#index = state.index;
    this.#seed = BigInt(state.seed);
    this.#nextDoubleNormal = state.nextDoubleNormal;
    return this;
  }

  #twist(): void {
    const mt = this.#mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.#index = 0;
  }

  toString(): string {
    return `Generator(seed=${this.#seed})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A generator's saved state (see `Generator.getState`). */
export interface GeneratorState {
  mt: number[];
  index: number;
  seed: string;
  nextDoubleNormal: number | null;
}

/**
 * The generator used when none is passed: PyTorch's `torch.default_generator`.
 *
 * @example
 * const saved = defaultGenerator.getState(); // ... later: defaultGenerator.setState(saved)
 */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator, like `torch.manual_seed(seed)`: afterwards `rand`, `randn` and
 * layer initialisation give the same numbers as PyTorch with the same seed.
 *
 * @example
 * manualSeed(0);
 * const w = new nn.Linear(4, 8).weight; // equals torch.manual_seed(0); nn.Linear(4, 8).weight
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * The seed of the default generator (PyTorch's `torch.initial_seed()`).
 *
 * @example
 * manualSeed(42);
 * initialSeed(); // 42n
 */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

/**
 * Seeds the default generator from the operating system's randomness and returns the seed
 * (PyTorch's `torch.seed()`), for runs that should differ but can be replayed.
 *
 * @example
 * const s = seed(); // log it; manualSeed(s) replays this run
 */
export function seed(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  // PyTorch draws a 64-bit value; the generator uses its low 32 bits.
  const s = (BigInt(words[0] & 0x7fffffff) << 32n) | BigInt(words[1]);
  defaultGenerator.manualSeed(s);
  return s;
}

/**
 * The default generator's state, to restore later with `setRngState` (PyTorch's
 * `torch.get_rng_state()`).
 *
 * @example
 * const state = getRngState(); randn(3); setRngState(state); // randn(3) repeats
 */
export function getRngState(): GeneratorState {
  return defaultGenerator.getState();
}

/**
 * Restores the default generator's state from `getRngState()` (PyTorch's `torch.set_rng_state`).
 *
 * @example
 * setRngState(state);
 */
export function setRngState(state: GeneratorState): void {
  defaultGenerator.setState(state);
}

/** Options accepted by the sampling functions. */
export interface RandomOptions {
  /** Generator to draw from; the default generator when omitted. */
  generator?: Generator;
}

function pickGenerator(options: RandomOptions | undefined, fn: string): Generator {
  const g = options?.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new TypeError(`${fn}(): generator must be a Generator, got ${kindOf(g)}`);
  return g;
}

/** Fills `data` with uniform samples in [from, to), in place, as `Tensor.uniform_` does. */
export function uniformFill(data: Float32Array, from = 0, to = 1, options?: RandomOptions): Float32Array {
  const g = pickGenerator(options, "uniform_");
  if (!(from <= to)) throw new ValueError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const f = Math.fround(from);
  const span = Math.fround(Math.fround(to) - f);
  for (let i = 0; i < data.length; i++) {
    const x = (g.random() & 0xffffff) * TWO_POW_M24;
    // Fused multiply-add (one rounding, on store), as GCC compiles PyTorch's kernel.
    data[i] = x * span + f;
  }
  return data;
}

/** Box-Muller on 16 uniforms at `o`, with PyTorch's AVX2 float32 arithmetic. */
function normalFill16(data: Float32Array, o: number, mean: number, std: number): void {
  const twoPi = Math.fround(2 * Math.PI);
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - data[o + j]);
    const u2 = data[o + j + 8];
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * log256(u1))));
    const theta = Math.fround(twoPi * u2);
    sincos256(theta);
    const n1 = Math.fround(radius * SINCOS[1]);
    const n2 = Math.fround(radius * SINCOS[0]);
    // _mm256_fmadd_ps: one rounding.
    data[o + j] = n1 * std + mean;
    data[o + j + 8] = n2 * std + mean;
  }
}

/** Fills `data` with normal samples, in place, consuming the generator as `Tensor.normal_` does. */
export function normalFill(data: Float32Array, mean = 0, std = 1, options?: RandomOptions): Float32Array {
  const g = pickGenerator(options, "normal_");
  if (!(std >= 0)) throw new ValueError(`normal expects std >= 0.0, but found std ${std}`);
  const size = data.length;
  if (size >= 16) {
    const m = Math.fround(mean);
    const s = Math.fround(std);
    for (let i = 0; i < size; i++) data[i] = (g.random() & 0xffffff) * TWO_POW_M24;
    for (let i = 0; i + 16 <= size; i += 16) normalFill16(data, i, m, s);
    if (size % 16 !== 0) {
      // Recompute the last 16 values from fresh uniforms.
      const o = size - 16;
      for (let i = 0; i < 16; i++) data[o + i] = (g.random() & 0xffffff) * TWO_POW_M24;
      normalFill16(data, o, m, s);
    }
  } else {
    for (let i = 0; i < size; i++) data[i] = g.normalDouble(mean, std);
  }
  return data;
}

/** Fills `data` with 0/1 samples that are 1 with probability `p`, as `Tensor.bernoulli_(p)`. */
export function bernoulliFill(data: Float32Array, p = 0.5, options?: RandomOptions): Float32Array {
  const g = pickGenerator(options, "bernoulli_");
  if (!(p >= 0 && p <= 1)) throw new ValueError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  for (let i = 0; i < data.length; i++) data[i] = g.uniformDouble() < p ? 1 : 0;
  return data;
}

/**
 * Fills `data` with integers in [low, high), as `Tensor.random_(low, high)` / `torch.randint`.
 * Porting note: values are stored as float32, exact up to 2^24.
 */
export function integerFill(data: Float32Array, low: number, high: number, options?: RandomOptions): Float32Array {
  const g = pickGenerator(options, "random_");
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new TypeError(`random_ expects integer bounds, got from=${low}, to=${high}`);
  if (!(low < high)) throw new ValueError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const range = high - low;
  if (range >= 2 ** 32) {
    const r = BigInt(range);
    for (let i = 0; i < data.length; i++) {
      const v = (BigInt(g.random()) << 32n) | BigInt(g.random());
      data[i] = Number(v % r) + low;
    }
  } else {
    for (let i = 0; i < data.length; i++) data[i] = (g.random() % range) + low;
  }
  return data;
}

/** Fills `data` with a random permutation of 0..n-1 (n = length), PyTorch's CPU `randperm` shuffle. */
export function permutationFill(data: Float32Array, options?: RandomOptions): Float32Array {
  const g = pickGenerator(options, "randperm");
  const n = data.length;
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = g.random() % (n - i);
    const tmp = data[i];
    data[i] = data[z + i];
    data[z + i] = tmp;
  }
  return data;
}
