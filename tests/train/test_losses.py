from __future__ import annotations

import warnings

import pytest
import torch

from facemotion.config import DiscriminatorConfig
from facemotion.errors import ModelError
from facemotion.models.discriminator import MultiScaleDiscriminator
from facemotion.train.losses import ImagePyramid
from facemotion.train.transforms import RandomTPS
from facemotion.train.vgg import RandomFeaturesWarning, Vgg19Features, load_vgg19


def test_identity_transform_and_jacobian():
    tps = RandomTPS.sample(2, 0.0, 0.0, 5)
    points = torch.rand(2, 7, 2) * 2 - 1
    torch.testing.assert_close(tps.warp_coordinates(points), points)
    torch.testing.assert_close(tps.jacobian(points), torch.eye(2).expand(2, 7, 2, 2))
    frame = torch.rand(2, 3, 16, 16)
    torch.testing.assert_close(tps.warp_frame(frame), frame)


def test_jacobian_matches_finite_differences():
    tps = RandomTPS.sample(1, 0.05, 0.005, 5, torch.Generator().manual_seed(0))
    tps = RandomTPS(tps.theta.double(), tps.control_points.double(), tps.control_params.double())
    point = torch.tensor([[[0.3, -0.2]]], dtype=torch.float64)
    jacobian = tps.jacobian(point)[0, 0]
    h = 1e-6
    for axis in range(2):
        step = torch.zeros_like(point)
        step[..., axis] = h
        column = (tps.warp_coordinates(point + step) - tps.warp_coordinates(point - step)) / (2 * h)
        torch.testing.assert_close(jacobian[:, axis], column[0, 0], atol=1e-6, rtol=1e-6)


def test_every_splits_like_distributed_sampler():
    tps = RandomTPS.sample(4, 0.05, 0.005, 5, torch.Generator().manual_seed(1))
    torch.testing.assert_close(tps.every(1, 2).theta, tps.theta[[1, 3]])


def test_discriminator_names_and_shapes():
    cfg = DiscriminatorConfig(
        num_kp=4,
        scales=(1,),
        block_expansion=8,
        max_features=32,
        num_blocks=3,
        sn=True,
        use_kp=True,
    )
    disc = MultiScaleDiscriminator(cfg)
    keys = set(disc.state_dict())
    assert "discs.1.down_blocks.0.conv.weight_orig" in keys
    assert "discs.1.down_blocks.1.norm.weight" in keys and "discs.1.conv.weight_u" in keys
    assert "discs.1.down_blocks.0.norm.weight" not in keys  # no norm on the first block
    pyramid = ImagePyramid((1, 0.5), 3)(torch.rand(2, 3, 64, 64))
    assert set(pyramid) == {"1", "0-5"} and pyramid["0-5"].shape == (2, 3, 32, 32)
    out = disc(pyramid, torch.rand(2, 4, 2) * 2 - 1)
    features, prediction = out["1"]
    assert len(features) == 3 and prediction.shape[:2] == (2, 1)
    assert features[0].shape[1] == 16  # min(max_features, 8 * 2)


def test_vgg_layout_and_weights(tmp_path):
    with pytest.warns(RandomFeaturesWarning, match="random features"):
        vgg = load_vgg19()
    maps = vgg(torch.rand(1, 3, 64, 64))
    assert [m.shape[1:] for m in maps] == [
        (64, 64, 64),
        (128, 32, 32),
        (256, 16, 16),
        (512, 8, 8),
        (512, 4, 4),
    ]
    # torchvision's layout, with the layers past relu5_1 and the classifier we do not use
    state = {
        k: torch.randn_like(v)
        for k, v in Vgg19Features().state_dict().items()
        if k.startswith("features.")
    }
    state["features.30.weight"] = torch.zeros(512, 512, 3, 3)
    state["classifier.0.weight"] = torch.zeros(4096, 25088 // 64)
    torch.save(state, tmp_path / "vgg19.pth")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_vgg19(tmp_path / "vgg19.pth")
    torch.testing.assert_close(loaded.features[0].weight, state["features.0.weight"])
    assert not any(p.requires_grad for p in loaded.parameters())
    torch.save({"features.0.weight": state["features.0.weight"]}, tmp_path / "partial.pth")
    with pytest.raises(ModelError, match="lack features"):
        load_vgg19(tmp_path / "partial.pth")
    with pytest.raises(ModelError, match="do not exist"):
        load_vgg19(tmp_path / "missing.pth")
