"""A command that runs MediaPipe prints only its own lines on the real stderr (fd 2)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PIL import Image


def test_no_native_log_lines_around_a_one_line_error(tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((96, 96, 3), 200, np.uint8)).save(blank)
    code = (
        "import sys; from facemotion.cli import main; "
        f"sys.exit(main(['capture', {str(blank)!r}, '-o', {str(tmp_path)!r}, '--quiet']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no face" in lines[0], result.stderr
