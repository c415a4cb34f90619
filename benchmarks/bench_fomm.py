"""FOMM inference speed: the reference per-frame path against each of ours, in one run.

Model: the vox-256 configuration with seeded random weights (He-normal convolutions, random
BatchNorm statistics, Jacobian head near identity), so that images, keypoints and Jacobians
spread as a trained model's do; inputs are smooth synthetic 256x256 images.

- reference: per driving frame, keypoint detector on the source and on the frame, then
  `generator(source, kp_norm, kp_source, visualise=True)` (encoder, full-size 'deformed'),
  batch 1, torch.no_grad: what the original demo computes (the demo itself detects the
  source keypoints once; `x demo` below credits that back to it).
- ours: `FommModel.animate` over a whole animation (source encoded once, its cost included).
  Paths are timed in interleaved rounds, each keeping its best, since other processes may
  share the cores. max|diff| is against the reference's frames; its 'noise floor' is how far
  the reference itself moves when the driving frames move by one float32 rounding step.
- auto: `precision="auto"` at batch 1 against fp32 at batch 1 (bf16 where this CPU computes it
  natively, else fp32: `fomm_auto_precision_vs_fp32` is 1 within noise there). The CPU's model,
  its SIMD flags and `cpu_native_bf16` are printed and recorded with the figures.
- GFLOP/s: convolution FLOPs actually executed by our fp32 path per frame (counted by
  torch's FlopCounterMode) times its frames/s, against a 4096x4096 float32 matmul timed here.
- peak RSS: a fresh process streams N generated 256x256 driving frames through
  `FommModel.animate` with the vox-256 layout at reduced widths ('tiny-256': block_expansion
  8, max_features 32), so thousands of frames take seconds; what grows with N if frames were
  held is the same. The video reader and writer are not part of this figure.
"""

from __future__ import annotations

import dataclasses
import math
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from facemotion.config import FommConfig
from facemotion.models.checkpoint import build_networks
from facemotion.models.fomm import FommModel, image_to_tensor, tensor_to_image
from facemotion.models.normalize import normalize_keypoints
from facemotion.models.precision import cpu_native_bf16
from facemotion.models.registry import released_config
from facemotion.models.seeded import seeded_networks, synthetic_frames

REFERENCE_FRAMES = 4
OUR_FRAMES = 16
ROUNDS = 3
RSS_FRAMES = (100, 300, 1000, 3000)


def tiny_256_config() -> FommConfig:
    """The vox-256 layout at 256x256 with the golden fixture's widths (for RSS runs)."""
    cfg = released_config("vox-256")
    narrow = dict(block_expansion=8, max_features=32)
    dense = dataclasses.replace(cfg.generator.dense_motion, num_blocks=3, **narrow)
    return dataclasses.replace(
        cfg,
        kp_detector=dataclasses.replace(cfg.kp_detector, num_blocks=3, **narrow),
        generator=dataclasses.replace(
            cfg.generator, num_down_blocks=2, num_bottleneck_blocks=2, dense_motion=dense, **narrow
        ),
    )


def reference_animate(kp_detector, generator, source, frames) -> Iterator[np.ndarray]:
    """The reference per-frame path (see the module docstring); relative, adapt scale."""
    device = torch.device("cpu")
    kp_initial = None
    with torch.no_grad():
        for frame in frames:
            source_tensor = image_to_tensor(source, device)
            kp_source = kp_detector(source_tensor)
            kp_driving = kp_detector(image_to_tensor(frame, device))
            kp_initial = kp_initial or kp_driving
            kp_norm = normalize_keypoints(kp_source, kp_driving, kp_initial)
            out = generator(source_tensor, kp_norm, kp_source, visualise=True)
            yield tensor_to_image(out["prediction"])


def best_seconds(function: Callable[[], object], repeats: int = ROUNDS) -> float:
    """Least wall time of `repeats` calls after one warm-up call (others share the cores)."""
    function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def cpu_model_and_flags() -> tuple[str, str]:
    """This CPU's model name and its SIMD flags (avx*, amx*, fma), from /proc/cpuinfo."""
    model, flags = platform.processor() or "unknown CPU", set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    simd = sorted(flag for flag in flags if flag.startswith(("avx", "amx", "fma")))
    return model, " ".join(simd)


def matmul_gflops(n: int = 4096) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    return 2 * n**3 / best_seconds(lambda: a @ b, 3) / 1e9


