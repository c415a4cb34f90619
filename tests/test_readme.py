"""Every `facemotion` command line of the README's shell blocks, run as written on the bundled
samples (in-process), or listed with the reason it cannot run offline here."""

from __future__ import annotations

import csv
import itertools
import json
import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.export.livelink_csv import build_csv
from facemotion.io.gltf_file import parse_glb
from facemotion.io.video import VideoReader
from facemotion.solver.pose import euler_angles
from facemotion.train.data import stable_fraction
from tests.conftest import DATA
from tests.export.character.motion import captured
from tests.media import astronaut_in_a_wide_photo, probe, write_video

README = Path(__file__).resolve().parents[1] / "README.md"

NOT_RUN_HERE = {
    "facemotion animate portrait.jpg talking.mp4 --model vox -o result.mp4": "downloads vox",
    "facemotion animate doll.png talking.mp4 --checkpoint vox-cpk.pth.tar --config vox-256": (
        "needs the released vox checkpoint file"
    ),
    "facemotion train --config vox-256 --data data/ --out runs/me": (
        "a full vox-256 training run (hours); tests/commands/test_train_cli.py runs train"
    ),
    "torchrun --nproc_per_node 4 -m facemotion.cli train --config vox-256 --data data/ "
    "--out runs/me": "4 processes of vox-256 training; tests/train/test_distributed.py",
    "facemotion evaluate --checkpoint runs/me/00000099-checkpoint.pth.tar --config vox-256 "
    "--data data/": "needs the checkpoint of that training run",
    "facemotion serve": "a server that runs until stopped; tests/web and tests/bad_input serve",
    "facemotion serve --gallery my_faces/": "as above; tests/web/test_ui.py has --gallery",
    "facemotion live --camera 0 --send livelink://192.168.1.20": "needs a webcam",
    "facemotion live --camera 0 --send vmc://127.0.0.1:39539": "needs a webcam",
    "facemotion live --camera 0 --animate portrait.jpg --virtual-camera": (
        "needs a webcam and a virtual camera device"
    ),
    "facemotion capture 'takes/*.mov' -o out/ --ray local": (
        "starts a Ray instance (~15 s); tests/batch/test_ray.py runs --ray local"
    ),
    "facemotion capture clips/ -o /shared/out/ --ray auto": (
        "needs a Ray cluster started with ray start; tests/batch joins one by address"
    ),
}


def readme_command_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S):
        for line in block.splitlines():
            command = re.split(r"\s+#", line)[0].strip()
            if command.startswith(("facemotion ", "torchrun ")):
                lines.append(command)
    return lines


def _check_result_mp4(work: Path) -> None:
    info = probe(work / "result.mp4")
    assert info["frames"] == 120 and info["size"][0] == info["size"][1]
    assert info["audio_seconds"] == 0  # the sample clip is silent
    with VideoReader(work / "result.mp4") as reader:
        frames = np.stack(list(reader)).astype(np.float32)
    # the portrait moves: frames differ from the first one, by more than coding noise
    motion = np.abs(frames - frames[0]).mean(axis=(1, 2, 3))
    assert motion.max() > 4.0 and (motion > 1.0).mean() > 0.5, motion


def _check_wide_result(work: Path) -> None:
    """The astronaut's face, 8% of a 1920x1080 photo's width, was found and animated in place."""
    info = probe(work / "wide_result.mp4")
    assert info["frames"] == 120 and info["size"] == (1920, 1080)
    motion = np.zeros((1080, 1920), np.float32)  # mean change from the first frame, a pixel
    with VideoReader(work / "wide_result.mp4") as reader:
        frames = (frame.astype(np.float32) for frame in itertools.islice(reader, 60))
        first = next(frames)
        for frame in frames:
            motion += np.abs(frame - first).mean(axis=2) / 59
    left = (1920 - 800) // 3  # where tests.media puts the astronaut
    face = motion[250:550, left + 150 : left + 450].mean()
    assert face > 2.0 and motion[:, 1500:].mean() < 0.5, (face, motion[:, 1500:].mean())


