"""`facemotion prepare` on several inputs in worker processes: the training layout, resumed."""

from __future__ import annotations

from pathlib import Path

from facemotion.batch import prepare_batch
from facemotion.cli import main
from tests.media import write_video
from tests.train.synthetic import shape_frames, write_frame_folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.png"))
    }


def test_prepare_in_two_workers_equals_serial_and_resumes(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(3):
        write_video(raw / f"take{i}.mp4", shape_frames(5, 48, seed=i), audio=False)
    write_frame_folder(raw / "frames", shape_frames(4, 48, seed=9))
    (raw / "readme.md").write_text("not a video")
    extra = tmp_path / "extra.txt"
    extra.write_text("raw/take0.mp4\n")  # already in raw/: given twice, prepared once
    options = ["--size", "32", "--crop", "center", "--test-fraction", "0.5", "--quiet"]
    assert main(["prepare", str(raw), f"@{extra}", str(tmp_path / "two"), *options]) == 0
    out = capsys.readouterr().out
    assert "4 videos into" in out and "4 files: 4 done" in out
    serial = prepare_batch(raw, tmp_path / "one", size=32, crop_mode="center", test_fraction=0.5,
                           workers=1)  # fmt: skip
    assert serial.ok and serial.frames == 19
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    splits = {Path(result.outputs[0]).parent.name for result in serial.results}
    assert splits == {"train", "test"}
    again = prepare_batch(raw, tmp_path / "two", size=32, crop_mode="center", test_fraction=0.5)
    assert [result.status for result in again.results] == ["skipped"] * 4
    assert (tmp_path / "two" / "prepare-report.csv").is_file()


def test_a_video_too_short_is_said_and_the_rest_prepared(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_frame_folder(raw / "long", shape_frames(3, 32))
    write_frame_folder(raw / "short", shape_frames(1, 32))
    code = main(["prepare", str(raw), str(tmp_path / "data"), "--crop", "center", "--size",
                 "16", "--test-fraction", "0", "--quiet", "--workers", "1"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0  # prepare's rule: unusable clips are said, the set is still made
    assert captured.err.strip() == "skipped short: fewer than 2 frames"
    assert "2 files: 1 done, 0 already done, 1 failed" in captured.out
    report = (tmp_path / "data" / "prepare-report.csv").read_text()
    assert "short,failed,0," in report.replace(str(raw) + "/", "")
    assert sorted(p.name for p in (tmp_path / "data" / "train").iterdir()) == ["long"]
