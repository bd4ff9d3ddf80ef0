/*
 * What this machine's memory can do for the SGD benchmark (bench/optimizers.ts): the fused
 * SGD-with-momentum pass (read p, g, buf; write p, buf: 20 bytes per element) as a plain C loop
 * over 10M floats, on 1 thread and with OpenMP on all of them; min of 100 runs. It tells whether
 * PyTorch's SGD time (3 passes, 32 bytes per element) is plausible, and how close paramlab's wasm
 * kernel (128-bit SIMD, like -march=x86-64-v2 here) is to what compiled code reaches.
 *
 *   gcc -O3 -march=x86-64-v2 -fopenmp bench/optimizers_bandwidth.c -o /tmp/bw
 *   OMP_NUM_THREADS=1 /tmp/bw; OMP_NUM_THREADS=2 /tmp/bw
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(void) {
  const long n = 10000000;
  float *p = aligned_alloc(64, 4 * n), *g = aligned_alloc(64, 4 * n), *b = aligned_alloc(64, 4 * n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) {
    p[i] = (float)(i % 7);
    g[i] = (float)(i % 5);
    b[i] = 0.1f;
  }
  double best = 1e9;
  for (int r = 0; r < 100; r++) {
    double t = now_ms();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
      float bb = b[i] * 0.9f + g[i];
      b[i] = bb;
      p[i] = p[i] - 1e-9f * bb;
    }
    t = now_ms() - t;
    if (t < best) best = t;
  }
  printf("{\"threads\": %d, \"sgd_ms\": %.2f, \"GBps\": %.1f, \"check\": %g}\n", omp_get_max_threads(), best, 20.0 * n / best / 1e6, (double)p[n - 1]);
  return 0;
}