# Carphone's mouth: nearly shut at frame 0 (inner lips ~0.16 eye distances apart), wide open
# at frame 59 (~0.71), measured on the Face Landmarker's landmarks.
MOUTH_OPEN_FRAME = 59


def _check_frames(work: Path) -> None:
    """120 PNGs; where carphone opens its mouth, the portrait's mouth changes, while its
    background (the still scene) stays as in the first frame."""
    from PIL import Image

    from facemotion.landmarks.image import detect_image_landmarks

    paths = sorted((work / "frames").glob("frame_*.png"))
    assert len(paths) == 120
    first = np.asarray(Image.open(paths[0]).convert("RGB")).astype(np.float32)
    opened = np.asarray(Image.open(paths[MOUTH_OPEN_FRAME]).convert("RGB")).astype(np.float32)
    points = detect_image_landmarks(first.astype(np.uint8))
    lips = points[[61, 291, 0, 17], :2]  # corners, upper and lower lip middles
    (x0, y0), (x1, y1) = lips.min(axis=0).astype(int) - 4, lips.max(axis=0).astype(int) + 8
    mouth = np.abs(opened - first)[y0:y1, x0:x1].mean()
    corner = np.abs(opened - first)[:20, :20].mean()
    assert mouth > 10.0 and corner < 1.0, (mouth, corner)


def _livelink_rows(path: Path) -> list[dict[str, float]]:
    """The rows of a Live Link Face CSV, read with the csv module: every value a number,
    blendshapes within [0, 1], head angles (radians) within a quarter turn."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and len(rows[0]) == 2 + 52 + 9, list(rows[0])
    values = []
    for row in rows:
        numbers = {name: float(text) for name, text in row.items() if name != "Timecode"}
        assert numbers["BlendShapeCount"] == 61
        shapes = [numbers[name] for name in list(numbers)[1:53]]
        assert all(0.0 <= value <= 1.0 for value in shapes), row
        assert all(abs(numbers[name]) < np.pi / 2 for name in ("HeadYaw", "HeadPitch", "HeadRoll"))
        values.append(numbers)
    return values


def _check_capture_outputs(folder: Path, stem: str, frames: int, mouth_opens: bool) -> None:
    """The six outputs of one capture hold `frames` frames of sane values; with mouth_opens,
    jawOpen follows carphone's mouth (shut at its first frame, open at MOUTH_OPEN_FRAME)."""
    from PIL import Image

    rows = _livelink_rows(folder / f"{stem}.csv")
    assert len(rows) == frames
    jaw = np.array([row["JawOpen"] for row in rows])
    if mouth_opens:
        assert jaw[MOUTH_OPEN_FRAME] > 0.3 and jaw[MOUTH_OPEN_FRAME] > jaw[0] + 0.2, jaw
    document = json.loads((folder / f"{stem}.json").read_text())
    assert document["frame_count"] == len(document["frames"]) == frames
    assert all(frame["detected"] for frame in document["frames"])
    for frame in document["frames"]:
        assert 20 < -frame["head"]["translation_cm"][2] < 200  # in front of the camera
        assert all(0.0 <= value <= 1.0 for value in frame["blendshapes"])
    bvh = (folder / f"{stem}.bvh").read_text()
    assert bvh.startswith("HIERARCHY") and f"Frames: {frames}" in bvh
    glb = parse_glb((folder / f"{stem}.glb").read_bytes()).document
    assert glb["animations"] and glb["meshes"][0]["primitives"][0]["targets"]
    overlay = folder / f"{stem}_overlay.mp4"
    assert probe(overlay)["frames"] == frames
    plots = np.asarray(Image.open(folder / f"{stem}_plots.png").convert("L"))
    assert plots.shape[0] > 200 and plots.std() > 10  # lines and labels, not a blank sheet


SIX_SUFFIXES = (".csv", ".json", ".bvh", ".glb", "_overlay.mp4", "_plots.png")


