"""The zoo's configurations, as data: one small dict per row of the paper's tables.

Three layers of data, read by `keras_ada.zoo.registry`:

- `SIZES[scale][network]`: the sizes of each kind of sub-network. `"paper"` is
  appendix A exactly; `"small"` keeps the paper's receptive fields with narrower
  layers (one GPU); `"tiny"` keeps the topology (input formats, hops, quantisers,
  the order of the receptive fields) with a few narrow blocks, so that a model
  trains on a CPU in seconds. `"demo"` sits between them, sized for `keras-ada
  demo` (minutes on a 2-core CPU): twice tiny's widths, conditioning stacks
  whose receptive field covers a note's period, and code-level local models of
  one repeat, so that their short receptive field makes them read the codes.
- `PRESETS[name]`: what makes a row a row (kind, quantiser, input format, hop,
  receptive field of a code-level local model, levels of a hierarchy).
- `PAPER_RESULTS[row]`: the numbers the paper reports, to print beside ours.

Choices the paper leaves open (documented in `zoo/README.md`):

- VQ-VAE query dimension `code_dim` (the paper's d): 64 at paper and small scale.
- Code sequences are embedded (`input_format="embedding"`), 128-dimensional at
  paper scale.
- Code-level local models reuse the audio local model's widths (384 residual,
  64 inner) with filter length 2 and 2 repeats; the row sets the number of
  dilation stages, hence the decoder receptive field 2 * 2^stages (32 to 256).
- Code-level encoders and modulators are the audio ones (2 x 8 stages, filter 3,
  256 channels), over embedded codes.
- Quantiser coefficients: the layers' defaults (VQ-VAE `alpha=0.01`,
  `beta=0.25`; AMAE `nu=0.1`, the paper's value).
"""

SCALES = ("paper", "small", "demo", "tiny")

NUM_CLASSES = 256  # 8-bit mu-law audio
NUM_CODES = 256  # 8-bit codes

