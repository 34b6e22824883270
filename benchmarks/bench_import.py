"""Benchmark: importing enterprises and needs from CSV, beside reading and validating alone.

Writes two CSV files with Chinese headers (fixed seed): 20,000 enterprises (place +
brand + industry + legal form, region, industry, revenue, staff, a credit code for
one in four) and 20,000 needs, each naming one of those firms, a third of them by a
shorter spelling (no place, no legal form) that entity resolution must map back.
Then, in the same run:

- baseline: `csv.reader` over the same file, headers mapped by a fixed dict, and
  `graph.model.validate_props` on every row: the least any import has to do;
- `import_file` of the enterprises into a fresh SQLite file (parse, resolve each
  firm against the store and the rows before it, one transaction), then of the
  needs (each linked to its firm by a `submitted` edge).

Prints rows/s of each and the import's cost as a multiple of the baseline.

Usage:
  python benchmarks/bench_import.py            # 20,000 enterprises, 20,000 needs
  python benchmarks/bench_import.py --quick    # 2,000 of each
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_resolution import LEGAL_FORMS, generate  # noqa: E402

from duijie.graph.importers import import_file  # noqa: E402
from duijie.graph.model import validate_props  # noqa: E402
from duijie.graph.sqlite_store import SqliteStore  # noqa: E402

FIRM_HEADERS = ["企业名称", "统一社会信用代码", "所在地区", "所属行业", "营业收入（万元）",
                "员工人数"]
FIRM_FIELDS = ["name", "credit_code", "region", "industry", "revenue_wan", "employees"]
NEED_HEADERS = ["需求名称", "企业名称", "需求类型", "需求描述", "所在地区", "预算（万元）"]
NEED_FIELDS = ["title", "enterprise", "need_type", "text", "region", "budget_wan"]
NEED_TYPES = ["technology", "problem", "financing", "talent"]
PROBLEMS = ["降噪", "能耗降低", "良品率提升", "寿命延长", "轻量化", "自动化改造", "检测效率",
            "材料替代", "工艺稳定性", "数字化车间"]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(rng: random.Random) -> str:
    """A code of the right shape (the check digit is not computed)."""
    return ("91" + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(CODE_CHARS) for _ in range(10)))


def write_files(folder: Path, n_firms: int, n_needs: int, rng: random.Random
                ) -> tuple[Path, Path]:
    firms = generate(n_firms, rng)
    firm_path, need_path = folder / "enterprises.csv", folder / "needs.csv"
    with firm_path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(FIRM_HEADERS)
        for _, name, place, industry in firms:
            code = credit_code(rng) if rng.random() < 0.25 else ""
            out.writerow([name, code, place, industry, f"{rng.uniform(100, 90_000):.1f}",
                          str(rng.randrange(10, 5_000))])
    with need_path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(NEED_HEADERS)
        for i in range(n_needs):
            _, name, place, industry = rng.choice(firms)
            if rng.random() < 1 / 3:  # a shorter spelling: no place, no legal form
                name = name.removeprefix(place).removeprefix("市")
                for form in sorted(LEGAL_FORMS, key=len, reverse=True):
                    if form and name.endswith(form):
                        name = name[: -len(form)]
                        break
            problem = rng.choice(PROBLEMS)
            out.writerow([f"{industry}{problem}需求{i}", name, rng.choice(NEED_TYPES),
                          f"{industry}产品{problem}，希望与高校院所合作攻关。", place,
                          str(rng.randrange(10, 500))])
    return firm_path, need_path


def baseline(path: Path, kind: str, fields: list[str]) -> float:
    """Seconds to read `path` with csv.reader and validate every row's props."""
    skip = {"enterprise"}  # names a link, not a property
    t0 = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for number, row in enumerate(rows, start=2):
            props = {k: v for k, v in zip(fields, row, strict=True) if v and k not in skip}
            validate_props(kind, props, f"{path.name}, row {number}")
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 enterprises and needs")
    parser.add_argument("--rows", type=int, default=None, help="rows of each file")
    parser.add_argument("--seed", type=int, default=20190523)
    args = parser.parse_args(argv)
    n = args.rows or (2_000 if args.quick else 20_000)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        firm_path, need_path = write_files(Path(tmp), n, n, rng)
        base_firms = baseline(firm_path, "Enterprise", FIRM_FIELDS)
        base_needs = baseline(need_path, "Need", NEED_FIELDS)
        store = SqliteStore(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        firms = import_file(store, "企业", firm_path)
        t_firms = time.perf_counter() - t0
        t0 = time.perf_counter()
        needs = import_file(store, "需求", need_path)
        t_needs = time.perf_counter() - t0
        counts = store.counts()
        store.close()

    print(f"{n:,} enterprises and {n:,} needs, CSV UTF-8, SQLite file (WAL)")
    print(f"enterprises: created {firms.created:,}, merged {firms.merged:,}, "
          f"queued for review {firms.queued_for_review:,}")
    print(f"needs: created {needs.created:,}, links {needs.links:,}, "
          f"enterprises created for unknown names {needs.linked_created:,}, "
          f"queued for review {needs.queued_for_review:,}")
    print(f"stored: {counts['nodes']}, edges {counts['edges']}")
    print()
    print("| file | baseline: csv.reader + validate_props | import_file | import / baseline |")
    print("|---|---|---|---|")
    for label, rows, base, took in (("enterprises", n, base_firms, t_firms),
                                    ("needs", n, base_needs, t_needs)):
        print(f"| {label} | {rows / base:,.0f} rows/s ({base:.2f} s) | "
              f"{rows / took:,.0f} rows/s ({took:.2f} s) | {took / base:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