def _check_all_six(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    assert names == sorted(f"talk{suffix}" for suffix in SIX_SUFFIXES)
    _check_capture_outputs(work / "out", "talk", 120, mouth_opens=True)
    # The overlay draws on the clip: its frames are not the clip's.
    with (
        VideoReader(work / "talk.mp4") as clip,
        VideoReader(work / "out/talk_overlay.mp4") as drawn,
    ):
        first, over = np.asarray(next(iter(clip)), float), np.asarray(next(iter(drawn)), float)
    assert first.shape == over.shape and np.abs(first - over).mean() > 1.0


def _check_csv_glb(work: Path) -> None:
    assert sorted(path.name for path in (work / "out").iterdir()) == ["talk.csv", "talk.glb"]
    rows = _livelink_rows(work / "out" / "talk.csv")
    assert len(rows) == 120
    # Frame 12 is the neutral: its weights are ~0 (measured 0.008 at most; with the clip's
    # own most neutral frames as the neutral, 0.19), while the mouth still opens later.
    shapes = list(rows[0])[1:53]
    assert max(rows[12][name] for name in shapes) < 0.05
    assert rows[MOUTH_OPEN_FRAME]["JawOpen"] > 0.3


def _head_x_cm(path: Path) -> np.ndarray:
    frames = json.loads(path.read_text())["frames"]
    assert all(frame["detected"] for frame in frames)
    return np.array([frame["head"]["translation_cm"][0] for frame in frames])


def _check_second_face(work: Path) -> None:
    """--face 1 followed the face on the right: its head is right of face 0's in every frame."""
    assert main(["capture", "group.mp4", "-o", "left", "--face", "0", "--formats", "json"]) == 0
    right, left = _head_x_cm(work / "out" / "group.json"), _head_x_cm(work / "left" / "group.json")
    assert np.all(right > left + 5.0), (right, left)


def _check_prepared(work: Path) -> None:
    assert len(list((work / "data" / "test").iterdir())) == 1
    assert len(list((work / "data" / "train").iterdir())) == 1


def _check_evaluation(work: Path) -> None:
    """The one test video (12 frames) reconstructed from its first frame: an L1 (pixel
    values in [0, 1]) and AKD (pixels) of a good reconstruction, the CSV agreeing."""
    report = json.loads((work / "evaluation-landmarks.json").read_text())
    overall = report["overall"]
    assert [video["frames"] for video in report["videos"]] == [12] and overall["frames"] == 12
    assert 0.0 < overall["l1"] < 0.1 and 0.0 < overall["akd"] < 5.0, overall
    assert overall["akd_frames"] == 12
    with open(work / "evaluation-landmarks.csv", newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    assert last["video"] == "overall"
    assert float(last["l1"]) == pytest.approx(overall["l1"], abs=1e-6)
    assert float(last["akd"]) == pytest.approx(overall["akd"], abs=1e-4)


def _check_batch_capture(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    outputs = [f"{clip}{suffix}" for clip in ("take1", "take2") for suffix in SIX_SUFFIXES]
    assert names == sorted([*outputs, "capture-report.csv", "capture-report.json"])
    for clip in ("take1", "take2"):
        _check_capture_outputs(work / "out", clip, 12, mouth_opens=False)


def _check_batch_animate(work: Path) -> None:
    for clip in ("take1", "take2"):
        assert probe(work / "out" / f"portrait_{clip}.mp4")["frames"] == 12
    assert (work / "out" / "animate-report.json").is_file()


def _check_live_record(work: Path) -> None:
    """The recording of the clip played in real time (frames may be dropped): sane values,
    and the mouth opening that carphone shows at frames 55 to 63 and 105 to 117."""
    names = sorted(path.name for path in (work / "out").iterdir())
    assert names == ["talk.bvh", "talk.csv", "talk.glb", "talk.json", "talk_plots.png"], names
    rows = _livelink_rows(work / "out" / "talk.csv")
    assert 10 <= len(rows) <= 120, len(rows)
    assert max(row["JawOpen"] for row in rows) > 0.25


def _check_capture_onto(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    expected = [f"talk{suffix}" for suffix in SIX_SUFFIXES]
    assert names == sorted([*expected, "talk_avatar.glb", "talk_avatar.vrma"])


def _check_character(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    assert names == ["take_avatar.glb", "take_avatar.vrma"]
    document = parse_glb((work / "out" / "take_avatar.glb").read_bytes()).document
    assert document["animations"] and "VRM" in document["extensions"]


CHECKS = {
    "facemotion animate portrait.jpg talking.mp4 -o result.mp4": _check_result_mp4,
    "facemotion animate portrait.jpg talking.mp4 -o frames/": _check_frames,
    "facemotion animate wide.jpg talking.mp4 --crop auto --paste-back -o wide_result.mp4": (
        _check_wide_result
    ),
    "facemotion capture talk.mp4 -o out/": _check_all_six,
    "facemotion capture talk.mp4 -o out/ --formats csv,glb --neutral-frame 12": _check_csv_glb,
    "facemotion capture group.mp4 -o out/ --face 1 --smooth 1.0,0.5": _check_second_face,
    "facemotion prepare raw_videos/ data/": _check_prepared,
    "facemotion capture clips/ -o out/ --workers 2": _check_batch_capture,
    "facemotion animate portrait.jpg clips/ -o out/": _check_batch_animate,
    "facemotion evaluate --model landmarks --data data/": _check_evaluation,
    "facemotion live --camera talk.mp4 --send livelink://127.0.0.1 --record out/": (
        _check_live_record
    ),
    "facemotion retarget take.csv avatar.vrm -o out/": _check_character,
    "facemotion capture talk.mp4 --onto avatar.vrm -o out/": _check_capture_onto,
}


def test_every_readme_command_line_is_run_or_excused():
    assert sorted(readme_command_lines()) == sorted([*CHECKS, *NOT_RUN_HERE])


def _name_in_split(test: bool) -> str:
    return next(f"clip{i}" for i in range(1000) if (stable_fraction(f"clip{i}") < 0.1) == test)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    """The README's file names, made from the bundled samples."""
    root = tmp_path_factory.mktemp("readme")
    carphone = sample_path("carphone.mp4")
    shutil.copy(sample_path("grace_hopper.jpg"), root / "portrait.jpg")
    Image.fromarray(astronaut_in_a_wide_photo(1920, 1080)[0]).save(root / "wide.jpg")
    shutil.copy(carphone, root / "talking.mp4")
    shutil.copy(carphone, root / "talk.mp4")
    with VideoReader(carphone) as reader:
        frames = np.stack(list(reader))[:30]
    # two people side by side: the second from the left is the mirrored one
    write_video(root / "group.mp4", np.concatenate([frames, frames[:, :, ::-1]], axis=2), 30)
    (root / "clips").mkdir()
    for name, start in (("take1", 0), ("take2", 10)):
        write_video(root / "clips" / f"{name}.mp4", frames[start : start + 12], 30)
    shutil.copy(DATA / "characters" / "vrm0_simple_morph.vrm", root / "avatar.vrm")
    motion = captured()
    angles = euler_angles(motion.rotation)
    eyes = np.zeros((len(angles), 2, 3))
    (root / "take.csv").write_text(build_csv(motion.times_s, 25, motion.blendshapes, angles, eyes))
    (root / "raw_videos").mkdir()
    for test in (True, False):
        write_video(root / "raw_videos" / f"{_name_in_split(test)}.mp4", frames[:12], 30)
    return root


@pytest.mark.slow
def test_readme_command_lines_run_as_written(samples, tmp_path, monkeypatch, capsys):
    for path in samples.iterdir():
        (shutil.copytree if path.is_dir() else shutil.copy)(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    for line, check in CHECKS.items():
        if (tmp_path / "out").exists():
            shutil.rmtree(tmp_path / "out")
        argv = shlex.split(line)[1:]
        if argv[0] == "live":
            argv += ["--quiet"]
        assert main(argv) == 0, f"{line}: {capsys.readouterr().err}"
        check(tmp_path)
