"""Frames in, 478 MediaPipe face landmarks per frame out, in pixels, with a found flag."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import numpy as np

from facemotion.landmarks.faces import NUM_POINTS, choose_face, normalized_points, to_pixels
from facemotion.landmarks.quiet import native_stderr_silenced
from facemotion.landmarks.rgb import as_rgb_uint8

MAX_FACES = 4  # faces looked at when choosing the largest (more when face=N asks for more)


class LandmarkTracker:
    """MediaPipe FaceMesh (refined, 478 points) on one frame at a time.

    `points, found = tracker(frame)`: frame (H, W, 3) uint8 RGB (grey, RGBA and float [0, 1]
    are converted); points (478, 3) float32 pixels, x right, y down, z MediaPipe's normalised
    depth times the image width (negative towards the camera); found False and points all zero
    when there is no face, or not the requested one.

    static=False tracks a video: the landmarks of one frame seed the next, and the face
    detector runs only when the face is lost. static=True treats each frame as a new image.
    face=None follows the largest face (area of the landmarks' bounding box); face=N the N-th
    face counted left to right (0-based); a frame without an N-th face is not found.

    Tracking more than one face costs ~40 % more a frame (MediaPipe then runs its detector on
    every frame), so in tracking mode a face detector counts the faces on the first frame and
    after every lost frame, and the tracker follows as many faces as that count needs (never
    fewer than face + 1). A second face entering while one is tracked is not looked for.
    In static mode the detector runs on every frame anyway and extra faces cost nothing
    unless they are there.

    Call `close()` (or use `with`) to free MediaPipe's graphs.
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
        self._mesh = None
        self._mesh_faces = 0
        self._counter = None
        self._lost = True
        self._started = False  # whether the current mesh graph has run a frame

    def __call__(self, frame: np.ndarray) -> tuple[np.ndarray, bool]:
        chosen = choose_face(self.faces(frame), self.face)
        if chosen is None:
            return np.zeros((NUM_POINTS, 3), dtype=np.float32), False
        return chosen, True

    def faces(self, frame: np.ndarray) -> list[np.ndarray]:
        """Every face MediaPipe returns for `frame` (in its order): (478, 3) float32 pixels."""
        image = as_rgb_uint8(frame)
        recount = not self.static and self._lost and self._mesh_faces < self._most_faces
        # MediaPipe's graphs log their set-up from worker threads, from construction until the
        # first frame is through: fd 2 is silenced for all of that (see landmarks/quiet.py).
        starting = self._mesh is None or recount or not self._started
        with native_stderr_silenced() if starting else contextlib.nullcontext():
            if self.static:
                self._ensure_mesh(self._most_faces)
            elif recount:
                self._ensure_mesh(self._faces_needed(image))
            found = self._mesh.process(image).multi_face_landmarks or []
        self._started = True
        self._lost = not found
        height, width = image.shape[:2]
        return [to_pixels(normalized_points(landmarks), width, height) for landmarks in found]

    def _faces_needed(self, image: np.ndarray) -> int:
        if self._counter is None:
            from mediapipe.python.solutions.face_detection import FaceDetection

            # The short-range model is the detector FaceMesh itself runs.
            self._counter = FaceDetection(
                model_selection=0, min_detection_confidence=self.min_confidence
            )
        detections = self._counter.process(image).detections or []
        wanted = len(detections) if self.face is None else max(len(detections), self.face + 1)
        return min(max(wanted, 1), self._most_faces)

    def _ensure_mesh(self, faces: int) -> None:
        if self._mesh is not None and self._mesh_faces >= faces:
            return
        from mediapipe.python.solutions.face_mesh import FaceMesh

        if self._mesh is not None:
            self._mesh.close()
            self._started = False
            self._mesh = None
        self._mesh = FaceMesh(
            static_image_mode=self.static,
            max_num_faces=faces,
            refine_landmarks=True,
            min_detection_confidence=self.min_confidence,
            min_tracking_confidence=0.5,
        )
        self._mesh_faces = faces

    def close(self) -> None:
        """Free MediaPipe's graphs; the tracker can be used again (it starts afresh)."""
        for solution in (self._mesh, self._counter):
            if solution is not None:
                solution.close()
        self._mesh, self._counter, self._mesh_faces, self._lost = None, None, 0, True
        self._started = False

    def __enter__(self) -> LandmarkTracker:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def detect_landmarks(
    frames: Iterable[np.ndarray], *, static: bool = False, face: int | None = None
) -> Iterator[tuple[np.ndarray, bool]]:
    """Per frame, (points (478, 3) float32 pixels, found) as `LandmarkTracker` returns them.

    frames: iterable of (H, W, 3) uint8 RGB. static=False tracks (video), True treats each
    frame as an unrelated image. face: None for the largest face, N for the N-th from the left.
    MediaPipe is closed when the iterator is exhausted or closed.
    """
    with LandmarkTracker(static=static, face=face) as tracker:
        for frame in frames:
            yield tracker(frame)
