"""`facemotion export-onnx`: a FOMM model as three ONNX graphs for ONNX Runtime and friends."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from facemotion.errors import InputError
from facemotion.models.registry import RELEASED_MODELS

EXAMPLES = """\
examples:
  facemotion export-onnx --model vox -o vox-onnx/
      the released face model (downloaded once into $FACEMOTION_HOME)
  facemotion export-onnx --checkpoint my-cpk.pth.tar --config vox-256 -o my-onnx/

writes keypoint_detector.onnx (image -> keypoints), source_encoder.onnx (source -> features,
source_small; once per animation), frame_generator.onnx (features, source_small, source and
normalised driving keypoints -> prediction) and facemotion-onnx.json (inputs, outputs, opset).
Images are (B, 3, S, S) float32 RGB in [0, 1]; the batch axis B is dynamic.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-onnx",
        help="write a FOMM model as ONNX graphs (opset 17, GridSample)",
        description=(
            "Export the keypoint detector, the source encoder and the per-frame generator of a "
            "FOMM model as ONNX graphs; they compute what `facemotion animate --backend "
            "onnxruntime` computes."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a released FOMM model: " + ", ".join(RELEASED_MODELS))
    source.add_argument("--checkpoint", type=Path, help="a FOMM *-cpk.pth.tar file")
    parser.add_argument(
        "--config",
        help="the checkpoint's configuration: a shipped name (vox-256, ...) or a yaml file "
        "(default: the shipped one its shapes fit)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="folder to write (created if needed)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from facemotion.io.atomic import atomic_outputs
    from facemotion.io.guard import replaced_note
    from facemotion.models.fomm import FommModel
    from facemotion.models.onnx_export import GRAPH_FILES, export_graphs, manifest
    from facemotion.models.registry import FOMM, MODELS
    from facemotion.pipeline.load import load_model

    entry = MODELS.get(args.model) if args.checkpoint is None else None
    if entry is not None and entry.kind != FOMM:
        raise InputError(f"export-onnx exports FOMM models; the {entry.name} model has no networks")
    if args.output.exists() and not args.output.is_dir():
        raise InputError(f"{args.output} exists and is not a folder")
    model = load_model(args.checkpoint or args.model, args.config, "cpu")
    if not isinstance(model, FommModel):
        raise InputError(f"export-onnx exports FOMM models; {model.name} is not one")
    graphs = export_graphs(model.kp_detector, model.generator, model.frame_size)
    about = {
        "model": model.name,
        "config": model.config.name,
        "frame_size": model.frame_size,
        "num_kp": model.config.generator.num_kp,
    }
    files = {GRAPH_FILES[key]: data for key, data in graphs.items()}
    files["facemotion-onnx.json"] = (json.dumps(manifest(**about), indent=2) + "\n").encode()
    targets = [args.output / name for name in files]
    replaced = [path for path in targets if path.exists()]
    # all together or none; the folder is created (and removed again on failure)
    with atomic_outputs(targets) as temporaries:
        for tmp, data in zip(temporaries, files.values(), strict=True):
            tmp.write_bytes(data)
    size_mb = sum(len(data) for data in graphs.values()) / 2**20
    print(
        f"wrote {len(graphs)} ONNX graphs ({size_mb:.0f} MB) and facemotion-onnx.json to "
        f"{args.output}{replaced_note(replaced)}"
    )
    return 0
