"""Writes the PyTorch files that notebooks/05-from-pytorch.ipynb loads.

Run with a Python that has PyTorch (on Debian: /usr/bin/python3 with python3-torch):

    /usr/bin/python3 notebooks/data/make_torch_state.py

It trains the seed tutorial's actor-critic model for three Adam steps with three named param
groups and saves, as JSON (tensors as nested lists):
  - adam_state_dict.json: optimizer.state_dict()
  - model_state_dict.json: model.state_dict()
The export helper below is the snippet shown in the notebook.
"""
import json
import os

import torch
import torch.nn as nn


def to_json(value):
    """state_dict() values -> JSON: tensors become (nested) lists, 0-d tensors plain numbers."""
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def save_json(state_dict, path):
    with open(path, "w") as f:
        json.dump(to_json(state_dict), f, indent=1)
        f.write("\n")


class MyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = nn.Linear(4, 8)
        self.actor = nn.Linear(8, 2)
        self.critic = nn.Linear(8, 1)

    def forward(self, x):
        x = self.base(x)
        return self.actor(x), self.critic(x)


def main():
    torch.manual_seed(0)
    model = MyModel()
    optimizer = torch.optim.Adam(
        [
            {"params": model.base.parameters(), "lr": 1e-3, "name": "base"},
            {"params": model.actor.parameters(), "lr": 5e-4, "name": "actor"},
            {"params": model.critic.parameters(), "lr": 1e-4, "name": "critic", "weight_decay": 1e-2},
        ],
        betas=(0.9, 0.999),
    )
    x = torch.randn(16, 4)
    target_action = torch.randn(16, 2)
    target_value = torch.randn(16, 1)
    for _ in range(3):
        optimizer.zero_grad()
        action, value = model(x)
        loss = nn.functional.mse_loss(action, target_action) + nn.functional.mse_loss(value, target_value)
        loss.backward()
        optimizer.step()

    here = os.path.dirname(os.path.abspath(__file__))
    save_json(optimizer.state_dict(), os.path.join(here, "adam_state_dict.json"))
    save_json(model.state_dict(), os.path.join(here, "model_state_dict.json"))
    print(f"torch {torch.__version__}: wrote adam_state_dict.json and model_state_dict.json to {here}")


if __name__ == "__main__":
    main()
