"""Figure 2: predictability profiles of audio and codes, beside the paper's findings.

`profile_findings` states, per panel, whether the paper's finding holds in a
measured profile (`keras_ada.evaluation.predictability`); `draw_profiles`
draws both panels with those sentences, the paper's claims in the caption.
"""

import textwrap

PAPER_CLAIMS = (
    "Paper (Fig. 2, model #1.2): (a) the recent past is very informative when "
    "predicting waveforms, then returns diminish quickly; (b) code sequences' "
    "NLLs are on a different scale, much harder to predict, with a clear "
    "transition when r passes the encoder's receptive field (64). Its values "
    "are not reproduced here: the paper gives them only as a drawing."
)


def _nlls(points):
    return [point["nll"] for point in points]


def audio_finding(points):
    """Whether the first past step gives most of the gain and the last doubling little.

    Returns:
        `(holds, sentence)`.
    """
    nll = _nlls(points)
    total = nll[0] - min(nll)
    first = nll[0] - nll[1]
    last = nll[-2] - nll[-1]
    holds = total > 0 and first >= 0.5 * total and last <= 0.1 * total
    sentence = (
        f"r = 1 gives {first:.2f} of the {total:.2f} nats that the longest past "
        f"gains over the unigram entropy, the last doubling {last:.2f}: the "
        f"recent past is {'' if holds else 'not '}most of what helps, as in the paper."
    )
    return holds, sentence


def codes_finding(audio_points, code_points, rf_codes):
    """Whether codes are harder to predict than audio at every r >= 1.

    Also measures the NLL drop per doubling of r within the encoder's receptive
    field and beyond it (the paper's transition).

    Returns:
        `(holds, sentence)`; `holds` is about the codes being harder.
    """
    audio = {point["r"]: point["nll"] for point in audio_points}
    shared = [p for p in code_points if p["r"] >= 1 and p["r"] in audio]
    harder = [p["r"] for p in shared if p["nll"] > audio[p["r"]]]
    holds = bool(shared) and len(harder) == len(shared)
    gaps = [p["nll"] - audio[p["r"]] for p in shared]
    sentence = (
        f"codes are {'' if holds else 'not '}harder to predict than audio at every "
        f"r >= 1 ({len(harder)} of {len(shared)}; NLL higher by "
        f"{min(gaps, default=0):.2f} to {max(gaps, default=0):.2f} nats)."
    )
    within = _drop_per_doubling([p for p in code_points if 1 <= p["r"] <= rf_codes])
    beyond = _drop_per_doubling([p for p in code_points if p["r"] >= rf_codes])
    if within is not None and beyond is not None:
        sentence += (
            f" Per doubling of r: {within:.3f} nats within the encoder's receptive "
            f"field, {beyond:.3f} beyond it."
        )
    return holds, sentence


def _drop_per_doubling(points):
    if len(points) < 2:
        return None
    return (points[0]["nll"] - points[-1]["nll"]) / (len(points) - 1)


def draw_profiles(results, path):
    """Draws the two panels of Figure 2 to a PNG.

    Args:
        results: a dict with `waveform` and `codes` (the points of
            `predictability_profile`), `encoder_rf_codes`, `codebook_perplexity`
            and `num_codes`.
        path: the PNG to write.
    """
    from matplotlib.figure import Figure

    _, audio_sentence = audio_finding(results["waveform"])
    _, codes_sentence = codes_finding(
        results["waveform"], results["codes"], results["encoder_rf_codes"]
    )
    figure = Figure(figsize=(11, 5.6), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    panels = (
        ("(a) audio (8-bit mu-law, 16 kHz)", "waveform", audio_sentence),
        ("(b) code sequence of level 1", "codes", codes_sentence),
    )
    for axis, (title, name, sentence) in zip(axes, panels):
        points = results[name]
        positions = [max(p["r"], 0.5) for p in points]
        axis.plot(positions, _nlls(points), marker="o", label="keras-ada")
        if name == "codes":
            axis.plot(
                positions,
                _nlls(results["waveform"])[: len(points)],
                color="grey",
                linestyle=":",
                label="audio, for scale",
            )
            rf = results["encoder_rf_codes"]
            axis.axvline(rf, color="grey", linestyle="--")
            axis.text(
                rf,
                0.02,
                f" encoder RF\n {rf} codes",
                fontsize=8,
                transform=axis.get_xaxis_transform(),
            )
            title += (
                f"\ncodebook perplexity {results['codebook_perplexity']:.0f} of "
                f"{results['num_codes']} (paper's #1.2: 227)"
            )
            axis.legend(fontsize=8)
        axis.set_xscale("log", base=2)
        axis.set_xlabel("receptive field r (steps; r = 0 at 0.5: unigram entropy)")
        axis.set_title(title, fontsize=10)
        axis.grid(alpha=0.3)
        axis.annotate(
            textwrap.fill("Here: " + sentence, 62),
            (0, -0.2),
            xycoords="axes fraction",
            va="top",
            fontsize=8,
        )
    axes[0].set_ylabel("held-out NLL (nats per step)")
    figure.suptitle(textwrap.fill(PAPER_CLAIMS, 150), fontsize=8.5)
    figure.savefig(path, dpi=100)
