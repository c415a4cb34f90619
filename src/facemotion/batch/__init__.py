"""Many files in one call: batch capture, prepare and animate, on this process, local worker
processes or a Ray cluster (facemotion.batch.api)."""

from facemotion.batch.api import animate_batch, capture_batch, prepare_batch
from facemotion.batch.report import BatchReport, FileResult

__all__ = ["BatchReport", "FileResult", "animate_batch", "capture_batch", "prepare_batch"]
