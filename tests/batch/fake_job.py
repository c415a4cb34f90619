"""A batch job without media, for the runner's tests: copies each input's text to its output
(5 frames), refuses inputs named bad*, and stops the batch on inputs named disk*."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from facemotion.batch.jobs import Task
from facemotion.errors import InputError, OutputError, Remedy
from facemotion.io.atomic import atomic_output


def run(task: Task, options: object) -> tuple[int, Sequence[Path]]:
    name = task.inputs[0].name
    if name.startswith("bad"):
        raise InputError(f"{name} is bad", Remedy("face", 1))
    if name.startswith("disk"):
        raise OutputError("the disk is full")
    with atomic_output(task.outputs[0]) as temporary:
        temporary.write_text(task.inputs[0].read_text())
    return 5, task.outputs
