"""Which of the 52 ARKit scores drives a character's morph target or expression, by its name.

A name is looked up in this order (docs/characters.md has the table):
1. the user's map (`--map FILE`: character name -> ARKit name or a name of the table below);
2. an ARKit name exactly as Apple spells it (`jawOpen`);
3. the same ignoring case, separators and a prefix before the last `.`, `:` or `|`, with
   `_L`/`_R`, `.L`/`.R` or a final capital `L`/`R` read as Left/Right (`blendShape1.JawOpen`,
   `browDown_L`, `Eye_Blink_L`);
4. VRM expression presets (0.x and 1.0 names) and a few combined shapes avatars carry instead of
   ARKit's (Ready Player Me's `mouthOpen`, `eyesClosed`, ...), each the mean of some scores.

A `Drive` is a weighted sum of scores: ((ARKit index, weight), ...), clipped to [0, 1].
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import numpy as np

from facemotion.errors import InputError
from facemotion.landmarks.arkit import ARKIT_NAMES, INDEX

Drive = tuple[tuple[int, float], ...]


def _mean(*names: str) -> Drive:
    return tuple((INDEX[name], 1.0 / len(names)) for name in names)


def _pair(stem: str) -> Drive:
    return _mean(f"{stem}Left", f"{stem}Right")


# Expressions and combined shapes -> scores. "Left" is the character's own left, which follows
# the subject's left (ARKit's): the avatar copies the performer, it does not mirror them.
# VRM 0.x preset names are listed beside their 1.0 names (three-vrm renames them the same way).
DERIVED: dict[str, Drive] = {
    "aa": _mean("jawOpen"),
    "a": _mean("jawOpen"),
    "mouthOpen": _mean("jawOpen"),
    "ih": _pair("mouthUpperUp"),
    "i": _pair("mouthUpperUp"),
    "ou": _mean("mouthPucker"),
    "u": _mean("mouthPucker"),
    "ee": _pair("mouthStretch"),
    "e": _pair("mouthStretch"),
    "oh": _mean("mouthFunnel"),
    "o": _mean("mouthFunnel"),
    "happy": _pair("mouthSmile"),
    "joy": _pair("mouthSmile"),
    "mouthSmile": _pair("mouthSmile"),
    "angry": _pair("browDown"),
    "sad": _pair("mouthFrown"),
    "sorrow": _pair("mouthFrown"),
    "surprised": _mean("eyeWideLeft", "eyeWideRight", "browInnerUp"),
    "blink": _pair("eyeBlink"),
    "eyesClosed": _pair("eyeBlink"),
    "blinkLeft": _mean("eyeBlinkLeft"),
    "blinkRight": _mean("eyeBlinkRight"),
    "lookUp": _pair("eyeLookUp"),
    "eyesLookUp": _pair("eyeLookUp"),
    "lookDown": _pair("eyeLookDown"),
    "eyesLookDown": _pair("eyeLookDown"),
    # Looking to the character's left: the left eye turns out, the right eye turns in.
    "lookLeft": _mean("eyeLookOutLeft", "eyeLookInRight"),
    "lookRight": _mean("eyeLookInLeft", "eyeLookOutRight"),
}

# VRM 0.x preset names -> VRM 1.0 (VRMC_vrm expressions.preset), as three-vrm renames them.
VRM0_PRESETS = {
    "a": "aa",
    "i": "ih",
    "u": "ou",
    "e": "ee",
    "o": "oh",
    "joy": "happy",
    "angry": "angry",
    "sorrow": "sad",
    "fun": "relaxed",
    "blink": "blink",
    "blink_l": "blinkLeft",
    "blink_r": "blinkRight",
    "lookup": "lookUp",
    "lookdown": "lookDown",
    "lookleft": "lookLeft",
    "lookright": "lookRight",
    "neutral": "neutral",
    "surprised": "surprised",
}
VRM1_PRESETS = (
    "happy",
    "angry",
    "sad",
    "relaxed",
    "surprised",
    "aa",
    "ih",
    "ou",
    "ee",
    "oh",
    "blink",
    "blinkLeft",
    "blinkRight",
    "lookUp",
    "lookDown",
    "lookLeft",
    "lookRight",
    "neutral",
)

_SIDE = re.compile(r"(?:[_.\- ]([LlRr])|(?<=[a-z0-9])([LR]))$")


def normalise(name: str) -> str:
    """A name's comparable form: no prefix, lower case, no separators, sides spelled out.

    'blendShape1.JawOpen' -> 'jawopen'; 'browDown_L' and 'BrowDownLeft' -> 'browdownleft'.
    """
    side = _SIDE.search(name)
    if side:
        letter = (side.group(1) or side.group(2)).upper()
        name = name[: side.start()] + ("Left" if letter == "L" else "Right")
    name = re.split(r"[.:|]", name)[-1] or name
    return re.sub(r"[^a-z0-9]", "", name.lower())


_ARKIT_BY_FORM = {normalise(name): INDEX[name] for name in ARKIT_NAMES}
_DERIVED_BY_FORM = {normalise(name): drive for name, drive in DERIVED.items()}


def drive_for(name: str) -> Drive | None:
    """The scores an ARKit or table name stands for (steps 2-4 above); None when unknown."""
    if name in INDEX:
        return ((INDEX[name], 1.0),)
    form = normalise(name)
    if form in _ARKIT_BY_FORM:
        return ((_ARKIT_BY_FORM[form], 1.0),)
    return _DERIVED_BY_FORM.get(form)


def match(name: str, user_map: Mapping[str, Drive] | None = None) -> Drive | None:
    """The drive of a character's target or expression `name`; None when nothing matches."""
    if user_map and name in user_map:
        return user_map[name]
    return drive_for(name)


def read_user_map(text: str, source: str = "the map") -> dict[str, Drive]:
    """A user map: a JSON object {character name: ARKit or table name} -> drives.

    InputError naming the first value that is neither.
    """
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(entries, dict):
        raise InputError(f'{source} must be a JSON object such as {{"MTH_A": "jawOpen"}}')
    drives = {}
    for key, value in entries.items():
        drive = drive_for(value) if isinstance(value, str) else None
        if drive is None:
            raise InputError(
                f"{source}: {key!r} -> {value!r} is not an ARKit name "
                "(eyeBlinkLeft, jawOpen, ...) nor a VRM preset (aa, blink, happy, ...)"
            )
        drives[str(key)] = drive
    return drives


def evaluate(drive: Drive, scores: np.ndarray) -> np.ndarray:
    """(T,) values in [0, 1] of `drive` over scores (T, 52) in ARKIT_NAMES order."""
    total = np.zeros(len(scores), dtype=np.float64)
    for index, weight in drive:
        total += weight * scores[:, index]
    return np.clip(total, 0.0, 1.0)
