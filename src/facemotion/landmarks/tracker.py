"""Frames in, one `FaceObservation` per frame out: MediaPipe's Face Landmarker on a stream."""

from __future__ import annotations

import atexit
import contextlib
import weakref
from collections.abc import Iterable, Iterator

import numpy as np

from facemotion.landmarks.faces import choose_index
from facemotion.landmarks.landmarker import (
    FaceObservation,
    mp_image,
    observations,
    open_detector,
    open_landmarker,
)
from facemotion.landmarks.quiet import native_stderr_silenced
from facemotion.landmarks.rgb import as_rgb_uint8

MAX_FACES = 4  # faces looked at when choosing the largest (more when face=N asks for more)
FRAME_MS = 33  # the step between frames whose time is not given (VIDEO mode needs one)

# Trackers holding MediaPipe tasks. Closed at exit, before the interpreter tears down the
# modules that a task's close needs (a generator left open would close its tracker then).
_OPEN: weakref.WeakSet[LandmarkTracker] = weakref.WeakSet()


@atexit.register
def _close_open_trackers() -> None:
    for tracker in list(_OPEN):
        tracker.close()


class LandmarkTracker:
    """MediaPipe's Face Landmarker (bundled model) on one frame at a time.

    `tracker.observe(frame, time_s)` -> FaceObservation: landmarks (478, 3) float32 px,
    blendshapes (52,), matrix (4, 4), found (False and zeros when there is no face, or not the
    requested one). `points, found = tracker(frame)` is the landmarks part alone, and
    `tracker.blendshapes()` then the scores of that frame. frame:
    (H, W, 3) uint8 RGB (grey, RGBA and float [0, 1] are converted).

    static=False tracks a video (VIDEO mode): one frame's face seeds the next and the detector
    runs only when the face is lost; frames must come in time order (time_s in seconds,
    increasing; None counts 33 ms a frame). static=True (IMAGE mode) treats each frame as a
    new image. face=None follows the largest face (area of the landmarks' bounding box);
    face=N the N-th face counted left to right (0-based).

    In VIDEO mode the landmarker runs its detector on every frame while it tracks fewer faces
    than it may, so a separate detector counts the faces on the first frame and after every
    lost one, and the landmarker is rebuilt for as many faces as that count needs (never
    fewer than face + 1). A second face entering while one is tracked is not looked for.

    Close it (`close()` or `with`): a Face Landmarker left to the garbage collector prints a
    TypeError at interpreter exit (mediapipe 1.2.3).
    """

    def __init__(
        self, static: bool = False, face: int | None = None, min_confidence: float = 0.5
    ) -> None:
        if face is not None and face < 0:
            raise ValueError(f"face must be None or >= 0, got {face}")
        self.static = static
        self.face = face
        self.min_confidence = min_confidence
        self._most_faces = max(MAX_FACES, (face or 0) + 1)
        self._landmarker = None
        self._landmarker_faces = 0
        self._counter = None
        self._lost = True
        self._started = False  # whether the current landmarker has run a frame
        self._last_ms = -1  # no frame yet
        self._scores: np.ndarray | None = None

    def __call__(self, frame: np.ndarray) -> tuple[np.ndarray, bool]:
        observation = self.observe(frame)
        self._scores = observation.blendshapes if observation.found else None
        return observation.landmarks, observation.found

    def blendshapes(self) -> np.ndarray | None:
        """The learned blendshape scores (52,) (ARKit order) of the frame last given to
        `tracker(frame)`; None before any, or when that frame had no face."""
        return self._scores

    def observe(self, frame: np.ndarray, time_s: float | None = None) -> FaceObservation:
        """The requested face of `frame` (see the class), at `time_s` seconds in a video."""
        faces = self.faces(frame, time_s)
        index = choose_index([face.landmarks for face in faces], self.face)
        return FaceObservation.missing() if index is None else faces[index]

    def faces(self, frame: np.ndarray, time_s: float | None = None) -> list[FaceObservation]:
        """Every face the landmarker returns for `frame`, in its order."""
        image = as_rgb_uint8(frame)
        recount = not self.static and self._lost and self._landmarker_faces < self._most_faces
        # MediaPipe's graphs log their set-up from worker threads, from construction until the
        # first frame is through: fd 2 is silenced for all of that (see landmarks/quiet.py).
        starting = self._landmarker is None or recount or not self._started
        with native_stderr_silenced() if starting else contextlib.nullcontext():
            if self.static:
                self._ensure_landmarker(self._most_faces)
                result = self._landmarker.detect(mp_image(image))
            else:
                if recount:
                    self._ensure_landmarker(self._faces_needed(image))
                result = self._landmarker.detect_for_video(mp_image(image), self._next_ms(time_s))
        self._started = True
        self._lost = not result.face_landmarks
        height, width = image.shape[:2]
        return observations(result, width, height)

    def _next_ms(self, time_s: float | None) -> int:
        """A timestamp in ms, strictly after the last one (MediaPipe refuses anything else)."""
        if time_s is None:
            wanted = 0 if self._last_ms < 0 else self._last_ms + FRAME_MS
        else:
            wanted = round(time_s * 1000.0)
        self._last_ms = max(wanted, self._last_ms + 1)
        return self._last_ms

    def _faces_needed(self, image: np.ndarray) -> int:
        if self._counter is None:
            self._counter = open_detector(self.min_confidence)
            _OPEN.add(self)
        detections = self._counter.detect(mp_image(image)).detections
        wanted = len(detections) if self.face is None else max(len(detections), self.face + 1)
        return min(max(wanted, 1), self._most_faces)

    def _ensure_landmarker(self, faces: int) -> None:
        if self._landmarker is not None and self._landmarker_faces >= faces:
            return
        if self._landmarker is not None:
            with native_stderr_silenced():  # the graph logs its accelerator's teardown
                self._landmarker.close()
            self._landmarker = None
        self._started = False
        self._landmarker = open_landmarker(
            video=not self.static, faces=faces, min_confidence=self.min_confidence
        )
        _OPEN.add(self)
        self._landmarker_faces = faces
        # A new VIDEO graph accepts any first timestamp; keep counting on from the last one.

    def close(self) -> None:
        """Free MediaPipe's graphs; the tracker can be used again (it starts afresh)."""
        if self._landmarker is None and self._counter is None:
            return
        with native_stderr_silenced():  # the graphs log their accelerators' teardown
            for task in (self._landmarker, self._counter):
                if task is not None:
                    task.close()
        self._landmarker, self._counter, self._landmarker_faces, self._lost = None, None, 0, True
        self._started = False
        _OPEN.discard(self)

    def __enter__(self) -> LandmarkTracker:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def observe_faces(
    frames: Iterable[np.ndarray],
    *,
    static: bool = False,
    face: int | None = None,
    times_s: Iterable[float] | None = None,
) -> Iterator[FaceObservation]:
    """One FaceObservation per frame, as `LandmarkTracker.observe` gives them.

    frames: iterable of (H, W, 3) uint8 RGB. static=False tracks (video), True treats each
    frame as an unrelated image. face: None for the largest face, N for the N-th from the left.
    times_s: the frames' times in seconds (default 33 ms apart). The landmarker is closed when
    the iterator is exhausted or closed.
    """
    times = iter(times_s) if times_s is not None else None
    with LandmarkTracker(static=static, face=face) as tracker:
        for frame in frames:
            yield tracker.observe(frame, next(times, None) if times is not None else None)


def detect_landmarks(
    frames: Iterable[np.ndarray], *, static: bool = False, face: int | None = None
) -> Iterator[tuple[np.ndarray, bool]]:
    """Per frame, (points (478, 3) float32 pixels, found): `observe_faces` less the scores."""
    for observation in observe_faces(frames, static=static, face=face):
        yield observation.landmarks, observation.found
