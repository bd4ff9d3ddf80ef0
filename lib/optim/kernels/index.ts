// Registers the WebAssembly SIMD implementations of the optimizer kernels (lib/optim/index.ts
// imports this after the optimizers, so every kernel is defined first).
import "./adam_wasm.js";
import "./sgd_wasm.js";
import "./adagrad_wasm.js";
import "./rmsprop_wasm.js";
import "./adamax_wasm.js";
import "./nadam_wasm.js";
import "./radam_wasm.js";
import "./adadelta_wasm.js";
