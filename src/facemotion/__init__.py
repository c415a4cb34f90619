"""facemotion: markerless facial motion capture and image animation.

Public API (re-exports only): `load_model`, `animate`.
"""

__version__ = "0.1.0"
