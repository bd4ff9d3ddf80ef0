"""PyTorch's CPU optimizers on N float32 parameters, for bench/optimizers.ts.

    python optimizers_torch.py N REPEATS THREADS NAME[,NAME...]

Prints JSON: per optimizer and foreach setting, the median and min step time in ms. The option
sets mirror bench/optimizers.ts (OPTIONS there).
"""
import json
import sys
import time

try:
    import torch
except ImportError as e:  # reported as a missing baseline by the caller
    print(json.dumps({"error": f"torch not importable: {e}"}))
    sys.exit(0)

OPTIONS = {
    "SGD": (torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    "Adam": (torch.optim.Adam, {"lr": 1e-3}),
    "AdamW": (torch.optim.AdamW, {"lr": 1e-3, "weight_decay": 0.01}),
    "RMSprop": (torch.optim.RMSprop, {"lr": 1e-2}),
    "Adagrad": (torch.optim.Adagrad, {"lr": 1e-2}),
    "Adamax": (torch.optim.Adamax, {"lr": 2e-3}),
    "NAdam": (torch.optim.NAdam, {"lr": 2e-3}),
    "RAdam": (torch.optim.RAdam, {"lr": 1e-3}),
    "Adadelta": (torch.optim.Adadelta, {"lr": 1.0}),
}

n, repeats, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
names = sys.argv[4].split(",")
torch.set_num_threads(threads)
torch.manual_seed(0)
out = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "ms": {}}
for name in names:
    cls, options = OPTIONS[name]
    out["ms"][name] = {}
    for foreach in (True, False):
        p = torch.nn.Parameter(torch.randn(n))
        p.grad = torch.randn(n)
        opt = cls([p], foreach=foreach, **options)
        for _ in range(2):  # warm-up: state allocation, first touch of its pages
            opt.step()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            opt.step()
            times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        out["ms"][name]["foreach" if foreach else "single_tensor"] = {"median": times[len(times) // 2], "min": times[0]}
        del opt, p
print(json.dumps(out))
