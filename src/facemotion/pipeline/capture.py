"""The capture job: a video (or image) in, a `Capture` out, and its files written on request."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from facemotion.errors import InputError, NoFaceError, Remedy
from facemotion.export.registry import FORMATS
from facemotion.export.tracks import CaptureTracks, FaceMotion
from facemotion.landmarks.arkit import ARKIT_NAMES
from facemotion.pipeline.options import CaptureOptions, build
from facemotion.solver.clip import DEFAULT_MAX_GAP_S, SolveOptions, solve
from facemotion.solver.pose import DEFAULT_IPD_CM

if TYPE_CHECKING:
    from facemotion.landmarks.landmarker import FaceObservation

FORMAT_NAMES = tuple(FORMATS)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}


@dataclass
class Capture(CaptureTracks):
    """Facial motion of T frames (the tracks: see CaptureTracks), with the interocular
    distance it was solved at, how long it took, and the frames of an in-memory source."""

    ipd_cm: float = DEFAULT_IPD_CM
    seconds: float = 0.0
    _frames: list[np.ndarray] | None = field(default=None, repr=False)
    character_summary: str = ""  # what drove the character of the last `save(onto=...)`

    def __len__(self) -> int:
        return len(self.times_s)

    @property
    def summary(self) -> str:
        """One line: frames, detections, filled frames, duration."""
        missing = int((~self.detected).sum())
        text = f"{len(self)} frames at {self.fps:.2f} fps, face in {len(self) - missing}"
        if missing:
            text += (
                f"; {int(self.interpolated.sum())} interpolated, {int(self.held.sum())} held "
                "across long gaps (flagged in the JSON)"
            )
        return text

    def save(
        self,
        outdir: str | Path,
        formats: Sequence[str] = FORMAT_NAMES,
        *,
        stem: str | None = None,
        include_landmarks: bool = False,
        progress: bool = False,
        onto: str | Path | None = None,
        character_map: str | Path | None = None,
    ) -> list[Path]:
        """Write the chosen outputs into `outdir` (created when missing), named after the
        source's stem; their paths. onto: the user's character, written animated as
        STEM_CHARACTER.glb (and .vrma for a VRM; docs/characters.md), its names matched with
        the help of `character_map` (JSON) when given.

        All or nothing: every output is written under a temporary name and they are renamed
        into place together; on failure or Ctrl-C none appears and none is left behind.
        """
        from facemotion.io.atomic import atomic_outputs, check_writable_dir
        from facemotion.pipeline.retarget import character_files, character_output, read_map

        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise InputError(
                f"unknown format {sorted(unknown)[0]!r}; choose from {', '.join(FORMATS)}",
                Remedy("formats", ",".join(FORMATS)),
            )
        outdir = Path(outdir)
        check_writable_dir(outdir)
        entries = [entry for name, entry in FORMATS.items() if name in formats]
        if stem is None:
            stem = output_stem(self.source.stem if self.source else "capture", formats, outdir)
        paths = [self._output_path(outdir / f"{stem}{entry.suffix}") for entry in entries]
        animated: list[tuple[Path, bytes]] = []
        if onto is not None:
            # Built first: a character that cannot be driven fails before anything is written.
            animated, self.character_summary = character_files(
                FaceMotion.of(self),
                Path(onto),
                character_output(outdir, stem, Path(onto)),
                user_map=read_map(Path(character_map) if character_map else None),
                name=stem,
            )
        with atomic_outputs(paths + [path for path, _ in animated]) as temporaries:
            for entry, tmp in zip(entries, temporaries, strict=False):
                if entry.build is None:
                    self._write_overlay(tmp, progress)
                else:
                    tmp.write_bytes(entry.build(self, include_landmarks))
            for (_, content), tmp in zip(animated, temporaries[len(entries) :], strict=True):
                tmp.write_bytes(content)
        return paths + [path for path, _ in animated]

    def _output_path(self, path: Path) -> Path:
        """A still image's overlay is a PNG, not a one-frame video."""
        still = self._frames is not None and len(self._frames) == 1
        if still and path.name.endswith("_overlay.mp4"):
            return path.with_name(path.name.replace("_overlay.mp4", "_overlay.png"))
        return path

    def _write_overlay(self, path: Path, progress: bool) -> Path:
        from facemotion.export.overlay import draw_overlay

        def drawn(frames: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
            for t, frame in enumerate(frames):
                if t >= len(self):
                    break
                yield draw_overlay(
                    frame,
                    self.landmarks[t],
                    self.rotation[t],
                    self.blendshapes[t],
                    self.names,
                    detected=bool(self.detected[t]),
                    ipd_cm=self.ipd_cm,
                )

        if self._frames is not None and len(self._frames) == 1:
            from facemotion.io.images import save_image

            save_image(next(drawn(self._frames)), path)
            return path
        if self._frames is not None:
            frames: Iterable[np.ndarray] = self._frames
            audio = None
        elif self.source is not None:
            frames = _read_frames(self.source)
            audio = self.source
        else:
            raise InputError("no frames to draw the overlay on; capture from a file or a list")
        from facemotion.io.video import open_video_writer

        with open_video_writer(path, self.fps, audio_from=audio) as writer:
            bar = tqdm(
                drawn(frames), total=len(self), desc="overlay", disable=not progress, unit="frame"
            )
            for t, frame in enumerate(bar):
                # the capture's frame times: a variable frame rate stays in step with the sound
                writer.write(frame, float(self.times_s[t]))
        return path


def output_stem(source_stem: str, formats: Sequence[str], outdir: Path) -> str:
    """The stem of a capture's output names: the source's, cut when a name with it would be
    longer than the file system allows (`fitted_stem`)."""
    from facemotion.io.atomic import fitted_stem

    suffixes = [entry.suffix for name, entry in FORMATS.items() if name in formats]
    return fitted_stem(source_stem, suffixes, outdir)


def _read_frames(path: Path) -> Iterator[np.ndarray]:
    from facemotion.io.video import VideoReader

    with VideoReader(path) as reader:
        yield from reader


def _open_source(
    video,
) -> tuple[Iterable[np.ndarray], float, np.ndarray | None, int | None, Path | None, list | None]:
    """frames, fps, times (or None: from fps), frame count (or None), path, kept frames."""
    if isinstance(video, np.ndarray) and video.ndim == 3:
        return [video], 1.0, np.zeros(1), 1, None, [video]
    if isinstance(video, str | Path):
        path = Path(video)
        if not path.is_file():
            raise InputError(f"{path} does not exist or is not a file")
        if path.suffix.lower() in IMAGE_SUFFIXES:
            from facemotion.io.images import load_image

            image = np.asarray(load_image(path))
            return [image], 1.0, np.zeros(1), 1, path, [image]
        from facemotion.io.video import VideoReader

        reader = VideoReader(path)
        return reader, reader.fps, reader.timestamps(), reader.frame_count, path, None
    if isinstance(video, list | tuple | np.ndarray):
        # Already in memory: kept for the overlay.
        frames = list(video)
        return frames, 30.0, None, len(frames), None, frames
    # A stream (a generator) is read once and not kept; such a capture has no overlay.
    return iter(video), 30.0, None, None, None, None


def capture(
    video: str | Path | np.ndarray | Iterable[np.ndarray],
    options: CaptureOptions | None = None,
    *,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    fps: float | None = None,
    progress: bool = False,
    **keywords: Any,
) -> Capture:
    """Capture head pose and 52 ARKit blendshapes from a video file, an image file, an (H, W, 3)
    uint8 RGB image or an iterable of such frames (at `fps`, default 30).

    options: the job's `CaptureOptions` (pipeline/options.py: which face, smoothing, the
    neutral face, the camera assumptions; its formats are what `Capture.save` is given), or its
    fields as keyword arguments (`face=1`); `neutral` may also be an image array here.
    max_gap_s: tracking gaps up to this long are bridged.
    The result's `landmarks` and `head_landmarks` (T, 478, 3) are memory maps of unlinked
    temporary files (memory flat in the clip's length); `np.array(...)` copies them into memory.
    Raises InputError on unreadable input, NoFaceError when no frame has a face.
    """
    options = build(CaptureOptions, options, **keywords)
    face, neutral = options.face, options.neutral
    from facemotion.io.spill import FrameSpill, disk_array
    from facemotion.landmarks import observe_faces
    from facemotion.landmarks.faces import NUM_POINTS

    frames, source_fps, times, count, path, kept = _open_source(video)
    if fps is not None:
        source_fps = float(fps)
    name = path.name if path else "the input"
    started = time.perf_counter()
    # Memory flat in the clip's length: per-frame landmarks and scores go to disk as they come
    # (io/spill.py); what stays in memory grows by ~1 kB a frame (the curves the exports write).
    landmarks = FrameSpill((NUM_POINTS, 3))
    scores = FrameSpill((len(ARKIT_NAMES),))
    detected: list[bool] = []
    sizes: list[tuple[int, int]] = []
    static = kept is not None and len(kept) == 1
    bar = tqdm(total=count, desc="capture", unit="frame", disable=not progress)
    try:
        # The tracker smooths with the frames' times: the reader's, else counted at `fps`.
        clock = times if times is not None else (i / source_fps for i in itertools.count())
        if static:  # a photo: the face may be small in it, which windows find (landmarks/image)
            observed = _observe_still(_sizes(frames, sizes), name, face)
        else:
            observed = observe_faces(_sizes(frames, sizes), face=face, times_s=clock)
        for observation in observed:
            landmarks.append(observation.landmarks)
            scores.append(observation.blendshapes)
            detected.append(observation.found)
            bar.update(1)
    except BaseException:
        landmarks.close()
        scores.close()
        raise
    finally:
        bar.close()
        if hasattr(frames, "close"):
            frames.close()
    landmarks_array, scores_array = landmarks.array(), scores.array()
    landmarks.close()
    scores.close()
    if not len(landmarks_array):
        raise InputError(f"{name} has no frames; is it a video or an image?")
    size = sizes[0]
    detected_array = np.array(detected)
    if not detected_array.any() and face is not None and path is not None:
        from facemotion.pipeline.faces import missing_face_error

        raise missing_face_error(path, face, "the video", "face")
    if not detected_array.any():
        raise NoFaceError(f"no face found in {name}; use a clip where the face is visible and lit")
    if times is None or len(times) != len(landmarks_array):
        times = np.arange(len(landmarks_array)) / source_fps
    times = np.asarray(times, dtype=np.float64) - float(times[0])
    neutral_option, neutral_scores = _neutral_face(neutral, face)
    solve_options = SolveOptions(
        neutral=neutral_option,
        neutral_blendshapes=neutral_scores,
        ipd_cm=options.ipd_cm,
        fov_deg=options.fov_deg,
        smoothing=tuple(options.smoothing) if options.smooth else None,
        max_gap_s=max_gap_s,
    )
    try:
        result = solve(
            landmarks_array,
            detected_array,
            times,
            size,
            solve_options,
            scores=scores_array,
            allocate=disk_array,
        )
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from exc
    return Capture(
        fps=source_fps,
        times_s=times,
        landmarks=result.landmarks,
        rotation=result.rotation,
        angles_deg=result.angles_deg,
        translation=result.translation_cm,
        blendshapes=result.blendshapes,
        detected=result.detected,
        interpolated=result.interpolated,
        held=result.held,
        eye_rotation=result.eye_rotation,
        head_landmarks=result.head_landmarks,
        neutral_cm=result.neutral_cm,
        frame_size=size,
        source=path,
        ipd_cm=options.ipd_cm,
        seconds=time.perf_counter() - started,
        _frames=kept,
    )


def _observe_still(
    frames: Iterable[np.ndarray], name: str, face: int | None
) -> Iterator[FaceObservation]:
    """The face of a still image, searched as hard as `animate --crop auto` searches (rescaled,
    padded, in windows); NoFaceError naming `name` when there is none."""
    from facemotion.landmarks import detect_image_face

    for frame in frames:
        yield detect_image_face(frame, name=name, face=face)


def _sizes(frames: Iterable[np.ndarray], sizes: list) -> Iterator[np.ndarray]:
    for frame in frames:
        if not sizes:
            sizes.append(tuple(frame.shape[:2]))
        yield frame


def _neutral_face(neutral, face: int | None) -> tuple[int | np.ndarray | None, np.ndarray | None]:
    """A frame index stays one; a neutral image (path or array) becomes its landmarks (478, 3)
    and learned scores (52,)."""
    if neutral is None or isinstance(neutral, int | np.integer):
        return (None if neutral is None else int(neutral)), None
    from facemotion.landmarks import detect_image_face

    if isinstance(neutral, str | Path):
        from facemotion.io.images import load_image

        image = np.asarray(load_image(Path(neutral)))
        name = Path(neutral).name
    else:
        image = np.asarray(neutral)
        name = "(array)"
    try:
        observation = detect_image_face(image, name=name, face=face)
    except NoFaceError:
        raise NoFaceError(
            f"no face found in the neutral image {name}; choose a frontal, lit one"
        ) from None
    return observation.landmarks, observation.blendshapes
