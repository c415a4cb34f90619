"""The FOMM training loop, one file top to bottom: data, networks, losses, steps, checkpoints.

Run alone (`facemotion train`) or under torchrun (DDP; see distributed.py). The config's
`batch_size` is the global batch: each of N ranks loads batch_size // N samples.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist
from tqdm import tqdm

from facemotion.config import FommConfig
from facemotion.errors import InputError, Interrupted, ModelError, OutputError, Remedy
from facemotion.io.atomic import output_dir
from facemotion.io.signals import SIGNALS, Stopped
from facemotion.models.checkpoint import build_networks
from facemotion.models.checkpoint import save_checkpoint as write_checkpoint
from facemotion.models.discriminator import MultiScaleDiscriminator, scale_key
from facemotion.train import distributed
from facemotion.train.data import FramePairDataset, split_folder
from facemotion.train.losses import DiscriminatorLoss, GeneratorLoss
from facemotion.train.memory import check_memory
from facemotion.train.report import read_csv, write_csv, write_loss_curve, write_samples
from facemotion.train.resume import Position, restore, set_learning_rates
from facemotion.train.transforms import RandomTPS
from facemotion.train.vgg import load_vgg19

LAST = "last.pth.tar"


@dataclass
class TrainOptions:
    data: Path
    out: Path
    resume: Path | None = None
    epochs: int | None = None  # overrides train_params.num_epochs (the total, not extra ones)
    max_steps: int | None = None  # stop after this many steps of this invocation
    batch_size: int | None = None  # overrides train_params.batch_size (the global batch)
    vgg_weights: Path | None = None
    workers: int = 0
    device: str | None = None
    seed: int = 0
    progress: bool = True
    say: Callable[[str], None] = field(default=lambda line: tqdm.write(line))


@dataclass
class TrainResult:
    steps: int
    next_epoch: int
    checkpoint: Path | None
    history: list[dict[str, float]]
    networks: dict[str, torch.nn.Module] = field(default_factory=dict)  # generator, ...


class _StopFlag:
    """Ctrl-C or SIGTERM asks the loop to stop at the next step boundary (a second one stops
    at once); `signum` remembers which, for the exit status."""

    def __init__(self):
        self.requested = False
        self.signum = int(signal.SIGINT)
        self.previous: dict = {}

    def __enter__(self) -> _StopFlag:
        def handler(signum, frame):  # noqa: ARG001
            if self.requested:
                raise Stopped(signum)
            self.requested, self.signum = True, signum

        try:
            for sig in SIGNALS:
                self.previous[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread: Ctrl-C stays KeyboardInterrupt
            self.previous = {}
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def checkpoint_name(epoch: int) -> str:
    """The original's name: the epoch index zero-padded to 8 digits."""
    return f"{epoch:08d}-checkpoint.pth.tar"


def train(cfg: FommConfig, options: TrainOptions) -> TrainResult:
    """Train (or resume) the FOMM networks of `cfg` on DIR/train; see docs/training.md."""
    if options.batch_size is not None:
        cfg = dataclasses.replace(
            cfg, train=dataclasses.replace(cfg.train, batch_size=options.batch_size)
        )
    info = distributed.setup(options.device)
    try:
        # before the run folder exists: a run the kernel kills for memory leaves it empty
        check_memory(
            cfg, info.device, info.world_size, int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
        )
        # a run that fails before writing anything leaves no empty --out behind
        with output_dir(options.out) if info.is_main else contextlib.nullcontext():
            return _train(cfg, options, info)
    finally:
        distributed.cleanup(info)


