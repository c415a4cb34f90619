"""DistributedDataParallel in a handful of lines, keyed on torchrun's environment variables.

`torchrun --nproc_per_node N` sets RANK, WORLD_SIZE and LOCAL_RANK; without them training runs
in one process. gloo on CPU, nccl on CUDA. Rank 0 alone writes checkpoints and logs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup(device: str | None = None) -> DistInfo:
    """Join the process group torchrun describes (if any) and pick this rank's device.

    device: 'cpu', 'cuda' or None (CUDA when available). Under torchrun each rank takes the GPU
    of its LOCAL_RANK.
    """
    use_cuda = torch.cuda.is_available() if device is None else device.startswith("cuda")
    if "RANK" not in os.environ or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return DistInfo(device=torch.device("cuda" if use_cuda else "cpu"))
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if use_cuda:
        torch.cuda.set_device(local_rank)
        torch_device = torch.device("cuda", local_rank)
    else:
        torch_device = torch.device("cpu")
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    return DistInfo(rank, world, local_rank, torch_device)


def cleanup(info: DistInfo) -> None:
    if info.enabled and dist.is_initialized():
        dist.destroy_process_group()


class _CpuSyncBatchNorm(nn.BatchNorm2d):
    """BatchNorm2d whose batch statistics span every rank, for gloo on CPU.

    torch's SyncBatchNorm accepts only GPU tensors. Same parameters and buffers as
    BatchNorm2d (so checkpoints are unchanged); statistics come from two differentiable
    all-reduces (sum, then squared deviations) so the gradient flows across ranks as with
    SyncBatchNorm, and the result equals BatchNorm2d on the concatenated batch.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(x)
        from torch.distributed.nn.functional import all_reduce

        local_count = x.numel() // x.shape[1]
        count = float(local_count * dist.get_world_size())
        mean = all_reduce(x.sum(dim=(0, 2, 3))) / count
        centred = x - mean[None, :, None, None]
        var = all_reduce((centred**2).sum(dim=(0, 2, 3))) / count
        if self.track_running_stats and self.running_mean is not None:
            with torch.no_grad():
                momentum = 0.1 if self.momentum is None else self.momentum
                self.num_batches_tracked.add_(1)
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(var.detach() * count / max(count - 1, 1), momentum)
        out = centred / torch.sqrt(var + self.eps)[None, :, None, None]
        if self.affine:
            out = out * self.weight[None, :, None, None] + self.bias[None, :, None, None]
        return out


def convert_sync_batchnorm(module: nn.Module, device: torch.device) -> nn.Module:
    """Every BatchNorm2d synchronised across ranks (SyncBatchNorm on CUDA, our own on CPU)."""
    if device.type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(module)
    for name, child in module.named_children():
        if type(child) is nn.BatchNorm2d:
            synced = _CpuSyncBatchNorm(
                child.num_features,
                child.eps,
                child.momentum,
                child.affine,
                child.track_running_stats,
            )
            # The same Parameter and buffer objects, as SyncBatchNorm.convert_sync_batchnorm
            # does, so optimisers built before the conversion still hold them.
            synced.weight, synced.bias = child.weight, child.bias
            synced.running_mean, synced.running_var = child.running_mean, child.running_var
            synced.num_batches_tracked = child.num_batches_tracked
            synced.train(child.training)
            setattr(module, name, synced)
        else:
            convert_sync_batchnorm(child, device)
    return module


def wrap(module: nn.Module, info: DistInfo) -> nn.Module:
    """DDP around `module` under torchrun; the module itself otherwise."""
    if not info.enabled:
        return module
    device_ids = [info.local_rank] if info.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(module, device_ids=device_ids)


def unwrap(module: nn.Module) -> nn.Module:
    return module.module if isinstance(module, nn.parallel.DistributedDataParallel) else module


def all_mean(values: dict[str, float], info: DistInfo) -> dict[str, float]:
    """Average logged scalars over ranks (for the progress bar and the CSV log)."""
    if not info.enabled or not values:
        return values
    tensor = torch.tensor(list(values.values()), dtype=torch.float64, device=info.device)
    dist.all_reduce(tensor)
    return dict(zip(values, (tensor / info.world_size).tolist(), strict=True))
