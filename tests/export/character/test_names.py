"""Names: ARKit spellings, VRM presets and combined shapes, and the user's map."""

from __future__ import annotations

import numpy as np
import pytest

from facemotion.errors import InputError
from facemotion.export.character.names import evaluate, match, normalise, read_user_map
from facemotion.landmarks.arkit import INDEX


@pytest.mark.parametrize(
    "name",
    [
        "browDownLeft",
        "BrowDownLeft",
        "browDown_L",
        "blendShape1.browDown_L",
        "Brow_Down.L",
        "browDownL",
        "ns:BrowDown_Left",
    ],
)
def test_spellings_of_an_arkit_name_meet(name):
    assert normalise(name) == "browdownleft"
    assert match(name) == ((INDEX["browDownLeft"], 1.0),)


def test_right_is_not_left_and_unknown_names_match_nothing():
    assert match("mouthSmile_R") == ((INDEX["mouthSmileRight"], 1.0),)
    assert match("Fcl_MTH_A") is None and match("") is None
    # A final lower-case letter is part of the word, not a side.
    assert match("jawOpenl") is None


@pytest.mark.parametrize(
    ("name", "sources"),
    [
        ("aa", {"jawOpen"}),
        ("a", {"jawOpen"}),
        ("blink", {"eyeBlinkLeft", "eyeBlinkRight"}),
        ("blink_l", {"eyeBlinkLeft"}),
        ("blinkRight", {"eyeBlinkRight"}),
        ("joy", {"mouthSmileLeft", "mouthSmileRight"}),
        ("happy", {"mouthSmileLeft", "mouthSmileRight"}),
        ("lookLeft", {"eyeLookOutLeft", "eyeLookInRight"}),
        ("lookdown", {"eyeLookDownLeft", "eyeLookDownRight"}),
        ("eyesClosed", {"eyeBlinkLeft", "eyeBlinkRight"}),
        ("mouthOpen", {"jawOpen"}),
    ],
)
def test_presets_and_combined_shapes_follow_their_scores(name, sources):
    drive = match(name)
    assert {index for index, _ in drive} == {INDEX[source] for source in sources}
    assert sum(weight for _, weight in drive) == pytest.approx(1.0)


def test_the_user_map_comes_first_and_is_checked():
    user = read_user_map('{"Fcl_MTH_A": "jawOpen", "blink": "eyeBlinkLeft", "X": "joy"}')
    assert match("Fcl_MTH_A", user) == ((INDEX["jawOpen"], 1.0),)
    assert match("blink", user) == ((INDEX["eyeBlinkLeft"], 1.0),)
    assert len(match("X", user)) == 2
    with pytest.raises(InputError, match="'MTH' -> 'jawOpn' is not an ARKit name"):
        read_user_map('{"MTH": "jawOpn"}', "my.json")
    with pytest.raises(InputError, match="not JSON"):
        read_user_map("MTH=jawOpen")
    with pytest.raises(InputError, match="JSON object"):
        read_user_map('["jawOpen"]')


def test_a_drive_is_a_clipped_weighted_sum():
    scores = np.zeros((3, 52))
    scores[:, INDEX["eyeBlinkLeft"]] = [0.0, 0.4, 1.0]
    scores[:, INDEX["eyeBlinkRight"]] = [0.2, 0.8, 1.0]
    np.testing.assert_allclose(evaluate(match("blink"), scores), [0.1, 0.6, 1.0])
    np.testing.assert_allclose(evaluate(((0, 2.0),), scores), [0.0, 0.8, 1.0])


def test_the_docs_table_is_the_code_table():
    """docs/characters.md lists every combined name with the scores that drive it."""
    import re
    from pathlib import Path

    from facemotion.export.character.names import DERIVED

    text = (Path(__file__).resolve().parents[3] / "docs" / "characters.md").read_text()
    listed = set()
    for names, sources in re.findall(r"^\| (`[^|]+`) \| ([a-zA-Z, ]+) \|$", text, re.M):
        expected = {INDEX[source.strip()] for source in sources.split(",")}
        for name in re.findall(r"`([^`]+)`", names):
            assert {index for index, _ in match(name)} == expected, name
            listed.add(name)
    assert set(DERIVED) <= listed
