"""`facemotion animate` with one source and many driving clips, or many sources and one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facemotion.batch import animate_batch
from facemotion.cli import main
from facemotion.config import load_config
from facemotion.errors import ModelError
from facemotion.models.checkpoint import save_checkpoint
from facemotion.models.seeded import seeded_networks
from tests.batch.conftest import carphone_frames
from tests.media import decoded_frames, probe


@pytest.fixture(scope="module")
def portraits(tmp_path_factory) -> list[Path]:
    """Two carphone frames as source images (a real face each)."""
    folder = tmp_path_factory.mktemp("portraits")
    frames = carphone_frames()
    paths = [folder / "early.png", folder / "late.png"]
    for path, frame in zip(paths, (frames[0], frames[-1]), strict=True):
        Image.fromarray(frame).save(path)
    return paths


# A FOMM network small enough for a test, in the released yaml layout.
TINY_YAML = """\
dataset_params:
  frame_shape: [64, 64, 3]
model_params:
  common_params: {num_kp: 4, num_channels: 3, estimate_jacobian: True}
  kp_detector_params:
    {temperature: 0.1, block_expansion: 8, max_features: 32, scale_factor: 0.25, num_blocks: 3}
  generator_params:
    block_expansion: 8
    max_features: 32
    num_down_blocks: 2
    num_bottleneck_blocks: 2
    estimate_occlusion_map: True
    dense_motion_params: {block_expansion: 8, max_features: 32, num_blocks: 3, scale_factor: 0.25}
"""


@pytest.fixture(scope="module")
def tiny_fomm(tmp_path_factory) -> tuple[Path, Path]:
    """(checkpoint, yaml) of a seeded 64x64 FOMM model."""
    folder = tmp_path_factory.mktemp("tiny")
    config = folder / "tiny-64.yaml"
    config.write_text(TINY_YAML)
    kp_detector, generator = seeded_networks(load_config(config))
    checkpoint = folder / "tiny-cpk.pth.tar"
    save_checkpoint(checkpoint, kp_detector=kp_detector, generator=generator)
    return checkpoint, config


# How far a FOMM video made in worker processes may be from the serial batch's: the mean
# absolute difference of each decoded frame, in levels of 255. The workers run torch with one
# thread, the serial batch with one a core, so convolutions sum in another order and a pixel
# can round to the next level; the H.264 encoder then takes another decision for that block.
# Measured (tiny model, 64x64): up to 1.2 on an AVX-512 CPU, 0.03 with torch held to AVX2
# (ATEN_CPU_CAPABILITY=avx2); the videos of two driving clips differ by 18 to 26 a frame
# after the first.
FOMM_FRAME_TOLERANCE = 3.0


def frame_differences(first: Path, second: Path) -> np.ndarray:
    """(T,) mean absolute difference of each decoded frame pair, in levels of 255."""
    a, b = decoded_frames(first).astype(float), decoded_frames(second).astype(float)
    assert a.shape == b.shape, (a.shape, b.shape)
    return np.abs(a - b).mean(axis=(1, 2, 3))


@pytest.mark.slow
def test_one_source_many_clips_serial_and_two_workers_agree(
    portraits, face_clips, tiny_fomm, tmp_path
):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir(), parallel.mkdir()
    model = {"model": tiny_fomm[0], "config": tiny_fomm[1]}
    report = animate_batch(portraits[0], face_clips, serial, workers=1, **model)
    names = [f"early_clip{i}.mp4" for i in range(3)]
    assert report.ok and [Path(r.file).name for r in report.results] == [
        f"clip{i}.mp4" for i in range(3)
    ]
    assert sorted(p.name for p in serial.glob("*.mp4")) == names
    assert all(probe(serial / name)["frames"] == 6 for name in names)
    assert all(probe(serial / name)["size"] == (64, 64) for name in names)
    animate_batch(portraits[0], face_clips, parallel, workers=2, **model)
    for name in names:
        differences = frame_differences(serial / name, parallel / name)
        assert differences.max() <= FOMM_FRAME_TOLERANCE, (name, differences)
    # The tolerance tells videos apart: another driving clip's video is far outside it.
    other = frame_differences(serial / names[0], parallel / names[1])
    assert other[1:].min() > 3 * FOMM_FRAME_TOLERANCE, other


@pytest.mark.slow
def test_many_sources_from_the_shell_with_one_clip(portraits, face_clips, tmp_path, capsys):
    clip = face_clips / "clip1.mp4"
    words = ["animate", *map(str, portraits), str(clip), "-o", str(tmp_path)]
    assert main([*words, "--workers", "2", "--quiet"]) == 0, capsys.readouterr().err
    names = ["early_clip1.mp4", "late_clip1.mp4"]
    assert sorted(p.name for p in tmp_path.glob("*.mp4")) == names
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith("2 files: 2 done, 0 already done, 0 failed; 12 frames")
    assert "2 worker processes" in summary
    assert main(words) == 0
    assert "2 files: 0 done, 2 already done" in capsys.readouterr().out
    # The landmark model (MediaPipe tracking, then a warp without long sums) writes the same
    # bytes in this process as in the workers: checked run after run under a load of 6 to 16
    # on 2 cores (docs/batch.md).
    serial = tmp_path / "serial"
    animate_batch(portraits, clip, serial, workers=1, progress=False)
    for name in names:
        assert (serial / name).read_bytes() == (tmp_path / name).read_bytes(), name


@pytest.mark.parametrize(
    "words, message",
    [
        (["{portraits}", "{clips}"], "2 sources and 3 driving videos"),
        (["{portrait}", "{clips}", "-o", "{out}/x.mp4"], "the output is a folder"),
        (["{portrait}", "{clips}", "--workers", "0"], "workers must be 1 or more"),
    ],
)
def test_one_line_errors(portraits, face_clips, tmp_path, capsys, words, message):
    values = {
        "portraits": str(portraits[0].parent),
        "portrait": str(portraits[0]),
        "clips": str(face_clips),
        "out": str(tmp_path),
    }
    assert main(["animate", *(word.format(**values) for word in words)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("facemotion animate: error: ") and message in err
    assert err.count("\n") == 1 and list(tmp_path.iterdir()) == []


def test_a_model_that_does_not_load_stops_the_batch(portraits, face_clips, tmp_path, capsys):
    code = main(["animate", str(portraits[0]), str(face_clips), "-o", str(tmp_path),
                 "--model", "nosuch", "--workers", "1", "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == ModelError.exit_code and err.count("\n") == 1, err
    assert "'nosuch' is neither a model name" in err and "the batch stopped" in err
    rows = (tmp_path / "animate-report.csv").read_text().splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == ["failed"] * 3
    assert sum("not run: the batch stopped before it" in row for row in rows) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "animate-report.csv",
        "animate-report.json",
    ]
