// The worker pool moved to lib/tensor/parallel.ts (matmul uses it too); optimizers keep importing it from here.
export { getNumThreads, PARALLEL_MIN_ELEMENTS, runKernel, setNumThreads, type Kernel } from "../tensor/parallel.js";
