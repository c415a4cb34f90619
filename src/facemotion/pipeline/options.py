"""Every job's user-facing options, one frozen dataclass a job, with defaults and validation.

The CLI (from its argparse namespace), the web app (from its controls), batch tasks (sent whole
to worker processes and Ray tasks) and the Python API build one of these and pass it whole, so
a choice means the same thing in every front end. A new option is one field here (default and
check in the API's words) plus its flag or control wording in the front ends that offer it.

The Python functions keep keyword arguments for convenience: `build(AnimateOptions, ...)`
turns them into the dataclass, refusing names that are not fields as Python refuses an
unknown keyword.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from facemotion.errors import InputError, ModelError, Remedy
from facemotion.export.registry import FORMATS
from facemotion.landmarks.smoothing import DEFAULT_BETA, DEFAULT_MIN_CUTOFF_HZ
from facemotion.models.precision import PRECISION_CHOICES
from facemotion.models.registry import DEFAULT_MODEL, FOMM, MODELS
from facemotion.motion.expression import EXPRESSION_MODES
from facemotion.motion.scene import SCENE_MODES
from facemotion.solver.pose import DEFAULT_FOV_DEG, DEFAULT_IPD_CM

if TYPE_CHECKING:
    import numpy as np

PRECISIONS = PRECISION_CHOICES  # fp32, bf16, fp16, auto (models/precision.py)
CHARACTER_SUFFIXES = (".glb", ".gltf", ".vrm")
BACKENDS = ("torch", "onnxruntime")
CROPS = ("center", "auto")
PREPARE_CROPS = ("face", "center")


def _at_least(name: str, value: int | None, low: int) -> None:
    if value is not None and value < low:
        raise InputError(f"{name} must be {low} or more, got {value}", Remedy(name, low))


@dataclass(frozen=True)
class ModelOptions:
    """Which model animates and how it runs (what `load_model` takes).

    name: 'landmarks' (the embedded default), a released FOMM name ('vox', ...) or a path to a
    `*-cpk.pth.tar` checkpoint. config: a FOMM checkpoint's configuration (a shipped name or a
    yaml path; default: the shipped one its shapes fit). device: 'cpu' or 'cuda' (FOMM).
    batch / precision / backend: FOMM's speed settings (docs/speed.md); precision 'auto' runs
    bf16 (fp16 on a GPU) only where the hardware computes it natively, fp32 elsewhere, and
    suits every model (the landmark model runs fp32). expression: how the landmark model moves
    the mouth and eyes, 'retarget' or 'relative'. scene: what the landmark model does with the
    photo around the person, 'still' (it stays as it is; the person moves over it,
    docs/scene.md) or 'follow' (it moves with the driving video's optical flow, as before).
    """

    name: str = DEFAULT_MODEL
    config: str | None = None
    device: str = "cpu"
    batch: int = 1
    precision: str = "fp32"
    backend: str = "torch"
    expression: str = "retarget"
    scene: str = "still"

    def __post_init__(self) -> None:
        _at_least("batch", self.batch, 1)
        for name, value, choices in (
            ("precision", self.precision, PRECISIONS),
            ("backend", self.backend, BACKENDS),
            ("expression", self.expression, EXPRESSION_MODES),
            ("scene", self.scene, SCENE_MODES),
        ):
            if value not in choices:
                raise InputError(
                    f"{name} must be one of {', '.join(choices)}, not {value!r}",
                    Remedy(name, choices[0]),
                )
        self.check_applies()

    @property
    def is_fomm(self) -> bool:
        """A released FOMM model or a checkpoint file (anything not an embedded entry)."""
        entry = MODELS.get(self.name)
        return entry is None or entry.kind == FOMM

    def check_applies(self) -> None:
        """Refuse settings the chosen kind of model has no use for (one line, naming the
        setting), so no choice is silently ignored: FOMM's speed settings, configuration and
        device with the embedded model; the landmark model's expression with FOMM."""
        defaults = {f.name: f.default for f in fields(ModelOptions)}
        if self.is_fomm:
            if self.expression != defaults["expression"]:
                raise ModelError(
                    f"expression applies to the {DEFAULT_MODEL} model; FOMM models move the "
                    "whole face with their keypoints",
                    Remedy("model", DEFAULT_MODEL),
                )
            if self.scene != defaults["scene"]:
                raise ModelError(
                    f"scene applies to the {DEFAULT_MODEL} model; FOMM models move the whole "
                    "picture with their keypoints",
                    Remedy("model", DEFAULT_MODEL),
                )
            return
        for name in ("config", "device", "batch", "precision", "backend"):
            if name == "precision" and self.precision == "auto":
                continue  # the best this machine runs exactly enough: fp32 for this model
            if getattr(self, name) != defaults[name]:
                what = "runs on the CPU" if name == "device" else "has none"
                remedies = (Remedy("checkpoint"),) if name == "config" else ()
                raise ModelError(
                    f"{name} applies to FOMM checkpoints; the {self.name} model {what}",
                    *remedies,
                    Remedy("model", "vox"),
                )

    def with_absolute_paths(self) -> ModelOptions:
        """The same choice with a checkpoint's and a yaml configuration's paths made absolute
        (a batch worker may run in another folder)."""
        name = str(Path(self.name).absolute()) if Path(self.name).suffix else self.name
        config = self.config
        if config is not None and Path(config).suffix in (".yaml", ".yml"):
            config = str(Path(config).absolute())
        return replace(self, name=name, config=config)


@dataclass(frozen=True)
class AnimateOptions:
    """`animate_video`'s options (the model's own in `model`).

    relative / adapt_scale: FOMM's relative keypoint motion and its scale adaptation.
    best_frame: the driving frame taken as the relative reference; find_best_frame: the one
    whose face pose is closest to the source's instead. crop: 'center' (the centred square) or
    'auto' (a square around the face). size: the side of the animated crop in the output
    (default: the model's size, or the crop's own for the landmark model). paste_back: blend
    the animated crop back into the full source. face / driving_face: which face of the source
    / of the driving video when there are several, 0, 1, ... from the left (None: the
    largest); the landmark model follows `driving_face` in every frame.
    """

    model: ModelOptions = field(default_factory=ModelOptions)
    relative: bool = True
    adapt_scale: bool = True
    best_frame: int = 0
    find_best_frame: bool = False
    crop: str = "center"
    size: int | None = None
    paste_back: bool = False
    face: int | None = None
    driving_face: int | None = None

    def __post_init__(self) -> None:
        _at_least("best_frame", self.best_frame, 0)
        _at_least("face", self.face, 0)
        _at_least("driving_face", self.driving_face, 0)
        if self.crop not in CROPS:
            raise InputError(f"unknown crop {self.crop!r} (center or auto)", Remedy("crop", "auto"))
        if self.size is not None and not 16 <= self.size <= 4096:
            raise InputError(
                f"size must be between 16 and 4096 pixels, got {self.size}",
                Remedy("size", min(max(self.size, 16), 4096)),
            )


@dataclass(frozen=True)
class CaptureOptions:
    """`capture`'s options and what `Capture.save` writes.

    face: which face when there are several (None: the largest). smooth / smoothing: the
    One-Euro filter on the tracks, (min_cutoff Hz, beta). neutral: a frame index, a neutral
    image's path or None (the clip's most neutral frames). ipd_cm / fov_deg: the assumed
    interpupillary distance and horizontal field of view, for the translation in cm.
    formats: the outputs to write (export registry names); include_landmarks: the 478
    landmarks per frame in the JSON. onto: the user's character (.glb, .gltf, .vrm), written
    animated beside the outputs (docs/characters.md); character_map: a JSON of its shape or
    expression names -> ARKit names, for names the automatic matching misses.
    """

    face: int | None = None
    smooth: bool = True
    smoothing: tuple[float, float] = (DEFAULT_MIN_CUTOFF_HZ, DEFAULT_BETA)
    neutral: int | str | Path | np.ndarray | None = None
    ipd_cm: float = DEFAULT_IPD_CM
    fov_deg: float = DEFAULT_FOV_DEG
    formats: tuple[str, ...] = tuple(FORMATS)
    include_landmarks: bool = False
    onto: Path | None = None
    character_map: Path | None = None

    def __post_init__(self) -> None:
        _at_least("face", self.face, 0)
        if self.onto is not None and Path(self.onto).suffix.lower() not in CHARACTER_SUFFIXES:
            raise InputError(
                f"onto: {Path(self.onto).name} is not a character; give a .glb, .gltf or .vrm",
                Remedy("onto", "AVATAR.vrm"),
            )
        if self.character_map is not None and self.onto is None:
            raise InputError(
                "character_map applies to a character; give the character too",
                Remedy("onto", "AVATAR.vrm"),
            )
        if isinstance(self.neutral, int):
            _at_least("neutral", self.neutral, 0)
        check_smoothing(self.smoothing)
        if not 1.0 <= self.ipd_cm <= 15.0:
            raise InputError(
                "ipd_cm is in centimetres: give a value between 1 and 15 (adults: ~6.3)",
                Remedy("ipd_cm", DEFAULT_IPD_CM),
            )
        if not 1.0 <= self.fov_deg < 180.0:
            raise InputError(
                "fov_deg is in degrees: give a value between 1 and 179",
                Remedy("fov_deg", DEFAULT_FOV_DEG),
            )
        unknown = sorted(set(self.formats) - set(FORMATS))
        if unknown or not self.formats:
            choices = ",".join(FORMATS)
            raise InputError(
                f"unknown formats {unknown}; choose from {choices}", Remedy("formats", choices)
            )


def check_smoothing(smoothing: tuple[float, float]) -> None:
    """Refuse a One-Euro (min_cutoff, beta) that is not finite, min_cutoff > 0, beta >= 0."""
    min_cutoff, beta = smoothing
    if not (math.isfinite(min_cutoff) and math.isfinite(beta)) or min_cutoff <= 0 or beta < 0:
        raise InputError(
            f"smoothing must be finite numbers with min_cutoff > 0 and beta >= 0, got "
            f"{min_cutoff:g},{beta:g}",
            Remedy("smoothing", f"{DEFAULT_MIN_CUTOFF_HZ:g},{DEFAULT_BETA:g}"),
        )


@dataclass(frozen=True)
class PrepareOptions:
    """`prepare`'s options: size: frame side in pixels; test_fraction: share of videos for
    test/ (by name); crop_mode: 'face' (one square per clip around its face) or 'center'."""

    size: int = 256
    test_fraction: float = 0.1
    crop_mode: str = "face"

    def __post_init__(self) -> None:
        if not 0 <= self.test_fraction <= 1:
            raise InputError(
                f"test_fraction must be between 0 and 1, got {self.test_fraction:g}",
                Remedy("test_fraction", 0.1),
            )
        if self.size < 8:
            raise InputError(f"size must be at least 8 pixels, got {self.size}", Remedy("size", 8))
        if self.crop_mode not in PREPARE_CROPS:
            raise InputError(
                f"crop_mode must be 'face' or 'center', not {self.crop_mode!r}",
                Remedy("crop_mode", "face"),
            )


Options = TypeVar("Options")


def build(kind: type[Options], base: Options | None = None, **keywords: Any) -> Options:
    """`base` (default: `kind()`) with fields replaced by keyword arguments. For AnimateOptions
    the model's fields are taken too (`model=` names the model, as in `load_model`). An unknown
    keyword is a TypeError, as for any function."""
    options = base if base is not None else kind()
    if kind is AnimateOptions and keywords:
        model_fields = {f.name for f in fields(ModelOptions)}
        model_keywords = {k: keywords.pop(k) for k in list(keywords) if k in model_fields}
        if "model" in keywords and not isinstance(keywords["model"], ModelOptions):
            model_keywords["name"] = str(keywords.pop("model"))
        if model_keywords:
            keywords["model"] = replace(options.model, **model_keywords)  # type: ignore[attr-defined]
    names = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(keywords) - names)
    if unknown:
        raise TypeError(f"unexpected keyword arguments for {kind.__name__}: {', '.join(unknown)}")
    return replace(options, **keywords) if keywords else options  # type: ignore[type-var]
