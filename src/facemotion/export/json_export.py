"""The capture as JSON: frame rate, names, and per frame the pose, weights and detection flags."""

from __future__ import annotations

import json

import numpy as np

from facemotion.errors import InputError, OutputError
from facemotion.export.tracks import FaceMotion
from facemotion.landmarks.arkit import ARKIT_NAMES


def build_json(
    *,
    fps: float,
    times_s: np.ndarray,
    names: tuple[str, ...],
    blendshapes: np.ndarray,
    angles_deg: np.ndarray,
    rotation: np.ndarray,
    translation_cm: np.ndarray,
    eye_rotation: np.ndarray,
    detected: np.ndarray,
    interpolated: np.ndarray,
    held: np.ndarray | None = None,
    frame_size: tuple[int, int],
    landmarks: np.ndarray | None = None,
    source: str = "",
) -> str:
    """The JSON text. Shapes as in `facemotion.solver.clip.Solution`; `landmarks` (T, 478, 3)
    image axes in pixels is written only when given."""

    def rounded(array: np.ndarray, digits: int) -> list:
        return np.round(np.asarray(array, dtype=np.float64), digits).tolist()

    frames = []
    for t in range(len(times_s)):
        frame = {
            "index": t,
            "time_s": round(float(times_s[t]), 6),
            "detected": bool(detected[t]),
            "interpolated": bool(interpolated[t]),
            "held": bool(held[t]) if held is not None else False,
            "head": {
                "yaw_deg": round(float(angles_deg[t, 0]), 4),
                "pitch_deg": round(float(angles_deg[t, 1]), 4),
                "roll_deg": round(float(angles_deg[t, 2]), 4),
                "rotation": rounded(rotation[t], 6),
                "translation_cm": rounded(translation_cm[t], 3),
            },
            "eyes_rad": {
                "left": rounded(eye_rotation[t, 0], 5),
                "right": rounded(eye_rotation[t, 1], 5),
            },
            "blendshapes": rounded(blendshapes[t], 5),
        }
        if landmarks is not None:
            frame["landmarks"] = rounded(landmarks[t], 2)
        frames.append(frame)
    document = {
        "format": "facemotion-capture",
        "version": 1,
        "source": source,
        "fps": fps,
        "frame_count": len(frames),
        "frame_size": {"height": frame_size[0], "width": frame_size[1]},
        "conventions": {
            "camera_frame": "x right, y up, z toward the viewer (glTF/ARKit); cm",
            "angles": "intrinsic YXZ: yaw about y, pitch about x, roll about z; right-handed",
            "rotation": "head frame -> camera frame",
            "landmarks": "image axes: x right, y down in pixels, z away from the camera (x scale)",
            "left": "the subject's left, as in ARKit",
        },
        "names": list(names),
        "frames": frames,
    }
    try:
        # bare NaN / Infinity tokens are not JSON: no parser outside Python's reads them
        return json.dumps(document, separators=(",", ":"), allow_nan=False) + "\n"
    except ValueError as exc:
        raise OutputError(
            f"the capture of {source or 'this input'} holds values that are not finite; "
            "no JSON was written"
        ) from exc


def parse_json(text: str, source: str = "the capture") -> FaceMotion:
    """The motion of a JSON written by `build_json` (`facemotion capture`, `live --record`).

    InputError when it is not one.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(document, dict) or document.get("format") != "facemotion-capture":
        raise InputError(f"{source} is not a facemotion capture JSON (no format field)")
    frames = document.get("frames") or []
    if not frames:
        raise InputError(f"{source} has no frames")
    names = document.get("names") or []
    missing = [name for name in ARKIT_NAMES if name not in names]
    if missing:
        raise InputError(f"{source} lacks the blendshape {missing[0]}")
    order = [names.index(name) for name in ARKIT_NAMES]
    try:
        scores = np.array([frame["blendshapes"] for frame in frames], dtype=np.float64)[:, order]
        rotation = np.array([frame["head"]["rotation"] for frame in frames], dtype=np.float64)
        times = np.array([frame["time_s"] for frame in frames], dtype=np.float64)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(f"{source}: a frame lacks its blendshapes, head or time ({exc})") from None
    return FaceMotion(times - times[0], float(document.get("fps") or 30.0), scores, rotation)
