"""PyTorch's CPU optimizers on N float32 parameters, for bench/optimizers.ts.

    python optimizers_torch.py N REPEATS THREADS NAME[,NAME...]

Prints JSON: per optimizer and foreach setting, the median and min step time in ms, and a check
that the timed steps did the work (the gradient is set, every element of the parameter moved,
the state PyTorch keeps is there, nothing turned NaN). The option sets mirror bench/optimizers.ts
(OPTIONS there).
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
out = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "ms": {}, "check": {}}
for name in names:
    cls, options = OPTIONS[name]
    out["ms"][name] = {}
    out["check"][name] = {}
    for foreach in (True, False):
        # Same values as paramlab's bench parameter (bench/optimizer_step.ts): sin(i), grad cos(0.7 i).
        i = torch.arange(n, dtype=torch.float64)
        p = torch.nn.Parameter(torch.sin(i).float())
        p.grad = torch.cos(0.7 * i).float()
        del i
        opt = cls([p], foreach=foreach, **options)
        # Warm-up as in bench/optimizer_step.ts: state allocation, first touch of its pages, and at
        # least 2 steps and 0.2 s.
        start, steps = time.perf_counter(), 0
        while steps < 2 or time.perf_counter() - start < 0.2:
            opt.step()
            steps += 1
        before = p.detach().clone()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            opt.step()
            times.append((time.perf_counter() - t0) * 1e3)
        kind = "foreach" if foreach else "single_tensor"
        out["check"][name][kind] = {
            "grad_set": p.grad is not None,
            "moved_fraction": float((p.detach() != before).double().mean()),
            "finite": bool(torch.isfinite(p.detach()).all()),
            "state": sorted(k for k, v in opt.state[p].items() if torch.is_tensor(v) and v.numel() == n),
        }
        times.sort()
        out["ms"][name][kind] = {"median": times[len(times) // 2], "min": times[0]}
        del opt, p, before
print(json.dumps(out))
