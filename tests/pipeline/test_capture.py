"""The capture job and command: frames in, Capture out, files written; bad input."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import facemotion.landmarks
from facemotion.cli import main
from facemotion.errors import NoFaceError, OutputError
from facemotion.landmarks import FaceObservation
from facemotion.landmarks.arkit import INDEX
from facemotion.pipeline.capture import Capture, capture
from tests.solver.synthetic_face import FRAME_SIZE, NEUTRAL_CM, open_jaw, to_image


def coded_frames(count: int) -> list[np.ndarray]:
    """Blank frames whose first pixel carries their index, for the fake detector."""
    frames = [np.zeros((*FRAME_SIZE, 3), np.uint8) for _ in range(count)]
    for index, frame in enumerate(frames):
        frame[0, 0, 0] = index
    return frames


def coded_face(index: int) -> FaceObservation:
    """Frame i: a face turned i - 10 degrees whose jaw opens with i (landmarks and score)."""
    scores = np.zeros(52, np.float32)
    scores[INDEX["jawOpen"]] = min(1.0, max(0, index - 5) * 0.1)
    landmarks = to_image(open_jaw(max(0, index - 5) * 1.5), (index - 10, 0, 0))
    return FaceObservation(landmarks.astype(np.float32), scores, np.eye(4, dtype=np.float32))


@pytest.fixture
def fake_detector(monkeypatch):
    """Stand-in for MediaPipe: frame i shows `coded_face(i)`; no face in `missing`."""
    missing: set[int] = set()

    def observe_faces(frames, *, static=False, face=None, times_s=None):
        for frame in frames:
            index = int(frame[0, 0, 0])
            yield FaceObservation.missing() if index in missing else coded_face(index)

    def detect_image_face(image, *, name="image", face=None):
        return coded_face(int(image[0, 0, 0]))

    monkeypatch.setattr(facemotion.landmarks, "observe_faces", observe_faces)
    monkeypatch.setattr(facemotion.landmarks, "detect_image_face", detect_image_face)
    return missing


def test_capture_frames(fake_detector):
    result = capture(coded_frames(20), fps=25.0)
    assert isinstance(result, Capture) and len(result) == 20
    assert result.landmarks.shape == (20, 478, 3) and result.rotation.shape == (20, 3, 3)
    assert result.translation.shape == (20, 3) and result.blendshapes.shape == (20, 52)
    assert result.detected.all() and result.fps == 25.0
    np.testing.assert_allclose(result.times_s[1], 0.04)
    assert result.blendshapes[-1, INDEX["jawOpen"]] > 0.5
    raw = capture(coded_frames(20), fps=25.0, smooth=False)
    np.testing.assert_allclose(raw.angles_deg[:, 0], np.arange(20) - 10, atol=1.0)
    # The One-Euro filter lags a moving head a little and a still one not at all.
    assert np.abs(result.angles_deg[:, 0] - raw.angles_deg[:, 0]).max() < 3.0


def test_face_lost_mid_clip_is_filled_and_counted(fake_detector):
    fake_detector.update({4, 5, *range(10, 30)})
    result = capture(coded_frames(36), fps=30.0)
    assert result.interpolated[[4, 5]].all() and result.held[10:30].all()
    assert "2 interpolated, 20 held" in result.summary
    assert np.isfinite(result.blendshapes).all()


def test_no_face_at_all(fake_detector):
    fake_detector.update(range(10))
    with pytest.raises(NoFaceError, match="no face found"):
        capture(coded_frames(10))


def test_still_image_is_one_frame(fake_detector):
    result = capture(coded_frames(1)[0])
    assert len(result) == 1 and result.blendshapes.shape == (1, 52)


def test_save_writes_every_file_format(fake_detector, tmp_path):
    result = capture(coded_frames(12), fps=30.0)
    written = result.save(tmp_path, ("csv", "json", "bvh", "glb", "plots"), stem="clip")
    assert [p.name for p in written] == [
        "clip.csv",
        "clip.json",
        "clip.bvh",
        "clip.glb",
        "clip_plots.png",
    ]
    document = json.loads((tmp_path / "clip.json").read_text())
    assert document["frame_count"] == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_unwritable_outdir_leaves_nothing(fake_detector, tmp_path):
    result = capture(coded_frames(6), fps=30.0)
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="is a file"):
        result.save(tmp_path / "file" / "missing", ("csv",))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "clip.json").mkdir()  # a folder where a file should go
    with pytest.raises(OutputError):
        result.save(tmp_path / "out", ("csv", "json"), stem="clip")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["clip.json"]


def test_cli_one_line_errors(tmp_path, capsys):
    assert main(["capture", str(tmp_path / "nope.mp4"), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not a video")
    (tmp_path / "file").write_text("")
    assert main(["capture", str(video), "-o", str(tmp_path / "file" / "missing")]) == 5
    err = capsys.readouterr().err
    assert err.startswith("facemotion capture: error: cannot create output folder")
    assert err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["capture", str(video), "--smooth", "fast"])


def test_neutral_image_array(fake_detector):
    neutral = coded_frames(6)[0]  # frame 0: jaw closed
    result = capture(coded_frames(20)[10:], neutral=neutral, smooth=False)
    assert result.blendshapes[:, INDEX["jawOpen"]].min() > 0.3
    assert np.allclose(
        result.neutral_cm, NEUTRAL_CM - (NEUTRAL_CM[468] + NEUTRAL_CM[473]) / 2, atol=1e-3
    )


def _real_sample():
    """The carphone sample shipped with the package."""
    from facemotion.assets import sample_path

    return Path(sample_path("carphone.mp4"))


@pytest.fixture(scope="module")
def carphone_frames():
    sample = _real_sample()
    from facemotion.io.video import VideoReader

    with VideoReader(sample) as reader:
        return [np.asarray(frame) for _, frame in zip(range(45), reader, strict=False)]


def test_mirrored_real_clip_swaps_left_and_right(carphone_frames):
    plain = capture(carphone_frames, fps=30.0)
    mirrored = capture([frame[:, ::-1].copy() for frame in carphone_frames], fps=30.0)
    # Yaw and roll change sign in a mirror, pitch does not.
    np.testing.assert_allclose(mirrored.angles_deg, plain.angles_deg * [-1, 1, -1], atol=3.0)
    twins = [
        INDEX[name.replace("Left", "@").replace("Right", "Left").replace("@", "Right")]
        for name in plain.names
    ]
    assert np.abs(plain.blendshapes - mirrored.blendshapes[:, twins]).mean() < 0.08


def test_carphone_writes_all_six_outputs(tmp_path, capsys):
    sample = _real_sample()
    assert main(["capture", str(sample), "-o", str(tmp_path), "--quiet"]) == 0
    stem = sample.stem
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"{stem}{suffix}"
        for suffix in (".csv", ".json", ".bvh", ".glb", "_overlay.mp4", "_plots.png")
    )
    rows = (tmp_path / f"{stem}.csv").read_text().splitlines()
    document = json.loads((tmp_path / f"{stem}.json").read_text())
    assert len(rows) == document["frame_count"] + 1 > 100
    assert "frames at" in capsys.readouterr().out


def write_vfr(path: Path, frames: list[np.ndarray], times_s: list[float]) -> Path:
    """An H.264 mp4 whose frames sit at the given times (variable frame rate)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for frame, time_s in zip(frames, times_s, strict=True):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = int(round(time_s * 1000))
            video_frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_vfr_video_keeps_its_timestamps(carphone_frames, tmp_path):
    times = np.cumsum([0.0] + [1 / 30 if i % 3 else 1 / 12 for i in range(1, 20)])
    frames = [frame[: 144 // 2 * 2, : 176 // 2 * 2] for frame in carphone_frames[:20]]
    video = write_vfr(tmp_path / "vfr.mp4", frames, list(times))
    result = capture(video)
    np.testing.assert_allclose(result.times_s, times - times[0], atol=2e-3)
    result.save(tmp_path, ("csv",))
    rows = (tmp_path / "vfr.csv").read_text().splitlines()[1:]
    assert len(rows) == 20
