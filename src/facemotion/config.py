"""Typed configurations; the one place where the released FOMM yaml layout is read.

A released yaml file has `dataset_params`, `model_params` (`common_params`, `kp_detector_params`,
`generator_params` with nested `dense_motion_params`, `discriminator_params`), `train_params`,
`reconstruction_params`, `animate_params` and `visualizer_params`. Defaults are those of the
original code for keys a file leaves out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from facemotion.errors import ModelError


@dataclass(frozen=True)
class KeypointDetectorConfig:
    num_kp: int = 10
    num_channels: int = 3
    estimate_jacobian: bool = True
    block_expansion: int = 32
    max_features: int = 1024
    num_blocks: int = 5
    temperature: float = 0.1
    scale_factor: float = 1.0
    single_jacobian_map: bool = False
    pad: int = 0


@dataclass(frozen=True)
class DenseMotionConfig:
    block_expansion: int = 64
    max_features: int = 1024
    num_blocks: int = 5
    scale_factor: float = 1.0
    kp_variance: float = 0.01


@dataclass(frozen=True)
class GeneratorConfig:
    num_kp: int = 10
    num_channels: int = 3
    estimate_jacobian: bool = True
    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    num_bottleneck_blocks: int = 6
    estimate_occlusion_map: bool = True
    dense_motion: DenseMotionConfig = field(default_factory=DenseMotionConfig)


@dataclass(frozen=True)
class DiscriminatorConfig:
    num_kp: int = 10
    num_channels: int = 3
    scales: tuple[float, ...] = (1.0,)
    block_expansion: int = 32
    max_features: int = 512
    num_blocks: int = 4
    sn: bool = False
    use_kp: bool = False
    kp_variance: float = 0.01


@dataclass(frozen=True)
class AugmentationConfig:
    horizontal_flip: bool = False
    time_flip: bool = False
    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 0.0
    hue: float = 0.0
    crop_size: tuple[int, int] | None = None
    resize_ratio: tuple[float, float] | None = None


@dataclass(frozen=True)
class DatasetConfig:
    frame_shape: tuple[int, int, int] = (256, 256, 3)
    id_sampling: bool = False
    augmentation: AugmentationConfig = field(default_factory=AugmentationConfig)


@dataclass(frozen=True)
class LossWeights:
    generator_gan: float = 0.0
    discriminator_gan: float = 1.0
    feature_matching: tuple[float, ...] = (10.0, 10.0, 10.0, 10.0)
    perceptual: tuple[float, ...] = (10.0, 10.0, 10.0, 10.0, 10.0)
    equivariance_value: float = 10.0
    equivariance_jacobian: float = 10.0


@dataclass(frozen=True)
class TrainConfig:
    num_epochs: int = 100
    num_repeats: int = 1
    epoch_milestones: tuple[int, ...] = ()
    lr_generator: float = 2e-4
    lr_discriminator: float = 2e-4
    lr_kp_detector: float = 2e-4
    batch_size: int = 1
    scales: tuple[float, ...] = (1.0, 0.5, 0.25, 0.125)
    checkpoint_freq: int = 50
    sigma_affine: float = 0.05
    sigma_tps: float = 0.005
    points_tps: int = 5
    loss_weights: LossWeights = field(default_factory=LossWeights)


@dataclass(frozen=True)
class AnimateConfig:
    adapt_movement_scale: bool = False
    use_relative_movement: bool = True
    use_relative_jacobian: bool = True


@dataclass(frozen=True)
class FommConfig:
    """Everything a released FOMM yaml file says."""

    name: str
    kp_detector: KeypointDetectorConfig
    generator: GeneratorConfig
    discriminator: DiscriminatorConfig
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    animate: AnimateConfig = field(default_factory=AnimateConfig)

    @property
    def frame_size(self) -> int:
        return int(self.dataset.frame_shape[0])


def _pick(cls: type, values: dict[str, Any], **extra: Any) -> Any:
    """Build dataclass `cls` from the keys of `values` it knows; lists become tuples."""
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in names}
    kwargs.update(extra)
    return cls(**kwargs)


def config_from_dict(raw: dict[str, Any], name: str = "custom") -> FommConfig:
    """Map the released yaml layout onto the dataclasses."""
    try:
        model = raw["model_params"]
        common = model.get("common_params", {})
        kp_params = model["kp_detector_params"]
        gen_params = dict(model["generator_params"])
    except (KeyError, TypeError) as exc:
        raise ModelError(
            f"configuration {name} lacks {exc} in the FOMM layout; start from a released yaml "
            "(facemotion ships vox-256, taichi-256, ...)"
        ) from exc
    dense = _pick(DenseMotionConfig, gen_params.pop("dense_motion_params", {}) or {})
    data = raw.get("dataset_params", {}) or {}
    aug = data.get("augmentation_params", {}) or {}
    augmentation = AugmentationConfig(
        **{k: v for k, v in (aug.get("flip_param") or {}).items()},
        **{k: float(v) for k, v in (aug.get("jitter_param") or {}).items()},
        crop_size=tuple((aug.get("crop_param") or {}).get("size", ())) or None,
        resize_ratio=tuple((aug.get("resize_param") or {}).get("ratio", ())) or None,
    )
    train = dict(raw.get("train_params", {}) or {})
    transform = train.pop("transform_params", {}) or {}
    weights = _pick(LossWeights, train.pop("loss_weights", {}) or {})
    norm = (raw.get("animate_params", {}) or {}).get("normalization_params", {}) or {}
    return FommConfig(
        name=name,
        kp_detector=_pick(KeypointDetectorConfig, {**common, **kp_params}),
        generator=_pick(GeneratorConfig, {**common, **gen_params}, dense_motion=dense),
        discriminator=_pick(
            DiscriminatorConfig, {**common, **(model.get("discriminator_params", {}) or {})}
        ),
        dataset=_pick(DatasetConfig, data, augmentation=augmentation),
        train=_pick(TrainConfig, {**train, **transform}, loss_weights=weights),
        animate=_pick(AnimateConfig, norm),
    )


def load_config(path: str | Path) -> FommConfig:
    """Read a FOMM yaml file (released layout) from `path`."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise ModelError(f"configuration file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ModelError(f"cannot read configuration {path}: not a FOMM yaml file") from exc
    if not isinstance(raw, dict):
        raise ModelError(f"configuration {path} is not a FOMM yaml file (no model_params)")
    return config_from_dict(raw, name=path.stem)
