"""Fake quantization for quantization-aware training, with the exact semantics of the QONNX nodes we export.

Weights: signed, narrow-range, one learned scale per output channel (LSQ, Esser et al. 2019: the scale gets a
gradient through the straight-through rounding). Activations after BatchNorm+ReLU: unsigned, one learned scale.
1 bit: BipolarQuant, sign(x) (+1 at 0, as in QONNX) times a scale, with the clipped straight-through estimator;
bipolar weights use mean|w| per output channel (XNOR-Net), bipolar activations scale 1 (the next BatchNorm absorbs
any scale). Rounding is half-to-even, QONNX's ROUND.
"""
import torch
from torch import nn


def ste_round(x):
    """round() forward, identity backward."""
    return x + (torch.round(x) - x).detach()


def ste_sign(x):
    """+1/-1 forward (+1 at 0), gradient of clamp(x, -1, 1) backward."""
    clipped = torch.clamp(x, -1.0, 1.0)
    return clipped + (torch.where(x >= 0, 1.0, -1.0) - clipped).detach()


def scaled_grad(x, factor):
    """x forward, gradient times factor backward (LSQ's step-size gradient scale)."""
    return (x - x * factor).detach() + x * factor


def int_range(bits, signed):
    """QONNX integer range: signed ones are narrow (symmetric), unsigned ones start at 0."""
    if signed:
        return -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1


class WeightQuant(nn.Module):
    """Per-output-channel signed narrow quantizer (bits >= 2) or BipolarQuant (bits == 1) of a weight tensor."""

    def __init__(self, bits, channels, weight_rank):
        super().__init__()
        self.bits = bits
        self.scale_shape = (channels,) + (1,) * (weight_rank - 1)
        self.scale = nn.Parameter(torch.ones(self.scale_shape))
        self.register_buffer("initialized", torch.tensor(False))

    def export_scale(self, w):
        """The scale the exported Quant/BipolarQuant node carries (same shape as used in forward)."""
        if self.bits == 1:
            return w.detach().abs().mean(dim=tuple(range(1, w.dim())), keepdim=True)
        return self.scale.detach().clamp(min=1e-8)

    def forward(self, w):
        if self.bits == 1:
            return ste_sign(w) * self.export_scale(w)
        lo, hi = int_range(self.bits, signed=True)
        if not bool(self.initialized):
            per_channel = w.detach().abs().mean(dim=tuple(range(1, w.dim())), keepdim=True)
            self.scale.data.copy_(2 * per_channel / hi ** 0.5)
            self.initialized.fill_(True)
        s = scaled_grad(self.scale.clamp(min=1e-8), 1.0 / (w[0].numel() * hi) ** 0.5)
        return ste_round(torch.clamp(w / s, lo, hi)) * s


class ActQuant(nn.Module):
    """Unsigned per-tensor quantizer of a ReLU output (bits >= 2) or BipolarQuant with scale 1 (bits == 1)."""

    def __init__(self, bits):
        super().__init__()
        self.bits = bits
        self.scale = nn.Parameter(torch.ones(()))
        self.register_buffer("initialized", torch.tensor(False))

    def export_scale(self):
        if self.bits == 1:
            return torch.ones(())
        return self.scale.detach().clamp(min=1e-8)

    def forward(self, x):
        if self.bits == 1:
            return ste_sign(x)
        lo, hi = int_range(self.bits, signed=False)
        if not bool(self.initialized):
            self.scale.data.fill_(float(2 * torch.relu(x.detach()).mean() / hi ** 0.5) + 1e-6)
            self.initialized.fill_(True)
        s = scaled_grad(self.scale.clamp(min=1e-8), 1.0 / (x[0].numel() * hi) ** 0.5)
        return ste_round(torch.clamp(x / s, lo, hi)) * s


class InputQuant(nn.Module):
    """Fixed 8-bit unsigned quantizer of the [0, 1] input, step 1/128: every digits grey level (k/16) is exact."""

    bits = 8
    step = 1.0 / 128

    def export_scale(self):
        return torch.tensor(self.step)

    def forward(self, x):
        return torch.clamp(torch.round(x / self.step), 0, 2 ** self.bits - 1) * self.step
