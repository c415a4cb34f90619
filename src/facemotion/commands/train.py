"""`facemotion train`: train or fine-tune FOMM networks on videos in the FOMM layout."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLES = """\
examples:
  facemotion train --config vox-256 --data videos/ --out runs/vox
      one process (CPU, or the GPU when there is one); videos/train/ holds the clips
  facemotion train --config tiny.yaml --data videos/ --out runs/smoke --max-steps 20
      a quick smoke run; a checkpoint runs/smoke/last.pth.tar is written at the end
  facemotion train --config vox-256 --data videos/ --out runs/vox --resume runs/vox/last.pth.tar
      continue where a run stopped (Ctrl-C, --max-steps, a crash after a checkpoint)
  facemotion train --config vox-256 --data faces/ --out ft --resume vox-cpk.pth.tar --epochs 110
      fine-tune a released checkpoint (it finished epoch 100) for 10 more epochs
  torchrun --nproc_per_node 4 -m facemotion.cli train --config vox-256 --data videos/ --out runs/vox
      4 GPUs with DistributedDataParallel; batch_size in the config is the global batch
  facemotion train ... --vgg-weights vgg19-dcbb9e9d.pth
      ImageNet VGG19 for the perceptual loss (torchvision's file); random features otherwise

docs/training.md has the data layout, multi-node commands and what the outputs mean.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train or fine-tune FOMM networks on a folder of videos",
        description=(
            "Train the FOMM keypoint detector and generator (and the discriminator where the "
            "config has generator_gan != 0) on DATA/train. Writes <epoch>-checkpoint.pth.tar "
            "every checkpoint_freq epochs and last.pth.tar when the run ends, log.csv, "
            "losses.png and samples/epoch-NNNN.png into OUT. Runs under torchrun as it is."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", required=True, help="a shipped config name (vox-256, ...) or a FOMM yaml file"
    )
    parser.add_argument(
        "--data", required=True, type=Path, help="folder with train/ (and test/) videos"
    )
    parser.add_argument("--out", required=True, type=Path, help="folder for checkpoints and logs")
    parser.add_argument(
        "--resume", type=Path, help="a checkpoint to continue from (ours or a released one)"
    )
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="total epochs (overrides num_epochs)"
    )
    parser.add_argument(
        "--max-steps", type=int, metavar="N", help="stop after N steps of this run (smoke tests)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="samples a step, over all processes (overrides batch_size; a run that would not "
        "fit in memory is refused before it starts, naming the batch that fits)",
    )
    parser.add_argument(
        "--vgg-weights",
        type=Path,
        help="ImageNet VGG19 weights in torchvision's layout for the perceptual loss",
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="data loading processes (default 2)"
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), help="default: cuda when available")
    parser.add_argument("--seed", type=int, default=0, help="seed of weights, samples and warps")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facemotion.errors import InputError
    from facemotion.pipeline.load import resolve_config
    from facemotion.train.loop import TrainOptions, train

    for name in ("epochs", "max_steps", "batch_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    result = train(
        resolve_config(args.config),
        TrainOptions(
            data=args.data,
            out=args.out,
            resume=args.resume,
            epochs=args.epochs,
            max_steps=args.max_steps,
            batch_size=args.batch_size,
            vgg_weights=args.vgg_weights,
            workers=args.workers,
            device=args.device,
            seed=args.seed,
            progress=not args.quiet,
        ),
    )
    if result.checkpoint is not None:
        print(f"{result.steps} steps; checkpoint {result.checkpoint}")
    return 0
