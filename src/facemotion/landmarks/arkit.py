"""The 52 ARKit blendshape names in the order of Live Link Face's CSV, and the CSV columns."""

from __future__ import annotations

# Apple's spelling (ARFaceAnchor.BlendShapeLocation raw values), in the column order of the CSV
# that Epic's Live Link Face app records; "Left" is the subject's left, as in ARKit.
ARKIT_NAMES: tuple[str, ...] = (
    "eyeBlinkLeft",
    "eyeLookDownLeft",
    "eyeLookInLeft",
    "eyeLookOutLeft",
    "eyeLookUpLeft",
    "eyeSquintLeft",
    "eyeWideLeft",
    "eyeBlinkRight",
    "eyeLookDownRight",
    "eyeLookInRight",
    "eyeLookOutRight",
    "eyeLookUpRight",
    "eyeSquintRight",
    "eyeWideRight",
    "jawForward",
    "jawRight",
    "jawLeft",
    "jawOpen",
    "mouthClose",
    "mouthFunnel",
    "mouthPucker",
    "mouthRight",
    "mouthLeft",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "noseSneerLeft",
    "noseSneerRight",
    "tongueOut",
)

INDEX: dict[str, int] = {name: i for i, name in enumerate(ARKIT_NAMES)}

# ARKit's own enum order (ARFaceAnchor.BlendShapeLocation, Unreal's EARFaceBlendShape), which
# Live Link Face packets use, differs from the CSV order above in two places only: jawLeft
# comes before jawRight and mouthLeft before mouthRight.
_ENUM_SWAPS = (("jawRight", "jawLeft"), ("mouthRight", "mouthLeft"))


def _enum_order(names: tuple[str, ...]) -> tuple[str, ...]:
    order = list(names)
    for first, second in _ENUM_SWAPS:
        i, j = order.index(first), order.index(second)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


ARKIT_ENUM_NAMES: tuple[str, ...] = _enum_order(ARKIT_NAMES)

# Head and eye rotations that follow the 52 weights in a Live Link Face CSV.
POSE_COLUMNS: tuple[str, ...] = (
    "HeadYaw",
    "HeadPitch",
    "HeadRoll",
    "LeftEyeYaw",
    "LeftEyePitch",
    "LeftEyeRoll",
    "RightEyeYaw",
    "RightEyePitch",
    "RightEyeRoll",
)


def csv_name(name: str) -> str:
    """The CSV column of an ARKit name: the same word with a capital first letter."""
    return name[0].upper() + name[1:]


LIVE_LINK_COLUMNS: tuple[str, ...] = (
    "Timecode",
    "BlendShapeCount",
    *(csv_name(name) for name in ARKIT_NAMES),
    *POSE_COLUMNS,
)