def _train(cfg: FommConfig, options: TrainOptions, info: distributed.DistInfo) -> TrainResult:
    tc, weights = cfg.train, cfg.train.loss_weights
    say = options.say if info.is_main else (lambda line: None)
    out = Path(options.out)
    num_epochs = options.epochs if options.epochs is not None else tc.num_epochs
    use_gan = weights.generator_gan != 0
    if use_gan and not {scale_key(s) for s in cfg.discriminator.scales} <= {
        scale_key(s) for s in tc.scales
    }:
        raise ModelError(f"{cfg.name}: discriminator scales must be among train_params.scales")
    local_batch = tc.batch_size // info.world_size
    if local_batch < 1:
        raise InputError(
            f"batch_size {tc.batch_size} is smaller than the {info.world_size} processes; "
            "raise train_params.batch_size or start fewer processes"
        )
    if local_batch * info.world_size != tc.batch_size:
        say(
            f"note: batch_size {tc.batch_size} is not a multiple of {info.world_size} "
            f"processes; the global batch is {local_batch * info.world_size}"
        )

    dataset = FramePairDataset(
        split_folder(options.data, "train"), cfg.dataset, tc.num_repeats, options.seed
    )
    for note in dataset.notes:
        say(f"note: {note}")
    # drop_last everywhere: every rank runs the same number of steps, and BatchNorm never
    # sees a batch of one.
    sampler = torch.utils.data.DistributedSampler(
        dataset, info.world_size, info.rank, shuffle=True, seed=options.seed, drop_last=True
    )
    steps_per_epoch = len(sampler) // local_batch
    if steps_per_epoch == 0:
        raise InputError(
            f"{len(dataset)} samples per epoch in {options.data}/train, fewer than batch_size "
            f"{tc.batch_size}; add videos or raise train_params.num_repeats"
        )

    torch.manual_seed(options.seed)  # the same initial weights on every rank
    kp_detector, generator = build_networks(cfg)
    discriminator = MultiScaleDiscriminator(cfg.discriminator)
    nets = {"kp_detector": kp_detector, "generator": generator, "discriminator": discriminator}
    if info.enabled:
        for name in ("kp_detector", "generator"):
            nets[name] = distributed.convert_sync_batchnorm(nets[name], info.device)
    for net in nets.values():
        net.to(info.device).train()
    kp_detector, generator = nets["kp_detector"], nets["generator"]
    betas = (0.5, 0.999)
    optimizers = {
        "generator": torch.optim.Adam(generator.parameters(), tc.lr_generator, betas=betas),
        "kp_detector": torch.optim.Adam(kp_detector.parameters(), tc.lr_kp_detector, betas=betas),
        "discriminator": torch.optim.Adam(
            discriminator.parameters(), tc.lr_discriminator, betas=betas
        ),
    }
    start = Position()
    if options.resume is not None:
        start = restore(Path(options.resume), cfg, nets, optimizers, say)
        if start.epoch >= num_epochs:
            raise InputError(
                f"{Path(options.resume).name} has finished epoch {start.epoch} of {num_epochs}; "
                "to train further, ask for more epochs",
                Remedy("epochs", start.epoch + 1),
            )
        say(f"resuming at epoch {start.epoch + 1}, step {start.step} from {options.resume}")
    set_learning_rates(optimizers, cfg, start.epoch)
    schedulers = {
        name: torch.optim.lr_scheduler.MultiStepLR(
            optimizer, list(tc.epoch_milestones), gamma=0.1, last_epoch=start.epoch - 1
        )
        for name, optimizer in optimizers.items()
    }
    set_learning_rates(optimizers, cfg, start.epoch)  # the constructor's own step re-decays

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vgg = load_vgg19(options.vgg_weights).to(info.device)
    for warning in caught:
        say(f"warning: {warning.message}")
    generator_loss = distributed.wrap(
        GeneratorLoss(kp_detector, generator, vgg, discriminator if use_gan else None, tc).to(
            info.device
        ),
        info,
    )
    discriminator_loss = (
        distributed.wrap(DiscriminatorLoss(discriminator, tc).to(info.device), info)
        if use_gan
        else None
    )

    def save(name: str, position: Position) -> Path:
        """Rank 0 writes atomically; a failed write leaves the previous checkpoint intact."""
        path = out / name
        try:
            write_checkpoint(
                path,
                **nets,
                **{f"optimizer_{k}": v for k, v in optimizers.items()},
                # `epoch` as the original writes it: the last epoch completed
                # (0 when none is, so that the original's resume still starts), and our own
                # exact position beside it.
                epoch=max(position.epoch - 1, 0),
                facemotion_next_epoch=position.epoch,
                facemotion_step=position.step,
            )
        except OutputError as exc:
            kept = sorted(out.glob("*.pth.tar"))
            hint = f"; {kept[-1].name} is intact" if kept else ""
            raise OutputError(
                f"{exc.message}{hint}; free space, then resume", Remedy("resume")
            ) from exc
        return path

    history = read_csv(out / "log.csv") if options.resume is not None and info.is_main else []
    history = [row for row in history if row.get("epoch", 0) <= start.epoch]
    steps_run, last_saved, position = 0, None, Position(start.epoch, start.step)
    interrupted = stopping = False
    with _StopFlag() as stop:
        for epoch in range(start.epoch, num_epochs):
            sampler.set_epoch(epoch)
            dataset.set_epoch(epoch)
            skip = position.step if epoch == start.epoch else 0
            indices = list(sampler)[skip * local_batch :]
            loader = torch.utils.data.DataLoader(
                dataset,
                batch_size=local_batch,
                sampler=indices,
                num_workers=options.workers,
                drop_last=True,
            )
            sums: dict[str, float] = {}
            began, count = time.perf_counter(), 0
            bar = tqdm(
                total=steps_per_epoch,
                initial=skip,
                desc=f"epoch {epoch + 1}/{num_epochs}",
                disable=not (options.progress and info.is_main),
                leave=False,
                dynamic_ncols=True,
            )
            for step, batch in enumerate(loader, start=skip):
                source = batch["source"].to(info.device, non_blocking=True)
                driving = batch["driving"].to(info.device, non_blocking=True)
                # Warps drawn for the global batch from (seed, step), each rank keeping its
                # share: the same run for any number of processes.
                rng = torch.Generator().manual_seed(
                    options.seed * 1_000_003 + epoch * steps_per_epoch + step
                )
                transform = (
                    RandomTPS.sample(
                        local_batch * info.world_size,
                        tc.sigma_affine,
                        tc.sigma_tps,
                        tc.points_tps,
                        rng,
                    )
                    .every(info.rank, info.world_size)
                    .to(info.device)
                )

                discriminator.requires_grad_(False)  # its gradients here would be thrown away
                losses, generated = generator_loss(source, driving, transform)
                total = sum(losses.values())
                total.backward()
                for name in ("generator", "kp_detector"):
                    optimizers[name].step()
                    optimizers[name].zero_grad(set_to_none=True)
                if discriminator_loss is not None:
                    discriminator.requires_grad_(True)
                    d_losses = discriminator_loss(
                        driving, generated["prediction"], generated["kp_driving"]
                    )
                    sum(d_losses.values()).backward()
                    optimizers["discriminator"].step()
                    optimizers["discriminator"].zero_grad(set_to_none=True)
                    losses.update(d_losses)

                values = {k: float(v.detach()) for k, v in losses.items()}
                if not all(math.isfinite(v) for v in values.values()):
                    raise ModelError(
                        f"training diverged at epoch {epoch + 1} step {step + 1} (loss {values}); "
                        "lower the learning rates or resume from an earlier checkpoint"
                    )
                for k, v in values.items():
                    sums[k] = sums.get(k, 0.0) + v
                count += 1
                steps_run += 1
                position = Position(epoch, step + 1)
                bar.update(1)
                bar.set_postfix({k[:12]: f"{v:.3f}" for k, v in values.items()})
                flags = [
                    stop.requested,
                    options.max_steps is not None and steps_run >= options.max_steps,
                ]
                if info.enabled:  # every rank stops at the same step
                    tensor = torch.tensor(flags, dtype=torch.float32, device=info.device)
                    dist.all_reduce(tensor)
                    flags = [bool(v) for v in tensor.tolist()]
                interrupted, stopping = flags[0], any(flags)
                if stopping:
                    break
            bar.close()
            epoch_done = position.step >= steps_per_epoch
            if epoch_done:
                position = Position(epoch + 1, 0)
                for name, scheduler in schedulers.items():
                    if name != "discriminator" or use_gan:  # only optimisers that stepped
                        scheduler.step()
            means = distributed.all_mean({k: v / max(count, 1) for k, v in sums.items()}, info)
            if info.is_main and count:
                seconds = time.perf_counter() - began
                row = {
                    "epoch": epoch + 1,
                    "steps": count,
                    "seconds": round(seconds, 3),
                    "samples_per_second": round(count * tc.batch_size / seconds, 3),
                    "lr_generator": optimizers["generator"].param_groups[0]["lr"],
                    **means,
                }
                history = [r for r in history if r["epoch"] != epoch + 1] + [row]
                write_csv(out / "log.csv", history)
                write_loss_curve(out / "losses.png", history)
                (out / "samples").mkdir(exist_ok=True)
                write_samples(
                    out / "samples" / f"epoch-{epoch + 1:04d}.png",
                    source,
                    driving,
                    generated["prediction"],
                    generated["kp_source"],
                    generated["kp_driving"],
                )
                say(
                    f"epoch {epoch + 1}/{num_epochs}: "
                    + ", ".join(f"{k} {v:.4f}" for k, v in means.items())
                    + f" ({seconds:.1f} s)"
                )
                if epoch_done and (
                    (epoch + 1) % tc.checkpoint_freq == 0 or epoch + 1 == num_epochs
                ):
                    last_saved = save(checkpoint_name(epoch), position)
            if stopping:
                break
    if info.is_main:
        last_saved = save(LAST, position)
    if info.enabled:
        dist.barrier()
    if interrupted:
        last = out / LAST
        error = Interrupted(
            f"stopped at epoch {position.epoch + 1} step {position.step}; checkpoint {last} kept",
            Remedy("resume", str(last)),
        )
        error.exit_code = 128 + stop.signum
        raise error
    return TrainResult(steps_run, position.epoch, last_saved, history, nets)
