"""Random affine + thin-plate-spline warps for the equivariance loss (FOMM, section 3.3)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from facemotion.models.blocks import grid_sample, make_coordinate_grid


@dataclass(frozen=True)
class RandomTPS:
    """A batch of random warps z -> T(z) of [-1, 1] coordinates.

    theta: (B, 2, 3) affine part, I + N(0, sigma_affine). control_points: (P*P, 2) grid.
    control_params: (B, 1, P*P) TPS weights ~ N(0, sigma_tps).
    """

    theta: torch.Tensor
    control_points: torch.Tensor
    control_params: torch.Tensor

    @classmethod
    def sample(
        cls,
        batch: int,
        sigma_affine: float,
        sigma_tps: float,
        points_tps: int,
        generator: torch.Generator | None = None,
    ) -> RandomTPS:
        """Draw `batch` warps. The loop draws the global batch from one seeded generator and
        each rank keeps its share, so a run's warps do not depend on the number of processes."""
        noise = torch.randn(batch, 2, 3, generator=generator) * sigma_affine
        params = torch.randn(batch, 1, points_tps**2, generator=generator) * sigma_tps
        points = make_coordinate_grid(points_tps, points_tps).view(-1, 2)
        return cls(noise + torch.eye(2, 3), points, params)

    def every(self, start: int, step: int) -> RandomTPS:
        """Warps start, start + step, ...: rank r of N keeps every(r, N), because
        DistributedSampler deals rank r the global batch positions r, r + N, ..."""
        return RandomTPS(
            self.theta[start::step], self.control_points, self.control_params[start::step]
        )

    def to(self, device: torch.device | str) -> RandomTPS:
        return RandomTPS(
            self.theta.to(device), self.control_points.to(device), self.control_params.to(device)
        )

    def warp_coordinates(self, coordinates: torch.Tensor) -> torch.Tensor:
        """coordinates (B, N, 2) in [-1, 1], (x, y) -> T(coordinates) (B, N, 2)."""
        theta = self.theta.to(coordinates.dtype).unsqueeze(1)
        out = (theta[..., :2] @ coordinates.unsqueeze(-1) + theta[..., 2:]).squeeze(-1)
        points = self.control_points.to(coordinates.dtype)
        # d is the L1 distance and the same offset is added to x and y: what the original
        # computes (not the textbook TPS), kept so training matches it.
        distances = (coordinates[:, :, None, :] - points[None, None]).abs().sum(-1)
        offset = distances**2 * torch.log(distances + 1e-6) * self.control_params
        return out + offset.sum(dim=2, keepdim=True)

    def warp_frame(self, frame: torch.Tensor) -> torch.Tensor:
        """frame (B, C, H, W) -> frame sampled at T(z) for every pixel z, reflection padding."""
        batch, _, height, width = frame.shape
        grid = make_coordinate_grid(height, width, dtype=frame.dtype, device=frame.device)
        grid = self.warp_coordinates(grid.view(1, -1, 2).expand(batch, -1, -1))
        return grid_sample(frame, grid.view(batch, height, width, 2), padding_mode="reflection")

    def jacobian(self, coordinates: torch.Tensor) -> torch.Tensor:
        """dT/dz at coordinates (B, N, 2) -> (B, N, 2, 2), differentiable (create_graph)."""
        if not coordinates.requires_grad:
            coordinates = coordinates.detach().requires_grad_(True)
        warped = self.warp_coordinates(coordinates)
        (grad_x,) = torch.autograd.grad(warped[..., 0].sum(), coordinates, create_graph=True)
        (grad_y,) = torch.autograd.grad(warped[..., 1].sum(), coordinates, create_graph=True)
        return torch.stack([grad_x, grad_y], dim=-2)
