"""The web app's jobs called directly: animate, convert, compare, capture, limits, sessions."""

from __future__ import annotations

import threading
from fractions import Fraction

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.commands.wording import error_text as cli_error_text
from facemotion.errors import (
    DownloadError,
    InputError,
    Interrupted,
    ModelError,
    ModelNotDownloaded,
    NoFaceError,
)
from facemotion.pipeline.options import AnimateOptions, ModelOptions
from facemotion.web.convert import fit_on_canvas
from facemotion.web.handlers import (
    FrameProgress,
    Jobs,
    pipeline_loader,
    progress_text,
)
from facemotion.web.options import ServeOptions
from facemotion.web.sessions import SessionStore
from facemotion.web.wording import error_text as web_error_text
from tests.media import moving_frames, probe, write_video

CENTER = AnimateOptions(model=ModelOptions("vox"), crop="center")


@pytest.fixture
def jobs(tmp_path, tiny_loader):
    store = SessionStore(tmp_path / "sessions")
    yield Jobs(ServeOptions(max_upload_mb=5, max_seconds=2.0), store, tiny_loader)
    store.close()


def test_animate_writes_into_the_session_folder_with_progress(jobs, still, clip):
    calls = []
    flag = threading.Event()
    progress = FrameProgress("animate", flag, lambda done, total, text: calls.append(text))
    path = jobs.animate("session-a", str(still), str(clip), CENTER, progress)
    assert path.parent == jobs.store.folder("session-a")
    assert path.name.startswith("animation-") and path.suffix == ".mp4"
    info, driving = probe(path), probe(clip)
    assert info["frames"] == 12 and info["fps"] == driving["fps"] and info["size"] == (64, 64)
    assert abs(info["audio_seconds"] - driving["audio_seconds"]) < 0.05
    assert len(calls) == 12 and calls[-1].startswith("animate: 12/12 frames")
    assert "frames/s" in calls[0] and "s left" in calls[0]


def test_cancel_stops_between_frames_and_leaves_nothing(jobs, still, clip):
    flag = threading.Event()

    def cancel_after_three(done, total, text):
        if done == 3:
            flag.set()

    with pytest.raises(Interrupted, match="cancelled"):
        jobs.animate("s", still, clip, CENTER, FrameProgress("animate", flag, cancel_after_three))
    assert list(jobs.store.folder("s").iterdir()) == []


def test_convert_gives_1920x1080_with_same_fps_frames_and_audio(jobs, still, clip):
    result = jobs.animate("s", still, clip, CENTER)
    converted = jobs.convert("s", result)
    info, original = probe(converted), probe(result)
    assert info["size"] == (1920, 1080)
    assert info["fps"] == original["fps"] == Fraction(25)
    assert info["frames"] == original["frames"] == 12
    assert abs(info["audio_seconds"] - original["audio_seconds"]) < 0.05


def test_fit_on_canvas_centres_a_square_on_black():
    square = np.full((64, 64, 3), 200, np.uint8)
    canvas = fit_on_canvas(square, 1920, 1080)
    assert canvas.shape == (1080, 1920, 3)
    assert canvas[:, :420].max() == 0 and canvas[:, 1500:].max() == 0
    assert np.abs(canvas[:, 420:1500].astype(int) - 200).max() <= 1
    wide = fit_on_canvas(np.full((50, 400, 3), 90, np.uint8), 256, 256)
    assert wide[:112].max() == 0 and wide[144:].max() == 0 and wide[120, 128, 0] == 90


def test_comparison_is_three_square_panels_in_sync(jobs, still, clip):
    result = jobs.animate("s", still, clip, CENTER)
    comparison = jobs.compare("s", still, clip, result)
    info = probe(comparison)
    assert info["size"] == (3 * 256, 256)
    assert info["frames"] == 12 and info["fps"] == Fraction(25)
    assert info["audio_seconds"] > 0.4


def test_limits_refuse_long_and_large_inputs(jobs, tmp_path, still):
    long_clip = write_video(tmp_path / "long.mp4", moving_frames(75, 32, 32), 25, audio=False)
    with pytest.raises(InputError, match=r"3 s long; the limit is 2 s"):
        jobs.animate("s", still, long_clip, CENTER)
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * 6_000_000)
    with pytest.raises(InputError, match="6 MB; the limit is 5 MB"):
        jobs.animate("s", big, long_clip, CENTER)
    with pytest.raises(InputError, match="no source image given"):
        jobs.animate("s", None, long_clip, CENTER)
    with pytest.raises(InputError, match="not an image"):
        bad = tmp_path / "bad.png"
        bad.write_bytes(b"not an image")
        jobs.animate("s", bad, write_video(tmp_path / "ok.mp4", moving_frames(3), 25), CENTER)


def test_unknown_and_missing_models_say_what_to_do(jobs, tmp_path, monkeypatch):
    with pytest.raises(ModelError, match="unknown model"):
        jobs.animate_options("nonsense")
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path / "empty-cache"))
    with pytest.raises(ModelNotDownloaded) as missing:
        pipeline_loader(ModelOptions("vox"))
    assert "press 'Download model'" in web_error_text(missing.value)
    assert "run: facemotion download vox" in cli_error_text(missing.value)
    assert "to be downloaded" in jobs.model_label("vox")
    assert jobs.is_cached("landmarks") and "embedded" in jobs.model_label("landmarks")


