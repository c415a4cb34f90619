"""Parity with the original FOMM implementation on the golden fixture in tests/data/golden."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from facemotion.config import load_config
from facemotion.models.checkpoint import load_networks, read_checkpoint
from facemotion.models.fomm import FommModel, image_to_tensor, tensor_to_image
from facemotion.models.keypoints import Keypoints
from facemotion.models.normalize import normalize_keypoints

MODES = {
    "relative_adapt": dict(relative=True, adapt_scale=True),
    "relative": dict(relative=True, adapt_scale=False),
    "absolute": dict(relative=False, adapt_scale=False),
}


@pytest.fixture(scope="module")
def networks(golden_dir):
    cfg = load_config(golden_dir / "tiny-64.yaml")
    return cfg, *load_networks(read_checkpoint(golden_dir / "tiny-cpk.pth.tar"), cfg)


@pytest.fixture(scope="module")
def golden(golden_dir):
    return dict(np.load(golden_dir / "tiny-inputs-outputs.npz"))


def _kp(kp_detector, image):
    with torch.no_grad():
        return kp_detector(image_to_tensor(image, torch.device("cpu")))


def test_keypoints_match_reference(networks, golden):
    _, kp_detector, _ = networks
    kp = _kp(kp_detector, golden["source"])
    np.testing.assert_allclose(kp.value[0].numpy(), golden["kp_source_value"], atol=1e-5, rtol=0)
    np.testing.assert_allclose(
        kp.jacobian[0].numpy(), golden["kp_source_jacobian"], atol=1e-5, rtol=0
    )
    for i, frame in enumerate(golden["driving"]):
        kp = _kp(kp_detector, frame)
        np.testing.assert_allclose(kp.value[0].numpy(), golden["kp_driving_value"][i], atol=1e-5)
        np.testing.assert_allclose(
            kp.jacobian[0].numpy(), golden["kp_driving_jacobian"][i], atol=1e-5
        )


@pytest.mark.parametrize("mode", MODES)
def test_normalised_keypoints_match_reference(networks, golden, mode):
    _, kp_detector, _ = networks
    kp_source = _kp(kp_detector, golden["source"])
    kp_initial = _kp(kp_detector, golden["driving"][0])
    for i, frame in enumerate(golden["driving"]):
        kp = normalize_keypoints(kp_source, _kp(kp_detector, frame), kp_initial, **MODES[mode])
        np.testing.assert_allclose(
            kp.value[0].numpy(), golden[f"kp_norm_value_{mode}"][i], atol=1e-5, rtol=0
        )
        np.testing.assert_allclose(
            kp.jacobian[0].numpy(), golden[f"kp_norm_jacobian_{mode}"][i], atol=1e-5, rtol=0
        )


@pytest.mark.parametrize("mode", MODES)
def test_predictions_match_reference(networks, golden, mode):
    cfg, kp_detector, generator = networks
    model = FommModel(cfg, kp_detector, generator)
    frames = list(model.animate(golden["source"], golden["driving"], **MODES[mode]))
    assert len(frames) == len(golden["driving"])
    diff = np.abs(np.stack(frames) - golden[f"prediction_{mode}"]).max()
    assert diff <= 1e-4, f"max abs difference {diff:.2e}"


def test_visualisation_outputs_match_reference(networks, golden):
    _, kp_detector, generator = networks
    kp_source = _kp(kp_detector, golden["source"])
    kp_initial = _kp(kp_detector, golden["driving"][0])
    kp_norm = normalize_keypoints(
        kp_source,
        _kp(kp_detector, golden["driving"][1]),
        kp_initial,
        relative=True,
        adapt_scale=True,
    )
    with torch.no_grad():
        out = generator(
            image_to_tensor(golden["source"], torch.device("cpu")),
            kp_norm,
            kp_source,
            visualise=True,
        )
    for name in ("occlusion_map", "mask", "deformed"):
        expected = golden[f"{name}_relative_adapt_frame1"]
        np.testing.assert_allclose(out[name][0].numpy(), expected, atol=1e-4, rtol=0)
    np.testing.assert_allclose(
        tensor_to_image(out["prediction"]), golden["prediction_relative_adapt"][1], atol=1e-4
    )


def test_keypoints_without_jacobian_are_used_as_identity():
    value = torch.zeros(1, 3, 2)
    kp = normalize_keypoints(Keypoints(value + 0.1), Keypoints(value + 0.3), Keypoints(value))
    assert kp.jacobian is None
    assert torch.allclose(kp.value, value + 0.4)
