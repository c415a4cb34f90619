"""Batch capture throughput: files per minute serially, in 2 worker processes, on local Ray.

Figures (8 clips of 30 frames of the carphone sample, capture with CSV and JSON outputs):
- batch_files_per_min_serial / _workers2 / _ray_local: whole batches, each from the call to
  its report (Ray's include starting and stopping its instance, as `--ray local` does).
- batch_speedup_workers2, batch_speedup_ray_local: against serial, in the same run.
- batch_one_thread_vs_default: the serial batch with one BLAS/OpenMP/torch thread against
  the libraries' default threads: near 1 when one capture process keeps about one core busy,
  which is why a worker gets one thread and the default is one worker a core.
On a machine whose cores are shared with other work the ratios move from run to run; compare
them within a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CLIPS, FRAMES = 8, 30


def _clips(folder: Path) -> Path:
    from fractions import Fraction

    import av

    from facemotion.assets import sample_path
    from facemotion.io.video import VideoReader

    with VideoReader(sample_path("carphone.mp4")) as reader:
        frames = np.stack([np.asarray(frame) for frame in reader])
    step = (len(frames) - FRAMES) // CLIPS
    folder.mkdir()
    for index in range(CLIPS):
        with av.open(str(folder / f"clip{index}.mp4"), "w") as container:
            stream = container.add_stream("libx264", rate=Fraction(25))
            stream.height, stream.width = frames.shape[1:3]
            stream.pix_fmt = "yuv420p"
            for frame in frames[index * step : index * step + FRAMES]:
                container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
            container.mux(stream.encode())
    return folder


def _batch_seconds(clips: Path, out: Path, **where) -> float:
    from facemotion.batch import capture_batch

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    started = time.perf_counter()
    report = capture_batch(clips, out, formats=("csv", "json"), **where)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"the benchmark batch failed: {report.failed[0]}")
    return seconds


def _one_thread_seconds(clips: Path, out: Path) -> float:
    """The serial batch in a child process whose libraries start with one thread."""
    code = (
        "import sys, time; from facemotion.batch import capture_batch; t = time.perf_counter(); "
        "capture_batch(sys.argv[1], sys.argv[2], formats=('csv', 'json'), workers=1); "
        "print(time.perf_counter() - t)"
    )
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    variables = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    env = {**os.environ, **{name: "1" for name in variables}}
    done = subprocess.run(
        [sys.executable, "-c", code, str(clips), str(out)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def _default_threads_seconds(clips: Path, out: Path) -> float:
    code = (
        "import sys, time; from facemotion.batch import capture_batch; t = time.perf_counter(); "
        "capture_batch(sys.argv[1], sys.argv[2], formats=('csv', 'json'), workers=1); "
        "print(time.perf_counter() - t)"
    )
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", code, str(clips), str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def run() -> dict[str, float]:
    from facemotion.batch.threads import available_cores

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        clips = _clips(root / "clips")
        _batch_seconds(clips, root / "warm", workers=1)  # MediaPipe's first load, file caches
        serial = _batch_seconds(clips, root / "serial", workers=1)
        workers2 = _batch_seconds(clips, root / "workers2", workers=2)
        ray_local = _batch_seconds(clips, root / "ray", ray="local", workers=2)
        one_thread = _one_thread_seconds(clips, root / "one")
        default_threads = _default_threads_seconds(clips, root / "default")
    per_minute = {
        name: CLIPS * 60 / seconds
        for name, seconds in (("serial", serial), ("workers2", workers2), ("ray_local", ray_local))
    }
    figures = {
        "batch_files_per_min_serial": per_minute["serial"],
        "batch_files_per_min_workers2": per_minute["workers2"],
        "batch_files_per_min_ray_local": per_minute["ray_local"],
        "batch_speedup_workers2": serial / workers2,
        "batch_speedup_ray_local": serial / ray_local,
        "batch_one_thread_vs_default": default_threads / one_thread,
    }
    print(f"{CLIPS} clips of {FRAMES} frames, capture to CSV and JSON, {available_cores()} cores")
    print(f"{'executor':<24}{'seconds':>10}{'files/min':>12}{'vs serial':>12}")
    for name, seconds in (("serial", serial), ("workers2", workers2), ("ray_local", ray_local)):
        print(f"{name:<24}{seconds:>10.1f}{per_minute[name]:>12.1f}{serial / seconds:>11.2f}x")
    print(
        f"serial child, 1 thread vs default threads: {one_thread:.1f} s vs "
        f"{default_threads:.1f} s ({figures['batch_one_thread_vs_default']:.2f}x)"
    )
    return figures
