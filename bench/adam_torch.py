"""PyTorch's CPU Adam on N float32 parameters, for bench/adam.ts. Prints JSON timings (ms)."""
import json
import sys
import time

try:
    import torch
except ImportError as e:  # reported as a null baseline by bench/adam.ts
    print(json.dumps({"error": f"torch not importable: {e}"}))
    sys.exit(0)

n = int(sys.argv[1])
repeats = int(sys.argv[2])
if len(sys.argv) > 3:  # one thread per core; the Debian build defaults to 1 here
    torch.set_num_threads(int(sys.argv[3]))
torch.manual_seed(0)
out = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "ms": {}}
for foreach in (True, False):
    p = torch.nn.Parameter(torch.randn(n))
    p.grad = torch.randn(n)
    opt = torch.optim.Adam([p], lr=1e-3, foreach=foreach)
    # Warm-up as in bench/optimizer_step.ts: state allocation, first touch of its pages, and at
    # least 2 steps and 0.2 s.
    start, steps = time.perf_counter(), 0
    while steps < 2 or time.perf_counter() - start < 0.2:
        opt.step()
        steps += 1
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        opt.step()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    out["ms"]["foreach" if foreach else "single_tensor"] = {"median": times[len(times) // 2], "min": times[0], "all": times}
    del opt, p
print(json.dumps(out))
