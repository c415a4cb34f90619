"""Draw docs/images/character-grid.jpg: the bundled carphone clip captured and put on the
Ready Player Me test avatar, shown in headless chromium by the web app's character viewer.

Development time only (needs Debian's chromium): python scripts/character_grid.py
"""

from __future__ import annotations

import functools
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from facemotion.assets import sample_path
from facemotion.export.tracks import FaceMotion
from facemotion.io.video import VideoReader
from facemotion.pipeline.capture import capture
from facemotion.pipeline.retarget import retarget
from facemotion.web.character import STATIC_DIR

ROOT = Path(__file__).resolve().parents[1]
AVATAR = ROOT / "tests" / "data" / "characters" / "rpm_preview_5_morphs.glb"
OUT = ROOT / "docs" / "images" / "character-grid.jpg"
COLUMNS = 6
TILE = 240
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    from playwright.sync_api import sync_playwright

    clip = sample_path("carphone.mp4")
    result = capture(clip, progress=True)
    motion = FaceMotion.of(result)
    # The frames where the face does most: the jaw's widest, the eyes shut, turns both ways.
    scores = motion.blendshapes
    yaw = np.asarray(result.angles_deg)[:, 0]
    picks = [0, int(np.argmax(scores[:, 17])), int(np.argmax(scores[:, 0] + scores[:, 7])),
             int(np.argmin(yaw)), int(np.argmax(yaw)), len(motion.times_s) - 1]  # fmt: skip
    picks = sorted(dict.fromkeys(picks))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "static").symlink_to(STATIC_DIR, target_is_directory=True)
        retarget(motion, AVATAR, root / "carphone_avatar.glb", name="carphone")
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": TILE, "height": TILE})
            page.goto(f"{url}/static/character.html?model=/carphone_avatar.glb&paused=1")
            page.evaluate("async () => { await window.viewer.ready; }")
            page.add_style_tag(content="#status { display: none; }")
            renders = []
            for index in picks:
                page.evaluate(
                    "async (t) => (await window.viewer.ready).setTime(t)",
                    float(motion.times_s[index]),
                )
                path = root / f"{index}.png"
                page.screenshot(path=str(path))
                renders.append(Image.open(path).convert("RGB"))
            browser.close()
        server.shutdown()
    with VideoReader(clip) as reader:
        frames = [frame for index, frame in enumerate(reader) if index in picks]
    grid = Image.new("RGB", (TILE * len(picks), TILE * 2 + 20), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    for column, (index, frame, render) in enumerate(zip(picks, frames, renders, strict=True)):
        video = Image.fromarray(frame)
        video = video.resize((TILE, round(TILE * video.height / video.width)))
        grid.paste(video, (column * TILE, (TILE - video.height) // 2))
        grid.paste(render.resize((TILE, TILE)), (column * TILE, TILE))
        label = f"frame {index}: jaw {scores[index, 17]:.2f}, yaw {yaw[index]:+.0f} deg"
        draw.text((column * TILE + 6, 2 * TILE + 4), label, fill=(40, 40, 40))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    grid.save(OUT, quality=85)
    print(OUT, grid.size, "frames", picks)


if __name__ == "__main__":
    main()
