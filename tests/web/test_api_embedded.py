"""The web API's /animate running the embedded landmark model itself (no stand-in model)."""

from __future__ import annotations

import itertools
import socket
from fractions import Fraction

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.io.video import VideoReader
from tests.media import moving_frames, probe, write_video

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_app():
    from facemotion.web.app import build_app, launch
    from facemotion.web.options import ServeOptions

    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    app = build_app(ServeOptions(port=port, max_seconds=30, concurrency=1))
    launch(app, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.blocks.close()
    app.store.close()


def test_animate_endpoint_runs_the_embedded_model(real_app, tmp_path):
    from gradio_client import Client, handle_file

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack(list(itertools.islice(reader, 0, 40, 4)))
    driving = write_video(tmp_path / "talk.mp4", frames, Fraction(25))
    client = Client(real_app, verbose=False)
    result = client.predict(
        handle_file(str(sample_path("grace_hopper.jpg"))),
        handle_file(str(driving)),
        "landmarks",
        True,
        True,
        False,
        "auto",
        False,
        api_name="/animate",
    )
    info = probe(result)
    assert info["frames"] == 10 and info["fps"] == Fraction(25)
    with VideoReader(result) as reader:
        animated = np.stack(list(reader)).astype(np.float32)
    motion = np.abs(animated[1:] - animated[0]).mean(axis=(1, 2, 3))
    assert motion.max() > 1.0  # the portrait moved


def test_a_driving_clip_without_a_face_is_one_message(real_app, tmp_path):
    """The embedded model on a clip where no frame shows a face: the API answers with the
    CLI's reason, naming the clip as the user uploaded it, and no video."""
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    driving = write_video(tmp_path / "empty_room.mp4", moving_frames(8, 96, 96), Fraction(25))
    client = Client(real_app, verbose=False)
    with pytest.raises(AppError) as refused:
        client.predict(
            handle_file(str(sample_path("grace_hopper.jpg"))),
            handle_file(str(driving)),
            "landmarks",
            True,
            True,
            False,
            "auto",
            False,
            api_name="/animate",
        )
    message = str(refused.value)
    assert "no face found in any frame of the driving video empty_room.mp4" in message, message
    assert "\n" not in message and "Traceback" not in message
