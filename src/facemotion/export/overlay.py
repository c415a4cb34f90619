"""Drawing on video frames: the landmarks, the head's axes and the strongest blendshapes."""

from __future__ import annotations

import cv2
import numpy as np

from facemotion.landmarks.topology import eye_centres

AXIS_COLOURS = ((230, 60, 60), (60, 200, 60), (70, 110, 240))  # x red, y green, z blue (RGB)
AXIS_LENGTH_CM = 6.0


def draw_overlay(
    frame: np.ndarray,
    landmarks: np.ndarray,
    rotation: np.ndarray,
    blendshapes: np.ndarray,
    names: tuple[str, ...],
    *,
    detected: bool = True,
    ipd_cm: float = 6.3,
    top: int = 3,
) -> np.ndarray:
    """A copy of `frame` (H, W, 3) uint8 RGB with the capture of that frame drawn on.

    landmarks: (478, 3) image axes px; rotation: (3, 3) head -> camera; blendshapes: (52,).
    Frames where the face was not detected (filled in) get grey points and a "no face" note.
    """
    out = np.ascontiguousarray(frame.copy())
    height, width = out.shape[:2]
    thickness = max(1, round(min(height, width) / 360))
    points = np.round(landmarks[:, :2]).astype(np.int32)
    colour = (80, 255, 200) if detected else (160, 160, 160)
    inside = (
        (points[:, 0] >= 0) & (points[:, 0] < width) & (points[:, 1] >= 0) & (points[:, 1] < height)
    )
    # Single pixels on small frames, where dots would hide the face they mark.
    radius = round(min(height, width) / 480)
    for x, y in points[inside]:
        cv2.circle(out, (int(x), int(y)), radius, colour, -1, lineType=cv2.LINE_AA)
    right, left = eye_centres(landmarks)
    anchor = (right + left) / 2
    px_per_cm = float(np.linalg.norm(left - right)) / ipd_cm
    for axis, axis_colour in enumerate(AXIS_COLOURS):
        # Camera frame (y up) to image axes (y down).
        direction = rotation[:, axis] * np.array([1.0, -1.0, -1.0])
        end = anchor[:2] + direction[:2] * AXIS_LENGTH_CM * px_per_cm
        cv2.arrowedLine(
            out,
            tuple(int(v) for v in np.round(anchor[:2])),
            tuple(int(v) for v in np.round(end)),
            axis_colour,
            thickness + 1,
            line_type=cv2.LINE_AA,
            tipLength=0.2,
        )
    scale = max(0.3, min(height, width) / 800)
    line = int(round(28 * scale)) + 4
    labels = [f"{names[i]} {blendshapes[i]:.2f}" for i in np.argsort(-blendshapes)[:top]]
    if not detected:
        labels.insert(0, "no face (filled in)")
    for row, text in enumerate(labels):
        origin = (8, line * (row + 1))
        cv2.putText(
            out,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (0, 0, 0),
            thickness + 2,
            cv2.LINE_AA,
        )
        cv2.putText(
            out,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
    return out
