"""`facemotion animate`: move a still image with the motion of a driving video."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from facemotion.batch.inputs import IMAGE_SUFFIXES
from facemotion.commands.batch_options import add_batch_options, batch_settings, finish, is_batch
from facemotion.errors import InputError
from facemotion.models.precision import PRECISION_CHOICES
from facemotion.models.registry import DEFAULT_MODEL, RELEASED_MODELS

if TYPE_CHECKING:  # the options module loads the pipelines' defaults (numpy, scipy)
    from facemotion.pipeline.options import AnimateOptions


EXAMPLES = """\
examples:
  facemotion animate portrait.jpg talking.mp4 -o result.mp4
      the embedded landmark model; no download, runs on a CPU
  facemotion animate portrait.jpg talking.mp4 --model vox -o result.mp4
      the released FOMM face model (downloaded once into $FACEMOTION_HOME)
  facemotion animate doll.png talking.mp4 --checkpoint vox-cpk.pth.tar --config vox-256
  facemotion animate photo_1080p.jpg talking.mp4 --crop auto --paste-back -o full.mp4
  facemotion animate group.jpg talking.mp4 --crop auto --face 1 -o second.mp4
      the second face from the left of the source; --driving-face picks one in the video
  facemotion animate portrait.jpg talking.mp4 --find-best-frame -o frames/
      a folder as output gives a lossless PNG sequence for compositing
  facemotion animate portrait.jpg talking.mp4 --model vox --precision bf16 --batch 2
      ~2.8x the reference path on 2 CPU cores, pixels within ~2e-2 of fp32 (docs/speed.md)
  facemotion animate portrait.jpg clips/ -o out/ --workers 2
      one source, every clip of clips/: out/portrait_CLIP.mp4 each; a rerun skips those done
  facemotion animate 'faces/*.jpg' talking.mp4 -o out/ --ray local
      every face with one clip, as Ray tasks (docs/batch.md)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "animate",
        help="animate a still image with the motion of a driving video",
        description=(
            "Animate SOURCE (any image) with the motion of DRIVING (a video). The output keeps "
            "the driving video's frame rate and audio."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source",
        help="the still image to animate; or many: a folder, a quoted glob pattern or @FILE "
        "(a list of paths, one a line), with one driving video",
    )
    parser.add_argument(
        "driving",
        nargs="+",
        help="the video whose motion drives it; or many: several files, a folder, a quoted "
        "glob pattern or @FILE (a list of paths), with one source",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="an .mp4 file, or a folder (a name without suffix, or ending in /) for a PNG "
        "sequence; missing "
        "folders are created (default: SOURCE-STEM_DRIVING-STEM.mp4 here); with many inputs, "
        "the folder where each SOURCE-STEM_DRIVING-STEM.mp4 goes",
    )
    model = parser.add_argument_group("model")
    model.add_argument(
        "--model",
        default=None,
        help="landmarks (default, embedded) or a released FOMM model: "
        + ", ".join(RELEASED_MODELS),
    )
    model.add_argument("--checkpoint", type=Path, help="a FOMM *-cpk.pth.tar file")
    model.add_argument(
        "--config",
        help="the checkpoint's configuration: a shipped name (vox-256, ...) or a yaml file "
        "(default: the shipped one its shapes fit)",
    )
    model.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    speed = parser.add_argument_group("speed (FOMM models; docs/speed.md)")
    speed.add_argument(
        "--batch", type=int, default=1, metavar="N", help="driving frames per step (default 1)"
    )
    speed.add_argument(
        "--precision",
        choices=PRECISION_CHOICES,
        default="fp32",
        help="fp32 (default, exact); bf16 ~1.8x fp32's speed on a CPU with native bf16 "
        "(AVX512-BF16 or AMX; slower than fp32 on others), max pixel deviation ~2e-2; fp16 on "
        "CUDA; auto: bf16 (fp16 on a GPU) only where the hardware computes it natively, fp32 "
        "elsewhere (docs/speed.md)",
    )
    speed.add_argument(
        "--backend",
        choices=("torch", "onnxruntime"),
        default="torch",
        help="run the networks in PyTorch (default) or as ONNX graphs in ONNX Runtime",
    )
    motion = parser.add_argument_group("motion")
    motion.add_argument(
        "--relative",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="relative keypoint displacement: move the source by how the driving face moves "
        "from its reference frame (default); --no-relative or --absolute copies the driving "
        "pose as it is",
    )
    motion.add_argument("--absolute", dest="relative", action="store_false", help=argparse.SUPPRESS)
    motion.add_argument(
        "--adapt-scale",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="adapt movement scale to the size of the source face (default on)",
    )
    motion.add_argument(
        "--expression",
        choices=("retarget", "relative"),
        default="retarget",
        help="landmark model: retarget (default) opens the mouth and eyes as far as the "
        "driver's, whatever the source photo or the driver's first frame shows; relative moves "
        "them by the driver's displacement from its first frame",
    )
    motion.add_argument(
        "--scene",
        choices=("still", "follow"),
        default="still",
        help="landmark model: still (default) moves the person and keeps the photo's scene "
        "behind as it is; follow moves the surroundings with the driving video's motion",
    )
    reference = motion.add_mutually_exclusive_group()
    reference.add_argument(
        "--best-frame", type=int, default=0, metavar="N", help="driving frame N is the reference"
    )
    reference.add_argument(
        "--find-best-frame",
        action="store_true",
        help="use the driving frame whose face pose is closest to the source's as reference",
    )
    framing = parser.add_argument_group("framing")
    framing.add_argument(
        "--crop",
        choices=("center", "auto"),
        default="center",
        help="center: the centred square of the source (default); auto: a square around the face",
    )
    framing.add_argument(
        "--face",
        type=int,
        default=None,
        metavar="N",
        help="which face of the source when there are several: 0, 1, ... counted left to "
        "right (default: the largest)",
    )
    framing.add_argument(
        "--driving-face",
        type=int,
        default=None,
        metavar="N",
        help="which face of the driving video when there are several, counted the same way "
        "(default: the largest)",
    )
    framing.add_argument("--size", type=int, help="side of the animated square in pixels")
    framing.add_argument(
        "--paste-back",
        action="store_true",
        help="blend the animated crop back into the full source image (output at its resolution)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_batch_options(parser)
    parser.set_defaults(func=run)


def _sources_and_drivings(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """SOURCE DRIVING..., or SOURCE... DRIVING when the shell expanded a pattern of images
    (the second word is then an image)."""
    words = [args.source, *args.driving]
    if len(words) > 2 and Path(words[1]).suffix.lower() in IMAGE_SUFFIXES:
        return words[:-1], words[-1:]
    return words[:1], words[1:]


def options_from(args: argparse.Namespace) -> AnimateOptions:
    """The job's options from the parsed flags: each flag's destination is the field's name
    (the model's name comes from --model or --checkpoint)."""
    from dataclasses import fields

    from facemotion.pipeline.options import AnimateOptions, ModelOptions

    if args.checkpoint and args.model:
        raise InputError("give either --model or --checkpoint, not both")

    def given(kind: type, *skip: str) -> dict:
        return {f.name: getattr(args, f.name) for f in fields(kind) if f.name not in skip}

    name = str(args.checkpoint or args.model or DEFAULT_MODEL)
    model = ModelOptions(name=name, **given(ModelOptions, "name"))
    return AnimateOptions(model=model, **given(AnimateOptions, "model"))


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    sources, drivings = _sources_and_drivings(args)
    if is_batch(args, sources, drivings):
        return run_batch(args, options, sources, drivings)
    return run_one(args, options, Path(sources[0]), Path(drivings[0]))


def _check_even(size: int | None, paste_back: bool, hint: str = "") -> None:
    """H.264 video (4:2:0 colour) needs even sides."""
    if size is not None and size % 2 and not paste_back:
        raise InputError(
            f"--size {size} is odd; H.264 video (4:2:0 colour) needs even sides, so "
            f"use --size {size + 1}{hint}"
        )


def run_batch(
    args: argparse.Namespace, options: AnimateOptions, sources: list[str], drivings: list[str]
) -> int:
    from facemotion.batch import animate_batch
    from facemotion.batch.inputs import is_many
    from facemotion.io.video import is_folder_output

    _check_even(options.size, options.paste_back)
    if args.output is not None and not is_folder_output(args.output):  # a str keeps a final /
        output = Path(args.output)
        if len(sources) + len(drivings) > 2 or any(map(is_many, [*sources, *drivings])):
            raise InputError(
                f"with many inputs the output is a folder for SOURCE-STEM_DRIVING-STEM.mp4 "
                f"files, not {output}"
            )
        # one pair made a batch by --report, --workers or --ray: written where -o says
        report = animate_batch(
            sources, drivings, output.parent, options,
            settings=batch_settings(args), output=output,
        )  # fmt: skip
        return finish(report)
    report = animate_batch(
        sources, drivings, Path(args.output or "."), options, settings=batch_settings(args)
    )
    return finish(report)


def run_one(args: argparse.Namespace, options: AnimateOptions, source: Path, driving: Path) -> int:
    from facemotion.batch.animate_job import output_name as output_name_for
    from facemotion.io.atomic import check_name_length
    from facemotion.io.guard import refuse_overwriting_inputs, replaced_note
    from facemotion.io.video import is_folder_output
    from facemotion.pipeline.animate import animate_video
    from facemotion.pipeline.load import load_model

    for path, what in ((source, "source image"), (driving, "driving video")):
        if not path.is_file():
            raise InputError(f"{what} {path} does not exist")
    # a str keeps a final /; the default name is cut to fit, as in a batch
    output_name = args.output or output_name_for(source, driving)
    output = Path(output_name)
    check_name_length(output)  # before any look at it: the OS refuses to stat such a name
    is_video = not is_folder_output(output_name)  # else a PNG sequence
    if is_video:
        _check_even(
            options.size, options.paste_back, ", or a folder as -o for PNG frames of any size"
        )
    inputs = [source, driving, *([args.checkpoint] if args.checkpoint else [])]
    refuse_overwriting_inputs([output], inputs)
    model = load_model(options.model, face=options.driving_face)
    report = animate_video(model, source, driving, output_name, options, progress=not args.quiet)
    width, height = report.size
    if is_video:  # H.264 frames have even sides: the writer pads an odd one by a pixel
        width, height = width + width % 2, height + height % 2
    # decided at the rename: another run may have written the same name while this one ran
    replaced = replaced_note([output] if report.replaced else [])
    rate = f"{report.fps:g} fps"
    if report.variable_rate:
        rate = f"variable frame rate kept (mean {report.fps:.3g} fps)"
    print(
        f"wrote {report.output} ({report.frames} frames, {width}x{height}, "
        f"{rate}{', audio kept' if report.has_audio else ''}) in "
        f"{report.seconds:.1f} s ({report.frames_per_second:.1f} frames/s){replaced}"
    )
    if report.lost_frames:
        print(f"the driving face was lost in {report.lost_frames} frames; the last pose was held")
    return 0
