"""Evaluation results as markdown, beside the paper's numbers."""

from keras_ada.zoo.presets import PAPER_RESULTS

HEADER = [
    "#",
    "model",
    "eval NLL (full context)",
    "paper",
    "perplexity per second",
    "pooled",
    "paper",
    "fidelity (floor)",
]


def markdown_lines(results: dict, row: str | None = None, name: str = "") -> list:
    """Table lines (lists of cells, `HEADER` order) of one model's or stack's results.

    A stack gives one line per level and one for the prior; the stack's
    fidelity (through level 1 and through all levels) goes with the last level.
    """
    if "levels" not in results:
        return [_line(row, name, results, results.get("fidelity"))]
    lines = [
        _line(None, f"{name} level {index}", level, None)
        for index, level in enumerate(results["levels"])
    ]
    lines[-1][-1] = _fidelity_cell(results.get("fidelity"))
    lines.append(_line(row, f"{name} prior", results["prior"], None))
    return lines


def markdown_table(lines: list) -> str:
    """A markdown table of `HEADER` and the lines."""
    return "\n".join(
        [
            "| " + " | ".join(HEADER) + " |",
            "|" + "|".join("---" for _ in HEADER) + "|",
            *("| " + " | ".join(line) + " |" for line in lines),
        ]
    )


def _line(row, name, results, fidelity):
    paper = PAPER_RESULTS.get(row, {}) if row else {}
    return [
        row or "",
        name,
        _number(results.get("nll")),
        _number(paper.get("eval_nll")),
        _number(results.get("perplexity_per_second"), 1),
        _number(results.get("perplexity_pooled"), 1),
        _number(paper.get("perplexity"), 1),
        _fidelity_cell(fidelity),
    ]


def _fidelity_cell(fidelity):
    if not fidelity:
        return "–"
    if "reconstruction" not in fidelity:
        return "; ".join(
            f"{levels.replace('_', ' ')}: {_fidelity_cell(scores)}"
            for levels, scores in fidelity.items()
        )
    return ", ".join(
        f"{key} {value:.3f} ({fidelity['floor'][key]:.3f})"
        for key, value in fidelity["reconstruction"].items()
    )


def _number(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"
