"""How many faces a video shows, for errors that ask for a face that is not there."""

from __future__ import annotations

import itertools
from pathlib import Path

from facemotion.errors import NoFaceError, Remedy

SAMPLED_FRAMES = 30  # frames looked at: a face that never shows in the first second rarely does


def most_faces(video: str | Path, frames: int = SAMPLED_FRAMES) -> int:
    """The largest number of faces MediaPipe finds in one of the first `frames` frames (an
    image file is one frame); 0 when the file cannot be read."""
    from facemotion.errors import InputError
    from facemotion.io.images import load_image
    from facemotion.io.video import VideoReader
    from facemotion.landmarks import LandmarkTracker

    most = 0
    try:
        with LandmarkTracker(static=True, face=7) as tracker:
            try:
                with VideoReader(video) as reader:
                    for frame in itertools.islice(reader, frames):
                        most = max(most, len(tracker.faces(frame)))
            except InputError:  # a still image
                most = len(tracker.faces(load_image(video)))
    except InputError:
        return 0
    return most


def missing_face_error(video: str | Path, face: int, what: str, parameter: str) -> NoFaceError:
    """NoFaceError for face number `face` absent from every frame of `video`, saying how many
    faces the video does show."""
    found = most_faces(video)
    shows = {0: "no face", 1: "one face"}.get(found, f"at most {found} faces")
    message = (
        f"face number {face} (counted left to right from 0) is in no frame of {what} {video}, "
        f"which shows {shows}"
    )
    remedies = (Remedy(parameter, found - 1),) if 0 < found <= face else ()
    return NoFaceError(message, *remedies)
