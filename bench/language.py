"""How accurate and how fast is ``redflags.language.detect`` on synthetic ads?

    python bench/language.py --ads 3000 --seeds 1 2 3
    python bench/language.py --ads 3000 --compare      # also py3langid / lingua, if installed

For each language the generator writes (``truth["lang"]``: en, es, ru) it prints how many ads
were labelled right, left unknown (``None``) or labelled wrong, on whole ads (title + body) and
on titles alone (short text), then the CPU time per ad.  ``--compare`` runs the same on the
libraries that are importable here (they are not dependencies of the project).  CPU time is
``time.process_time``, so other work on the machine inflates it less than wall time would.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable

from redflags.language import detect
from redflags.synth import generate

Detector = Callable[[str, str], "str | None"]


def _libraries() -> dict[str, Detector]:
    out: dict[str, Detector] = {}
    try:
        import py3langid.langid as pl  # type: ignore[import-not-found]

        ident = pl.LanguageIdentifier.from_model_file(pl.MODEL_FILE)
        ident.set_languages(["en", "es", "ru", "pt", "fr", "de", "it"])
        out["py3langid"] = lambda t, b: str(ident.classify(f"{t}\n{b}")[0])
    except ImportError:
        pass
    try:
        from lingua import Language, LanguageDetectorBuilder  # type: ignore[import-not-found]

        langs = ("ENGLISH", "SPANISH", "RUSSIAN", "PORTUGUESE", "FRENCH", "GERMAN", "ITALIAN")
        det = LanguageDetectorBuilder.from_languages(*(getattr(Language, x) for x in langs)).build()

        def lingua(t: str, b: str) -> str | None:
            r = det.detect_language_of(f"{t}\n{b}")
            return None if r is None else str(r.iso_code_639_1.name.lower())

        out["lingua"] = lingua
    except ImportError:
        pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ads", type=int, default=3000, help="ads per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--compare", action="store_true", help="also run installed libraries")
    args = ap.parse_args()
    ads = [
        (str(ad.get("title") or ""), str(ad.get("body") or ""), str(truth["lang"]))
        for seed in args.seeds
        for ad, truth in generate(args.ads, seed=seed)
    ]
    detectors: dict[str, Detector] = {"redflags": detect}
    if args.compare:
        detectors.update(_libraries())
    print(f"{len(ads)} synthetic ads: {dict(Counter(lang for _, _, lang in ads))}")
    print(f"{'detector':<10} {'text':<6} {'lang':<4} {'n':>6} {'right':>8} {'none':>7} "
          f"{'wrong':>7} {'µs/ad':>7}")
    for name, fn in detectors.items():
        for part in ("ad", "title"):
            got: list[str | None] = []
            t0 = time.process_time()
            for title, body, _ in ads:
                got.append(fn(title, body if part == "ad" else ""))
            us = (time.process_time() - t0) / len(ads) * 1e6
            for lang in ("en", "es", "ru"):
                mine = [g for g, (_, _, want) in zip(got, ads, strict=True) if want == lang]
                n = len(mine)
                right = sum(g == lang for g in mine)
                none = sum(g is None for g in mine)
                print(f"{name:<10} {part:<6} {lang:<4} {n:>6} {right / n:>8.2%} "
                      f"{none / n:>7.2%} {(n - right - none) / n:>7.2%} {us:>7.1f}")


if __name__ == "__main__":
    main()
