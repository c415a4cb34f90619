"""Frame-by-frame decoding, mp4 and PNG-sequence writing, audio carry-over, bad files."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from facemotion.errors import InputError, OutputError
from facemotion.io.video import VideoReader, open_video_writer, read_first_frame
from tests.media import moving_frames, probe, write_video


@pytest.fixture
def clip(tmp_path):
    return write_video(tmp_path / "clip.mp4", moving_frames(10, 48, 64), Fraction(30000, 1001))


def test_reader_reports_and_streams(clip):
    with VideoReader(clip) as reader:
        assert reader.rate == Fraction(30000, 1001) and reader.frame_count == 10
        assert (reader.width, reader.height) == (64, 48) and reader.has_audio
        times = reader.timestamps()
        frames = list(reader)
    assert len(frames) == 10 and frames[0].shape == (48, 64, 3) and frames[0].dtype == np.uint8
    assert np.allclose(np.diff(times), 1001 / 30000, atol=1e-4)
    assert read_first_frame(clip).shape == (48, 64, 3)


def test_mp4_round_trip_keeps_rate_and_audio(tmp_path, clip):
    out = tmp_path / "out.mp4"
    with VideoReader(clip) as reader, open_video_writer(out, reader.rate, audio_from=clip) as w:
        for frame in reader:
            w.write(frame.astype(np.float32) / 255)
    info, expected = probe(out), probe(clip)
    assert info["fps"] == expected["fps"] and info["frames"] == 10
    assert abs(info["audio_seconds"] - expected["audio_seconds"]) < 0.03
    decoded = next(iter(VideoReader(out)))
    # two lossy generations of a noise texture; a wrong frame or channel order gives ~50
    assert np.abs(decoded.astype(int) - moving_frames(1, 48, 64)[0]).mean() < 12


def test_odd_sizes_are_padded_to_even(tmp_path):
    out = tmp_path / "odd.mp4"
    with open_video_writer(out, 25) as writer:
        for frame in moving_frames(3, 33, 45):
            writer.write(frame)
    assert probe(out)["size"] == (46, 34)


def test_non_mp4_audio_is_reencoded(tmp_path):
    source = tmp_path / "opus.mkv"
    with av.open(str(source), "w") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 32, 32, "yuv420p"
        audio = container.add_stream("libopus", rate=48000)
        audio.layout = "mono"
        for frame in moving_frames(5, 32, 32):
            container.mux(video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(video.encode())
        tone = np.sin(np.linspace(0, 400, 9600)).astype(np.float32)[None]
        for start in range(0, 9600, 960):
            chunk = av.AudioFrame.from_ndarray(
                tone[:, start : start + 960], format="fltp", layout="mono"
            )
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode())
    out = tmp_path / "out.mp4"
    with open_video_writer(out, 25, audio_from=source) as writer:
        for frame in moving_frames(5, 32, 32):
            writer.write(frame)
    assert probe(out)["audio_seconds"] > 0.1


def test_png_sequence_and_foreign_folder(tmp_path):
    folder = tmp_path / "frames"
    with open_video_writer(folder, 25) as writer:
        for frame in moving_frames(3, 16, 16):
            writer.write(frame)
    assert sorted(p.name for p in folder.iterdir())[0] == "frame_000000.png"
    assert len(list(folder.iterdir())) == 3
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="other files"):
        with open_video_writer(tmp_path / "mine", 25):
            pass
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_failure_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with open_video_writer(tmp_path / "broken.mp4", 25) as writer:
            writer.write(moving_frames(1, 16, 16)[0])
            raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError, match="mp4"):
        with open_video_writer(tmp_path / "x.avi", 25):
            pass


def test_bad_videos_are_input_errors(tmp_path, clip):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(clip.read_bytes()[: len(clip.read_bytes()) // 3])
    text = tmp_path / "text.mp4"
    text.write_text("hello")
    for path in (empty, truncated, text, tmp_path / "missing.mp4"):
        with pytest.raises(InputError):
            with VideoReader(path) as reader:
                list(reader)
    sound = tmp_path / "sound.m4a"
    with av.open(str(sound), "w") as container:
        audio = container.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts = 8000, 0
        container.mux(audio.encode(frame))
        container.mux(audio.encode())
    with pytest.raises(InputError, match="no video stream"):
        VideoReader(sound)


def test_rate_from_timestamps_when_the_container_has_none(tmp_path):
    # A webm with a millisecond time base and frames 40 ms apart, written as browsers record.
    path = tmp_path / "recorded.webm"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libvpx", rate=1000)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for index, frame in enumerate(moving_frames(6, 32, 32)):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = index * 40
            video_frame.time_base = Fraction(1, 1000)
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode())
    with VideoReader(path) as reader:
        assert abs(reader.fps - 25.0) < 0.5
        assert len(list(reader)) == 6


@pytest.mark.parametrize("rotation", [90, -90, 180])
def test_a_phone_video_stored_sideways_is_read_upright(tmp_path, rotation):
    # A phone stores portrait video as landscape frames plus a display matrix that turns them.
    upright = moving_frames(3, 64, 48)  # portrait: 64 high, 48 wide
    stored = np.ascontiguousarray(np.rot90(upright, -rotation // 90, axes=(1, 2)))
    path = write_video(tmp_path / "phone.mp4", stored, 30, rotation=rotation)
    with VideoReader(path) as reader:
        assert (reader.width, reader.height) == (48, 64)
        frames = list(reader)
    assert [frame.shape for frame in frames] == [(64, 48, 3)] * 3
    assert all(frame.flags.c_contiguous for frame in frames)
    # lossy, but a wrong turn or mirror of a noise texture differs by ~50 levels
    assert np.abs(frames[1].astype(int) - upright[1]).mean() < 12
    assert read_first_frame(path).shape == (64, 48, 3)


def test_a_variable_frame_rate_keeps_its_frame_times(tmp_path):
    # 60 frames 33 ms apart, then 60 frames 67 ms apart, as a phone does when the light falls
    times = np.concatenate([np.arange(60) * 0.033, 60 * 0.033 + np.arange(60) * 0.067])
    clip = write_video(tmp_path / "vfr.mp4", moving_frames(120, 32, 32), 30, times=times)
    out = tmp_path / "out.mp4"
    with VideoReader(clip) as reader, open_video_writer(out, reader.rate, audio_from=clip) as w:
        for time, frame in reader.timed_frames():
            w.write(frame, time)
        assert w.variable_rate
    with VideoReader(out) as reader:
        written = np.array([time for time, _ in reader.timed_frames()])
    assert len(written) == 120
    assert abs(written[60] - 1.98) < 0.002  # at the mean rate it would be at 2.95 s
    assert np.allclose(written, times, atol=0.002)
    assert abs(probe(out)["audio_seconds"] - probe(clip)["audio_seconds"]) < 0.03


def test_an_even_frame_rate_is_not_called_variable(tmp_path, clip):
    with VideoReader(clip) as reader, open_video_writer(tmp_path / "o.mp4", reader.rate) as w:
        for time, frame in reader.timed_frames():
            w.write(frame, time)
        assert not w.variable_rate
    assert probe(tmp_path / "o.mp4")["fps"] == Fraction(30000, 1001)


def test_a_name_ending_in_a_slash_is_a_folder_of_pngs(tmp_path):
    # `-o out/frames.v2/`: a suffix, but the slash says folder
    name = f"{tmp_path}/out/frames.v2/"
    with open_video_writer(name, 25) as writer:
        writer.write(moving_frames(1, 16, 16)[0])
    assert [p.name for p in (tmp_path / "out" / "frames.v2").iterdir()] == ["frame_000000.png"]


def test_the_writer_says_whether_it_replaced_an_output_written_meanwhile(tmp_path):
    out = tmp_path / "same.mp4"
    frame = moving_frames(1, 16, 16)[0]
    with open_video_writer(out, 25) as first, open_video_writer(out, 25) as second:
        first.write(frame)
        second.write(frame)
        assert not out.exists()  # both started before either finished
    # the inner block (the second writer) finishes first: it wrote, the other replaced
    assert not second.replaced and first.replaced
    assert [p.name for p in tmp_path.iterdir()] == ["same.mp4"]
