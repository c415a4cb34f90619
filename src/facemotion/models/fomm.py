"""A released FOMM model (keypoint detector + generator) as an AnimationModel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import torch

from facemotion.config import FommConfig
from facemotion.errors import InputError
from facemotion.models.generator import Generator
from facemotion.models.keypoints import KeypointDetector, Keypoints
from facemotion.motion.keypoints import movement_scale, normalize_keypoints


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


class FommModel:
    """Animates with the FOMM networks; each driving frame is processed on its own (batch 1).

    The source keypoints are computed once; the keypoint detector runs on every driving frame
    and the generator once per frame, which is what the original demo computes.
    """

    def __init__(
        self,
        config: FommConfig,
        kp_detector: KeypointDetector,
        generator: Generator,
        *,
        name: str | None = None,
        device: str | torch.device = "cpu",
    ):
        self.config = config
        self.name = name or config.name
        self.frame_size: int | None = config.frame_size
        self.device = torch.device(device)
        self.kp_detector = kp_detector.to(self.device).eval()
        self.generator = generator.to(self.device).eval()

    def _check(self, image: np.ndarray, what: str) -> None:
        size = self.frame_size
        if image.ndim != 3 or image.shape[2] != 3 or image.shape[:2] != (size, size):
            raise InputError(
                f"{what} must be ({size}, {size}, 3) for {self.name}, got {tuple(image.shape)}"
            )

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
        source_tensor = image_to_tensor(source, self.device)
        kp_source = self.kp_detector(source_tensor)
        kp_initial: Keypoints | None = None
        scale = 1.0
        for frame in driving:
            self._check(frame, "driving frame")
            kp_driving = self.kp_detector(image_to_tensor(frame, self.device))
            if kp_initial is None:
                kp_initial = kp_driving
                if relative and adapt_scale:
                    scale = movement_scale(
                        kp_source.value[0].cpu().numpy(), kp_initial.value[0].cpu().numpy()
                    )
            kp_norm = normalize_keypoints(
                kp_source, kp_driving, kp_initial, relative=relative, scale=scale
            )
            out = self.generator(source_tensor, kp_norm, kp_source)
            yield tensor_to_image(out["prediction"])
