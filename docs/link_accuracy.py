"""Measure `redflags link` against the synthetic ground truth; writes docs/link_accuracy.md.

    python docs/link_accuracy.py [--ads 20000] [--seed 11] [--workers 2]

Ground truth is the generator's planted structure.  Two labellings are scored:

* **networks**: only ads from planted trafficking-pattern networks, labelled by network id
  (the issue's target: pair F1 ≥ 0.95, precision ≥ 0.98);
* **actors**: every ad, labelled by who really posted it (a network, one independent adult, or
  one business): an independent adult's reposts linked together are correct, a network fused
  with an unrelated poster is not.

Pairwise precision/recall/F1 count ad pairs put in one network; the adjusted Rand index (ARI)
compares the whole partition.  The breakdown by link kind scores the ad pairs joined *directly*
by one key of that kind (same phone, same template ...).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from math import comb
from pathlib import Path

import orjson

from redflags.engines.local import screen_records
from redflags.io import iter_records
from redflags.link.engine import link_records
from redflags.synth import write_corpus


def pair_scores(pred: Sequence[Hashable], true: Sequence[Hashable]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and ARI of two labellings (None = singleton)."""
    pred_l = [p if p is not None else ("solo", i) for i, p in enumerate(pred)]
    true_l = [t if t is not None else ("solo", i) for i, t in enumerate(true)]
    both = Counter(zip(pred_l, true_l, strict=True))
    tp = sum(comb(c, 2) for c in both.values())
    pp = sum(comb(c, 2) for c in Counter(pred_l).values())
    tt = sum(comb(c, 2) for c in Counter(true_l).values())
    n = comb(len(pred_l), 2)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = pp * tt / n if n else 0.0
    max_index = (pp + tt) / 2
    ari = (tp - expected) / (max_index - expected) if max_index != expected else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari,
            "true_pairs": tt, "pred_pairs": pp}


def evaluate(ads: int, seed: int, workers: int) -> tuple[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        ads_path, truth_path = write_corpus(ads, seed, Path(tmp) / "corpus.jsonl")
        truth = [orjson.loads(x) for x in truth_path.read_bytes().splitlines()]
        raw = [orjson.loads(x) for x in ads_path.read_bytes().splitlines()]
        t0 = time.perf_counter()
        assessments = [orjson.loads(o.payload) for o in
                       screen_records(iter_records(str(ads_path)), workers)]
        t1 = time.perf_counter()
        result = link_records(zip(raw, assessments, strict=True))
        t2 = time.perf_counter()
    pred = [r["network"] for r in result.links]
    actors = [t.get("actor") or t["id"] for t in truth]
    net_idx = [i for i, t in enumerate(truth) if t["kind"] == "network"]
    nets = pair_scores([pred[i] for i in net_idx], [truth[i]["network"] for i in net_idx])
    everyone = pair_scores(pred, actors)

    # direct pairs by link kind
    by_kind: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, r in enumerate(result.links):
        for key in r["via"]:
            kind = key.split(":", 1)[0]
            by_kind[kind][key].append(i)
    kind_rows = []
    for kind in sorted(by_kind):
        good = total = 0
        for members in by_kind[kind].values():
            labels = Counter(actors[m] for m in members)
            total += comb(len(members), 2)
            good += sum(comb(c, 2) for c in labels.values())
        kind_rows.append((kind, len(by_kind[kind]), total, good / total if total else 1.0))
    kinds = Counter(t["kind"] for t in truth)
    lines = [
        "# Network linking accuracy on synthetic ground truth",
        "",
        f"Produced by `python docs/link_accuracy.py --ads {ads} --seed {seed}`: {len(truth):,} "
        f"ads ({kinds['network']:,} from {len({t['network'] for t in truth if t['network']}):,} "
        f"planted networks, {kinds['independent']:,} independent adults, {kinds['benign']:,} "
        f"ordinary classifieds); screening {t1 - t0:.1f} s, linking {t2 - t1:.1f} s.",
        "",
        "| labelling | pair precision | pair recall | pair F1 | ARI | true pairs | linked pairs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in (("planted networks (network ads only)", nets), ("actors (all ads)", everyone)):
        lines.append(f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | "
                     f"{s['ari']:.4f} | {s['true_pairs']:,} | {s['pred_pairs']:,} |")
    lines += [
        "",
        "## Direct links by kind",
        "",
        "| kind | keys used | ad pairs joined directly | precision (same actor) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {k} | {n:,} | {t:,} | {p:.4f} |" for k, n, t, p in kind_rows]
    lines += [
        "",
        f"Hubs excluded (keys that would have fused unrelated components): {len(result.hubs)}",
        "",
    ]
    lines += [f"- `{h['key']}`: {h['ads']} ads across {h['components']} components "
              f"({h['reason']})" for h in result.hubs[:20]]
    summary = {"net_precision": nets["precision"], "net_recall": nets["recall"],
               "net_f1": nets["f1"], "net_ari": nets["ari"], "link_seconds": t2 - t1}
    return "\n".join(lines) + "\n", summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("link_accuracy.md"))
    args = ap.parse_args(argv)
    text, _ = evaluate(args.ads, args.seed, args.workers)
    args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text + f"\nwritten to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


