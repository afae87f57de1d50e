"""A plain PyTorch (eager) implementation of the benchmarked networks.

The same layers, shapes and loss as keras-ada's `WaveNet` and `ADA` (VQ-VAE), written
the way a PyTorch user would (channels-first `nn.Conv1d`), so that
`benchmarks/training.py` can time a training step of both side by side. Only the
training step matters here: no sampling, no saving.

PyTorch is a benchmark-only dependency: `pip install -e .[torch]`.
"""

import torch
from torch import nn
from torch.nn import functional


class GatedBlock(nn.Module):
    """Dilated convolution, tanh-sigmoid gate, residual and skip 1x1 projections."""

    def __init__(
        self, residual, inner, kernel_size, dilation, causal, skip, project_residual
    ):
        super().__init__()
        span = dilation * (kernel_size - 1)
        self.padding = (span, 0) if causal else (span // 2, span - span // 2)
        self.dilated = nn.Conv1d(residual, 2 * inner, kernel_size, dilation=dilation)
        self.skip = nn.Conv1d(inner, skip, 1)
        self.residual = nn.Conv1d(inner, residual, 1) if project_residual else None

    def forward(self, x, condition=None):
        h = self.dilated(functional.pad(x, self.padding))
        if condition is not None:
            h = h + condition
        filter_part, gate_part = h.chunk(2, dim=1)
        gated = torch.tanh(filter_part) * torch.sigmoid(gate_part)
        residual = x if self.residual is None else x + self.residual(gated)
        return residual, self.skip(gated)


class Stack(nn.Module):
    """Input convolution, `repeats x stages` gated blocks (dilations 2^s), skip sum."""

    def __init__(
        self, in_channels, repeats, stages, residual, inner, kernel_size, causal
    ):
        super().__init__()
        span = repeats * (kernel_size - 1)
        input_size = span if causal else span + 1
        input_span = input_size - 1
        self.input_padding = (
            (input_span, 0)
            if causal
            else (input_span // 2, input_span - input_span // 2)
        )
        self.input_conv = nn.Conv1d(in_channels, residual, input_size)
        count = repeats * stages
        self.blocks = nn.ModuleList(
            GatedBlock(
                residual,
                inner,
                kernel_size,
                2 ** (index % stages),
                causal,
                residual,
                project_residual=index < count - 1,
            )
            for index in range(count)
        )
        self.condition_channels = count * 2 * inner

    def forward(self, x, condition=None):
        residual = self.input_conv(functional.pad(x, self.input_padding))
        biases = (
            condition.chunk(len(self.blocks), dim=1)
            if condition is not None
            else [None] * len(self.blocks)
        )
        skip_sum = 0.0
        for block, bias in zip(self.blocks, biases):
            residual, skip = block(residual, bias)
            skip_sum = skip_sum + skip
        return skip_sum


def classes_to_unit(classes, num_classes=256):
    """Integer classes to a scalar in [-1, 1], channels first: `(batch, 1, time)`."""
    return (2.0 * classes.float() / (num_classes - 1) - 1.0)[:, None, :]


class WaveNet(nn.Module):
    """Continuous input shifted right, causal stack, ReLU-1x1-ReLU-1x1 head."""

    def __init__(
        self,
        repeats,
        stages,
        residual_channels,
        inner_channels,
        kernel_size,
        num_classes=256,
    ):
        super().__init__()
        self.stack = Stack(
            1, repeats, stages, residual_channels, inner_channels, kernel_size, True
        )
        self.head_hidden = nn.Conv1d(residual_channels, residual_channels, 1)
        self.head_logits = nn.Conv1d(residual_channels, num_classes, 1)
        self.condition_channels = self.stack.condition_channels

    def forward(self, classes, condition=None):
        features = functional.pad(classes_to_unit(classes), (1, 0))[:, :, :-1]
        skip_sum = self.stack(features, condition)
        return self.head_logits(torch.relu(self.head_hidden(torch.relu(skip_sum))))

    def loss(self, classes):
        return functional.cross_entropy(self(classes), classes)


class VectorQuantiser(nn.Module):
    """Nearest-codebook quantiser, straight-through gradient, EMA codebook."""

    def __init__(self, num_codes, code_dim, alpha=0.01, beta=0.25):
        super().__init__()
        self.alpha, self.beta = alpha, beta
        self.register_buffer("codebook", torch.randn(num_codes, code_dim))
        self.register_buffer("frequency", torch.full((num_codes,), 1.0 / num_codes))
        self.register_buffer("sums", self.codebook / num_codes)

    def forward(self, queries):
        """`queries` `(batch, code_dim, time)` -> (quantised, commitment loss)."""
        flat = queries.transpose(1, 2).reshape(-1, queries.shape[1])
        distances = (
            flat.pow(2).sum(1, keepdim=True)
            - 2 * flat @ self.codebook.T
            + self.codebook.pow(2).sum(1)
        )
        codes = distances.argmin(1)
        quantised = self.codebook[codes]
        commitment = self.beta * (flat - quantised).pow(2).mean()
        if self.training:
            with torch.no_grad():
                encodings = functional.one_hot(codes, len(self.codebook)).float()
                self.frequency.lerp_(encodings.mean(0), self.alpha)
                self.sums.lerp_(encodings.T @ flat / len(flat), self.alpha)
                self.codebook.copy_(self.sums / self.frequency[:, None].clamp(1e-5))
        straight_through = flat + (quantised - flat).detach()
        shape = (queries.shape[0], queries.shape[2], queries.shape[1])
        return straight_through.reshape(shape).transpose(1, 2), commitment


class ADA(nn.Module):
    """VQ-VAE: non-causal encoder -> VQ -> modulator -> conditioned local WaveNet."""

    def __init__(self, hop, code_dim, num_codes, conditioning, local_model):
        super().__init__()
        self.hop = hop
        self.local_model = WaveNet(**local_model)
        self.encoder_stack = Stack(1, **conditioning, causal=False)
        self.encoder_projection = nn.Conv1d(conditioning["residual"], code_dim, 1)
        self.quantiser = VectorQuantiser(num_codes, code_dim)
        self.modulator_stack = Stack(code_dim, **conditioning, causal=False)
        self.modulator_projection = nn.Conv1d(
            conditioning["residual"], self.local_model.condition_channels, 1
        )

    def loss(self, classes):
        features = self.encoder_stack(classes_to_unit(classes))
        queries = self.encoder_projection(torch.relu(features))
        batch, channels, time = queries.shape
        pooled = queries.reshape(batch, channels, time // self.hop, self.hop).mean(-1)
        quantised, commitment = self.quantiser(pooled)
        biases = self.modulator_projection(torch.relu(self.modulator_stack(quantised)))
        condition = biases.repeat_interleave(self.hop, dim=2)
        logits = self.local_model(classes, condition)
        return functional.cross_entropy(logits, classes) + commitment


def build(spec):
    """A model from a `benchmarks/training.py` network spec (see `NETWORKS` there)."""
    if spec["kind"] == "wavenet":
        return WaveNet(**spec["wavenet"])
    conditioning = dict(spec["conditioning"])
    conditioning = dict(
        repeats=conditioning["repeats"],
        stages=conditioning["stages"],
        residual=conditioning["residual_channels"],
        inner=conditioning["inner_channels"],
        kernel_size=conditioning["kernel_size"],
    )
    return ADA(
        spec["hop"], spec["code_dim"], spec["num_codes"], conditioning, spec["wavenet"]
    )


def training_step(model, optimizer):
    """A function running one Adam step on a batch of integer classes."""

    def step(classes):
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(classes)
        loss.backward()
        optimizer.step()
        return loss

    return step


def make_trainer(spec, learning_rate=2e-4, seed=0):
    """Builds the model and Adam; returns `step(classes)` for int64 `(batch, time)`."""
    torch.manual_seed(seed)
    model = build(spec)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    return training_step(model, optimizer)
