"""The layers of docs/architecture.md hold (import-linter), and the docs' tables come from the
registries (every model and export format is listed where users read about them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from facemotion.export.registry import FORMATS
from facemotion.models.registry import MODELS

ROOT = Path(__file__).resolve().parents[1]


def test_layers_import_only_downward():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_architecture_doc_names_every_layer():
    text = (ROOT / "docs" / "architecture.md").read_text()
    contract = (ROOT / "pyproject.toml").read_text().split("[tool.importlinter]")[1]
    layers = re.findall(r"facemotion\.(\w+)", contract)
    assert layers and all(f"`{layer}`" in text for layer in layers)


def test_readme_lists_every_model_and_output_format():
    readme = (ROOT / "README.md").read_text()
    for name in MODELS:
        assert re.search(rf"\| [^|]*`{re.escape(name)}`", readme), name
    for entry in FORMATS.values():
        assert f"`talk{entry.suffix}`" in readme, entry.name
