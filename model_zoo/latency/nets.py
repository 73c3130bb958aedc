"""The latency workloads that torchvision does not provide: a depthwise-separable keyword-spotting CNN and a small
transformer encoder, written with plain ops so that they export to opset 13 without fused attention kernels."""
import math

import torch
from torch import nn


class DSCNN(nn.Module):
    """DS-CNN-S for keyword spotting (Zhang et al., "Hello Edge", 2017): 49 frames x 10 MFCC -> 12 classes."""

    def __init__(self, channels=64, blocks=4, classes=12):
        super().__init__()
        layers = [nn.Conv2d(1, channels, (10, 4), stride=(2, 2), padding=(5, 1), bias=False),
                  nn.BatchNorm2d(channels), nn.ReLU()]
        for _ in range(blocks):
            layers += [nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False),
                       nn.BatchNorm2d(channels), nn.ReLU(),
                       nn.Conv2d(channels, channels, 1, bias=False), nn.BatchNorm2d(channels), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


class EncoderLayer(nn.Module):
    """Post-norm transformer encoder layer: multi-head self-attention and a ReLU feed-forward, each residual."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads, self.d = heads, d
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)

    def forward(self, x):
        n, t = x.shape[0], x.shape[1]
        head_dim = self.d // self.heads
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(head_dim), dim=-1)
        x = self.norm1(x + self.out((att @ v).transpose(1, 2).reshape(n, t, self.d)))
        return self.norm2(x + self.ff2(torch.relu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, layers=2, d=128, heads=4, ff=512):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(d, heads, ff) for _ in range(layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
