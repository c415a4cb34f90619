"""Two gloo processes on CPU train exactly like one process with the doubled batch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from facemotion.train.report import read_csv

WORKER = Path(__file__).with_name("ddp_worker.py")


def _run(args: list[str], env_extra: dict[str, str] | None = None) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env_extra or {})}
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.torchrun
def test_two_processes_match_one(tiny_config, shapes_data, tmp_path):
    """Global batch 4: 2 per rank under torchrun, 4 in one process; adversarial losses on so
    that the discriminator's DDP path runs too.

    Losses agree to 1e-5 and ranks stay bitwise identical. Parameters agree to 1e-5 except
    for a small share of elements whose gradient is at round-off level (conv biases feeding a
    BatchNorm, whose true gradient is 0, and a few others): Adam's first step divides g by
    |g|, so the summation order of DDP's all-reduce flips their update between +lr and -lr.
    """
    config = tiny_config(
        batch_size=4, num_repeats=2, loss_weights={"generator_gan": 1, "feature_matching": [10] * 3}
    )
    steps, lr = 1, 2e-4
    single, multi = tmp_path / "single", tmp_path / "multi"
    _run([sys.executable, str(WORKER), str(config), str(shapes_data), str(single), str(steps)])
    _run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            "2",
            str(WORKER),
            str(config),
            str(shapes_data),
            str(multi),
            str(steps),
        ]
    )
    # Only rank 0 wrote: one last.pth.tar, one log, nothing temporary.
    assert (multi / "last.pth.tar").is_file() and not list(multi.glob("*.tmp-*"))
    losses_single, losses_multi = read_csv(single / "log.csv")[0], read_csv(multi / "log.csv")[0]
    for name in (
        "perceptual",
        "generator_gan",
        "feature_matching",
        "equivariance_value",
        "equivariance_jacobian",
        "discriminator_gan",
    ):
        assert losses_multi[name] == pytest.approx(losses_single[name], rel=1e-5, abs=1e-6), name

    reference = torch.load(single / "rank0.pt")
    ranks = [torch.load(multi / f"rank{r}.pt") for r in range(2)]
    assert set(ranks[0]) == set(reference)
    close = total = 0
    for key, value in reference.items():
        assert torch.equal(ranks[0][key], ranks[1][key]), f"ranks differ in {key}"
        if not value.is_floating_point() or "running" in key:
            continue  # running means carry the noise-driven conv biases (see above)
        difference = (ranks[0][key] - value).abs()
        assert difference.max() <= 2 * lr * steps + 1e-6, key
        close += int((difference <= 1e-5).sum())
        total += difference.numel()
    assert close / total > 0.99, f"only {close / total:.1%} of parameters within 1e-5"
