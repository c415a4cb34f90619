"""A released FOMM model (keypoint detector + generator) as an AnimationModel."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import numpy as np
import torch

from facemotion.config import FommConfig
from facemotion.errors import InputError, Remedy
from facemotion.models.base import PassReport
from facemotion.models.generator import Generator
from facemotion.models.inference import (
    FastKeypointDetector,
    FrameGenerator,
    SourceEncoder,
    reduce_precision,
)
from facemotion.models.keypoints import KeypointDetector, Keypoints
from facemotion.models.normalize import movement_scale, normalize_keypoints
from facemotion.models.precision import resolve_precision

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}

BACKENDS = ("torch", "onnxruntime")


def image_to_tensor(image: np.ndarray, device: torch.device) -> torch.Tensor:
    """(H, W, 3) float32 in [0, 1] -> (1, 3, H, W)."""
    return (
        torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))
        .permute(2, 0, 1)[None]
        .to(device)
    )


def tensor_to_image(tensor: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) -> (H, W, 3) float32."""
    return tensor[0].permute(1, 2, 0).detach().cpu().numpy().astype(np.float32, copy=False)


class TorchRunner:
    """The exact inference networks (models/inference.py) in PyTorch, on one device.

    The decoder's convolutions run in `dtype`; the keypoint detector, the source encoder and
    the dense motion network always run in float32 (keypoints and masks steer every warp).
    """

    def __init__(
        self,
        kp_detector: KeypointDetector,
        generator: Generator,
        device: torch.device,
        dtype: torch.dtype = torch.float32,
    ):
        # channels_last helps oneDNN's bf16 kernels and CUDA's tensor cores; measured slower
        # for float32 on CPU.
        channels_last = dtype != torch.float32 or device.type == "cuda"
        self.keypoint_detector = FastKeypointDetector(kp_detector).to(device).eval()
        self.encoder = SourceEncoder(generator).to(device).eval()
        self.frame_generator = FrameGenerator(generator).to(device).eval()
        # Only the decoder (bottleneck, up blocks, final conv: ~80% of a frame's FLOPs) runs in
        # reduced precision, less the bottleneck's first blocks (FLOAT32_BOTTLENECK_BLOCKS in
        # inference.py). The encoder runs once per animation, so float32 costs nothing there;
        # the dense motion network turns small errors in its mask logits into shifted
        # warps (max pixel error 0.3 in bf16 on calibrated seeded weights, docs/speed.md).
        for section in (self.frame_generator.bottleneck, self.frame_generator.up_blocks):
            reduce_precision(section, dtype, channels_last)
        reduce_precision(self.frame_generator.final, dtype, channels_last)

    def keypoints(self, images: torch.Tensor) -> Keypoints:
        """images (B, 3, H, W) -> value (B, K, 2), jacobian (B, K, 2, 2)."""
        return Keypoints(*self.keypoint_detector(images))

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """source (1, 3, H, W) -> (features, downsampled source)."""
        return tuple(self.encoder(source))

    def generate(
        self, encoded: tuple[torch.Tensor, ...], kp_source: Keypoints, kp_driving: Keypoints
    ) -> torch.Tensor:
        """Predictions (B, 3, H, W) float32 for a batch of normalised driving keypoints."""
        return self.frame_generator(*encoded, *kp_source, *kp_driving)


