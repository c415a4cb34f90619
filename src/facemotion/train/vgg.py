"""VGG19 features for the perceptual loss, written here (no torchvision dependency).

`Vgg19Features` has the layer indices of torchvision's `vgg19().features`, so a state dict in
that layout (`features.0.weight`, ..., e.g. the usual `vgg19-dcbb9e9d.pth`) loads as it is.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import torch
from torch import nn

from facemotion.errors import ModelError, Remedy

# torchvision's configuration "E": conv widths, "M" = 2x2 max pool; only the first 30 layers
# (up to relu5_1) are needed.
_LAYOUT = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512)
# The five slices of the original's Vgg19: features[0:2], [2:7], [7:12], [12:21], [21:30].
_SLICE_ENDS = (2, 7, 12, 21, 30)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class RandomFeaturesWarning(UserWarning):
    """The perceptual loss runs on randomly initialised VGG19 features."""


class Vgg19Features(nn.Module):
    """image (B, 3, H, W) in [0, 1] -> [relu1_1, relu2_1, relu3_1, relu4_1, relu5_1] maps."""

    def __init__(self):
        super().__init__()
        layers: list[nn.Module] = []
        channels = 3
        for item in _LAYOUT:
            if item == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(channels, item, kernel_size=3, padding=1), nn.ReLU()]
                channels = item
        self.features = nn.Sequential(*layers[: _SLICE_ENDS[-1]])
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        for module in self.features:
            if isinstance(module, nn.Conv2d):
                # torchvision's initialisation, so that random features keep their scale
                # through 13 layers.
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(module.bias)
        self.requires_grad_(False)

    def forward(self, image: torch.Tensor) -> list[torch.Tensor]:
        out = (image - self.mean) / self.std
        maps = []
        start = 0
        for end in _SLICE_ENDS:
            for layer in self.features[start:end]:
                out = layer(out)
            maps.append(out)
            start = end
        return maps


def load_vgg19(weights: str | Path | None = None) -> Vgg19Features:
    """VGG19 features, frozen, in eval mode; ImageNet weights from `weights` (a torchvision-layout
    state dict file) when given, otherwise random ones with a RandomFeaturesWarning."""
    # Random features come from a fixed seed, not the global RNG: every rank, every resumed
    # run and every run of a config compute the same perceptual loss.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(19)
        model = Vgg19Features()
    if weights is None:
        warnings.warn(
            "no VGG19 weights given (vgg_weights); the perceptual loss runs on random "
            "features, which trains but worse than ImageNet features (docs/training.md)",
            RandomFeaturesWarning,
            stacklevel=2,
        )
        return model.eval()
    path = Path(weights)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as exc:
        raise ModelError(f"VGG19 weights {path} do not exist", Remedy("vgg_weights")) from exc
    except Exception as exc:  # torch raises many types for a bad file; all mean the same here
        raise ModelError(f"cannot read VGG19 weights {path} ({type(exc).__name__})") from exc
    if not isinstance(state, dict):
        raise ModelError(f"VGG19 weights {path} are not a state dict")
    state = {k[len("module.") :] if k.startswith("module.") else k: v for k, v in state.items()}
    wanted = {k for k in model.state_dict() if k.startswith("features.")}
    if not any(k.startswith("features.") for k in state):
        state = {f"features.{k}": v for k, v in state.items()}
    picked = {k: v for k, v in state.items() if k in wanted}
    missing = sorted(wanted - set(picked))
    if missing:
        raise ModelError(
            f"VGG19 weights {path} lack {', '.join(missing[:3])}; expected torchvision's vgg19 "
            "state-dict layout (features.0.weight, ...)"
        )
    try:
        model.load_state_dict(picked, strict=False)
    except RuntimeError as exc:
        raise ModelError(
            f"VGG19 weights {path} have the wrong shapes; need vgg19, not vgg16"
        ) from exc
    return model.eval()
