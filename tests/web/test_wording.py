"""The web app's wording of remedies: controls named in an English sentence after 'try'."""

from __future__ import annotations

import pytest

from facemotion.errors import InputError, Remedy
from facemotion.web.wording import error_text


@pytest.mark.parametrize(
    ("remedy", "wording"),
    [
        (Remedy("crop", "auto"), "try setting Crop to auto"),
        (Remedy("relative", False), "try turning Relative motion off"),
        (Remedy("find_best_frame", True), "try turning Find best frame on"),
        (Remedy("model"), "try changing Model"),
        (Remedy("face"), "try another picture with one clear face"),
    ],
    ids=["value", "off", "on", "no-value", "something-to-give"],
)
def test_remedies_read_as_english(remedy, wording):
    assert (
        error_text(InputError("no face found in a.png", remedy))
        == f"no face found in a.png; {wording}"
    )


def test_two_remedies(capsys):
    error = InputError("x", Remedy("crop", "auto"), Remedy("model", "vox"))
    assert error_text(error) == "x; try setting Crop to auto or setting Model to vox"
