"""PyTorch side of bench/train.ts: median time of one training step (zero_grad, forward,
CrossEntropyLoss, backward, AdamW step) of an MLP with ReLU, eager mode, CPU.

  /usr/bin/python3 bench/train_torch.py SIZES BATCH STEPS [WARMUP] [THREADS]
  e.g. bench/train_torch.py 2,64,64,2 64 200 200
Prints JSON.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn

sizes = [int(s) for s in sys.argv[1].split(",")]
batch = int(sys.argv[2])
steps = int(sys.argv[3])
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else max(20, steps // 10)
if len(sys.argv) > 5:
    torch.set_num_threads(int(sys.argv[5]))

torch.manual_seed(0)
layers = []
for i in range(len(sizes) - 1):
    layers.append(nn.Linear(sizes[i], sizes[i + 1]))
    if i < len(sizes) - 2:
        layers.append(nn.ReLU())
model = nn.Sequential(*layers)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.tensor([math.sin(0.37 * i) for i in range(batch * sizes[0])], dtype=torch.float32).reshape(batch, sizes[0])
y = torch.tensor([i % sizes[-1] for i in range(batch)])


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


for _ in range(warmup):
    step()
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                  "median_ms": times[len(times) // 2], "min_ms": times[0]}))
