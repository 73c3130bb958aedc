"""The two digits networks, as torch modules that train in float or with fake quantization.

Both take the flat 64-pixel vector (the layout of model_zoo/datasets.py, so one eval set serves both).
A hidden block is weight layer (no bias) -> BatchNorm -> activation [-> MaxPool]; the activation is ReLU in float,
ReLU + unsigned quantizer at >= 2 bits, BipolarQuant (sign) at 1 bit. The head is a Linear with bias and float output
(logits). Quantized models quantize the input at 8 bits (exact on the data's grid).
"""
import torch
from torch import nn

from qat import ActQuant, InputQuant, WeightQuant

# (kind, in, out, maxpool after)
ARCHS = {
    "digits_mlp": [("linear", 64, 128, False), ("linear", 128, 64, False), ("head", 64, 10, False)],
    "digits_cnn": [("conv", 1, 16, False), ("conv", 16, 32, True), ("conv", 32, 32, True), ("head", 128, 10, False)],
}
IMAGE_SHAPE = (1, 8, 8)


class Block(nn.Module):
    def __init__(self, kind, cin, cout, pool, weight_bits, act_bits):
        super().__init__()
        self.kind, self.pool = kind, pool
        if kind == "conv":
            self.layer = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
            self.norm = nn.BatchNorm2d(cout)
        else:
            self.layer = nn.Linear(cin, cout, bias=False)
            self.norm = nn.BatchNorm1d(cout)
        self.wq = WeightQuant(weight_bits, cout, self.layer.weight.dim()) if weight_bits else None
        self.aq = ActQuant(act_bits) if act_bits else None

    def weight(self):
        w = self.layer.weight
        return self.wq(w) if self.wq is not None else w

    def forward(self, x):
        if self.kind == "conv":
            y = nn.functional.conv2d(x, self.weight(), padding=1)
        else:
            y = nn.functional.linear(x, self.weight())
        y = self.norm(y)
        if self.aq is None or self.aq.bits > 1:
            y = torch.relu(y)
        if self.aq is not None:
            y = self.aq(y)
        if self.pool:
            y = nn.functional.max_pool2d(y, 2)
        return y


class Head(nn.Module):
    def __init__(self, cin, cout, weight_bits):
        super().__init__()
        self.layer = nn.Linear(cin, cout)
        self.wq = WeightQuant(weight_bits, cout, 2) if weight_bits else None

    def weight(self):
        w = self.layer.weight
        return self.wq(w) if self.wq is not None else w

    def forward(self, x):
        return nn.functional.linear(torch.flatten(x, 1), self.weight(), self.layer.bias)


class DigitsNet(nn.Module):
    """weight_bits/act_bits None = float; last_weight_bits: the head's weight bits (defaults to weight_bits)."""

    def __init__(self, family, weight_bits=None, act_bits=None, last_weight_bits=None):
        super().__init__()
        self.family = family
        self.input_quant = InputQuant() if act_bits else None
        blocks = []
        for kind, cin, cout, pool in ARCHS[family]:
            if kind == "head":
                blocks.append(Head(cin, cout, last_weight_bits or weight_bits))
            else:
                blocks.append(Block(kind, cin, cout, pool, weight_bits, act_bits))
        self.blocks = nn.ModuleList(blocks)

    def is_cnn(self):
        return ARCHS[self.family][0][0] == "conv"

    def forward(self, x):
        if self.input_quant is not None:
            x = self.input_quant(x)
        if self.is_cnn():
            x = x.reshape((-1,) + IMAGE_SHAPE)
        for block in self.blocks:
            x = block(x)
        return x
