"""Write docs/indicators.md, the indicator reference, from the bundled catalog.

    python docs/gen_indicators.py
"""

from __future__ import annotations

from pathlib import Path

from redflags.indicators import default_catalog

OUT = Path(__file__).with_name("indicators.md")


def render() -> str:
    cat = default_catalog()
    lines = [
        "# Indicator reference",
        "",
        f"Generated from `src/redflags/indicators/catalog.json` ({cat.name} v{cat.version}) by "
        "`docs/gen_indicators.py`; do not edit by hand.",
        "",
        "Weights are defaults to be measured on labelled data (see `docs/accuracy.md`), not "
        "established facts. Every indicator counts only inside a commercial-sex ad; the same "
        "words in an ordinary classified are not flagged. Risk combines weights as a noisy-OR.",
        "",
        "| id | category | weight | how it is found | explanation | source |",
        "|---|---|---:|---|---|---|",
    ]
    for ind in cat.indicators:
        how = []
        if ind.function:
            how.append(f"function `{ind.function}`")
        for lang, terms in ind.terms.items():
            if terms:
                shown = ", ".join(f"“{t}”" for t in terms[:6])
                more = f" (+{len(terms) - 6})" if len(terms) > 6 else ""
                how.append(f"{lang}: {shown}{more}")
        lines.append(
            f"| `{ind.id}` | {ind.category} | {ind.weight:.2f} | {'; '.join(how)} | "
            f"{ind.explanation} | {ind.source} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"written to {OUT}")
