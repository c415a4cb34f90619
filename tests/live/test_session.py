"""A live session on the carphone clip: one packet per processed frame, decoded by independent
receivers, with the values of the offline capture of the same frames."""

from __future__ import annotations

import time

import numpy as np
import pytest
from pylivelinkface import FaceBlendShape

from facemotion.landmarks import FaceObservation
from facemotion.landmarks.arkit import INDEX, csv_name
from facemotion.live.session import LiveOptions, run_live
from facemotion.live.source import VideoFileSource
from facemotion.live.targets import Target
from facemotion.pipeline.capture import capture
from facemotion.solver.streaming import StreamOptions
from tests.live.conftest import CLIP_FRAMES
from tests.live.receivers import LiveLinkReceiver, VmcReceiver


@pytest.fixture(scope="module")
def offline(carphone_frames):
    frames, fps = carphone_frames
    return capture(frames, fps=fps, neutral=0)


@pytest.mark.slow
def test_livelink_and_vmc_equal_offline_capture(carphone, offline, tmp_path):
    with LiveLinkReceiver() as livelink, VmcReceiver() as vmc:
        options = LiveOptions(
            targets=(
                Target("livelink", "127.0.0.1", livelink.port),
                Target("vmc", "127.0.0.1", vmc.port),
            ),
            subject="carphone",
            max_frames=CLIP_FRAMES,
            stream=StreamOptions(neutral_frame=0),
            record=tmp_path,
            formats=("csv", "json"),
        )
        report = run_live(VideoFileSource(carphone, realtime=False), options)
        livelink.wait_for(CLIP_FRAMES)
        vmc.wait_for(CLIP_FRAMES)
    assert report.frames == CLIP_FRAMES and report.dropped == 0 and report.faces == CLIP_FRAMES
    assert len(livelink.faces) == CLIP_FRAMES
    assert [face._frames for face in livelink.faces] == list(range(CLIP_FRAMES))
    assert {face.name for face in livelink.faces} == {"carphone"}
    received = np.array([face._blend_shapes for face in livelink.faces])
    for name in ("jawOpen", "jawLeft", "jawRight", "mouthLeft", "mouthRight", "eyeBlinkLeft"):
        column = received[:, FaceBlendShape[csv_name(name)].value]
        np.testing.assert_allclose(column, offline.blendshapes[:, INDEX[name]], atol=1e-3)
    all_weights = np.array(
        [
            [face.get_blendshape(FaceBlendShape[csv_name(n)]) for n in INDEX]
            for face in livelink.faces
        ]
    )
    # The blank frame that warms the landmarker up before the camera runs leaves its VIDEO
    # graph a little different on the next frames (0.0016 measured on frame 1), then equal.
    np.testing.assert_allclose(all_weights, offline.blendshapes, atol=5e-3)
    np.testing.assert_allclose(all_weights[2:], offline.blendshapes[2:], atol=1e-3)
    assert offline.blendshapes.max() > 0.05  # the clip moves: the comparison is not all zeros
    head = received[:, [52, 53, 54]]
    np.testing.assert_allclose(head, np.deg2rad(offline.angles_deg), atol=1e-3)
    eyes = received[:, 55:61].reshape(-1, 2, 3)
    np.testing.assert_allclose(eyes, offline.eye_rotation, atol=1e-3)

    frames = vmc.complete_frames()
    assert len(frames) == CLIP_FRAMES
    for t, frame in enumerate(frames):
        values = dict(frame["/VMC/Ext/Blend/Val"])
        assert len(values) == 52 and "/VMC/Ext/Blend/Apply" in frame
        np.testing.assert_allclose(
            values["JawOpen"], offline.blendshapes[t, INDEX["jawOpen"]], atol=1e-3
        )
        bone, *pose = frame["/VMC/Ext/Bone/Pos"][0]
        assert bone == "Head" and abs(np.linalg.norm(pose[3:]) - 1.0) < 1e-5

    assert [path.suffix for path in report.written] == [".csv", ".json"]
    rows = report.written[0].read_text().splitlines()
    assert len(rows) == CLIP_FRAMES + 1 and rows[0].startswith("Timecode,BlendShapeCount")


def test_slow_consumer_drops_frames_instead_of_queueing(carphone):
    """A clip played in real time to a loop that takes 100 ms a frame: the loop gets the newest
    frame each time (indices jump by ~3), so the wait before processing does not grow."""
    indices: list[int] = []

    class SlowTracker:
        def observe(self, image, time_s=None):
            time.sleep(0.1)
            return FaceObservation.missing()

        def close(self):
            pass

    def hook(frame, observation, solution):
        indices.append(frame.index)

    source = VideoFileSource(carphone, realtime=True)
    report = run_live(source, LiveOptions(max_frames=8), tracker=SlowTracker(), hook=hook)
    assert report.frames == 8
    steps = np.diff(indices)
    assert steps.min() >= 1 and np.median(steps) >= 2, indices  # a queue would give steps of 1
    assert report.dropped >= indices[-1] + 1 - report.frames  # every skipped index counted
    # Latency is one frame interval plus the work, and it does not grow frame after frame.
    assert np.median(report.latency_ms) < 100 + 1000 / 29.97 + 100
    assert report.latency_ms[-1] < report.latency_ms[1] + 100


def test_unreachable_receiver_warns_once_and_keeps_running(carphone):
    warnings: list[str] = []
    free = LiveLinkReceiver()
    port = free.port
    free.socket.close()  # nobody listens on this port now
    options = LiveOptions(
        targets=(Target("livelink", "127.0.0.1", port), Target("vmc", "no-such-host.invalid", 9)),
        max_frames=10,
    )
    report = run_live(VideoFileSource(carphone, realtime=False), options, warn=warnings.append)
    assert report.frames == 10
    assert len(warnings) == 2, warnings
    livelink, vmc = sorted(warnings)
    assert "livelink://127.0.0.1" in livelink and "still running" in livelink
    assert "vmc://no-such-host.invalid:9: unknown host" in vmc


def test_ctrl_c_writes_the_recording(carphone, tmp_path):
    calls = []

    def interrupting_hook(frame, observation, solution):
        calls.append(frame.index)
        if len(calls) == 12:
            raise KeyboardInterrupt

    options = LiveOptions(record=tmp_path, formats=("csv", "bvh"), record_stem="take")
    report = run_live(VideoFileSource(carphone, realtime=False), options, hook=interrupting_hook)
    assert report.interrupted and report.frames == 12
    assert sorted(path.name for path in tmp_path.iterdir()) == ["take.bvh", "take.csv"]
    assert len((tmp_path / "take.csv").read_text().splitlines()) == 13
    assert "stopped (Ctrl-C)" in report.summary
