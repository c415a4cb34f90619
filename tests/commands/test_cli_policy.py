"""The CLI's own policy: --debug before or after the command, usage errors in one line."""

from __future__ import annotations

import pytest

from facemotion.cli import main
from facemotion.errors import InputError


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "animate", "nope.png", "nope.mp4"],
        ["animate", "nope.png", "nope.mp4", "--debug"],
    ],
    ids=["before", "after"],
)
def test_debug_shows_the_error_itself_wherever_it_is_given(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="nope.png"):
        main(argv)


def test_usage_error_is_one_line_with_where_to_look(capsys):
    with pytest.raises(SystemExit) as info:
        main(["capture", "clip.mp4", "--smooth", "fast"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1
    assert err.startswith("facemotion capture: error: ") and "facemotion capture --help" in err


def test_a_hint_names_only_flags_the_command_has(capsys, monkeypatch):
    # a pipeline error offers every remedy; `capture` has --face but no --model
    from facemotion.commands import capture
    from facemotion.errors import NoFaceError, Remedy

    def refuse(args):
        raise NoFaceError("no face found in x.png", Remedy("face", 0), Remedy("model", "vox"))

    monkeypatch.setattr(capture, "run", refuse)
    assert main(["capture", "x.png"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.endswith("no face found in x.png; try --face 0"), err


def test_our_warnings_are_one_line_and_others_are_left_alone(capsys):
    import warnings

    from facemotion.cli import _one_line_warnings
    from facemotion.models.precision import SlowPrecisionWarning

    # Another library's warning goes where it went before: here, pytest's record of them.
    with pytest.warns(UserWarning, match="a library's own") as others:
        with _one_line_warnings("animate"):
            warnings.warn("bf16 runs slower than fp32 here", SlowPrecisionWarning, stacklevel=1)
            warnings.warn("a library's own", UserWarning, stacklevel=1)
    assert (
        capsys.readouterr().err == "facemotion animate: warning: bf16 runs slower than fp32 here\n"
    )
    assert [type(w.message) for w in others] == [UserWarning]
