"""Precision by hardware (models/precision.py): 'auto', and the warning for emulated bf16."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

from facemotion.config import load_config
from facemotion.errors import InputError
from facemotion.models import precision
from facemotion.models.checkpoint import load_networks, read_checkpoint
from facemotion.models.fomm import FommModel
from facemotion.models.precision import SlowPrecisionWarning, resolve_precision

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def networks(golden_dir):
    cfg = load_config(golden_dir / "tiny-64.yaml")
    return cfg, *load_networks(read_checkpoint(golden_dir / "tiny-cpk.pth.tar"), cfg)


@pytest.fixture
def cpu_bf16(monkeypatch):
    """Set whether this CPU counts as computing bf16 natively; the once-only warning re-armed."""
    precision._warn_emulated_bf16.cache_clear()

    def set_native(native: bool) -> None:
        monkeypatch.setattr(precision, "cpu_native_bf16", lambda: native)

    yield set_native
    precision._warn_emulated_bf16.cache_clear()


def _cpuinfo_flags() -> set[str] | None:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():
        return None
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return None


def test_native_bf16_agrees_with_the_kernels_cpu_flags():
    flags = _cpuinfo_flags()
    if flags is None:
        pytest.skip("no x86 /proc/cpuinfo flags here")
    assert precision.cpu_native_bf16() == bool(flags & {"avx512_bf16", "amx_bf16"})


@pytest.mark.parametrize("native, expected", [(True, "bf16"), (False, "fp32")])
def test_auto_is_bf16_only_on_a_cpu_with_native_bf16(networks, cpu_bf16, native, expected):
    cpu_bf16(native)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # auto never warns
        model = FommModel(*networks, precision="auto")
    assert model.precision == expected
    dtypes = {p.dtype for p in model.runner.frame_generator.up_blocks.parameters()}
    assert dtypes == {torch.bfloat16 if native else torch.float32}


def test_auto_is_fp32_for_onnxruntime_and_fp32_stays_the_default(networks, cpu_bf16):
    cpu_bf16(True)
    assert resolve_precision("auto", CPU, backend="onnxruntime") == "fp32"
    assert FommModel(*networks).precision == "fp32"


def test_explicit_bf16_on_emulating_cpu_warns_once_and_still_runs_bf16(networks, cpu_bf16):
    cpu_bf16(False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        models = [FommModel(*networks, precision="bf16") for _ in range(3)]
    slow = [w for w in caught if issubclass(w.category, SlowPrecisionWarning)]
    assert len(slow) == 1
    assert "slower than fp32" in str(slow[0].message)
    assert "\n" not in str(slow[0].message)
    assert all(model.precision == "bf16" for model in models)


def test_explicit_bf16_on_native_cpu_says_nothing(networks, cpu_bf16):
    cpu_bf16(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert FommModel(*networks, precision="bf16").precision == "bf16"


def test_fp16_off_cuda_is_refused_with_auto_as_the_remedy():
    with pytest.raises(InputError, match="fp16 needs a CUDA device") as caught:
        resolve_precision("fp16", CPU)
    assert "precision='auto'" in str(caught.value)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_auto_on_cuda_is_fp16_with_tensor_cores():
    device = torch.device("cuda")
    expected = "fp16" if torch.cuda.get_device_capability(device) >= (7, 0) else "fp32"
    assert resolve_precision("auto", device) == expected


def test_an_avx2_capped_onednn_gets_fp32_from_auto_and_a_warning_for_bf16():
    # A CPU without native bf16, as oneDNN sees one: its instruction set capped at AVX2.
    code = (
        "import warnings, torch\n"
        "from facemotion.models.precision import cpu_native_bf16, resolve_precision\n"
        "cpu = torch.device('cpu')\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    print(cpu_native_bf16(), resolve_precision('auto', cpu),"
        " resolve_precision('bf16', cpu), resolve_precision('bf16', cpu))\n"
        "print(len(caught), caught[0].category.__name__ if caught else '')\n"
    )
    env = dict(os.environ, ONEDNN_MAX_CPU_ISA="AVX2")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "fp32", "bf16", "bf16", "1", "SlowPrecisionWarning"]
