"""Synthetic keypoint images and the small CNN that regresses them.

Each image is dark with one Gaussian blob per keypoint (keypoint k is dimmer and wider
than keypoint k - 1, so the model can tell them apart) plus pixel noise; the target is
the blobs' centres, (x, y) per keypoint, scaled to 0..1. Everything comes from seeded
generators: the same config gives the same images, weights and batch order.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

import torch
from torch import nn


def make_dataset(config: Dict[str, Any]) -> Tuple[torch.Tensor, torch.Tensor]:
    """``(images [N, 1, S, S], targets [N, 2K])`` from ``dataSeed``."""
    n, size, k = config["samples"], config["imageSize"], config["keypoints"]
    generator = torch.Generator().manual_seed(config["dataSeed"])
    margin = 0.1 * (size - 1)
    centres = margin + torch.rand(n, k, 2, generator=generator) * (size - 1 - 2 * margin)
    axis = torch.arange(size, dtype=torch.float32)
    dx = axis.view(1, 1, 1, size) - centres[..., 0].view(n, k, 1, 1)
    dy = axis.view(1, 1, size, 1) - centres[..., 1].view(n, k, 1, 1)
    index = torch.arange(k, dtype=torch.float32).view(1, k, 1, 1)
    sigma = 1.0 + 0.5 * index
    amplitude = 1.0 / (1.0 + 0.5 * index)
    blobs = amplitude * torch.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    images = blobs.sum(dim=1, keepdim=True)
    images = images + config["noise"] * torch.randn(images.shape, generator=generator)
    targets = (centres / (size - 1)).reshape(n, 2 * k)
    return images, targets


def split(images: torch.Tensor, targets: torch.Tensor, config: Dict[str, Any]):
    """``(train, val)`` pairs of tensors; the last ``validationFraction`` of the images is held out."""
    val = int(config["samples"] * config["validationFraction"])
    cut = images.shape[0] - val
    return (images[:cut], targets[:cut]), (images[cut:], targets[cut:])


class KeypointNet(nn.Module):
    """Three conv + pool blocks, then two linear layers to ``2K`` coordinates."""

    def __init__(self, config: Dict[str, Any]) -> None:
        super().__init__()
        f, size, k = config["filters"], config["imageSize"], config["keypoints"]
        self.features = nn.Sequential(
            nn.Conv2d(1, f, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(f, 2 * f, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(2 * f, 4 * f, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(4 * f * (size // 8) ** 2, 64),
            nn.ReLU(),
            nn.Linear(64, 2 * k),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


def pixel_error(predicted: torch.Tensor, targets: torch.Tensor, size: int) -> torch.Tensor:
    """Mean distance between predicted and true keypoints, in pixels."""
    delta = (predicted - targets).view(predicted.shape[0], -1, 2) * (size - 1)
    return delta.norm(dim=2).mean()
