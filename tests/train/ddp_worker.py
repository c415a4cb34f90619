"""Run `train` (alone or under torchrun) and save this rank's final state dicts.

usage: python ddp_worker.py CONFIG DATA OUT MAX_STEPS
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch

from facemotion.config import load_config
from facemotion.train.loop import TrainOptions, train

if __name__ == "__main__":
    torch.set_num_threads(1)
    config, data, out, max_steps = sys.argv[1:5]
    result = train(
        load_config(config),
        TrainOptions(Path(data), Path(out), max_steps=int(max_steps), progress=False, device="cpu"),
    )
    rank = int(os.environ.get("RANK", "0"))
    state = {
        f"{name}.{key}": value
        for name, net in result.networks.items()
        for key, value in net.state_dict().items()
    }
    torch.save(state, Path(out) / f"rank{rank}.pt")