SIZES = {
    "paper": {
        # ADA local model: 32 blocks = 4 x 8 stages, filter 2, 128 -> 64, 384.
        "local_model": {
            "repeats": 4,
            "stages": 8,
            "kernel_size": 2,
            "residual_channels": 384,
            "inner_channels": 64,
        },
        # Encoder and modulator: 16 blocks = 2 x 8, non-causal filter 3, 256/256.
        "conditioning": {
            "repeats": 2,
            "stages": 8,
            "kernel_size": 3,
            "residual_channels": 256,
            "inner_channels": 256,
        },
        "code_local_model": {
            "repeats": 2,
            "kernel_size": 2,
            "residual_channels": 384,
            "inner_channels": 64,
        },
        # Unconditional WaveNets (appendix A).
        "large_wavenet": {
            "repeats": 3,
            "stages": 10,
            "kernel_size": 3,
            "residual_channels": 512,
            "inner_channels": 512,
        },
        "very_large_wavenet": {
            "repeats": 6,
            "stages": 10,
            "kernel_size": 3,
            "residual_channels": 512,
            "inner_channels": 512,
        },
        "thin_wavenet": {
            "repeats": 3,
            "stages": 13,
            "kernel_size": 3,
            "residual_channels": 192,
            "inner_channels": 192,
        },
        "code_dim": 64,
        "embedding_dim": 128,
    },
    "small": {
        "local_model": {
            "repeats": 4,
            "stages": 8,
            "kernel_size": 2,
            "residual_channels": 128,
            "inner_channels": 32,
        },
        "conditioning": {
            "repeats": 2,
            "stages": 8,
            "kernel_size": 3,
            "residual_channels": 96,
            "inner_channels": 96,
        },
        "code_local_model": {
            "repeats": 2,
            "kernel_size": 2,
            "residual_channels": 128,
            "inner_channels": 32,
        },
        "large_wavenet": {
            "repeats": 3,
            "stages": 10,
            "kernel_size": 3,
            "residual_channels": 128,
            "inner_channels": 128,
        },
        "very_large_wavenet": {
            "repeats": 6,
            "stages": 10,
            "kernel_size": 3,
            "residual_channels": 128,
            "inner_channels": 128,
        },
        "thin_wavenet": {
            "repeats": 3,
            "stages": 13,
            "kernel_size": 3,
            "residual_channels": 48,
            "inner_channels": 48,
        },
        "code_dim": 64,
        "embedding_dim": 64,
    },
    "demo": {
        # Local model as tiny's (receptive field 31 samples, under most note
        # periods, so that pitch must come through the codes), twice as wide.
        "local_model": {
            "repeats": 2,
            "stages": 4,
            "kernel_size": 2,
            "residual_channels": 32,
            "inner_channels": 16,
        },
        # Encoder and modulator: 5 stages of filter 3, receptive field 63 steps.
        "conditioning": {
            "repeats": 1,
            "stages": 5,
            "kernel_size": 3,
            "residual_channels": 32,
            "inner_channels": 32,
        },
        # One repeat: a code-level decoder sees 2^stages codes of its own past.
        "code_local_model": {
            "repeats": 1,
            "kernel_size": 2,
            "residual_channels": 32,
            "inner_channels": 16,
        },
        "large_wavenet": {
            "repeats": 1,
            "stages": 5,
            "kernel_size": 3,
            "residual_channels": 32,
            "inner_channels": 32,
        },
        "very_large_wavenet": {
            "repeats": 2,
            "stages": 5,
            "kernel_size": 3,
            "residual_channels": 32,
            "inner_channels": 32,
        },
        "thin_wavenet": {
            "repeats": 1,
            "stages": 7,
            "kernel_size": 3,
            "residual_channels": 16,
            "inner_channels": 16,
        },
        "code_dim": 32,
        "embedding_dim": 32,
    },
    "tiny": {
        "local_model": {
            "repeats": 2,
            "stages": 4,
            "kernel_size": 2,
            "residual_channels": 16,
            "inner_channels": 8,
        },
        "conditioning": {
            "repeats": 1,
            "stages": 3,
            "kernel_size": 3,
            "residual_channels": 16,
            "inner_channels": 16,
        },
        "code_local_model": {
            "repeats": 2,
            "kernel_size": 2,
            "residual_channels": 16,
            "inner_channels": 8,
        },
        "large_wavenet": {
            "repeats": 1,
            "stages": 5,
            "kernel_size": 3,
            "residual_channels": 16,
            "inner_channels": 16,
        },
        "very_large_wavenet": {
            "repeats": 2,
            "stages": 5,
            "kernel_size": 3,
            "residual_channels": 16,
            "inner_channels": 16,
        },
        "thin_wavenet": {
            "repeats": 1,
            "stages": 7,
            "kernel_size": 3,
            "residual_channels": 8,
            "inner_channels": 8,
        },
        "code_dim": 16,
        "embedding_dim": 16,
    },
}

# Training defaults per scale: global batch size and excerpt length (scored
# timesteps of the sequence a model trains on, after a context of one receptive
# field) are not given by the paper; steps are (500,000 for ADAs, 200,000 for
# unconditional WaveNets, `wavenet_steps`). `ema_momentum` is the Polyak averaging
# decay: the average spans about 1 / (1 - ema_momentum) steps, a few percent of
# the run. Unconditional WaveNets on audio score `length = receptive field` steps
# per excerpt instead (see `registry.training_defaults`), so that the very large
# WaveNet's excerpts are twice as long as the large one's, as in the paper.
TRAINING = {
    "paper": {
        "batch_size": 32,
        "length": 16384,
        "steps": 500_000,
        "wavenet_steps": 200_000,
        "ema_momentum": 0.9999,
    },
    "small": {
        "batch_size": 16,
        "length": 8192,
        "steps": 50_000,
        "wavenet_steps": 20_000,
        "ema_momentum": 0.999,
    },
    "tiny": {
        "batch_size": 8,
        "length": 512,
        "steps": 200,
        "wavenet_steps": 200,
        "ema_momentum": 0.95,
    },
    "demo": {
        "batch_size": 8,
        "length": 512,
        "steps": 2000,
        "wavenet_steps": 400,
        "ema_momentum": 0.99,
    },
}

