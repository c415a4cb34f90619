"""Which floating-point precision FOMM's decoder runs in, by name and by hardware.

'fp32' (the default) computes the original function. 'bf16' and 'fp16' trade the last digits
for speed, but only where the hardware computes them natively: on a CPU without bf16
instructions oneDNN emulates bf16 with float32 arithmetic plus conversions, and FOMM ran at
0.27x the reference there against fp32's 1.51x (a 2-core AVX2-only AMD EPYC). 'auto' picks the
reduced precision where it is native and fp32 elsewhere.
"""

from __future__ import annotations

import functools
import os
import warnings
from typing import TYPE_CHECKING

from facemotion.errors import FacemotionWarning, InputError, Remedy

if TYPE_CHECKING:  # torch is imported where it runs: the CLI's options need only the names
    import torch

PRECISIONS = ("fp32", "bf16", "fp16")
# What a user may ask for: a precision, or 'auto' (see resolve_precision).
PRECISION_CHOICES = (*PRECISIONS, "auto")
# Tensor cores (fp16 matrix units) arrived with compute capability 7.0 (Volta).
_TENSOR_CORE_CAPABILITY = (7, 0)
# oneDNN instruction-set caps (ONEDNN_MAX_CPU_ISA) below its first with bf16 arithmetic
# (AVX512_CORE_BF16): under one of these oneDNN emulates bf16 whatever the CPU has.
_ISAS_WITHOUT_BF16 = {"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE",
                      "AVX512_CORE_VNNI"}  # fmt: skip


class SlowPrecisionWarning(FacemotionWarning):
    """Reduced precision asked for on hardware that only emulates it (slower than fp32)."""


@functools.cache
def cpu_native_bf16() -> bool:
    """True where this CPU has bf16 arithmetic instructions (AVX512-BF16 or AMX-BF16).

    torch's own checks read CPUID through the cpuinfo library (the same answer as the
    avx512_bf16 / amx_bf16 flags in /proc/cpuinfo, and also off Linux). They are private
    names, so a torch build without them counts as no native bf16: fp32, never a slowdown.
    An oneDNN capped below bf16 (ONEDNN_MAX_CPU_ISA=AVX2, say) counts as none either.
    """
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA") or os.environ.get("DNNL_MAX_CPU_ISA") or ""
    if cap.upper() in _ISAS_WITHOUT_BF16:
        return False
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    try:
        return any(getattr(torch.cpu, name)() for name in checks)
    except AttributeError:
        return False


def cuda_native_fp16(device: torch.device) -> bool:
    """True where the CUDA device has tensor cores (compute capability 7.0 or more)."""
    import torch

    return torch.cuda.get_device_capability(device) >= _TENSOR_CORE_CAPABILITY


def resolve_precision(precision: str, device: torch.device, backend: str = "torch") -> str:
    """The precision to run: `precision` itself, or for 'auto' bf16 on a CPU with native bf16,
    fp16 on a CUDA GPU with tensor cores, fp32 elsewhere (and always for onnxruntime, whose
    graphs are float32). Refuses unknown names and fp16 off CUDA; warns once when bf16 is
    asked for on a CPU that only emulates it.
    """
    if precision not in PRECISION_CHOICES:
        raise InputError(
            f"unknown precision '{precision}' ({', '.join(PRECISION_CHOICES)})",
            Remedy("precision", "fp32"),
        )
    if precision == "auto":
        if backend != "torch":
            return "fp32"
        if device.type == "cuda":
            return "fp16" if cuda_native_fp16(device) else "fp32"
        return "bf16" if device.type == "cpu" and cpu_native_bf16() else "fp32"
    if precision == "fp16" and device.type != "cuda":
        raise InputError("precision fp16 needs a CUDA device", Remedy("precision", "auto"))
    if precision == "bf16" and device.type == "cpu" and not cpu_native_bf16():
        _warn_emulated_bf16()
    return precision


@functools.cache
def _warn_emulated_bf16() -> None:
    # Cached: said once per process however many models are built (a batch builds several).
    warnings.warn(
        "this CPU has no native bf16 (AVX512-BF16 or AMX-BF16): precision bf16 runs slower "
        "than fp32 on it (precision auto picks fp32 here)",
        SlowPrecisionWarning,
        stacklevel=3,
    )
