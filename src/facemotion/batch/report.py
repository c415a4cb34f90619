"""What a batch did, file by file: the summary line and the CSV and JSON reports."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from facemotion.errors import FacemotionError, Remedy
from facemotion.io.atomic import atomic_output

DONE, SKIPPED, FAILED = "done", "skipped", "failed"
COLUMNS = ("file", "status", "frames", "seconds", "error", "outputs")


class FilesFailed(FacemotionError):
    """Some files of a batch failed (the others were written); the report says which."""


@dataclass(frozen=True)
class FileResult:
    """One input's outcome.

    status: 'done' (written now), 'skipped' (its outputs were already there: a rerun) or
    'failed' (error says why, remedies what to change, as a FacemotionError has them).
    frames: frames processed (0 when skipped or failed early). seconds: wall time of this
    file in its worker. outputs: the files it wrote or found.
    fatal: the error is not the file's but the batch's (a model that does not load, a full
    disk), so the batch stops; exit_code: that error's. attempts: how many times the file was
    started (more than 1: its Ray task was lost with a worker or node and run again).
    """

    file: str
    status: str
    frames: int = 0
    seconds: float = 0.0
    error: str = ""
    outputs: tuple[str, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    fatal: bool = False
    exit_code: int = 0
    attempts: int = 1

    @property
    def error_text(self) -> str:
        """The error with its remedies in the API's words, as the reports give it."""
        return str(FacemotionError(self.error, *self.remedies)) if self.error else ""


@dataclass(frozen=True)
class BatchReport:
    """Every input's FileResult in input order, and the batch's wall time in seconds."""

    job: str
    results: tuple[FileResult, ...]
    seconds: float
    executor: str = "serial"
    reports: tuple[Path, ...] = field(default=())  # the CSV and JSON, once written
    # inputs found in a folder or pattern that are outputs of this batch (an earlier run's,
    # written into the input folder): not taken as inputs
    ignored: tuple[Path, ...] = field(default=())

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.results)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return self.count(FAILED) == 0

    @property
    def failed(self) -> tuple[FileResult, ...]:
        return tuple(result for result in self.results if result.status == FAILED)

    @property
    def retried(self) -> int:
        """Files whose task was lost with its worker or node and run again."""
        return sum(result.attempts > 1 for result in self.results)

    @property
    def frames(self) -> int:
        return sum(result.frames for result in self.results)

    @property
    def summary(self) -> str:
        """One line: files by status, frames and time."""
        rate = self.frames / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"{len(self.results)} files: {self.count(DONE)} done, {self.count(SKIPPED)} already "
            f"done, {self.count(FAILED)} failed; {self.frames} frames in {self.seconds:.1f} s "
            f"({rate:.1f} frames/s, {self.executor})"
        )
        if self.retried:
            text += f"; {self.retried} retried after a lost worker"
        if self.ignored:
            more = f" and {len(self.ignored) - 1} more" if len(self.ignored) > 1 else ""
            text += (
                f"; not taken as inputs, being outputs of this batch: {self.ignored[0].name}{more}"
            )
        if self.reports:
            text += f"; report: {', '.join(str(path) for path in self.reports)}"
        return text

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for result in self.results:
            writer.writerow(
                [
                    result.file,
                    result.status,
                    result.frames,
                    f"{result.seconds:.3f}",
                    result.error_text,
                    ";".join(result.outputs),
                ]
            )
        return buffer.getvalue()

    def to_json(self) -> str:
        files = [
            {
                key: result.error_text if key == "error" else value
                for key, value in asdict(result).items()
                if key in COLUMNS
            }
            for result in self.results
        ]
        document = {
            "job": self.job,
            "executor": self.executor,
            "seconds": round(self.seconds, 3),
            "counts": {status: self.count(status) for status in (DONE, SKIPPED, FAILED)},
            "retried": self.retried,
            "files": files,
        }
        return json.dumps(document, indent=2) + "\n"

    def write(self, stem: str | Path) -> BatchReport:
        """Write `stem`.csv and `stem`.json (each atomically); the report that names them."""
        stem = Path(stem)
        paths = (stem.with_name(stem.name + ".csv"), stem.with_name(stem.name + ".json"))
        for path, text in zip(paths, (self.to_csv(), self.to_json()), strict=True):
            with atomic_output(path) as temporary:
                temporary.write_text(text, encoding="utf-8")
        return dataclasses.replace(self, reports=paths)

    def check(self) -> BatchReport:
        """This report, or FilesFailed when a file failed."""
        if self.ok:
            return self
        where = f"; see {self.reports[0]}" if self.reports else ""
        first = self.failed[0]
        raise FilesFailed(
            f"{len(self.failed)} of {len(self.results)} files failed (first: {first.file}: "
            f"{first.error}){where}"
        )
