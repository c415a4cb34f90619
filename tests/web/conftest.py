from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from tests.media import moving_frames, write_video


class TinyLoader:
    """A model loader (ModelOptions -> model) that gives one stand-in model for every choice and
    lists the choices it was asked for (what the app would have loaded)."""

    def __init__(self, model):
        self.model, self.choices = model, []

    def __call__(self, choice):
        self.choices.append(choice)
        return self.model


@pytest.fixture(scope="session")
def tiny_loader(golden_dir):
    """A TinyLoader giving the tiny golden FOMM model for every choice."""
    from facemotion.pipeline.load import load_model

    return TinyLoader(load_model(golden_dir / "tiny-cpk.pth.tar", golden_dir / "tiny-64.yaml"))


@pytest.fixture
def clip(tmp_path) -> Path:
    """12 frames of 72x96 at 25 fps with a sine-tone audio track."""
    return write_video(tmp_path / "drive.mp4", moving_frames(12, 72, 96), Fraction(25))


@pytest.fixture
def still(tmp_path) -> Path:
    path = tmp_path / "face.png"
    Image.fromarray(moving_frames(1, 80, 100, seed=3)[0]).save(path)
    return path


@pytest.fixture(scope="session")
def gallery_dir(tmp_path_factory) -> Path:
    """A --gallery folder: a 'Statues' tab with one image, a 'Clips' tab with a 0.5 s clip."""
    root = tmp_path_factory.mktemp("gallery")
    (root / "Statues").mkdir()
    (root / "Clips").mkdir()
    Image.fromarray(moving_frames(1, 96, 96, seed=5)[0]).save(root / "Statues" / "bust.png")
    write_video(root / "Clips" / "short.mp4", moving_frames(12, 72, 96), Fraction(25))
    return root


def start_app(loader, gallery: Path | None = None, **options):
    """Build and launch the app on 127.0.0.1 at a free port; its WebApp and URL. `options`
    replace ServeOptions defaults (concurrency 1, max_seconds 30)."""
    import socket

    from facemotion.web.app import build_app, launch
    from facemotion.web.options import ServeOptions

    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    settings = dict(max_seconds=30, concurrency=1) | options
    app = build_app(ServeOptions(port=port, gallery=gallery, **settings), load_model=loader)
    launch(app, block=False)
    return app, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="session")
def served_app(tiny_loader, gallery_dir):
    """The app with the tiny FOMM model standing in for every model name."""
    app, url = start_app(tiny_loader, gallery_dir)
    yield app, url
    app.blocks.close()
    app.store.close()


@pytest.fixture(scope="session")
def default_app():
    """The app as `facemotion serve` runs it: the real default (landmark) model."""
    from facemotion.web.handlers import pipeline_loader

    app, url = start_app(pipeline_loader)
    yield app, url
    app.blocks.close()
    app.store.close()
