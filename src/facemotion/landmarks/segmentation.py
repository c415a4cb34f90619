"""Where the person is in a still image: MediaPipe's selfie segmentation model (bundled).

The model (`selfie_segmentation.tflite`, 256x256 input) gives, per pixel, the confidence that
it shows a person: face, hair, ears, a hat, neck, shoulders and body. MediaPipe's Tasks
`ImageSegmenter` runs it as it is and brings the mask back to the image's size. The landmark
model segments its source once, to move the person and keep the scene behind it still.
"""

from __future__ import annotations

import numpy as np

from facemotion.assets import model_path
from facemotion.errors import ModelError
from facemotion.landmarks.caller_thread import run_on_caller_thread
from facemotion.landmarks.landmarker import mp_image
from facemotion.landmarks.quiet import native_stderr_silenced
from facemotion.landmarks.rgb import as_rgb_uint8

MODEL = "selfie_segmentation.tflite"


def open_segmenter():
    """A MediaPipe ImageSegmenter (IMAGE mode, confidence masks) on the bundled selfie
    segmentation model. The caller closes it (left to the garbage collector it raises at
    interpreter exit). Raises ModelError when the bundled file is missing or corrupt."""
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.ImageSegmenterOptions(
        base_options=BaseOptions(model_asset_path=str(model_path(MODEL))),
        running_mode=vision.RunningMode.IMAGE,
        output_confidence_masks=True,
        output_category_mask=False,
    )
    try:
        return run_on_caller_thread(vision.ImageSegmenter.create_from_options(options))
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"cannot load {model_path(MODEL)}: {exc}") from exc


def segment_person(image: np.ndarray) -> np.ndarray:
    """The confidence that each pixel shows a person: (H, W) float32 in [0, 1].

    image: (H, W, 3) uint8 RGB (grey, RGBA and float [0, 1] are converted).
    """
    image = as_rgb_uint8(image)
    with native_stderr_silenced():
        segmenter = open_segmenter()
        try:
            result = segmenter.segment(mp_image(image))
            mask = np.array(result.confidence_masks[0].numpy_view(), dtype=np.float32)
        finally:
            segmenter.close()
    mask = mask.reshape(image.shape[:2])
    return np.clip(mask, 0.0, 1.0)
