"""A PNG of the head angles and the key blendshapes over time (matplotlib, no display)."""

from __future__ import annotations

import io

import numpy as np

from facemotion.landmarks.arkit import INDEX

KEY_BLENDSHAPES = (
    "jawOpen",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "mouthSmileLeft",
    "mouthSmileRight",
    "browInnerUp",
    "mouthPucker",
)


def build_plots(
    times_s: np.ndarray,
    angles_deg: np.ndarray,
    blendshapes: np.ndarray,
    detected: np.ndarray,
    *,
    title: str = "",
) -> bytes:
    """PNG bytes: yaw/pitch/roll (T, 3) degrees above the key weights of blendshapes (T, 52);
    frames without a detected face (T,) are shaded."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 6), dpi=100, layout="constrained")
    head, shapes = figure.subplots(2, 1, sharex=True)
    for k, label in enumerate(("yaw", "pitch", "roll")):
        head.plot(times_s, angles_deg[:, k], label=label, linewidth=1.2)
    head.set_ylabel("head angle (degrees)")
    head.legend(loc="upper right", ncols=3, fontsize="small")
    head.grid(alpha=0.3)
    for name in KEY_BLENDSHAPES:
        shapes.plot(times_s, blendshapes[:, INDEX[name]], label=name, linewidth=1.0)
    shapes.set_ylim(-0.02, 1.02)
    shapes.set_ylabel("weight")
    shapes.set_xlabel("time (s)")
    shapes.legend(loc="upper right", ncols=4, fontsize="small")
    shapes.grid(alpha=0.3)
    missing = ~np.asarray(detected, dtype=bool)
    if missing.any():
        for axes in (head, shapes):
            axes.fill_between(
                times_s,
                0,
                1,
                where=missing,
                transform=axes.get_xaxis_transform(),
                color="grey",
                alpha=0.2,
                label="no face",
            )
    if title:
        figure.suptitle(title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