def peak_rss_mb(frames: int) -> float:
    """Peak RSS (MB) of a fresh process streaming `frames` frames through tiny-256."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_fomm", "rss", str(frames)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.split()[-1])


def _stream_for_rss(frames: int) -> None:
    cfg = tiny_256_config()
    model = FommModel(cfg, *seeded_networks(cfg))
    source = next(synthetic_frames(1, seed=1))
    checksum = 0
    # Each result is quantised as a writer would, then dropped.
    for frame in model.animate(source, synthetic_frames(frames)):
        checksum += int((frame * 255 + 0.5).astype(np.uint8)[::64, ::64].sum())
    # VmHWM, not getrusage's ru_maxrss, which Linux carries over from the parent across exec.
    status = Path("/proc/self/status").read_text()
    peak_kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    print(checksum, int(peak_kb) / 1024)


def _timed(function: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run() -> dict[str, float | str]:
    cfg = released_config("vox-256")
    kp_detector, generator = seeded_networks(cfg)
    source = next(synthetic_frames(1, seed=1))
    frames = list(synthetic_frames(OUR_FRAMES))
    print(f"vox-256, seeded weights, {torch.get_num_threads()} threads, torch {torch.__version__}")
    cpu_model, cpu_flags = cpu_model_and_flags()
    print(f"CPU: {cpu_model}; native bf16: {cpu_native_bf16()}; flags: {cpu_flags}")
    matmul = matmul_gflops()

    def reference(driving=frames[:REFERENCE_FRAMES]):
        return np.stack(list(reference_animate(kp_detector, generator, source, driving)))

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        reference(frames[:1])
    reference_flops = counter.get_total_flops()
    kp_seconds = best_seconds(lambda: FommModel(cfg, kp_detector, generator).keypoints(source), 3)
    # How far the reference moves when its driving frames move by one float32 rounding step:
    # no float32 implementation can be judged closer to it than that.
    noise_floor = np.abs(
        reference([f * np.float32(1 + 2**-23) for f in frames[:4]]) - reference(frames[:4])
    ).max()

    paths = {
        "torch fp32": dict(batch=1),
        "torch bf16, batch 4": dict(precision="bf16", batch=4),
        "torch auto": dict(precision="auto", batch=1),
        "onnxruntime fp32, batch 2": dict(backend="onnxruntime", batch=2),
    }
    if torch.cuda.is_available():
        paths["cuda fp32, batch 8"] = dict(device="cuda", batch=8)
        paths["cuda fp16, batch 8"] = dict(device="cuda", batch=8, precision="fp16")
    models, setup = {}, {}
    for label, options in paths.items():
        models[label] = FommModel(cfg, kp_detector, generator, **options)
    print(f"precision auto runs {models['torch auto'].precision} here")
    for label in paths:
        # Builds the inference networks (ONNX: exports the graphs) and warms up.
        setup[label], _ = _timed(lambda m=models[label]: list(m.animate(source, frames[:2])))
    # Rounds interleave the paths, and each path keeps its best round, so that load from
    # other processes sharing the cores hurts every path alike.
    seconds = {label: math.inf for label in ["reference", *paths]}
    results = {}
    for _ in range(ROUNDS):
        elapsed, expected = _timed(reference)
        seconds["reference"] = min(seconds["reference"], elapsed / REFERENCE_FRAMES)
        for label, model in models.items():
            elapsed, results[label] = _timed(
                lambda m=model: np.stack(list(m.animate(source, frames)))
            )
            seconds[label] = min(seconds[label], elapsed / OUR_FRAMES)
    fps = {label: 1 / value for label, value in seconds.items()}
    reference_fps = fps["reference"]
    demo_fps = 1 / (seconds["reference"] - kp_seconds)
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        list(FommModel(cfg, kp_detector, generator).animate(source, frames))
    our_flops = counter.get_total_flops() / OUR_FRAMES
    achieved = our_flops * fps["torch fp32"] / 1e9

    print(f"\n{'path':<28}{'batch':>6}{'frames/s':>10}{'x ref':>8}{'x demo':>8}{'max|diff|':>11}")
    print(
        f"{'reference per-frame':<28}{1:>6}{reference_fps:>10.2f}{1:>8.2f}"
        f"{reference_fps / demo_fps:>8.2f}{noise_floor:>11.1e}  (noise floor)"
    )
    for label, options in paths.items():
        diff = np.abs(results[label][:REFERENCE_FRAMES] - expected).max()
        note = f"  (setup {setup[label]:.0f} s)" if setup[label] > 2 else ""
        print(
            f"{label:<28}{options['batch']:>6}{fps[label]:>10.2f}"
            f"{fps[label] / reference_fps:>8.2f}{fps[label] / demo_fps:>8.2f}{diff:>11.1e}{note}"
        )
    bf16_diff = np.abs(results["torch bf16, batch 4"] - results["torch fp32"])
    torch.manual_seed(0)
    plain = build_networks(cfg)  # PyTorch's default initialisation: near-constant outputs
    plain_diff = np.abs(
        np.stack(list(FommModel(cfg, *plain, precision="bf16").animate(source, frames[:4])))
        - np.stack(list(FommModel(cfg, *plain).animate(source, frames[:4])))
    )
    print(
        f"\nbf16 vs fp32: max abs {bf16_diff.max():.1e}, mean abs {bf16_diff.mean():.1e} "
        f"(PyTorch default init instead: max abs {plain_diff.max():.1e})"
    )
    print(f"matmul 4096^2 fp32: {matmul:.0f} GFLOP/s")
    print(
        f"reference: {reference_flops / 1e9:.1f} GFLOP/frame, "
        f"{reference_flops * reference_fps / 1e9:.0f} GFLOP/s "
        f"({reference_flops * reference_fps / 1e9 / matmul:.2f} of matmul)"
    )
    print(
        f"ours fp32: {our_flops / 1e9:.1f} GFLOP/frame executed, {achieved:.0f} GFLOP/s "
        f"({achieved / matmul:.2f} of matmul); reference work done per second: "
        f"{reference_flops * fps['torch fp32'] / 1e9 / matmul:.2f} of matmul"
    )

    rss = {frames_count: peak_rss_mb(frames_count) for frames_count in RSS_FRAMES}
    print("\npeak RSS, tiny-256 streaming N frames through FommModel.animate (fresh process):")
    for frames_count, megabytes in rss.items():
        print(f"  {frames_count:>5} frames: {megabytes:.0f} MB")
    auto_vs_fp32 = fps["torch auto"] / fps["torch fp32"]
    print(f"auto ({models['torch auto'].precision}) vs fp32, both batch 1: {auto_vs_fp32:.2f}x")
    figures = {
        "cpu_model": cpu_model,
        "cpu_flags": cpu_flags,
        "cpu_native_bf16": float(cpu_native_bf16()),
        "fomm_auto_fps": fps["torch auto"],
        "fomm_auto_precision_vs_fp32": auto_vs_fp32,
        "fomm_reference_fps": reference_fps,
        "fomm_fps": fps["torch fp32"],
        "fomm_speedup": fps["torch fp32"] / reference_fps,
        "fomm_speedup_vs_demo": fps["torch fp32"] / demo_fps,
        "fomm_fp32_max_abs_diff": float(
            np.abs(results["torch fp32"][:REFERENCE_FRAMES] - expected).max()
        ),
        "fomm_reference_noise_floor": float(noise_floor),
        "fomm_bf16_fps": fps["torch bf16, batch 4"],
        "fomm_bf16_speedup": fps["torch bf16, batch 4"] / reference_fps,
        "fomm_bf16_max_abs_diff": float(bf16_diff.max()),
        "fomm_bf16_mean_abs_diff": float(bf16_diff.mean()),
        "fomm_bf16_max_abs_diff_default_init": float(plain_diff.max()),
        "fomm_onnx_fps": fps["onnxruntime fp32, batch 2"],
        "fomm_onnx_speedup": fps["onnxruntime fp32, batch 2"] / reference_fps,
        "fomm_matmul_gflops": matmul,
        "fomm_gflops": achieved,
        "fomm_gflops_efficiency": achieved / matmul,
        "fomm_reference_gflops_efficiency": reference_flops * reference_fps / 1e9 / matmul,
        "fomm_rss_mb_100": rss[100],
        "fomm_rss_mb_1000": rss[1000],
        "fomm_rss_mb_300": rss[300],
        "fomm_rss_mb_3000": rss[3000],
        "rss_ratio_3000_vs_300": rss[3000] / rss[300],
    }
    if torch.cuda.is_available():
        figures["fomm_cuda_fps"] = fps["cuda fp32, batch 8"]
        figures["fomm_cuda_fp16_fps"] = fps["cuda fp16, batch 8"]
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["rss"]:
        with torch.inference_mode():
            _stream_for_rss(int(sys.argv[2]))
    else:
        print(run())