PRESETS = {
    "wavenet_large": {
        "rows": ("1.1", "3.1"),
        "description": "Large unconditional WaveNet on audio (RF 6144 = 384 ms).",
        "kind": "wavenet",
        "network": "large_wavenet",
        "input_format": "continuous",
    },
    "vqvae_hop8": {
        "rows": ("1.2",),
        "description": "VQ-VAE on audio, continuous input, hop 8 (the selected level 1).",
        "kind": "ada",
        "quantiser": "vq",
        "input_format": "continuous",
        "hop": 8,
    },
    "vqvae_onehot_hop8": {
        "rows": ("1.3",),
        "description": "VQ-VAE on audio, one-hot input, hop 8.",
        "kind": "ada",
        "quantiser": "vq",
        "input_format": "one_hot",
        "hop": 8,
    },
    "amae_hop8": {
        "rows": ("1.4",),
        "description": "AMAE (ReLU + divisive normalisation) on audio, continuous, hop 8.",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "continuous",
        "hop": 8,
    },
    "amae_onehot_hop8": {
        "rows": ("1.5",),
        "description": "AMAE on audio, one-hot input, hop 8.",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "one_hot",
        "hop": 8,
    },
    "amae_softmax_onehot_hop8": {
        "rows": ("1.6",),
        "description": "AMAE with softmax and entropy diversity loss, one-hot, hop 8.",
        "kind": "ada",
        "quantiser": "amae_softmax",
        "input_format": "one_hot",
        "hop": 8,
    },
    "vqvae_hop64": {
        "rows": ("1.7",),
        "description": "VQ-VAE on audio, continuous input, hop 64.",
        "kind": "ada",
        "quantiser": "vq",
        "input_format": "continuous",
        "hop": 64,
    },
    "codes_wavenet": {
        "rows": ("2.1",),
        "description": "Large WaveNet on 8-bit codes (RF 6144 codes): the top prior.",
        "kind": "wavenet",
        "network": "large_wavenet",
        "input_format": "embedding",
    },
    "codes_vqvae_pbt": {
        "rows": ("2.2",),
        "description": "VQ-VAE on codes, hop 8, decoder RF 64 (trained with PBT).",
        "kind": "ada",
        "quantiser": "vq",
        "input_format": "embedding",
        "hop": 8,
        "local_stages": 5,
    },
    "codes_amae_rf32": {
        "rows": ("2.3",),
        "description": "AMAE on codes, hop 8, decoder RF 32.",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "embedding",
        "hop": 8,
        "local_stages": 4,
    },
    "codes_amae_rf64": {
        "rows": ("2.4",),
        "description": "AMAE on codes, hop 8, decoder RF 64 (the selected level 2).",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "embedding",
        "hop": 8,
        "local_stages": 5,
    },
    "codes_amae_rf128": {
        "rows": ("2.5",),
        "description": "AMAE on codes, hop 8, decoder RF 128.",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "embedding",
        "hop": 8,
        "local_stages": 6,
    },
    "codes_amae_rf256": {
        "rows": ("2.6",),
        "description": "AMAE on codes, hop 8, decoder RF 256.",
        "kind": "ada",
        "quantiser": "amae",
        "input_format": "embedding",
        "hop": 8,
        "local_stages": 7,
    },
    "wavenet_very_large": {
        "rows": ("3.2",),
        "description": "Very large unconditional WaveNet on audio (RF 12288 = 768 ms).",
        "kind": "wavenet",
        "network": "very_large_wavenet",
        "input_format": "continuous",
    },
    "wavenet_thin": {
        "rows": ("3.3",),
        "description": "Thin WaveNet with a large RF (49152 = 3072 ms).",
        "kind": "wavenet",
        "network": "thin_wavenet",
        "input_format": "continuous",
    },
    "vqvae_wavenet": {
        "rows": ("3.4",),
        "description": "Hop-8 VQ-VAE + large WaveNet prior (2 levels, 3072 ms).",
        "kind": "stack",
        "levels": ("vqvae_hop8",),
        "prior": "codes_wavenet",
    },
    "vqvae_hop64_wavenet": {
        "rows": ("3.5",),
        "description": "Hop-64 VQ-VAE + large WaveNet prior (2 levels, 24576 ms).",
        "kind": "stack",
        "levels": ("vqvae_hop64",),
        "prior": "codes_wavenet",
    },
    "vqvae_vqvae_wavenet": {
        "rows": ("3.6",),
        "description": "VQ-VAE + PBT-VQ-VAE + large WaveNet prior (3 levels, 24576 ms).",
        "kind": "stack",
        "levels": ("vqvae_hop8", "codes_vqvae_pbt"),
        "prior": "codes_wavenet",
    },
    "vqvae_amae_wavenet": {
        "rows": ("3.7",),
        "description": "VQ-VAE + AMAE + large WaveNet prior (3 levels, 24576 ms).",
        "kind": "stack",
        "levels": ("vqvae_hop8", "codes_amae_rf64"),
        "prior": "codes_wavenet",
    },
}

