"""Every `facemotion` command line of the README's shell blocks, run as written on the bundled
samples (in-process), or listed with the reason it cannot run offline here."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest

from facemotion.assets import sample_path
from facemotion.cli import main
from facemotion.export.livelink_csv import build_csv
from facemotion.io.gltf_file import parse_glb
from facemotion.io.video import VideoReader
from facemotion.solver.pose import euler_angles
from facemotion.train.data import stable_fraction
from tests.conftest import DATA
from tests.export.character.motion import captured
from tests.media import probe, write_video

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


def _check_frames(work: Path) -> None:
    assert len(list((work / "frames").glob("frame_*.png"))) == 120


SIX_SUFFIXES = (".csv", ".json", ".bvh", ".glb", "_overlay.mp4", "_plots.png")


def _check_all_six(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    assert names == sorted(f"talk{suffix}" for suffix in SIX_SUFFIXES)


def _check_csv_glb(work: Path) -> None:
    assert sorted(path.name for path in (work / "out").iterdir()) == ["talk.csv", "talk.glb"]


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
    report = json.loads((work / "evaluation-landmarks.json").read_text())
    assert json.dumps(report)  # written and readable
    assert (work / "evaluation-landmarks.csv").is_file()


def _check_batch_capture(work: Path) -> None:
    names = sorted(path.name for path in (work / "out").iterdir())
    outputs = [f"{clip}{suffix}" for clip in ("take1", "take2") for suffix in SIX_SUFFIXES]
    assert names == sorted([*outputs, "capture-report.csv", "capture-report.json"])


def _check_batch_animate(work: Path) -> None:
    for clip in ("take1", "take2"):
        assert probe(work / "out" / f"portrait_{clip}.mp4")["frames"] == 12
    assert (work / "out" / "animate-report.json").is_file()


def _check_live_record(work: Path) -> None:
    assert (work / "out" / "live.csv").is_file() or any((work / "out").glob("*.csv"))


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
