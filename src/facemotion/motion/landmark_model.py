"""The embedded default animation model: MediaPipe landmarks drive a mesh warp of the source.

Per driving frame: track the face's 478 landmarks (on a worker thread, one frame ahead),
smooth them lightly (One-Euro), turn them into target landmarks for the source (relative
motion with the head as a similarity, or absolute), warp the source piecewise-affinely over
the face mesh with rings carrying the head's motion outwards (warp.py), and lay the person
over the still scene (scene.py, `scene="still"`, the default): the source is segmented once
(the bundled selfie segmentation model) into the person and a background plate, the person's
hole filled with copies of the scene's own texture (fill.py); hair, ears, a hat and the neck
move rigidly with the head, the shoulders follow a share of its translation, and outside the
person every pixel is the source's, the scene uncovered by the head filled the same way in
every frame. `scene="follow"` moves the
surroundings (shoulders, hair, camera) with the driving video's smoothed optical flow
(flow.py) blended in outside the face instead, as before. Then fill the mouth where it opens
wider than the source's (mouth.py) and the eyes where the source's are shut (eyeball.py), in
the source's colours.
Needs no download and runs in real time on a CPU. Frames where the driving face is lost hold
the last pose and are counted (`LandmarkModel.lost_frames`, `last_report`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from facemotion.errors import InputError, Remedy
from facemotion.io.ahead import ahead
from facemotion.io.images import as_uint8_image
from facemotion.landmarks.smoothing import OneEuroFilter
from facemotion.models.base import PassReport
from facemotion.motion.drawn import is_drawing
from facemotion.motion.expression import EXPRESSION_MODES
from facemotion.motion.eyeball import EyeFill, EyeOptions
from facemotion.motion.flow import DrivingFlow, face_weight, occluded_weight
from facemotion.motion.mesh import STABLE_POINTS
from facemotion.motion.mouth import MouthFill, MouthOptions, fill_strength
from facemotion.motion.retarget import Retargeter, RetargetOptions, SourceRig, source_rig
from facemotion.motion.scene import SCENE_MODES, PersonLayers, SceneOptions
from facemotion.motion.similarity import Similarity, fit_similarity
from facemotion.motion.targets import (
    absolute_targets,
    adapt_scale_factor,
    relative_targets,
    source_placement,
)
from facemotion.motion.warp import (
    RingOptions,
    WarpLayout,
    coarse_map,
    remap,
    source_points,
    support_window,
    target_points,
    upsample_map,
    warp_layout,
)


class Tracker(Protocol):
    """Driving-frame landmarks: (H, W, 3) uint8 -> ((478, 3) pixels, found); `blendshapes`:
    the learned scores (52,) (ARKit order, landmarks/arkit.py) of the frame last tracked, or
    None where the tracker has none (retargeting then measures the landmarks alone);
    `close` frees the native graph (MediaPipe's must be closed explicitly)."""

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, bool]: ...

    def blendshapes(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


Tracked = tuple[np.ndarray, bool, np.ndarray | None]  # points, found, blendshape scores
# A driving frame as given, as uint8, and its Tracked.
TrackedFrame = tuple[np.ndarray, np.ndarray, np.ndarray, bool, np.ndarray | None]


_STABLE = np.array(STABLE_POINTS)
_AHEAD = 2  # driving frames tracked ahead of the warp with overlap


@dataclass(frozen=True)
class LandmarkOptions:
    """Settings of the landmark model.

    smoothing_min_cutoff_hz / smoothing_beta: One-Euro filter on the driving landmarks
    (normalised by the frame size; beta per frame-size per second), at `frames_per_second`
    (the filter's clock; the driving video's own rate is not known to the model).
    map_pixels: the dense map is computed exactly every max(1, side // map_pixels) pixels and
    interpolated between (the warp is affine within each triangle, so little is lost).
    scene: 'still' (default): the person moves over the source's scene, which stays still
    (scene.py, settings in `person`); 'follow': the surroundings of the face move with the
    driving video's optical flow (`body_motion` and the flow settings below; the scene waves
    with the driver's head and camera).
    overlap: find the next frame's landmarks on a worker thread while the current frame is
    warped (reads the driving frames one ahead; False keeps reading strictly on demand).
    settle_calls: extra tracker runs on the frame where a face is (re)found (see `_settled`).
    body_motion: with scene 'follow', move the surroundings of the face (hair, shoulders,
    camera) with the driving video's optical flow; feather / relative_feather: the width of the
    blend between the face mesh and that flow, in oval radii, in absolute / relative mode (in
    relative mode the source's hair or hat need not match the driving head's outline, so the
    head's own motion reaches further out); relative_head_extent: in relative mode, the face
    oval is scaled by this about its centre before that blend, so hair, ears and a hat move with
    the head's mesh and rings (rigidly) rather than with the driving head's flow, whose outline
    is another's (carphone frames 85 and 105 stretched the sources' hair sideways at 1.0; at 1.6
    the outer part of a full hairdo still went with the car sliding past the driver's turning
    head at frame 90, drawn out to a point);
    flow_*: its resolution, smoothing and DIS settings (see flow.py); flow_smoothing /
    relative_flow_smoothing: the flow's blur in absolute / relative mode (in absolute mode the
    driving scene lies where the output's does, so its motion edges, a head before the window,
    line up with the output's and a sharper flow follows them: on carphone's self-reconstruction
    the L1 is 0.0542 at 0.01 against 0.0566 at 0.025; in relative mode they do not, and the
    stronger blur keeps the driver's outlines out of the source's surroundings).
    expression: 'retarget' (default) opens the source's mouth and lids as far as the driver's
    and moves its gaze and brows as the driver's, measured against the driver's own neutral
    and laid onto the source in proportion to its face (retarget.py, settings in `retarget`);
    'relative' moves every lip and lid landmark by the driver's displacement from its
    reference frame, as the head does. Relative motion only: absolute motion copies the
    driver's face, expression included. fill_eyes / eyes: in retarget mode, draw an eyeball
    (eyeball.py, its settings) into an eye the source shows shut, which retargeting opens.
    """

    overlap: bool = True
    settle_calls: int = 2
    smoothing: bool = True
    smoothing_min_cutoff_hz: float = 2.0
    smoothing_beta: float = 4.0
    frames_per_second: float = 30.0
    map_pixels: int = 128
    fill_mouth: bool = True
    fill_eyes: bool = True
    body_motion: bool = True
    feather: float = 0.15
    relative_feather: float = 0.8
    relative_head_extent: float = 2.2
    flow_side: int = 176
    flow_smoothing: float = 0.01
    relative_flow_smoothing: float = 0.025
    flow_preset: int = 0
    flow_finest_scale: int = 1
    rings: RingOptions = field(default_factory=RingOptions)
    mouth: MouthOptions = field(default_factory=MouthOptions)
    eyes: EyeOptions = field(default_factory=EyeOptions)
    expression: str = "retarget"
    retarget: RetargetOptions = field(default_factory=RetargetOptions)
    scene: str = "still"
    person: SceneOptions = field(default_factory=SceneOptions)

    def __post_init__(self) -> None:
        if self.scene not in SCENE_MODES:
            raise InputError(
                f"scene must be one of {', '.join(SCENE_MODES)}, not {self.scene!r}",
                Remedy("scene", "still"),
            )
        if self.expression not in EXPRESSION_MODES:
            raise InputError(
                f"expression must be one of {', '.join(EXPRESSION_MODES)}, not {self.expression!r}",
                Remedy("expression", "retarget"),
            )


def _settled(tracker: Tracker, calls: int) -> Callable[[np.ndarray], Tracked]:
    """The tracker, run again on a frame where the face is found after not being found: the
    first landmarks come from the face detector's box, the next ones from the landmarks' own
    box, ~1.5 px apart at first; settling on the frame itself keeps that jump (and a slow drift
    of a still face) out of the animation. Returns (points, found, blendshape scores), the
    scores taken at once, on the same thread as the landmarks."""
    lost = True

    def track(image: np.ndarray) -> Tracked:
        nonlocal lost
        points, found = tracker(image)
        scores = tracker.blendshapes()
        if found and lost:
            for _ in range(calls):
                again, still_found = tracker(image)
                if still_found:
                    points, scores = again, tracker.blendshapes()
        lost = not found
        return points, found, scores

    return track


def _tracked(
    driving: Iterable[np.ndarray], tracker: Tracker, overlap: bool, settle_calls: int
) -> Iterator[TrackedFrame]:
    """(frame, frame as uint8, points, found, scores) per driving frame. With overlap, the
    landmarks of the next frames are found on a worker thread while the caller warps the
    current one (MediaPipe releases the GIL): the driving iterable is then read up to
    `_AHEAD` frames ahead."""
    track = _settled(tracker, settle_calls)

    def tracked() -> Iterator[TrackedFrame]:
        for frame in driving:
            image = as_uint8_image(frame)
            yield (frame, image, *track(image))

    if not overlap:
        yield from tracked()
        return
    yield from ahead(tracked(), _AHEAD, name="landmarks")


@dataclass(frozen=True)
class _SourceParts:
    """What a source gives every animation of it, found once: its landmarks (478, 3) px
    float64, the warp's layout and extended source points (P, 2), whether it is drawn, the
    mouth and eye fills (None when off or not needed) and its retargeting rig."""

    marks: np.ndarray
    layout: WarpLayout
    extended: np.ndarray
    drawn: bool
    mouth: MouthFill | None
    eyes: EyeFill | None
    rig: SourceRig


class LandmarkModel:
    """The landmark-driven default model (AnimationModel protocol, `name` 'landmarks').

    Works at the source's own resolution (`frame_size` None) and takes whole driving frames.
    face: which driving face to follow (None: the largest). After each `animate` run,
    `last_report` holds that run's frame and lost-frame counts; `lost_frames` adds up the lost
    frames of every run of this model (a best-frame animation runs it twice: backwards from
    the reference frame, then forwards from it).
    """

    name = "landmarks"
    frame_size: int | None = None
    needs_source_face = True

    def __init__(
        self,
        options: LandmarkOptions | None = None,
        *,
        face: int | None = None,
        tracker_factory: Callable[[], Tracker] | None = None,
        source_detector: Callable[[np.ndarray], np.ndarray] | None = None,
        source_segmenter: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.options = options or LandmarkOptions()
        self.face = face
        self._tracker_factory = tracker_factory
        self._source_detector = source_detector
        self._source_segmenter = source_segmenter
        self._source_cache: tuple[bytes, np.ndarray] | None = None
        self._layers_cache: tuple[bytes, PersonLayers] | None = None
        self._parts_cache: tuple[bytes, np.ndarray, _SourceParts] | None = None
        self.last_report: PassReport | None = None
        self._lost_total = 0

    @property
    def lost_frames(self) -> int:
        """Driving frames without a face, over all `animate` runs of this model so far."""
        return self._lost_total

    @staticmethod
    def _source_key(image: np.ndarray) -> bytes:
        return hashlib.blake2b(image.tobytes(), digest_size=16).digest() + bytes(
            str(image.shape), "ascii"
        )

    def check_source(self, source: np.ndarray, points: np.ndarray | None = None) -> None:
        """Find (or take, when `points` are given) the source's landmarks now: NoFaceError
        before any frame when it has no face. With the still scene, the source is also split
        into its layers now (a few hundred ms), not on the first frame: a live portrait would
        drop the camera's frames meanwhile. See AnimationModel.check_source."""
        if points is not None:
            self.remember_source_landmarks(source, points)
        else:
            self.source_landmarks(source)
        self._source_parts(source)
        if self.options.scene == "still":
            self.person_layers(source)

    def with_tracker(self, tracker_factory: Callable[[], Tracker]) -> LandmarkModel:
        """This model with driving landmarks from `tracker_factory`, read strictly one frame at
        a time (no overlap): same options, face, source detector and segmenter, and what it
        has found in its sources so far."""
        options = replace(self.options, overlap=False)
        model = LandmarkModel(
            options,
            face=self.face,
            tracker_factory=tracker_factory,
            source_detector=self._source_detector,
            source_segmenter=self._source_segmenter,
        )
        model._source_cache, model._layers_cache = self._source_cache, self._layers_cache
        model._parts_cache = self._parts_cache
        return model

    def remember_source_landmarks(self, source: np.ndarray, points: np.ndarray) -> None:
        """Use `points` (478, 3) pixels as the landmarks of `source` (S, S', 3) instead of
        detecting them (e.g. one chosen face of several, found in the uncropped image)."""
        points = np.asarray(points, dtype=np.float32)
        self._source_cache = (self._source_key(as_uint8_image(source)), points)

    def source_landmarks(self, source: np.ndarray) -> np.ndarray:
        """The source's (478, 3) landmarks in pixels (remembered for the same image)."""
        image = as_uint8_image(source)
        key = self._source_key(image)
        if self._source_cache is not None and self._source_cache[0] == key:
            return self._source_cache[1]
        if self._source_detector is not None:
            points = np.asarray(self._source_detector(image), dtype=np.float32)
        else:
            from facemotion.landmarks import detect_image_landmarks

            points = detect_image_landmarks(image, name="the source image")
        self._source_cache = (key, points)
        return points

    def person_layers(self, source: np.ndarray) -> PersonLayers:
        """The source (S, S', 3) split into a moving person and a still background plate
        (scene.py), segmented once per source image (remembered for the same image)."""
        image = as_uint8_image(source)
        key = self._source_key(image)
        if self._layers_cache is not None and self._layers_cache[0] == key:
            return self._layers_cache[1]
        marks = self.source_landmarks(source)
        if self._source_segmenter is not None:
            confidence = np.asarray(self._source_segmenter(image), dtype=np.float32)
        else:
            from facemotion.landmarks.segmentation import segment_person

            confidence = segment_person(image)
        source = np.asarray(source, dtype=np.float32)
        layers = PersonLayers(source, confidence, marks, self.options.person)
        self._layers_cache = (key, layers)
        return layers

    def _source_parts(self, source: np.ndarray) -> _SourceParts:
        """The source's `_SourceParts` (remembered for the same image and landmarks)."""
        image = as_uint8_image(source)
        key = self._source_key(image)
        points = self.source_landmarks(source)
        cached = self._parts_cache
        if cached is not None and cached[0] == key and cached[1] is points:
            return cached[2]
        source = np.asarray(source, np.float32)
        marks = points.astype(np.float64)
        layout = warp_layout(marks, self.options.rings)
        drawn = is_drawing(source, marks)
        mouth = eyes = None
        if self.options.fill_mouth:
            from facemotion.landmarks.topology import LIPS_OUTER

            lips = layout.topology.inner_lips
            mouth = MouthFill(
                source, marks[LIPS_OUTER, :2], marks[lips, :2], self.options.mouth, drawn=drawn
            )
        if self.options.fill_eyes and self.options.retarget.open_shut_eyes:
            eyes = EyeFill(source, marks, self.options.eyes)
            eyes = eyes if eyes.active else None
        parts = _SourceParts(
            marks,
            layout,
            source_points(marks, layout, source.shape[:2]),
            drawn,
            mouth,
            eyes,
            source_rig(marks, self.options.retarget, drawn),
        )
        self._parts_cache = (key, points, parts)
        return parts

    def _tracker(self) -> Tracker:
        if self._tracker_factory is not None:
            return self._tracker_factory()
        from facemotion.landmarks import LandmarkTracker

        return LandmarkTracker(static=False, face=self.face)

    def animate(
        self,
        source: np.ndarray,
        driving: Iterable[np.ndarray],
        *,
        relative: bool = True,
        adapt_scale: bool = True,
    ) -> Iterator[np.ndarray]:
        """Animate `source` (S, S', 3) float32 [0, 1] with driving frames (h, w, 3) float32;
        yields (S, S', 3) float32 frames, one per driving frame, lazily. The first driving
        frame with a face is the reference of relative motion; frames before it show the
        source unchanged, frames where the face is lost hold the last pose."""
        source = np.ascontiguousarray(source, dtype=np.float32)
        parts = self._source_parts(source)
        source_marks, layout, source_extended = parts.marks, parts.layout, parts.extended
        shape = source.shape[:2]
        step = max(1, max(shape) // self.options.map_pixels)
        coarse = (-(-shape[0] // step), -(-shape[1] // step))
        lips = layout.topology.inner_lips
        feather = self.options.relative_feather if relative else self.options.feather
        flow_smoothing = (
            self.options.relative_flow_smoothing if relative else self.options.flow_smoothing
        )
        layers = face_mask = None
        if self.options.scene == "still":
            layers = self.person_layers(source)
        else:
            face_mask = face_weight(source_marks[layout.topology.oval, :2], shape, 1, feather)
        mouth = parts.mouth
        retargeter = eyes = None
        # Absolute motion copies the driver's landmarks, its expression with them.
        if relative and self.options.expression == "retarget":
            retargeter = Retargeter.from_rig(parts.rig, self.options.retarget)
            eyes = parts.eyes
        tracker = self._tracker()
        frames = lost = 0
        reference = held = held_frame = None
        smoother = flow = to_source = None
        vector_scale = scale = 1.0
        placement = np.eye(2)
        tracked = _tracked(driving, tracker, self.options.overlap, self.options.settle_calls)
        try:
            for frame, image, points, found, scores in tracked:
                frames += 1
                if not found:
                    lost += 1
                    if held is None:
                        yield source.copy()
                        continue
                    points, frame = held, held_frame
                else:
                    points = np.asarray(points, dtype=np.float64)
                    if retargeter is not None:
                        time_s = frames / self.options.frames_per_second
                        retargeter.observe(points, time_s, scores)
                    if self.options.smoothing:
                        points, smoother = self._smooth(points, frame.shape, frames, smoother)
                    held, held_frame = points, frame
                if reference is None:
                    reference = points
                    scale = adapt_scale_factor(source_marks, reference) if adapt_scale else 1.0
                    placement = source_placement(source_marks, reference)
                    if self.options.body_motion and layers is None:
                        flow = DrivingFlow(
                            image,
                            self.options.flow_side,
                            flow_smoothing,
                            self.options.flow_preset,
                            self.options.flow_finest_scale,
                        )
                        to_source, vector_scale = self._driving_to_source(
                            source_marks, reference, frame.shape[:2], shape, relative, adapt_scale
                        )
                elif flow is not None and found:
                    flow.update(image)
                if relative:
                    targets = relative_targets(
                        source_marks,
                        points,
                        reference,
                        adapt_scale=adapt_scale,
                        scale=scale,
                        placement=placement,
                    )
                else:
                    targets = absolute_targets(points, frame.shape[:2], shape)
                head = fit_similarity(source_marks[_STABLE, :2], targets[_STABLE])
                if retargeter is not None:
                    targets = retargeter.retarget(targets, head)
                target_extended = target_points(targets, source_extended, layout, head)
                on_face = window = None
                if layers is not None:
                    # The person's map takes the mesh's only near the face: the surroundings'
                    # triangles are worked out only there.
                    oval = targets[layout.topology.oval]
                    on_face = layers.face_share(oval, coarse, step)
                    window = support_window(on_face)
                map_x, map_y = coarse_map(
                    target_extended, source_extended, layout, shape, points[:, 2], step, window
                )
                flow_map = None
                if flow is not None:
                    flow_map = flow.source_map(map_x.shape, step, to_source, vector_scale)
                if layers is not None:
                    map_x, map_y = layers.person_map(map_x, map_y, oval, head, step, on_face)
                elif flow_map is not None:
                    oval = targets[layout.topology.oval]
                    if relative:
                        centre = oval.mean(axis=0)
                        oval = centre + (oval - centre) * self.options.relative_head_extent
                    weight = face_weight(oval, map_x.shape, step, feather)
                    weight = np.maximum(weight, occluded_weight(face_mask, *flow_map))
                    map_x = flow_map[0] + (map_x - flow_map[0]) * weight
                    map_y = flow_map[1] + (map_y - flow_map[1]) * weight
                map_x, map_y = upsample_map(map_x, map_y, shape, step)
                if layers is not None:
                    output = layers.composite(map_x, map_y)
                else:
                    output = remap(source, map_x, map_y)
                if mouth is not None:
                    strength = fill_strength(targets[lips], source_marks[lips, :2], head.scale)
                    mouth(output, targets[lips], strength)
                if eyes is not None:
                    eyes(output, targets)
                self.last_report = PassReport(frames, lost)
                yield output
        finally:
            tracked.close()  # stops the landmark thread before the tracker is closed
            tracker.close()
            self.last_report = PassReport(frames, lost)
            self._lost_total += lost

    @staticmethod
    def _driving_to_source(
        source_marks: np.ndarray,
        reference: np.ndarray,
        driving_shape: tuple[int, int],
        source_shape: tuple[int, int],
        relative: bool,
        adapt_scale: bool,
    ) -> tuple[Similarity, float]:
        """How driving pixels map into the source (for the flow around the face), and how much
        a driving displacement grows there."""
        if relative:
            to_source = fit_similarity(reference[_STABLE, :2], source_marks[_STABLE, :2])
            return to_source, to_source.scale if adapt_scale else 1.0
        height, width = driving_shape
        side = min(height, width)
        factor = source_shape[0] / side
        offset = np.array([(width - side) / 2, (height - side) / 2])
        return Similarity(factor, np.eye(2), -offset * factor), factor

    def _smooth(
        self,
        points: np.ndarray,
        frame_shape: tuple[int, ...],
        index: int,
        smoother: OneEuroFilter | None,
    ) -> tuple[np.ndarray, OneEuroFilter]:
        if smoother is None:
            smoother = OneEuroFilter(
                self.options.smoothing_min_cutoff_hz, self.options.smoothing_beta
            )
        unit = float(max(frame_shape[:2]))
        smoothed = smoother(points.reshape(-1) / unit, index / self.options.frames_per_second)
        return smoothed.reshape(points.shape) * unit, smoother
