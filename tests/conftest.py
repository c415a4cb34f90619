from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    """The tiny FOMM fixture (config, checkpoint, reference outputs) kept in tests/data/golden."""
    return DATA / "golden"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
