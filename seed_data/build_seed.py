"""Build the seed JSON Lines files from the hand-written lists in `seed_data/build/`.

Run by hand after editing a list (never imported at run time):

    python3 seed_data/build_seed.py [--seeds ../shared/seeds]

It checks every record against the model (properties, endpoint kinds, ids that
exist), checks every quote is an exact substring of its seed document (when the
documents are at hand), and rewrites the files deterministically.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from duijie.graph.model import (  # noqa: E402
    Edge,
    Node,
    check_endpoint_kinds,
    validate_edge,
    validate_node,
)
from duijie.seed_data import EDGE_FILE  # noqa: E402
from duijie.seed_data.build.activities import event_records  # noqa: E402
from duijie.seed_data.build.common import SEED_FILES  # noqa: E402
from duijie.seed_data.build.illustrative import REAL_PEOPLE, illustrative_records  # noqa: E402
from duijie.seed_data.build.ledger import apply_ledger  # noqa: E402
from duijie.seed_data.build.needs import seed_need_records  # noqa: E402
from duijie.seed_data.build.organisations import enterprise_records, institute_records  # noqa: E402
from duijie.seed_data.build.programmes import programme_records  # noqa: E402
from duijie.seed_data.build.vocabulary import (  # noqa: E402
    industry_records,
    region_records,
    topic_records,
)
from duijie.seed_data.build.xian import xian_records  # noqa: E402

FILE_OF_KIND = {
    "Region": "regions.jsonl", "Industry": "industries.jsonl", "Topic": "topics.jsonl",
    "Institute": "institutes.jsonl", "Enterprise": "enterprises.jsonl",
    "Expert": "experts.jsonl", "Programme": "programmes.jsonl", "Event": "events.jsonl",
    "Need": "needs.jsonl",
}


def collect() -> tuple[list[dict], list[dict]]:
    nodes: list[dict] = []
    edges: list[dict] = []
    regions, region_edges = region_records()
    nodes += regions
    edges += region_edges
    nodes += industry_records()
    for build in (topic_records, institute_records, enterprise_records, programme_records,
                  event_records, seed_need_records, xian_records):
        more_nodes, more_edges = build()
        nodes += more_nodes
        edges += more_edges
    apply_ledger(nodes)
    taken = {n["props"]["name"] for n in nodes if n["kind"] == "Expert"}
    more_nodes, more_edges = illustrative_records(taken)
    return nodes + more_nodes, edges + more_edges


def check(nodes: list[dict], edges: list[dict], seeds: Path | None) -> list[str]:
    problems = []
    kinds: dict[str, str] = {}
    for n, record in enumerate(nodes):
        node = validate_node(Node.from_dict(record), f"node {record['id']}")
        if node.id in kinds:
            problems.append(f"duplicate node id {node.id}")
        kinds[node.id] = node.kind
        if node.kind == "Expert" and node.name in REAL_PEOPLE:
            problems.append(f"{node.id}: an invented expert carries a real person's name")
        nodes[n] = node.to_dict()
    seen = set()
    for n, record in enumerate(edges):
        e = validate_edge(Edge.from_dict(record))
        if e.id in seen:
            problems.append(f"duplicate edge {e.id}")
        seen.add(e.id)
        if e.src not in kinds or e.dst not in kinds:
            problems.append(f"edge {e.id}: unknown endpoint")
            continue
        check_endpoint_kinds(e, kinds[e.src], kinds[e.dst])
        edges[n] = e.to_dict()
    if seeds is not None:
        texts = {f"seed:{name}": (seeds / name).read_text(encoding="utf-8")
                 for name in SEED_FILES.values()}
        for record in nodes + edges:
            for p in record["provenance"]:
                if p["source"].startswith("seed:") and p["quote"] not in texts[p["source"]]:
                    problems.append(f"quote not in {p['source']}: {p['quote']}")
    return problems


def write(nodes: list[dict], edges: list[dict]) -> Counter:
    by_file: dict[str, list[dict]] = {name: [] for name in FILE_OF_KIND.values()}
    for record in nodes:
        by_file[FILE_OF_KIND[record["kind"]]].append(record)
    by_file[EDGE_FILE] = edges
    counts: Counter = Counter()
    for name, records in by_file.items():
        with open(HERE / name, "w", encoding="utf-8", newline="\n") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[name] = len(records)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=HERE.parent.parent / "shared" / "seeds",
                        help="folder of the five seed documents (quotes are checked there)")
    args = parser.parse_args()
    seeds = args.seeds if args.seeds.is_dir() else None
    nodes, edges = collect()
    problems = check(nodes, edges, seeds)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    for name, count in write(nodes, edges).items():
        print(f"{name:<20}{count:>6}")
    if seeds is None:
        print("warning: seed documents not found, quotes unchecked", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