# What the paper reports. NLLs in nats per timestep; `rf_ms` in milliseconds of
# audio; ratings out of five (mean, standard error).
PAPER_RESULTS = {
    "1.1": {"train_nll": 1.192, "eval_nll": 1.151},
    "1.2": {"train_nll": 0.766, "eval_nll": 0.734, "perplexity": 227.3},
    "1.3": {"train_nll": 0.711, "eval_nll": 0.682, "perplexity": 199.6},
    "1.4": {"train_nll": 0.786, "eval_nll": 0.759, "perplexity": 228.9},
    "1.5": {"train_nll": 0.721, "eval_nll": 0.695, "perplexity": 225.6},
    "1.6": {"train_nll": 0.833, "eval_nll": 0.806, "perplexity": 183.2},
    "1.7": {"train_nll": 1.203, "eval_nll": 1.172, "perplexity": 84.04},
    "2.1": {"train_nll": 4.415, "eval_nll": 4.430},
    "2.2": {"train_nll": 4.183, "eval_nll": 4.191, "perplexity": 226.0},
    "2.3": {"train_nll": 4.337, "eval_nll": 4.348, "perplexity": 227.7},
    "2.4": {"train_nll": 4.236, "eval_nll": 4.247, "perplexity": 228.0},
    "2.5": {"train_nll": 4.134, "eval_nll": 4.143, "perplexity": 226.2},
    "2.6": {"train_nll": 4.153, "eval_nll": 4.159, "perplexity": 234.2},
    "3.1": {"rf_ms": 384, "fidelity": (3.82, 0.18), "musicality": (2.43, 0.14)},
    "3.2": {"rf_ms": 768, "fidelity": (3.82, 0.20), "musicality": (2.89, 0.17)},
    "3.3": {"rf_ms": 3072, "fidelity": (2.43, 0.17), "musicality": (1.71, 0.18)},
    "3.4": {"rf_ms": 3072, "fidelity": (3.79, 0.16), "musicality": (3.04, 0.16)},
    "3.5": {"rf_ms": 24576, "fidelity": (3.54, 0.18), "musicality": (3.07, 0.17)},
    "3.6": {"rf_ms": 24576, "fidelity": (3.71, 0.18), "musicality": (4.04, 0.14)},
    "3.7": {"rf_ms": 24576, "fidelity": (3.93, 0.18), "musicality": (3.46, 0.15)},
}
