"""PyTorch's float32 CPU matmul (torch.mm, OpenBLAS/MKL) on the shapes bench/matmul.ts sends.

    python matmul_torch.py THREADS '[[m, n, k, transA, transB], ...]'

Prints JSON: per shape, the median and min ms of torch.mm(op(A), op(B)) (a new output each call, as a
model's forward does) and of torch.mm(..., out=C) (output reused).
"""
import json
import sys
import time

try:
    import torch
except ImportError as e:
    print(json.dumps({"error": f"torch not importable: {e}"}))
    sys.exit(0)

threads = int(sys.argv[1])
shapes = json.loads(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)


def timed(fn, flops):
    fn()
    reps = max(3, min(50, int(2e9 / max(flops, 1))))  # about 0.1-0.3 s per shape
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {"median": times[len(times) // 2], "min": times[0]}


out = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "ms": []}
for m, n, k, ta, tb in shapes:
    a = torch.randn(k, m).t() if ta else torch.randn(m, k)
    b = torch.randn(n, k).t() if tb else torch.randn(k, n)
    c = torch.empty(m, n)
    flops = 2 * m * n * k
    out["ms"].append({"new": timed(lambda: torch.mm(a, b), flops), "out": timed(lambda: torch.mm(a, b, out=c), flops)})
print(json.dumps(out))
