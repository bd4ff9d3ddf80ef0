/** Placeholder replaced below. */
export type Kernel = (...args: never[]) => void;
export function runKernel(
  kernel: (a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array, e: Float32Array | null, start: number, end: number, s: Float64Array) => void,
  arrays: [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array | null],
  scalars: Float64Array,
): void {
  kernel(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], 0, arrays[0].length, scalars);
}
