"""Drawn cartoon faces for the follow and identity benchmarks: flat colours, a mouth drawn
closed (lips with a straight line between them, or a smile drawn as a curved line)."""

from __future__ import annotations

import cv2
import numpy as np

MOUTHS = ("lips", "smile")


def cartoon_face(side: int = 256, mouth: str = "lips") -> np.ndarray:
    """(side, side, 3) uint8 RGB: a front-facing cartoon head (skin, hair, eyes with irises,
    brows, nose, a closed mouth) on a plain background, drawn at 4x and shrunk (smooth
    edges). mouth: 'lips' (red lips with a straight line between them) or 'smile' (a closed
    smile: a dark curved line, corners up, over a faint lower lip)."""
    if mouth not in MOUTHS:
        raise ValueError(f"mouth must be one of {MOUTHS}, not {mouth!r}")
    big = 4 * side
    unit = big / 256
    image = np.full((big, big, 3), (186, 214, 232), np.uint8)

    def p(x: float, y: float) -> tuple[int, int]:
        return int(round(x * unit)), int(round(y * unit))

    def s(length: float) -> int:
        return max(1, int(round(length * unit)))

    cv2.ellipse(image, p(128, 112), (s(80), s(86)), 0, 180, 360, (70, 45, 30), -1)  # hair
    cv2.rectangle(image, p(60, 110), p(196, 190), (70, 45, 30), -1)
    cv2.rectangle(image, p(106, 200), p(150, 256), (226, 182, 150), -1)  # neck
    cv2.ellipse(image, p(128, 256), (s(100), s(40)), 0, 180, 360, (60, 90, 160), -1)  # shirt
    cv2.ellipse(image, p(128, 136), (s(64), s(82)), 0, 0, 360, (238, 196, 164), -1)  # face
    cv2.ellipse(image, p(128, 72), (s(66), s(30)), 0, 180, 360, (70, 45, 30), -1)  # fringe
    for x in (102, 154):
        cv2.ellipse(image, p(x, 124), (s(15), s(9)), 0, 0, 360, (250, 250, 250), -1)
        cv2.circle(image, p(x, 124), s(7), (90, 120, 60), -1)
        cv2.circle(image, p(x, 124), s(3), (20, 20, 20), -1)
        cv2.circle(image, p(x + 2, 121), s(1.5), (255, 255, 255), -1)
        cv2.ellipse(image, p(x, 124), (s(15), s(9)), 0, 190, 350, (40, 30, 25), s(2))
        cv2.ellipse(image, p(x, 108), (s(16), s(5)), 0, 200, 340, (60, 40, 28), s(3))
    cv2.ellipse(image, p(128, 150), (s(6), s(10)), 0, 0, 360, (222, 176, 146), -1)  # nose
    cv2.ellipse(image, p(124, 158), (s(3), s(2)), 0, 0, 360, (170, 120, 100), -1)
    cv2.ellipse(image, p(132, 158), (s(3), s(2)), 0, 0, 360, (170, 120, 100), -1)
    if mouth == "lips":
        cv2.ellipse(image, p(128, 178), (s(20), s(6)), 0, 0, 360, (196, 96, 96), -1)
        cv2.line(image, p(109, 178), p(147, 178), (120, 50, 50), s(1.5), cv2.LINE_AA)
    else:
        cv2.ellipse(image, p(128, 176), (s(14), s(6)), 0, 20, 160, (222, 150, 140), s(4))
        cv2.ellipse(image, p(128, 164), (s(24), s(13)), 0, 15, 165, (110, 40, 40), s(2.5))
        for x in (105, 151):  # the cheeks' dimples at the corners
            cv2.circle(image, p(x, 168), s(1.2), (190, 130, 110), -1)
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA)
