"""Input expansion: folders, patterns, lists of paths; animate's pairs; output collisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from facemotion.batch.inputs import (
    VIDEO_SUFFIXES,
    animation_pairs,
    check_distinct,
    expand_inputs,
    is_many,
)
from facemotion.errors import InputError


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_folder_pattern_list_and_file_in_order_without_repeats(tmp_path):
    a, b = touch(tmp_path / "in" / "b.mp4"), touch(tmp_path / "in" / "a.MOV")
    touch(tmp_path / "in" / "notes.md")
    touch(tmp_path / "in" / "sub" / "deep.mp4")
    c = touch(tmp_path / "more" / "c.mp4")
    listing = tmp_path / "more" / "list.txt"
    listing.write_text("# takes\n\nc.mp4\n" + f"{a}\n")
    found = expand_inputs(
        [tmp_path / "in", str(tmp_path / "more" / "*.mp4"), f"@{listing}", a], VIDEO_SUFFIXES
    )
    assert found == [b, a, c]  # folder sorted, subfolders not entered; repeats dropped
    deep = expand_inputs([str(tmp_path / "**" / "*.mp4")], VIDEO_SUFFIXES)
    assert deep == sorted([a, c, tmp_path / "in" / "sub" / "deep.mp4"])
    assert expand_inputs([tmp_path / "in"], VIDEO_SUFFIXES, folders=True)[-1].name == "sub"


def test_what_counts_as_many(tmp_path):
    touch(tmp_path / "x.mp4")
    (tmp_path / "list.txt").write_text("x.mp4\n")
    assert is_many(tmp_path) and is_many(f"@{tmp_path / 'list.txt'}")
    assert is_many(str(tmp_path / "*.mp4"))
    assert not is_many(tmp_path / "x.mp4") and not is_many(tmp_path / "missing.mp4")
    assert not is_many(tmp_path / "list.txt")  # a text file is one input: a bad video, say


@pytest.mark.parametrize(
    "item, message",
    [
        ("missing.mp4", "video .*missing.mp4 does not exist"),
        ("empty", "folder .*empty holds no video"),
        ("*.mkv", "no file matches the pattern"),
        ("@blank.txt", "the list .*blank.txt names no video"),
        ("@stale.txt", "video .*gone.mp4 does not exist"),
        ("@nolist.txt", "the list of paths .*nolist.txt does not exist"),
    ],
)
def test_inputs_that_give_nothing_say_which(tmp_path, item, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "blank.txt").write_text("# nothing yet\n\n")
    (tmp_path / "stale.txt").write_text("gone.mp4\n")
    with pytest.raises(InputError, match=message):
        word = f"@{tmp_path / item[1:]}" if item.startswith("@") else str(tmp_path / item)
        expand_inputs([word], VIDEO_SUFFIXES, what="video")


def test_animation_pairs_one_side_single():
    one, many = [Path("face.png")], [Path("a.mp4"), Path("b.mp4")]
    assert animation_pairs(one, many) == [(one[0], many[0]), (one[0], many[1])]
    assert animation_pairs(many, one) == [(many[0], one[0]), (many[1], one[0])]
    with pytest.raises(InputError, match="2 sources and 2 driving videos"):
        animation_pairs(many, many)


def test_two_inputs_writing_one_output_are_refused():
    check_distinct({Path("a/x.mp4"): Path("out/x.csv"), Path("a/y.mp4"): Path("out/y.csv")})
    with pytest.raises(InputError, match="a/x.mp4 and b/x.mp4 would both write out/x.csv"):
        check_distinct({Path("a/x.mp4"): Path("out/x.csv"), Path("b/x.mp4"): Path("out/x.csv")})
