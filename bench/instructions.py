"""Instructions per screened ad, counted by valgrind's callgrind: steady where wall-clock is not.

    python bench/instructions.py [--ads 3000] [--seed 2027] [--src DIR] [--parts] [--matcher]

Screens a synthetic corpus with ``screen_records`` (decode, screen, JSON, as ``redflags scan``
on one worker) under callgrind, once with no ads and once with ``--ads``, and prints the
difference per ad: for the compiled build (when ``make`` built it) and for the pure-Python
sources (``REDFLAGS_PURE=1``).  ``--src`` measures another checkout's ``src`` instead (say a
``git worktree`` of an older commit), pure.  ``--parts`` also prints, for the compiled build,
where one ad's instructions go (inclusive counts of the extractors, views, matching and
scoring).  ``--matcher`` also counts ``bench/scan.py``'s baseline, a bare
``PhoneNumberMatcher`` pass over the same ads.  Needs ``valgrind``; a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()

#: what ``--parts`` reports: a label and the compiled function (mypyc's C name) it stands for
PARTS = [
    ("screen (all of it)", "CPyDef_screen___screen"),
    ("phones", "CPyDef_phones___extract"),
    ("  of which number validation", "CPyDef_phones____valid_e164"),
    ("handles", "CPyDef_handles___extract"),
    ("keys view", "CPyDef_normalize___Views___keys"),
    ("fold (folded view)", "CPyDef_normalize___Views___folded"),
    ("prices", "CPyDef_prices___extract"),
    ("ages", "CPyDef_ages___extract"),
    ("catalog match", "CPyDef_catalog___Catalog___match"),
    ("emails", "CPyDef_emails___extract"),
    ("places", "CPyDef_places___extract"),
    ("crypto", "CPyDef_crypto___extract"),
    ("findings", "CPyDef_screen____findings"),
    ("score", "CPyDef_score___score"),
]


def child(path: str, n: int) -> None:
    from itertools import islice

    from redflags.engines.local import screen_records
    from redflags.io import iter_records

    for _ in screen_records(islice(iter_records(path), n), 1):
        pass


def child_matcher(path: str, n: int) -> None:
    """The baseline of ``bench/scan.py``: ``PhoneNumberMatcher`` over title + body."""
    import orjson
    import phonenumbers

    texts = []
    with open(path, "rb") as fh:
        for line in fh:
            ad = orjson.loads(line)
            text = f"{ad.get('title', '')}\n{ad.get('body', '')}"
            texts.append((text, ad.get("country") or "US"))
    for text, region in texts[:n]:
        for _ in phonenumbers.PhoneNumberMatcher(text, region):
            pass


def _callgrind(
    corpus: Path, n: int, env: dict[str, str], out: Path, mode: str = "--child"
) -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
         sys.executable, str(HERE), mode, str(corpus), str(n)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    m = re.search(r"Collected\s*:\s*(\d+)|I\s+refs:\s+([\d,]+)", proc.stderr)
    if m is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{proc.stderr[-2000:]}")
    return int((m.group(1) or m.group(2)).replace(",", ""))


def per_ad(
    corpus: Path, n: int, env: dict[str, str], tmp: Path, keep: Path | None, mode: str = "--child"
) -> float:
    base = _callgrind(corpus, 0, env, tmp / "empty.out", mode)
    full = _callgrind(corpus, n, env, keep or tmp / "full.out", mode)
    return (full - base) / n


def parts(profile: Path, n: int) -> list[tuple[str, float]]:
    text = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", str(profile)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    totals: dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \(.*?\)\s+\S*?:(CPyDef_\w+)(?:'\d+)? \[", line)
        if m and m.group(2) not in totals:
            totals[m.group(2)] = int(m.group(1).replace(",", ""))
    return [(label, totals.get(fn, 0) / n) for label, fn in PARTS]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--src", type=Path, help="another checkout's src folder (measured pure)")
    ap.add_argument("--parts", action="store_true", help="where the compiled build's go")
    ap.add_argument("--matcher", action="store_true", help="also the PhoneNumberMatcher baseline")
    ap.add_argument("--child", nargs=2)
    ap.add_argument("--child-matcher", nargs=2)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    if args.child_matcher:
        child_matcher(args.child_matcher[0], int(args.child_matcher[1]))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")

    from redflags._native import status
    from redflags.synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "ads.jsonl"
        write_corpus(args.ads, args.seed, corpus)
        env = {k: v for k, v in os.environ.items() if k != "REDFLAGS_PURE"}
        rows: list[tuple[str, float]] = []
        profile = None
        if args.src is not None:
            other = {**env, "PYTHONPATH": str(args.src.resolve()), "REDFLAGS_PURE": "1"}
            rows.append((f"sources in {args.src}", per_ad(corpus, args.ads, other, tmp, None)))
        if status().compiled:
            profile = tmp / "compiled.out"
            rows.append(("this checkout, compiled", per_ad(corpus, args.ads, env, tmp, profile)))
        pure_env = {**env, "REDFLAGS_PURE": "1"}
        rows.append(("this checkout, pure Python", per_ad(corpus, args.ads, pure_env, tmp, None)))
        if args.matcher:
            matcher = per_ad(corpus, args.ads, env, tmp, None, "--child-matcher")
            rows.append(("phonenumbers.PhoneNumberMatcher alone (baseline)", matcher))
        print(f"{args.ads:,} synthetic ads (seed {args.seed}), screened as `redflags scan` does\n")
        print(f"{'build':50} {'instructions per ad':>20}")
        for name, value in rows:
            print(f"{name:50} {value:>20,.0f}")
        if args.parts and profile is not None:
            print("\nwhere the compiled build's go (inclusive, thousands per ad):")
            for label, value in parts(profile, args.ads):
                print(f"{label:50} {value / 1000:>20,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
