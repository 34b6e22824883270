"""Synthetic graph generation: records per second into JSON Lines, against a baseline.

Goal: 200,000 experts + 100,000 needs (with 50,000 enterprises, 2,000 institutes and
their ~1.2M edges) into JSON Lines in well under a minute. Each size is timed for

* `baseline`: serialising and writing the same number of lines, each a fixed small
  record (`json.dumps` + write, nothing generated): the floor any generator pays;
* `generate`: `write_jsonl(generate_graph(...))`, text and all;
* `generate→sqlite` (smallest size only): the same records through one `WriteBatch`
  into a real SQLite file, as `duijie generate` without `--out` does.

CPU time (`time.process_time`) is reported beside wall time, since the benchmark
machine is shared. Ratios are generate / baseline, measured in the same run.

    python benchmarks/bench_generate.py [--scale 0.1]   # 1.0 = the full goal
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import timed

from duijie.api.services.seeding import seed_vocabulary
from duijie.graph.generate import generate_graph, write_jsonl
from duijie.graph.model import Edge
from duijie.graph.sqlite_store import SqliteStore
from duijie.graph.store import WriteBatch

FULL = {"n_enterprises": 50_000, "n_experts": 200_000, "n_institutes": 2_000, "n_needs": 100_000}


def baseline(path: Path, lines: int) -> None:
    record = {"src": "exp:gen-000001", "kind": "has_expertise", "dst": "topic:laser",
              "props": {"illustrative": True}, "provenance": [{"source": "generated"}]}
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(lines):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def into_sqlite(path: Path, sizes: dict[str, int]) -> int:
    store = SqliteStore(path)
    batch = WriteBatch()
    for record in generate_graph(**sizes, seed=1, vocabulary=seed_vocabulary()):
        (batch.upsert_edge if isinstance(record, Edge) else batch.upsert_node)(record)
    report = store.apply(batch)
    store.close()
    return report.nodes_written + report.edges_written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of the full goal")
    args = parser.parse_args()
    scales = sorted({min(args.scale, 0.01), args.scale})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "g.jsonl"
        vocab = seed_vocabulary()
        for scale in scales:
            sizes = {k: max(1, int(v * scale)) for k, v in FULL.items()}
            counts, wall, cpu = timed(lambda s=sizes: write_jsonl(
                generate_graph(**s, seed=1, vocabulary=vocab), out))
            records = counts["nodes"] + counts["edges"]
            _, b_wall, b_cpu = timed(lambda n=records: baseline(Path(tmp) / "b.jsonl", n))
            label = f"{sizes['n_experts']:,} experts / {sizes['n_needs']:,} needs"
            rows.append((label, "baseline", records, b_wall, b_cpu, 1.0))
            rows.append((label, "generate", records, wall, cpu, cpu / b_cpu))
            if scale == scales[0]:
                written, s_wall, s_cpu = timed(lambda s=sizes: into_sqlite(Path(tmp) / "g.db", s))
                rows.append((label, "generate→sqlite", written, s_wall, s_cpu, s_cpu / b_cpu))
    print(f"{'size':<34}{'run':<17}{'records':>10}{'wall s':>9}{'cpu s':>8}"
          f"{'rec/s (cpu)':>13}{'× baseline':>12}")
    for label, run, records, wall, cpu, ratio in rows:
        print(f"{label:<34}{run:<17}{records:>10,}{wall:>9.2f}{cpu:>8.2f}"
              f"{records / max(cpu, 1e-9):>13,.0f}{ratio:>12.1f}")
    largest = [r for r in rows if r[1] == "generate"][-1]
    full_records = largest[2] / scales[-1]
    rate = largest[2] / max(largest[4], 1e-9)
    print(f"\nprojected full goal (200k experts + 100k needs): ~{full_records:,.0f} records, "
          f"~{full_records / rate:.0f} s CPU")


if __name__ == "__main__":
    main()
