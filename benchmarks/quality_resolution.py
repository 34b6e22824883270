"""Entity resolution on the labelled name set (tests/data/resolution/): found, wrong
merges and reviews per case type, with Wilson 95% intervals, for one half.

    python benchmarks/quality_resolution.py --split tune
    python benchmarks/quality_resolution.py --split heldout --examples 10
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from duijie.graph.resolution_cases import (  # noqa: E402
    evaluate_cases,
    import_register,
    read_cases,
    read_register,
    register_index,
    split_of,
)

DATA = ROOT / "tests" / "data" / "resolution"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("tune", "heldout"), default="tune")
    parser.add_argument("--examples", type=int, default=0, help="misses to print per type")
    args = parser.parse_args()
    register = read_register(DATA)
    cases = read_cases(DATA / "cases.tsv")
    started = time.perf_counter()
    quality = evaluate_cases(register, cases, args.split, register_index(register))
    print(f"# {args.split}: {len(register)} register names, "
          f"{time.perf_counter() - started:.1f} s")
    print("| cases | found (same, part_of, or review first) | wrong | decisions |")
    print("|---|---|---|---|")
    for kind, found in quality.found.items():
        decisions = ", ".join(f"{k} {v}" for k, v in sorted(quality.decisions[kind].items()))
        print(f"| {kind} | {found.text()} | {quality.wrong[kind].text()} | {decisions} |")
    shuffled = list(register)
    random.Random(20261203).shuffle(shuffled)
    splits = {e.name: split_of(e.name) for e in register}
    clean = import_register(shuffled, args.split, splits)
    print(f"\nclean list imported ({clean.rows.n} rows of this half): "
          f"folded {clean.folded.text()}, to review {clean.reviewed.text()}, "
          f"part of another {clean.part_of.text()}")
    if args.examples:
        for kind, wrong in quality.wrong.items():
            print(f"\n{kind} wrong:", *wrong.examples[:args.examples], sep="\n  ")
        for name, rate in (("folded", clean.folded), ("reviewed", clean.reviewed),
                           ("part_of", clean.part_of)):
            print(f"\nclean {name}:", *rate.examples[:args.examples], sep="\n  ")
        misses = [c for c in cases if c.split == args.split
                  and c.type not in ("distinct", "shared_abbreviation")]
        index = register_index(register)
        by_name = {e.name: e for e in register}
        from duijie.graph.resolution_cases import outcome
        shown = 0
        for case in misses:
            result = outcome(index, case, by_name[case.expected])
            if result in ("different", "wrong"):
                print(f"  MISS {case.type} {case.query} → {case.expected}: {result} ({case.note})")
                shown += 1
                if shown >= args.examples * 4:
                    break


if __name__ == "__main__":
    main()
