"""Keep what a live session sent and, on stop, write it as `facemotion capture` writes a clip."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from facemotion.errors import InputError, NoFaceError
from facemotion.export.registry import FORMATS
from facemotion.landmarks.arkit import ARKIT_NAMES
from facemotion.pipeline.capture import Capture
from facemotion.solver.pose import DEFAULT_IPD_CM
from facemotion.solver.streaming import FrameSolution

# A live recording keeps no frames, so there is nothing to draw an overlay on.
RECORD_FORMATS = tuple(name for name, entry in FORMATS.items() if not entry.needs_frames)


def check_record_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats a live recording can write; InputError naming the choices otherwise."""
    chosen = tuple(formats)
    unknown = [name for name in chosen if name not in RECORD_FORMATS]
    if unknown or not chosen:
        raise InputError(
            f"formats: a live recording writes {','.join(RECORD_FORMATS)} "
            "(no overlay: run 'facemotion capture' on a saved video for one)"
        )
    return chosen


class Recorder:
    """The frames of a session as sent: 2 x 478 x 3 float32 landmarks (~11 kB) a frame, so
    about 20 MB a minute at 30 fps."""

    def __init__(self, frame_size: tuple[int, int], ipd_cm: float = DEFAULT_IPD_CM) -> None:
        self.frame_size = frame_size
        self.ipd_cm = ipd_cm
        self.frames: list[FrameSolution] = []

    def __len__(self) -> int:
        return len(self.frames)

    def add(self, frame: FrameSolution) -> None:
        self.frames.append(frame)

    def to_capture(self, neutral_cm: np.ndarray | None, source: Path | None = None) -> Capture:
        """The recording as a Capture (fps: from the median interval between recorded frames)."""
        if not any(frame.detected for frame in self.frames) or neutral_cm is None:
            raise NoFaceError("nothing recorded: no face was seen; face the camera, in the light")
        times = np.array([frame.time_s for frame in self.frames], dtype=np.float64)
        times -= times[0]
        interval = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
        fps = 1.0 / interval if interval > 0 else 30.0

        def stack(name: str, dtype=np.float64) -> np.ndarray:
            return np.stack([getattr(frame, name) for frame in self.frames]).astype(dtype)

        detected = np.array([frame.detected for frame in self.frames])
        return Capture(
            fps=fps,
            times_s=times,
            landmarks=stack("landmarks", np.float32),
            rotation=stack("rotation"),
            angles_deg=stack("angles_deg"),
            translation=stack("translation_cm"),
            blendshapes=stack("blendshapes", np.float32),
            detected=detected,
            interpolated=np.zeros(len(detected), dtype=bool),
            held=np.array([frame.held for frame in self.frames]),
            eye_rotation=stack("eye_rotation"),
            head_landmarks=stack("head_landmarks", np.float32),
            neutral_cm=np.asarray(neutral_cm, dtype=np.float32),
            frame_size=self.frame_size,
            names=ARKIT_NAMES,
            source=source,
            ipd_cm=self.ipd_cm,
        )

    def save(
        self,
        outdir: Path,
        formats: Sequence[str],
        *,
        neutral_cm: np.ndarray | None,
        stem: str,
    ) -> list[Path]:
        """Write the recording into `outdir` as `stem`.csv, .json, ...; the paths written."""
        return self.to_capture(neutral_cm).save(outdir, formats, stem=stem)
