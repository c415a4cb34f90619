"""The web app's wording of errors: remedies as the controls a user sees, by error class and
remedy parameter (never by matching message text)."""

from __future__ import annotations

from facemotion.errors import CachedModelUnusable, FacemotionError, ModelNotDownloaded, Remedy

# API parameter -> the control that sets it in the app.
CONTROLS = {
    "crop": "Crop",
    "expression": "Expression",
    "model": "Model",
    "relative": "Relative motion",
    "adapt_scale": "Adapt movement scale",
    "find_best_frame": "Find best frame",
    "best_frame": "Find best frame",
    "face": "another picture with one clear face",
    "map": "a character whose shapes have ARKit or VRM names (docs/characters.md)",
}


# Remedies that are something to give rather than a control to change.
GIVEN = frozenset({"face", "map"})


def remedy_text(remedy: Remedy) -> str:
    """What follows 'try': 'setting Crop to auto', 'turning Relative motion off', 'changing
    Model'; a parameter the app has no control for is named as it is."""
    control = CONTROLS.get(remedy.parameter)
    if control is None:
        return str(remedy)
    if remedy.parameter in GIVEN:
        return control
    if remedy.value is None:
        return f"changing {control}"
    if isinstance(remedy.value, bool):
        return f"turning {control} {'on' if remedy.value else 'off'}"
    return f"setting {control} to {remedy.value}"


def error_text(error: FacemotionError) -> str:
    """The one line the app shows for `error`."""
    if isinstance(error, ModelNotDownloaded):
        return (
            f"model {error.name} is not downloaded yet; press 'Download model' (needs the internet)"
        )
    if isinstance(error, CachedModelUnusable):
        return (
            f"{error.message}; download it again in a terminal: facemotion download "
            f"{error.name} --force"
        )
    if not error.remedies:
        return error.message
    return f"{error.message}; try {' or '.join(remedy_text(r) for r in error.remedies)}"
