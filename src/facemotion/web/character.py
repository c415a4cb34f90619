"""The character viewer the web app shows: static/character.html with three.js, three-vrm and
three-vrm-animation vendored in static/vendor (scripts/vendor-three.sh), served by the app
itself from its allowed paths, so nothing comes from a CDN."""

from __future__ import annotations

import html
import threading
from pathlib import Path
from urllib.parse import quote

import numpy as np

from facemotion.export.character.pose import CharacterPose

STATIC_DIR = Path(__file__).resolve().parent / "static"
FILE_ROUTE = "/gradio_api/file="


def file_url(path: Path) -> str:
    """The app's URL of a file inside its allowed paths."""
    return FILE_ROUTE + quote(str(Path(path).resolve()))


def viewer_url(model: Path, animation: Path | None = None, **options: str) -> str:
    """The viewer page showing `model` (.glb/.vrm) played by its own last animation, or for a
    VRM by `animation` (.vrma)."""
    query = "model=" + quote(file_url(model), safe="")
    if animation is not None:
        query += "&animation=" + quote(file_url(animation), safe="")
    for key, value in options.items():
        query += f"&{key}={quote(value, safe='')}"
    return f"{file_url(STATIC_DIR / 'character.html')}?{query}"


def viewer_html(
    model: Path, animation: Path | None = None, height_px: int = 360, live: bool = False
) -> str:
    """An iframe of the viewer, for a gr.HTML component; `live`: it takes poses sent with
    `POST_POSE_JS` instead of playing an animation."""
    url = viewer_url(model, animation, live="1") if live else viewer_url(model, animation)
    source = html.escape(url, quote=True)
    return (
        f'<iframe src="{source}" title="Animated character" style="width:100%;'
        f'height:{height_px}px;border:0;border-radius:8px"></iframe>'
    )


# Client side of the Live tab: hands each pose to the viewer in `selector`'s iframe.
POST_POSE_JS = """(pose) => {
  const frame = document.querySelector("%s iframe");
  if (frame && pose) frame.contentWindow.postMessage({type: "facemotion-pose", pose}, "*");
  return [];
}"""


class LivePoses:
    """The characters of live sessions by file, each read once (the last few kept)."""

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._poses: dict[str, CharacterPose] = {}
        self._lock = threading.Lock()

    def pose(self, path: str | Path, blendshapes: np.ndarray, rotation: np.ndarray) -> dict:
        """One frame's pose of the character at `path` (export/character/pose.py)."""
        from facemotion.io.gltf_file import read_gltf
        from facemotion.pipeline.retarget import check_character

        key = str(path)
        with self._lock:
            character = self._poses.get(key)
            if character is None:
                character = CharacterPose(read_gltf(check_character(Path(path))).document)
                while len(self._poses) >= self.keep:
                    self._poses.pop(next(iter(self._poses)))
                self._poses[key] = character
        return character.frame(blendshapes, rotation)
