"""Where the fp32 FOMM path spends its time, layer by layer, against this CPU's matmul rate.

`python -m benchmarks.profile_fomm [FRAMES]` animates FRAMES (default 4) driving frames with
vox-256 at seeded weights through `FommModel`'s networks (fp32, batch 1, after a warm-up; the
source encoded before) under torch.profiler, and prints one row per convolution layer (module
name, shape, ms a frame, GFLOP a frame, GFLOP/s and that rate as a fraction of a 4096x4096
float32 matmul timed in the same run), then the time outside convolutions by op. Convolution
FLOPs are torch's count (2 * multiply-adds). Set ONEDNN_MAX_CPU_ISA=AVX2
ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 to see an AVX2-only CPU's kernels on an
AVX-512 machine (docs/speed.md).
"""

from __future__ import annotations

import collections
import sys

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

from benchmarks.bench_fomm import cpu_model_and_flags, matmul_gflops
from facemotion.models.fomm import FommModel, image_to_tensor
from facemotion.models.normalize import normalize_keypoints
from facemotion.models.registry import released_config
from facemotion.models.seeded import seeded_networks, synthetic_frames

CONVOLUTIONS = {"aten::conv2d"}


def cpu_description() -> str:
    """The CPU's model name and its SIMD flags that matter to convolutions and bf16."""
    model, simd = cpu_model_and_flags()
    return f"{model} ({simd or 'no SIMD flags read'})"


def conv_names(model: FommModel) -> tuple[dict[tuple, list[str]], list]:
    """(input shape, weight shape) -> names of the runner's convolutions called with them
    (filled as the model runs), and the hooks that fill it."""
    runner = model.runner
    seen: dict[tuple, list[str]] = collections.defaultdict(list)
    hooks = []
    for section, root in (
        ("keypoints", runner.keypoint_detector),
        ("encoder", runner.encoder),
        ("generator", runner.frame_generator),
    ):
        for name, module in root.named_modules():
            if isinstance(module, nn.Conv2d):

                def record(mod, inputs, label=f"{section}.{name}"):
                    key = (tuple(inputs[0].shape), tuple(mod.weight.shape))
                    if label not in seen[key]:
                        seen[key].append(label)

                hooks.append(module.register_forward_pre_hook(record))
    return seen, hooks


def run(frames_count: int = 4) -> None:
    cfg = released_config("vox-256")
    model = FommModel(cfg, *seeded_networks(cfg))
    source = next(synthetic_frames(1, seed=1))
    frames = list(synthetic_frames(frames_count))
    print(f"{cpu_description()}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"cpu capability {torch.backends.cpu.get_cpu_capability()}")
    names, hooks = conv_names(model)
    list(model.animate(source, frames[:1]))  # warm-up, and the names of each shape's layers
    for hook in hooks:
        hook.remove()
    matmul = matmul_gflops()
    # What each driving frame costs: the source's keypoints and encoding, done once per
    # animation, stay out of the profile (FommModel.animate's loop, batch 1, relative).
    runner, device = model.runner, model.device
    source_tensor = image_to_tensor(source, device)
    kp_source, encoded = runner.keypoints(source_tensor), runner.encode(source_tensor)
    kp_initial = runner.keypoints(image_to_tensor(frames[0], device))
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True, with_flops=True) as prof:
        for frame in frames:
            kp_driving = runner.keypoints(image_to_tensor(frame, device))
            kp_norm = normalize_keypoints(kp_source, kp_driving, kp_initial, relative=True)
            runner.generate(encoded, kp_source, kp_norm)
    matmul = max(matmul, matmul_gflops())  # before and after: the better of two under load
    events = prof.key_averages(group_by_input_shape=True)
    total_ms = sum(e.self_cpu_time_total for e in events) / 1000 / frames_count
    # Convolutions PyTorch does not hand to oneDNN (im2col + GEMM instead): marked '*'.
    fallback = {
        (tuple(e.input_shapes[0]), tuple(e.input_shapes[1]))
        for e in events
        if e.key in ("aten::_slow_conv2d_forward", "aten::thnn_conv2d")
    }
    rows = []
    for event in events:
        if event.key not in CONVOLUTIONS:
            continue
        shapes = event.input_shapes
        key = (tuple(shapes[0]), tuple(shapes[1]))
        label = ("* " if key in fallback else "") + ", ".join(names.get(key, ["?"]))
        milliseconds = event.cpu_time_total / 1000 / frames_count
        gflop = event.flops / 1e9 / frames_count
        rows.append((milliseconds, gflop, label, key))
    rows.sort(reverse=True)
    conv_ms = sum(row[0] for row in rows)
    conv_gflop = sum(row[1] for row in rows)
    print(f"\nmatmul 4096^2 fp32: {matmul:.0f} GFLOP/s")
    print(f"a frame: {total_ms:.0f} ms of CPU time, of which convolutions {conv_ms:.0f} ms")
    print(
        f"convolutions: {conv_gflop:.1f} GFLOP a frame at {conv_gflop / conv_ms * 1e3:.0f} "
        f"GFLOP/s ({conv_gflop / conv_ms * 1e3 / matmul:.2f} of matmul)\n"
    )
    print(f"{'layer':<58}{'input':>18}{'kernel':>14}{'ms':>8}{'GFLOP':>7}{'GFLOP/s':>9}{'x mm':>6}")
    for milliseconds, gflop, label, (inputs, weight) in rows:
        rate = gflop / milliseconds * 1e3 if milliseconds else 0.0
        kernel = f"{weight[1]}->{weight[0]} {weight[2]}x{weight[3]}"
        shape = "x".join(str(size) for size in inputs)
        print(
            f"{label[:57]:<58}{shape:>18}{kernel:>14}{milliseconds:>8.1f}{gflop:>7.2f}"
            f"{rate:>9.0f}{rate / matmul:>6.2f}"
        )
    print("\noutside convolutions (self CPU time, ms a frame):")
    convolution_parts = {
        "aten::convolution",
        "aten::_convolution",
        "aten::mkldnn_convolution",
        "aten::_slow_conv2d_forward",
        "aten::thnn_conv2d",
        *CONVOLUTIONS,
    }
    others = collections.Counter()
    for event in events:
        if event.key not in convolution_parts:
            others[event.key] += event.self_cpu_time_total / 1000 / frames_count
    for key, milliseconds in others.most_common(8):
        print(f"  {key:<40}{milliseconds:>8.1f}")


if __name__ == "__main__":
    with torch.inference_mode():
        run(int(sys.argv[1]) if sys.argv[1:] else 4)
