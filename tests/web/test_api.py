"""The /animate and /capture endpoints through gradio_client."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from facemotion.assets import sample_path
from tests.media import probe

pytestmark = pytest.mark.slow


def test_api_endpoints_animate_and_report_errors(served_app, clip):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    app, url = served_app
    client = Client(url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/animate", "/capture"} <= set(endpoints)
    result = client.predict(
        handle_file(str(sample_path("astronaut.png"))),
        handle_file(str(clip)),
        "vox",
        True,
        True,
        False,
        "center",
        False,
        api_name="/animate",
    )
    info = probe(result)
    assert info["frames"] == 12 and info["fps"] == Fraction(25) and info["audio_seconds"] > 0.4
    with pytest.raises(AppError, match=r"no face found in drive\.mp4"):
        client.predict(handle_file(str(clip)), api_name="/capture")
    portrait = handle_file(str(sample_path("grace_hopper.jpg")))
    with pytest.raises(AppError, match=r"^grace_hopper\.jpg .*give a video file"):
        client.predict(
            portrait, portrait, "vox", True, True, False, "center", False, api_name="/animate"
        )


def test_api_background_reaches_the_landmark_model(served_app, tiny_loader, clip):
    """/animate's trailing parameters: expression, then scene (the Background control); the
    model the app loads is the landmark model with that scene. Calls that stop before them get
    the controls' defaults (the README's call passes eight)."""
    from gradio_client import Client, handle_file

    from facemotion.pipeline.options import ModelOptions

    _, url = served_app
    client = Client(url, verbose=False)
    parameters = client.view_api(print_info=False, return_format="dict")["named_endpoints"][
        "/animate"
    ]["parameters"]
    assert [p["parameter_name"] for p in parameters][-2:] == ["expression_mode", "scene_mode"]
    assert [p["parameter_default"] for p in parameters][-2:] == ["retarget", "still"]
    source, driving = handle_file(str(sample_path("astronaut.png"))), handle_file(str(clip))
    start = len(tiny_loader.choices)
    arguments = ("landmarks", True, True, False, "center", False)
    result = client.predict(source, driving, *arguments, "retarget", "follow", api_name="/animate")
    assert probe(result)["frames"] == 12
    assert tiny_loader.choices[start:] == [ModelOptions("landmarks", scene="follow")]
    client.predict(source, driving, *arguments, api_name="/animate")
    assert tiny_loader.choices[start:] == [
        ModelOptions("landmarks", scene="follow"),
        ModelOptions("landmarks", scene="still"),
    ]


def test_api_capture_returns_previews_and_four_downloads(served_app):
    from gradio_client import Client, handle_file

    _, url = served_app
    client = Client(url, verbose=False)
    overlay, plots, glb, downloads, summary = client.predict(
        handle_file(str(sample_path("carphone.mp4"))), api_name="/capture"
    )
    assert probe(overlay)["frames"] == 120
    assert plots.endswith(".png") and glb.endswith(".glb")
    assert sorted(Path(path).suffix for path in downloads) == [".bvh", ".csv", ".glb", ".json"]
    assert summary.startswith("120 frames at 29.97 fps")
