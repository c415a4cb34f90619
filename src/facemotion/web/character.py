"""The character viewer the web app shows: static/character.html with three.js, three-vrm and
three-vrm-animation vendored in static/vendor (scripts/vendor-three.sh), served by the app
itself from its allowed paths, so nothing comes from a CDN."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

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


def viewer_html(model: Path, animation: Path | None = None, height_px: int = 360) -> str:
    """An iframe of the viewer, for a gr.HTML component."""
    source = html.escape(viewer_url(model, animation), quote=True)
    return (
        f'<iframe src="{source}" title="Animated character" style="width:100%;'
        f'height:{height_px}px;border:0;border-radius:8px"></iframe>'
    )
