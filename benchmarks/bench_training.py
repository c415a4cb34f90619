"""Training speed on CPU: steps/s of the tiny and vox-256 configs, and 1 vs 2 gloo processes.

Every figure is the second epoch of a two-epoch run (the first warms up kernels and caches),
data loading included, as `facemotion train` logs it. Every run uses one thread per process
(torchrun's default): on a small shared machine more threads than free cores make PyTorch's
CPU kernels several times slower, not faster. Efficiency = samples/s with 2 processes /
(2 x with 1).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden" / "tiny-64.yaml"


def _write_config(directory: Path, raw: dict, name: str, **train: object) -> Path:
    raw = yaml.safe_load(yaml.safe_dump(raw))
    raw["train_params"].update(train)
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _second_epoch(out: Path) -> dict[str, float]:
    with open(out / "log.csv", newline="") as handle:
        row = list(csv.DictReader(handle))[1]
    return {k: float(v) for k, v in row.items()}


def _train(config: Path, data: Path, out: Path, processes: int = 0) -> dict[str, float]:
    """Run two epochs in a fresh process (or `processes` under torchrun); the second's row."""
    command = [sys.executable, __file__, "--worker", str(config), str(data), str(out)]
    if processes:
        command[1:2] = [
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={processes}",
            __file__,
        ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1"}
    subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    return _second_epoch(out)


def _worker(config: str, data: str, out: str) -> None:
    import torch

    torch.set_num_threads(1)
    from facemotion.config import load_config
    from facemotion.train.loop import TrainOptions, train

    train(
        load_config(config),
        TrainOptions(
            Path(data), Path(out), epochs=2, progress=False, device="cpu", say=lambda line: None
        ),
    )


def run() -> dict[str, float]:
    from tests.train.synthetic import make_dataset

    from facemotion.models.registry import released_config  # noqa: F401  (fails early)

    tiny = yaml.safe_load(GOLDEN.read_text())
    vox_text = (ROOT / "src/facemotion/models/configs/vox-256.yaml").read_text()
    vox = yaml.safe_load(vox_text)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        small = make_dataset(tmp / "d64", videos=4, frames=12, size=64, test_videos=0)
        large = make_dataset(tmp / "d256", videos=2, frames=4, size=256, test_videos=0)
        # tiny at its own batch 2, 5 steps an epoch
        tiny_row = _train(
            _write_config(tmp, tiny, "tiny", batch_size=2, num_repeats=5, epoch_milestones=[]),
            small,
            tmp / "tiny",
        )
        # vox-256 at batch 1: 2 steps an epoch (a step takes seconds on a CPU)
        vox_row = _train(
            _write_config(tmp, vox, "vox", batch_size=1, num_repeats=1, epoch_milestones=[]),
            large,
            tmp / "vox",
        )
        # scaling: global batch 4, 6 steps an epoch, 1 thread per process
        scaling = _write_config(
            tmp, tiny, "scaling", batch_size=4, num_repeats=6, epoch_milestones=[]
        )
        one = _train(scaling, small, tmp / "one", processes=1)
        two = _train(scaling, small, tmp / "two", processes=2)
    figures = {
        "train_tiny64_b2_steps_per_s": tiny_row["steps"] / tiny_row["seconds"],
        "train_vox256_b1_steps_per_s": vox_row["steps"] / vox_row["seconds"],
        "train_tiny64_b4_1proc_samples_per_s": one["samples_per_second"],
        "train_tiny64_b4_2proc_samples_per_s": two["samples_per_second"],
    }
    figures["train_gloo_2proc_scaling_efficiency"] = figures[
        "train_tiny64_b4_2proc_samples_per_s"
    ] / (2 * figures["train_tiny64_b4_1proc_samples_per_s"])
    tiny_sps = figures["train_tiny64_b2_steps_per_s"]
    print(f"{'run':<44} {'steps/s':>8} {'samples/s':>10} {'ratio':>7}")
    rows = [
        ("tiny-64, batch 2, 1 process x 1 thread", tiny_sps, 2 * tiny_sps, 1.0),
        (
            "vox-256, batch 1, 1 process",
            figures["train_vox256_b1_steps_per_s"],
            figures["train_vox256_b1_steps_per_s"],
            figures["train_vox256_b1_steps_per_s"] / tiny_sps,
        ),
        (
            "tiny-64, batch 4, 1 gloo process x 1 thread",
            one["samples_per_second"] / 4,
            one["samples_per_second"],
            1.0,
        ),
        (
            "tiny-64, batch 4, 2 gloo processes x 1 thread",
            two["samples_per_second"] / 4,
            two["samples_per_second"],
            two["samples_per_second"] / one["samples_per_second"],
        ),
    ]
    for name, steps, samples, ratio in rows:
        print(f"{name:<44} {steps:>8.3f} {samples:>10.2f} {ratio:>7.3f}")
    print(
        f"scaling efficiency, 2 processes: "
        f"{figures['train_gloo_2proc_scaling_efficiency']:.0%} (ideal 100%; "
        f"{os.cpu_count()} CPU cores on this machine)"
    )
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(*sys.argv[2:5])
    else:
        run()
