"""A portrait animated live, frame by frame, and where it is shown: a preview window and a
virtual camera."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator

import numpy as np

from facemotion.errors import FacemotionError, MissingDependency
from facemotion.landmarks.landmarker import FaceObservation

DEFAULT_PORTRAIT_SIZE = 256  # side of the portrait crop for models that take any size
DRIVING_MAX_SIDE = 480  # larger camera frames are shrunk to this before they drive the portrait


class _NewestDriving:
    """An endless iterator whose next item is the frame last handed in: the driving input of a
    model's `animate` generator, pulled one frame per animated frame."""

    def __init__(self) -> None:
        self.frame: np.ndarray | None = None

    def __iter__(self) -> Iterator[np.ndarray]:
        return self

    def __next__(self) -> np.ndarray:
        if self.frame is None:
            raise RuntimeError("the model asked for a driving frame before one was given")
        frame, self.frame = self.frame, None
        return frame


def _reusing_landmarks(model, known: Callable[[], FaceObservation | None]):
    """The landmark model made to take each frame's landmarks and learned blendshape scores
    from `known()` (the live loop's observation of that frame) when it gives one, instead of
    running a second MediaPipe tracker; other models unchanged."""
    from facemotion.motion.landmark_model import LandmarkModel

    if not isinstance(model, LandmarkModel):
        return model

    class Tracker:
        def __init__(self) -> None:
            self._own = None
            self._scores: np.ndarray | None = None

        def __call__(self, image: np.ndarray) -> tuple[np.ndarray, bool]:
            observation = known()
            if observation is None:
                if self._own is None:
                    from facemotion.landmarks import LandmarkTracker

                    self._own = LandmarkTracker(static=False, face=model.face)
                points, found = self._own(image)
                self._scores = self._own.blendshapes()
                return points, found
            self._scores = observation.blendshapes if observation.found else None
            return observation.landmarks, observation.found

        def blendshapes(self) -> np.ndarray | None:
            return self._scores

        def close(self) -> None:
            if self._own is not None:
                self._own.close()

    return model.with_tracker(Tracker)


class LivePortrait:
    """`model.animate` run one camera frame at a time: `portrait(frame)` -> the animated
    portrait (S, S, 3) uint8 for frame (H, W, 3) uint8 RGB. The first frame is the reference:
    look at the camera as the portrait does when it starts."""

    def __init__(self, model, source: np.ndarray, size: int = DEFAULT_PORTRAIT_SIZE) -> None:
        from facemotion.io.images import as_float_image, center_square, resize_square

        self.model = _reusing_landmarks(model, lambda: self._observation)
        self.size = model.frame_size or size
        self.source = resize_square(center_square(as_float_image(source)), self.size)
        # What the model finds once in the source is found now, before the camera runs (on the
        # first frame it took 0.35-0.65 s, ten to twenty camera frames dropped).
        self.model.check_source(self.source)
        self._driving = _NewestDriving()
        self._observation: FaceObservation | None = None
        self._frames = self.model.animate(self.source, self._driving)

    def _driving_frame(self, frame: np.ndarray) -> np.ndarray:
        from facemotion.io.images import as_float_image, center_square, resize_square

        image = as_float_image(frame)
        if self.model.frame_size:
            image = resize_square(center_square(image), self.model.frame_size)
        return image

    def __call__(self, frame: np.ndarray, observation: FaceObservation | None = None) -> np.ndarray:
        """frame: (H, W, 3) uint8 RGB; observation: its landmarks and learned blendshape
        scores when already tracked (the live loop has them), so the landmark model does not
        track it again (its blinks are measured with the scores, as from a video)."""
        if self.model.frame_size is None and max(frame.shape[:2]) > DRIVING_MAX_SIDE:
            # The warp needs only the landmarks and, for the mouth, a few hundred pixels.
            from facemotion.io.images import shrink

            scale = DRIVING_MAX_SIDE / max(frame.shape[:2])
            size = (round(frame.shape[1] * scale), round(frame.shape[0] * scale))
            frame = shrink(frame, size)
            if observation is not None:
                landmarks = np.asarray(observation.landmarks) * np.float32(scale)
                observation = dataclasses.replace(observation, landmarks=landmarks)
        self._observation = observation
        self._driving.frame = self._driving_frame(frame)
        result = next(self._frames)
        return (np.clip(result, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)

    def close(self) -> None:
        self._frames.close()


def has_display() -> bool:
    """Whether a window can be shown (an X11 or Wayland display on Linux; always elsewhere)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class Preview:
    """An OpenCV window showing RGB frames; Esc or q in the window stops the session (raises
    KeyboardInterrupt, as Ctrl-C does). An OpenCV built without windows is reported once."""

    def __init__(self, title: str, warn: Callable[[str], None]) -> None:
        self.title = title
        self._warn = warn
        self._working = True

    def show(self, image: np.ndarray) -> None:
        if not self._working:
            return
        import cv2

        try:
            cv2.imshow(self.title, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
            key = cv2.waitKey(1) & 0xFF
        except cv2.error:
            self._working = False
            self._warn(
                "warning: no preview window: this OpenCV has no GUI (opencv-python-headless); "
                "send to a virtual camera instead, or install opencv-python"
            )
            return
        if key in (27, ord("q")):
            raise KeyboardInterrupt

    def close(self) -> None:
        if self._working:
            import cv2

            try:
                cv2.destroyWindow(self.title)
            except cv2.error:
                pass  # the window was never created


def import_pyvirtualcam():
    """The pyvirtualcam module, or InputError saying how to install it."""
    try:
        import pyvirtualcam
    except ImportError:
        raise MissingDependency("a virtual camera", "facemotion[virtualcam]") from None
    return pyvirtualcam


class VirtualCamera:
    """Frames sent to a virtual camera device through pyvirtualcam."""

    def __init__(self, width: int, height: int, fps: float) -> None:
        pyvirtualcam = import_pyvirtualcam()
        try:
            self._camera = pyvirtualcam.Camera(width=width, height=height, fps=fps)
        except RuntimeError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else "no device"
            raise FacemotionError(
                f"no virtual camera device ({reason}); on Linux load v4l2loopback "
                "(sudo modprobe v4l2loopback), elsewhere install OBS's virtual camera"
            ) from None

    def show(self, image: np.ndarray) -> None:
        self._camera.send(np.ascontiguousarray(image))

    def close(self) -> None:
        self._camera.close()