def test_sessions_get_private_folders_removed_on_release(tmp_path):
    store = SessionStore(tmp_path / "root")
    a = store.new_path("../../etc", "animation", ".mp4")
    b = store.folder("other")
    assert a.parent.parent == store.root and ".." not in a.parts and a.parent != b
    a.write_bytes(b"x")
    store.release("../../etc")
    assert not a.parent.exists() and b.exists()
    assert store.sessions() == ["other"]
    store.close()
    assert not store.root.exists()


def test_cancel_sets_only_the_running_jobs_of_that_session(tmp_path):
    store = SessionStore(tmp_path / "root")
    with store.job("a") as first, store.job("a") as second, store.job("b") as other:
        assert store.cancel("a") == 2
        assert first.is_set() and second.is_set() and not other.is_set()
    with store.job("a") as later:
        assert not later.is_set()  # a new job is not cancelled by an earlier Cancel
    assert store.cancel("a") == 0
    store.close()


def test_download_without_network_is_one_clear_line(jobs, tmp_path, monkeypatch):
    monkeypatch.setenv("FACEMOTION_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("FACEMOTION_DOWNLOAD_API", "http://127.0.0.1:9/")
    with pytest.raises(DownloadError) as error:
        jobs.download_model("vox")
    assert "\n" not in str(error.value) and "vox" in str(error.value)
    with pytest.raises(InputError, match="embedded"):
        jobs.download_model("landmarks")


def test_idle_sessions_are_swept(tmp_path):
    store = SessionStore(tmp_path / "root", max_idle_s=0.0)
    old = store.folder("api-client")
    store.folder("new-page")
    assert not old.exists() and store.sessions() == ["new-page"]


def test_progress_text():
    assert (
        progress_text("animate", 40, 120, 4.0) == "animate: 40/120 frames, 10.0 frames/s, 8 s left"
    )
    assert progress_text("capture", 5, None, 1.0) == "capture: 5/? frames, 5.0 frames/s"


def test_faceless_source_is_refused_like_the_cli_before_any_frame(tmp_path, clip, capsys):
    """The embedded model through the web jobs: the same early check and message as the CLI."""
    from facemotion.cli import main
    from facemotion.io.images import save_image

    blank = tmp_path / "blank.png"
    save_image(np.full((96, 96, 3), 200, np.uint8), blank)
    store = SessionStore(tmp_path / "sessions")
    jobs = Jobs(ServeOptions(max_upload_mb=5, max_seconds=2.0), store)
    frames_done = []
    try:
        with pytest.raises(NoFaceError) as refused:
            jobs.animate(
                "s",
                blank,
                clip,
                AnimateOptions(crop="center"),
                lambda done, total: frames_done.append(done),
            )
    finally:
        store.close()
    assert frames_done == [] and not list((tmp_path / "sessions").rglob("*.mp4"))
    web_line = web_error_text(refused.value)
    assert main(["animate", str(blank), str(clip), "-o", str(tmp_path / "out.mp4")]) == 2
    cli_line = capsys.readouterr().err.strip()
    assert refused.value.message in cli_line and "blank.png" in refused.value.message
    assert (
        "\n" not in web_line
        and "try setting Crop to auto" in web_line
        and "--crop auto" in cli_line
    )


def test_the_landmark_model_is_loaded_with_the_chosen_expression(tmp_path):
    loaded = []

    def loader(choice):
        loaded.append(choice)
        return object()

    jobs = Jobs(ServeOptions(device="cuda"), SessionStore(tmp_path), loader)
    first = jobs.model(jobs.animate_options("landmarks").model)
    assert jobs.model(jobs.animate_options("landmarks", expression="retarget").model) is first
    assert jobs.model(jobs.animate_options("landmarks", expression="relative").model) is not first
    # the server's device goes to FOMM models only, the expression to the landmark model only
    assert jobs.animate_options("vox", expression="relative").model == ModelOptions(
        "vox", device="cuda"
    )
    assert loaded == [ModelOptions("landmarks"), ModelOptions("landmarks", expression="relative")]
    with pytest.raises(InputError, match="expression must be one of retarget, relative"):
        jobs.animate_options("landmarks", expression="wide")


def test_the_background_control_reaches_the_landmark_model_only(tmp_path):
    """The Background control (`scene`) is the landmark model's; a FOMM model, which refuses
    it, is loaded without it whatever an API caller sends."""
    loaded = []
    jobs = Jobs(ServeOptions(), SessionStore(tmp_path), lambda choice: loaded.append(choice))
    options = jobs.animate_options("landmarks", scene="follow")
    assert options.model == ModelOptions("landmarks", scene="follow")
    assert jobs.animate_options("landmarks").model.scene == "still"
    jobs.model(options.model)
    assert loaded == [ModelOptions("landmarks", scene="follow")]
    assert jobs.animate_options("vox", scene="follow").model == ModelOptions("vox")
    with pytest.raises(InputError, match="scene must be one of still, follow"):
        jobs.animate_options("landmarks", scene="static")


def test_capture_takes_a_still_image_as_the_cli_does(jobs):
    """It was refused as a video ('give a video file'); `facemotion capture` takes stills."""
    files = jobs.capture("s1", sample_path("astronaut.png"))
    assert files.overlay.name == "capture_overlay.png" and files.overlay.is_file()
    assert sorted(path.suffix for path in files.downloads) == [".bvh", ".csv", ".glb", ".json"]
    assert files.summary.startswith("1 frame")


def test_capture_refuses_a_text_file_named_like_an_image(jobs, tmp_path):
    fake = tmp_path / "face.png"
    fake.write_text("not an image\n")
    with pytest.raises(InputError, match="face.png"):
        jobs.capture("s1", fake)
