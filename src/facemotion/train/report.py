"""What a training run leaves beside its checkpoints: a CSV log, sample PNGs, a loss curve.

All written atomically (temporary name, then rename), by rank 0 only.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from facemotion.io.atomic import atomic_output

_COLOURS = (
    (230, 25, 75),
    (60, 180, 75),
    (255, 225, 25),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (250, 190, 212),
)


def write_csv(path: Path, rows: list[dict[str, float]]) -> None:
    """One row per epoch; the header is the union of keys in first-seen order."""
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    with atomic_output(path) as tmp, open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict[str, float]]:
    if not path.is_file():
        return []
    with open(path, newline="") as handle:
        return [{k: float(v) for k, v in row.items() if v != ""} for row in csv.DictReader(handle)]


def _panel(image: torch.Tensor, kp_value: torch.Tensor | None, zoom: int) -> Image.Image:
    """(3, H, W) in [0, 1] (+ keypoints (K, 2) in [-1, 1]) -> a PIL image zoomed `zoom` times."""
    array = (image.detach().float().clamp(0, 1).permute(1, 2, 0).cpu().numpy() * 255).round()
    panel = Image.fromarray(array.astype(np.uint8)).resize(
        (image.shape[2] * zoom, image.shape[1] * zoom), Image.Resampling.NEAREST
    )
    if kp_value is not None:
        draw = ImageDraw.Draw(panel)
        size = np.array(panel.size, np.float32)
        for k, (x, y) in enumerate((kp_value.detach().cpu().numpy() + 1) / 2 * (size - 1)):
            colour = _COLOURS[k % len(_COLOURS)]
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=colour)
    return panel


def write_samples(
    path: Path,
    source: torch.Tensor,
    driving: torch.Tensor,
    prediction: torch.Tensor,
    kp_source: torch.Tensor,
    kp_driving: torch.Tensor,
    rows: int = 4,
) -> None:
    """A grid, one sample a row: source with its keypoints, driving with its keypoints,
    prediction. Images (B, 3, H, W) in [0, 1], keypoints (B, K, 2) in [-1, 1]."""
    zoom = max(1, 128 // source.shape[-1])
    panels = [
        [
            _panel(source[i], kp_source[i], zoom),
            _panel(driving[i], kp_driving[i], zoom),
            _panel(prediction[i], None, zoom),
        ]
        for i in range(min(rows, source.shape[0]))
    ]
    width, height = panels[0][0].size
    grid = Image.new("RGB", (3 * width, len(panels) * height))
    for r, row in enumerate(panels):
        for c, panel in enumerate(row):
            grid.paste(panel, (c * width, r * height))
    with atomic_output(path) as tmp:
        grid.save(tmp, format="PNG")


def write_loss_curve(path: Path, rows: list[dict[str, float]]) -> None:
    """Each loss (and their total) against the epoch, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    skip = {"epoch", "steps", "seconds", "lr_generator", "samples_per_second"}
    names = [k for k in rows[0] if k not in skip]
    figure, axis = plt.subplots(figsize=(6, 4), dpi=100)
    epochs = [row["epoch"] for row in rows]
    for name in names:
        axis.plot(epochs, [row.get(name, np.nan) for row in rows], marker=".", label=name)
    axis.set_xlabel("epoch")
    axis.set_ylabel("loss (weighted)")
    axis.set_yscale("log")
    axis.legend(fontsize=7)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    with atomic_output(path) as tmp:
        figure.savefig(tmp, format="png")
    plt.close(figure)
