"""Rebuild the public labelled sets of `evaluation/data/` from fetched repository snapshots.

Only small derived files whose licence allows it are written; the data sets themselves
(which needs, which answers, which split) are made from them by `duijie.evaluation.sets`,
so the construction is code that tests read, not a file to trust.

NSFC disciplines (AMinerOpen/TaxoExt, MIT licence, ``data/nsfc.jl``): the three-level
discipline taxonomy of the National Natural Science Foundation of China with Chinese and
English names. Written as ``evaluation/data/nsfc/disciplines.jsonl`` (id, parent, name,
name_en) plus ``SOURCE.md`` naming the commit and the licence.

    python scripts/build_quality_sets.py /work/.mirror/AMinerOpen+TaxoExt/repo

The argument is a bare git directory (what the workplace's fetch brings) or a clone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "evaluation" / "data" / "nsfc"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def build_nsfc(repo: Path) -> int:
    git_dir = repo / ".git" if (repo / ".git").is_dir() else repo
    commit = git(git_dir, "rev-parse", "HEAD").strip()
    licence = git(git_dir, "show", "HEAD:LICENSE")
    if "MIT License" not in licence:
        raise SystemExit(f"{repo}: LICENSE is no longer MIT; check it before rebuilding")
    rows = [json.loads(line) for line in git(git_dir, "show", "HEAD:data/nsfc.jl").splitlines()
            if line.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "disciplines.jsonl", "w", encoding="utf-8") as fh:
        for row in sorted(rows, key=lambda r: r["_id"]):
            parent = row["parents"][0] if row["parents"] else None
            record = {"id": row["_id"], "parent": parent, "name": row["name"].strip(),
                      "name_en": row["name_en"].strip()}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    (OUT / "SOURCE.md").write_text(
        "# NSFC discipline taxonomy\n\n"
        "`disciplines.jsonl` is derived from `data/nsfc.jl` of the public repository\n"
        f"AMinerOpen/TaxoExt at commit `{commit}` (MIT licence, copyright 2019 AMiner Open\n"
        "Team; the licence text is reproduced below as it requires). Kept: id, parent, Chinese\n"
        "and English name. Rebuild with `python scripts/build_quality_sets.py SNAPSHOT`.\n\n"
        "```\n" + licence.strip() + "\n```\n", encoding="utf-8")
    return len(rows)


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    n = build_nsfc(Path(argv[1]))
    print(f"{n} disciplines → {OUT / 'disciplines.jsonl'}")


if __name__ == "__main__":
    main(sys.argv)
