"""Adam on a one-cycle schedule, computed as PyTorch's `Adam` under `OneCycleLR` computes it.

The rate climbs on a half cosine from peak/25 to the peak over the warm-up share of the steps, then falls on
another to peak/250,000, while Adam's beta1 moves the other way, between 0.95 and 0.85 (Smith & Topin 2018).

It is written out because PyTorch's optimizers import TorchDynamo at their first step: about 3 s on an idle
2-core machine and 8 s on a busy one, longer than a test's data set takes to train. One difference: a parameter
that got no gradient in a step (the Users side, in a batch where no history starts) moves on with a zero
gradient, where PyTorch's Adam would leave it for that step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch

DIV, FINAL_DIV = 25.0, 1e4  # the rate starts at peak / DIV and ends at peak / DIV / FINAL_DIV
BETA1_HIGH, BETA1_LOW = 0.95, 0.85
BETA2, EPS = 0.999, 1e-8


def _cosine(start: float, end: float, share: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * share) + 1)


class OneCycleAdam:
    def __init__(self, parameters: Iterable[torch.nn.Parameter], peak: float, total_steps: int, warmup: float):
        self.parameters: list[torch.Tensor] = [p for p in parameters if p.requires_grad]
        self.means = [torch.zeros_like(p) for p in self.parameters]
        self.squares = [torch.zeros_like(p) for p in self.parameters]
        self.peak, self.total = peak, total_steps
        self.turn = warmup * total_steps - 1  # the step at which the rate peaks
        self.steps = 0

    def rate(self, step: int) -> tuple[float, float]:
        """The learning rate and beta1 of step `step` (0-based)."""
        start = self.peak / DIV
        if step <= self.turn:
            share = step / self.turn if self.turn > 0 else 1.0
            return _cosine(start, self.peak, share), _cosine(BETA1_HIGH, BETA1_LOW, share)
        share = (step - self.turn) / max(self.total - 1 - self.turn, 1e-9)
        return _cosine(self.peak, start / FINAL_DIV, share), _cosine(BETA1_LOW, BETA1_HIGH, share)

    def zero_grad(self) -> None:
        for p in self.parameters:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        rate, beta1 = self.rate(self.steps)
        self.steps += 1
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.parameters]
        torch._foreach_lerp_(self.means, grads, 1 - beta1)
        torch._foreach_mul_(self.squares, BETA2)
        torch._foreach_addcmul_(self.squares, grads, grads, 1 - BETA2)
        denominators = torch._foreach_sqrt(self.squares)
        torch._foreach_div_(denominators, math.sqrt(1 - BETA2**self.steps))
        torch._foreach_add_(denominators, EPS)
        torch._foreach_addcdiv_(self.parameters, self.means, denominators, -rate / (1 - beta1**self.steps))
