"""The ONNX graphs (models/onnx_export.py) and the onnxruntime backend on the golden fixture."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch

from facemotion.config import load_config
from facemotion.models.checkpoint import load_networks, read_checkpoint
from facemotion.models.fomm import FommModel, TorchRunner, image_to_tensor
from facemotion.models.onnx_export import OPSET, OnnxRunner, export_graphs

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


@pytest.fixture(scope="module")
def graphs(networks):
    cfg, kp_detector, generator = networks
    return export_graphs(kp_detector, generator, cfg.frame_size)


def test_graphs_are_valid_onnx_with_grid_sample(graphs):
    assert set(graphs) == {"keypoint_detector", "source_encoder", "frame_generator"}
    for data in graphs.values():
        model = onnx.load_model_from_string(data)
        onnx.checker.check_model(model)
        assert model.opset_import[0].version == OPSET
    ops = {
        node.op_type for node in onnx.load_model_from_string(graphs["frame_generator"]).graph.node
    }
    assert "GridSample" in ops


def test_each_graph_matches_pytorch(networks, graphs, golden):
    _, kp_detector, generator = networks
    device = torch.device("cpu")
    ours, theirs = OnnxRunner(graphs, device), TorchRunner(kp_detector, generator, device)
    source = image_to_tensor(golden["source"], device)
    driving = torch.from_numpy(golden["driving"]).permute(0, 3, 1, 2)
    with torch.inference_mode():
        for a, b in zip(ours.keypoints(driving), theirs.keypoints(driving), strict=True):
            np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
        encoded = ours.encode(source)
        for a, b in zip(encoded, theirs.encode(source), strict=True):
            np.testing.assert_allclose(a, b, atol=1e-5, rtol=0)
        kp_source, kp_driving = theirs.keypoints(source), theirs.keypoints(driving)
        np.testing.assert_allclose(
            ours.generate(encoded, kp_source, kp_driving),
            theirs.generate(encoded, kp_source, kp_driving),
            atol=1e-4,
            rtol=0,
        )


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("mode", MODES)
def test_onnxruntime_backend_matches_reference(networks, golden, mode, batch):
    model = FommModel(*networks, backend="onnxruntime", batch=batch)
    frames = np.stack(list(model.animate(golden["source"], iter(golden["driving"]), **MODES[mode])))
    diff = np.abs(frames - golden[f"prediction_{mode}"]).max()
    assert diff <= 1e-4, f"max abs difference {diff:.2e}"
