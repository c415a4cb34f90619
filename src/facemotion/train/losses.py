"""FOMM training losses: multi-scale perceptual, equivariance, LSGAN and feature matching.

`GeneratorLoss` and `DiscriminatorLoss` are the original's GeneratorFullModel and
DiscriminatorFullModel: one forward computes every loss of one optimiser step, which is the
unit DistributedDataParallel needs (one forward, one backward per wrapped module).
"""

from __future__ import annotations

import torch
from torch import nn

from facemotion.config import LossWeights, TrainConfig
from facemotion.models.blocks import AntiAliasInterpolation2d
from facemotion.models.discriminator import MultiScaleDiscriminator, scale_key
from facemotion.models.generator import Generator
from facemotion.models.keypoints import KeypointDetector, Keypoints
from facemotion.train.transforms import RandomTPS
from facemotion.train.vgg import Vgg19Features


class ImagePyramid(nn.Module):
    """image (B, C, H, W) -> {scale key: (B, C, H*s, W*s)}, anti-aliased as in the original."""

    def __init__(self, scales: tuple[float, ...], channels: int):
        super().__init__()
        self.downs = nn.ModuleDict(
            {scale_key(s): AntiAliasInterpolation2d(channels, s) for s in scales}
        )

    def forward(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        return {key: down(image) for key, down in self.downs.items()}


def perceptual_loss(
    vgg: Vgg19Features,
    generated: dict[str, torch.Tensor],
    real: dict[str, torch.Tensor],
    weights: tuple[float, ...],
) -> torch.Tensor:
    """sum over scales and VGG layers of w_i * mean |vgg_i(generated) - vgg_i(real)|."""
    total = 0.0
    for key in generated:
        features_generated = vgg(generated[key])
        with torch.no_grad():  # the real side is detached in the original
            features_real = vgg(real[key])
        for weight, a, b in zip(weights, features_generated, features_real, strict=False):
            if weight:
                total = total + weight * (a - b).abs().mean()
    return total


def equivariance_losses(
    kp_detector: nn.Module,
    driving: torch.Tensor,
    kp_driving: Keypoints,
    transform: RandomTPS,
    weights: LossWeights,
) -> dict[str, torch.Tensor]:
    """Keypoints must move with a random warp T of the driving frame (values and Jacobians).

    driving (B, C, H, W); kp_driving value (B, K, 2), jacobian (B, K, 2, 2).
    """
    losses: dict[str, torch.Tensor] = {}
    kp_transformed = kp_detector(transform.warp_frame(driving))
    if weights.equivariance_value:
        value = (kp_driving.value - transform.warp_coordinates(kp_transformed.value)).abs().mean()
        losses["equivariance_value"] = weights.equivariance_value * value
    if weights.equivariance_jacobian and kp_driving.jacobian is not None:
        jacobian_transformed = transform.jacobian(kp_transformed.value) @ kp_transformed.jacobian
        product = torch.inverse(kp_driving.jacobian) @ jacobian_transformed
        eye = torch.eye(2, dtype=product.dtype, device=product.device)
        losses["equivariance_jacobian"] = (
            weights.equivariance_jacobian * (eye - product).abs().mean()
        )
    return losses


class GeneratorLoss(nn.Module):
    """(source, driving, transform) -> (losses, generated) for the generator + keypoint step.

    Registers only the keypoint detector and the generator: the VGG and the discriminator are
    held outside the module tree so that DDP syncs just the networks this step updates.
    """

    def __init__(
        self,
        kp_detector: KeypointDetector,
        generator: Generator,
        vgg: Vgg19Features,
        discriminator: MultiScaleDiscriminator | None,
        cfg: TrainConfig,
        num_channels: int = 3,
    ):
        super().__init__()
        self.kp_detector = kp_detector
        self.generator = generator
        self.pyramid = ImagePyramid(tuple(cfg.scales), num_channels)
        self.frozen = (vgg, discriminator)
        self.weights = cfg.loss_weights

    def forward(
        self, source: torch.Tensor, driving: torch.Tensor, transform: RandomTPS
    ) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        """source, driving (B, C, H, W) in [0, 1] -> ({name: scalar}, {'prediction', 'kp_*'})."""
        vgg, discriminator = self.frozen
        w = self.weights
        kp_source = self.kp_detector(source)
        kp_driving = self.kp_detector(driving)
        prediction = self.generator(source, kp_driving, kp_source)["prediction"]
        losses: dict[str, torch.Tensor] = {}
        pyramid_real = self.pyramid(driving)
        pyramid_generated = self.pyramid(prediction)
        if sum(w.perceptual):
            losses["perceptual"] = perceptual_loss(
                vgg, pyramid_generated, pyramid_real, w.perceptual
            )
        if w.generator_gan and discriminator is not None:
            kp_value = kp_driving.value.detach()
            maps_generated = discriminator(pyramid_generated, kp_value)
            maps_real = discriminator(pyramid_real, kp_value)
            losses["generator_gan"] = sum(
                w.generator_gan * ((1 - maps_generated[key][1]) ** 2).mean() for key in maps_real
            )
            if sum(w.feature_matching):
                losses["feature_matching"] = sum(
                    weight * (a - b).abs().mean()
                    for key in maps_real
                    for weight, a, b in zip(
                        w.feature_matching, maps_real[key][0], maps_generated[key][0], strict=False
                    )
                    if weight
                )
        if w.equivariance_value or w.equivariance_jacobian:
            losses.update(equivariance_losses(self.kp_detector, driving, kp_driving, transform, w))
        generated = {
            "prediction": prediction,
            "kp_source": kp_source.value,
            "kp_driving": kp_driving.value,
        }
        return losses, generated


class DiscriminatorLoss(nn.Module):
    """LSGAN discriminator loss: w * mean((1 - D(real))^2 + D(generated)^2) over its scales."""

    def __init__(
        self, discriminator: MultiScaleDiscriminator, cfg: TrainConfig, num_channels: int = 3
    ):
        super().__init__()
        self.discriminator = discriminator
        self.pyramid = ImagePyramid(tuple(cfg.scales), num_channels)
        self.weight = cfg.loss_weights.discriminator_gan

    def forward(
        self, driving: torch.Tensor, prediction: torch.Tensor, kp_driving: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """driving, prediction (B, C, H, W); kp_driving (B, K, 2) -> {'discriminator_gan'}."""
        maps_generated = self.discriminator(self.pyramid(prediction.detach()), kp_driving.detach())
        maps_real = self.discriminator(self.pyramid(driving), kp_driving.detach())
        value = sum(
            self.weight * ((1 - maps_real[key][1]) ** 2 + maps_generated[key][1] ** 2).mean()
            for key in maps_real
        )
        return {"discriminator_gan": value}
