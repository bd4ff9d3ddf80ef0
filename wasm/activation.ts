// AssemblyScript source of the element-wise activation kernels behind lib/nn/functional/
// activation.ts (compiled to dist/wasm/activation.wasm; run through runWasmMap in
// lib/tensor/parallel.ts, hence the five-pointer signature). f32x4 lanes with a scalar tail that
// gives the same values.

/** y = max(x, 0): NaN stays NaN and -0 becomes +0 (wasm's f32x4.max), as torch.relu. */
export function reluForward(x: usize, y: usize, _c: usize, _d: usize, _e: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.max(v128.load(x + o), zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 ? v : v != v ? v : 0);
  }
}

/** r = g where y > 0, else 0 (PyTorch's threshold_backward on the output; NaN in y gives 0). */
export function reluBackward(g: usize, y: usize, r: usize, _d: usize, _e: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(r + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(r + o, load<f32>(y + o) > 0 ? load<f32>(g + o) : 0);
  }
}
