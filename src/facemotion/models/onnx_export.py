"""FOMM as three ONNX graphs (keypoint detector, source encoder, per-frame generator) and a
runner that animates with them in ONNX Runtime.

The graphs are the exact inference networks of models/inference.py, exported with PyTorch's
TorchScript exporter (`dynamo=False`) at opset 17: GridSample entered ONNX at opset 16, with
the align_corners=True bilinear zero-padded sampling FOMM needs; the batch axis is dynamic.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from facemotion.errors import ModelError
from facemotion.models.generator import Generator
from facemotion.models.inference import FastKeypointDetector, FrameGenerator, SourceEncoder
from facemotion.models.keypoints import KeypointDetector, Keypoints

OPSET = 17
GRAPH_FILES = {
    "keypoint_detector": "keypoint_detector.onnx",
    "source_encoder": "source_encoder.onnx",
    "frame_generator": "frame_generator.onnx",
}
# Inputs and outputs of each graph; axis 0 is the batch everywhere ('B').
SIGNATURES = {
    "keypoint_detector": (["image"], ["kp_value", "kp_jacobian"]),
    "source_encoder": (["source"], ["features", "source_small"]),
    "frame_generator": (
        [
            "features",
            "source_small",
            "kp_source_value",
            "kp_source_jacobian",
            "kp_driving_value",
            "kp_driving_jacobian",
        ],
        ["prediction"],
    ),
}


def _export(module: nn.Module, args: tuple[torch.Tensor, ...], name: str) -> bytes:
    inputs, outputs = SIGNATURES[name]
    batched = {"kp_driving_value", "kp_driving_jacobian", "image", "kp_value", "kp_jacobian"}
    dynamic = {key: {0: "B"} for key in [*inputs, *outputs] if key in batched}
    if name == "frame_generator":
        dynamic["prediction"] = {0: "B"}
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter warns that it is deprecated in favour of dynamo, whose
        # graphs need onnxscript; this one needs nothing more than torch.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module.eval(),
            args,
            buffer,
            dynamo=False,
            opset_version=OPSET,
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=dynamic,
        )
    return buffer.getvalue()


@torch.inference_mode(False)
def export_graphs(
    kp_detector: KeypointDetector, generator: Generator, frame_size: int
) -> dict[str, bytes]:
    """The three graphs as serialised ONNX models, keyed as GRAPH_FILES; float32, CPU."""
    kp_detector, generator = kp_detector.cpu().eval(), generator.cpu().eval()
    with torch.no_grad():
        detector = FastKeypointDetector(kp_detector)
        encoder = SourceEncoder(generator)
        frame_generator = FrameGenerator(generator)
        image = torch.rand(2, 3, frame_size, frame_size, generator=torch.Generator().manual_seed(0))
        value, jacobian = detector(image)
        features, source_small = encoder(image[:1])
        return {
            "keypoint_detector": _export(detector, (image,), "keypoint_detector"),
            "source_encoder": _export(encoder, (image[:1],), "source_encoder"),
            "frame_generator": _export(
                frame_generator,
                (features, source_small, value[:1], jacobian[:1], value, jacobian),
                "frame_generator",
            ),
        }


def manifest(**about: object) -> dict:
    """What `facemotion-onnx.json` says beside the graphs: files, inputs, outputs, opset."""
    graphs = {
        key: {"file": GRAPH_FILES[key], "inputs": ins, "outputs": outs}
        for key, (ins, outs) in SIGNATURES.items()
    }
    return {"opset": OPSET, "graphs": graphs, **about}


def _session(model: bytes | str | Path, device: torch.device):
    try:
        import onnxruntime
    except ImportError as exc:
        raise ModelError(
            "backend onnxruntime needs the onnxruntime package: pip install onnxruntime"
        ) from exc
    providers = ["CPUExecutionProvider"]
    if device.type == "cuda":
        if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
            raise ModelError("this onnxruntime has no CUDA provider; install onnxruntime-gpu")
        providers.insert(0, "CUDAExecutionProvider")
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    source = str(model) if isinstance(model, str | Path) else model
    return onnxruntime.InferenceSession(source, options, providers=providers)


class OnnxRunner:
    """Same interface as fomm.TorchRunner, computed by ONNX Runtime sessions."""

    def __init__(self, graphs: dict[str, bytes | str | Path], device: torch.device):
        self.device = device
        self.sessions = {key: _session(graphs[key], device) for key in GRAPH_FILES}

    @classmethod
    def from_networks(
        cls, kp_detector: KeypointDetector, generator: Generator, device: torch.device, size: int
    ) -> OnnxRunner:
        """Export the networks in memory, then open the graphs."""
        return cls(export_graphs(kp_detector, generator, size), device)

    def _run(self, key: str, *arrays: torch.Tensor) -> list[torch.Tensor]:
        session = self.sessions[key]
        feed = {
            item.name: array.detach().float().cpu().numpy()
            for item, array in zip(session.get_inputs(), arrays, strict=True)
        }
        return [
            torch.from_numpy(np.asarray(out)).to(self.device) for out in session.run(None, feed)
        ]

    def keypoints(self, images: torch.Tensor) -> Keypoints:
        """images (B, 3, H, W) -> value (B, K, 2), jacobian (B, K, 2, 2)."""
        return Keypoints(*self._run("keypoint_detector", images))

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """source (1, 3, H, W) -> (features, downsampled source)."""
        return tuple(self._run("source_encoder", source))

    def generate(
        self, encoded: tuple[torch.Tensor, ...], kp_source: Keypoints, kp_driving: Keypoints
    ) -> torch.Tensor:
        """Predictions (B, 3, H, W) for a batch of normalised driving keypoints."""
        return self._run("frame_generator", *encoded, *kp_source, *kp_driving)[0]