class FommModel:
    """Animates with the FOMM networks, each thing computed once (see models/inference.py).

    The source's keypoints, encoder features and downsampled copy are computed once per
    animation; driving frames go through in batches of `batch` (read at most `batch` ahead).
    Output equals the original per-frame demo to ~1e-6 in float32. `precision` 'bf16' or
    'fp16' runs the convolutions in reduced precision (fp16 needs CUDA), 'auto' does so only
    where the hardware computes it natively (models/precision.py); `self.precision` is the
    one that runs. `backend`
    'onnxruntime' runs the exported ONNX graphs instead of PyTorch (float32 only).
    `kp_detector` and `generator` stay the reference networks, unchanged.
    """

    def __init__(
        self,
        config: FommConfig,
        kp_detector: KeypointDetector,
        generator: Generator,
        *,
        name: str | None = None,
        device: str | torch.device = "cpu",
        batch: int = 1,
        precision: str = "fp32",
        backend: str = "torch",
    ):
        self.config = config
        self.name = name or config.name
        self.frame_size: int | None = config.frame_size
        self.needs_source_face = False
        self.device = torch.device(device)
        if batch < 1:
            raise InputError(f"batch must be 1 or more, got {batch}", Remedy("batch", 1))
        if backend not in BACKENDS:
            raise InputError(
                f"unknown backend '{backend}' ({', '.join(BACKENDS)})", Remedy("backend", "torch")
            )
        precision = resolve_precision(precision, self.device, backend)
        if backend == "onnxruntime" and precision != "fp32":
            raise InputError("backend onnxruntime runs fp32 graphs", Remedy("precision", "fp32"))
        self.batch = batch
        self.precision = precision
        self.backend = backend
        self.kp_detector = kp_detector.to(self.device).eval()
        self.generator = generator.to(self.device).eval()
        self._runner: TorchRunner | None = None

    @property
    def runner(self) -> TorchRunner:
        """The inference networks, built on first use (the ONNX ones are exported then)."""
        if self._runner is None:
            if self.backend == "onnxruntime":
                from facemotion.models.onnx_export import OnnxRunner

                self._runner = OnnxRunner.from_networks(
                    self.kp_detector, self.generator, self.device, self.frame_size
                )
            else:
                self._runner = TorchRunner(
                    self.kp_detector, self.generator, self.device, DTYPES[self.precision]
                )
        return self._runner

    def _check(self, image: np.ndarray, what: str) -> None:
        size = self.frame_size
        if image.ndim != 3 or image.shape[2] != 3 or image.shape[:2] != (size, size):
            raise InputError(
                f"{what} must be ({size}, {size}, 3) for {self.name}, got {tuple(image.shape)}"
            )

    @property
    def last_report(self) -> PassReport | None:
        """None: FOMM needs no face in the driving frames, so it loses none."""
        return None

    def check_source(self, source: np.ndarray, points: np.ndarray | None = None) -> None:
        """Any image can be animated (FOMM finds its own keypoints); nothing to check."""

    @torch.inference_mode()
    def keypoints(self, image: np.ndarray) -> Keypoints:
        """Keypoints of one (H, W, 3) image: value (1, K, 2), jacobian (1, K, 2, 2)."""
        return self.kp_detector(image_to_tensor(image, self.device))

    @torch.inference_mode()
    def animate(
        self,
        source: np.ndarray,
        driving: Iterable[np.ndarray],
        *,
        relative: bool = True,
        adapt_scale: bool = True,
    ) -> Iterator[np.ndarray]:
        """See AnimationModel.animate; frames must be (frame_size, frame_size, 3)."""
        self._check(source, "source image")
        runner = self.runner
        source_tensor = image_to_tensor(source, self.device)
        kp_source = runner.keypoints(source_tensor)
        encoded = runner.encode(source_tensor)
        frames = iter(driving)
        kp_initial: Keypoints | None = None
        scale = 1.0
        while chunk := list(itertools.islice(frames, self.batch)):
            for frame in chunk:
                self._check(frame, "driving frame")
            images = torch.from_numpy(np.stack(chunk).astype(np.float32, copy=False))
            kp_driving = runner.keypoints(images.permute(0, 3, 1, 2).to(self.device))
            if kp_initial is None:
                kp_initial = Keypoints(*(part[:1] for part in kp_driving))
                if relative and adapt_scale:
                    scale = movement_scale(
                        kp_source.value[0].cpu().numpy(), kp_initial.value[0].cpu().numpy()
                    )
            kp_norm = normalize_keypoints(
                kp_source, kp_driving, kp_initial, relative=relative, scale=scale
            )
            predictions = runner.generate(encoded, kp_source, kp_norm)
            yield from predictions.permute(0, 2, 3, 1).float().cpu().numpy()
