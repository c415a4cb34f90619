"""Generated media for tests: videos with moving content and a sine-tone audio track."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from facemotion.assets import sample_path


def moving_frames(count: int, height: int = 64, width: int = 64, seed: int = 0) -> np.ndarray:
    """(count, H, W, 3) uint8: a textured square drifting across a gradient."""
    rng = np.random.default_rng(seed)
    texture = rng.integers(0, 256, size=(height // 3, width // 3, 3), dtype=np.uint8)
    base = np.linspace(40, 200, width, dtype=np.uint8)[None, :, None].repeat(height, 0)
    base = base.repeat(3, 2)
    out = np.empty((count, height, width, 3), np.uint8)
    for i in range(count):
        frame = base.copy()
        y = (height // 4 + i) % (height - texture.shape[0])
        x = (width // 4 + 2 * i) % (width - texture.shape[1])
        frame[y : y + texture.shape[0], x : x + texture.shape[1]] = texture
        out[i] = frame
    return out


def write_video(
    path: Path,
    frames: np.ndarray,
    fps: Fraction | int = 25,
    *,
    audio: bool = True,
    sample_rate: int = 44100,
    times: np.ndarray | None = None,
    rotation: int = 0,
) -> Path:
    """Write frames (T, H, W, 3) uint8 as H.264 mp4, with an AAC sine tone as long as the video.

    times: (T,) seconds of each frame (a variable frame rate; default: 1/fps apart), kept to the
    millisecond; rotation: a display matrix turning the stored frames counterclockwise by this
    many degrees when shown, as a phone writes for portrait video."""
    fps = Fraction(fps)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        if times is not None:
            stream.codec_context.time_base = stream.time_base = Fraction(1, 1000)
        audio_stream = None
        if audio:
            audio_stream = container.add_stream("aac", rate=sample_rate)
            audio_stream.layout = "mono"
        for index, frame in enumerate(frames):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            if times is not None:
                video_frame.pts = round(float(times[index]) * 1000)
                video_frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio_stream is not None:
            seconds = len(frames) / fps if times is None else float(times[-1]) + 1 / fps
            total = int(round(seconds * sample_rate))
            t = np.arange(total) / sample_rate
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
            chunk = 1024
            for start in range(0, total, chunk):
                samples = np.ascontiguousarray(tone[:, start : start + chunk])
                frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
                frame.sample_rate = sample_rate
                frame.pts = start
                for packet in audio_stream.encode(frame):
                    container.mux(packet)
            for packet in audio_stream.encode():
                container.mux(packet)
    return path


def probe(path: Path) -> dict:
    """fps, decoded frame count, size and audio duration (s) of a video file."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        fps = video.average_rate
        count, size = 0, None
        for frame in container.decode(video=0):
            count += 1
            size = (frame.width, frame.height)
    audio_seconds = 0.0
    with av.open(str(path)) as container:
        if container.streams.audio:
            samples, rate = 0, container.streams.audio[0].rate
            for frame in container.decode(audio=0):
                samples += frame.samples
            audio_seconds = samples / rate
    return {"fps": fps, "frames": count, "size": size, "audio_seconds": audio_seconds}


def decoded_frames(path: Path) -> np.ndarray:
    """(T, H, W, 3) uint8: every frame of a video file, decoded."""
    with av.open(str(path)) as container:
        return np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)])


def astronaut_in_a_wide_photo(width: int, height: int, side: int = 800) -> tuple[np.ndarray, int]:
    """The astronaut at `side` px pasted a third of the way across a (height, width) gradient,
    and the x where it starts."""
    image = np.empty((height, width, 3), np.uint8)
    image[:] = np.linspace(60, 180, width, dtype=np.uint8)[None, :, None]
    astronaut = Image.open(sample_path("astronaut.png")).convert("RGB").resize((side, side))
    left, top = (width - side) // 3, (height - side) // 2
    image[top : top + side, left : left + side] = np.asarray(astronaut)
    return image, left


def person_in_stripes(width: int = 640) -> tuple[np.ndarray, np.ndarray]:
    """(384, width, 3) uint8: the astronaut (the bundled sample at 384 px), cut out with the
    bundled segmenter, standing at the left of a striped scene; and (384, width) bool: where
    she is, grown by 30 px (a band her head may move in)."""
    import cv2

    from facemotion.assets import sample_path
    from facemotion.io.images import load_image
    from facemotion.landmarks.segmentation import segment_person

    astronaut = cv2.resize(load_image(sample_path("astronaut.png")), (384, 384))
    opacity = segment_person(astronaut)[..., None]
    y, x = np.mgrid[0:384, 0:width].astype(np.float32)
    wave = 0.5 + 0.4 * np.sin((x + 0.5 * y) * 0.5)
    scene = np.stack([wave, 0.6 - 0.4 * wave, 0.4 + 0.2 * np.sin(y * 0.2)], axis=2) * 255
    photo = scene.copy()
    photo[:, :384] = opacity * astronaut + (1 - opacity) * scene[:, :384]
    person = np.zeros((384, width), np.uint8)
    person[:, :384] = opacity[..., 0] > 0.02
    near = cv2.dilate(person, np.ones((61, 61), np.uint8)) > 0
    return np.round(photo).astype(np.uint8), near
