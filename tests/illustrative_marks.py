"""Checks that every name of an invented (illustrative) seed record a person reads is
marked 示意, and no real organisation's name is (issue 10, part 1).

Read by the CLI and web tests: `unmarked(text)` lists the offending spots, `unflagged(data)`
the JSON records that name an invented record without saying so.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "seed_data"
NAMED_FILES = ("enterprises", "institutes", "experts", "events", "programmes")
MARK = re.compile(r"（示意）| \(illustrative\)")
ID_KEYS = ("id", "node_id", "meeting_id", "firm_id", "helper_id", "firm", "helper",
           "programme_id")
NAME_KEYS = ("name", "title", "firm_name", "helper_name", "meeting", "programme_name")
RECORD_PREFIXES = ("ent:", "inst:", "exp:", "need:", "mtg:", "evt:", "prog:")


@cache
def seed_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(invented names, real names, invented ids) of the seed's organisations, people,
    events, programmes (names) and of every record (ids)."""
    invented, real, invented_ids = set(), set(), set()
    for path in SEED.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "id" not in record:
                continue
            flagged = bool(record["props"].get("illustrative"))
            if flagged:
                invented_ids.add(record["id"])
            name = record["props"].get("name")
            if path.stem in NAMED_FILES and name:
                (invented if flagged else real).add(name)
    return frozenset(invented), frozenset(real), frozenset(invented_ids)


def unmarked(text: str) -> list[str]:
    """Every spot where an invented name is shown without its mark, or a real
    organisation's name with one (a name inside a longer seed name is the longer one's)."""
    invented, real, _ = seed_names()
    every = invented | real
    problems = []
    for names, wanted in ((invented, True), (real, False)):
        for name in names:
            for hit in re.finditer(re.escape(name), text):
                if any(other != name and text.startswith(other, hit.start())
                       for other in every if other.startswith(name)):
                    continue
                marked = MARK.match(text, hit.end()) is not None
                if marked != wanted:
                    problems.append(f"{'unmarked' if wanted else 'marked'} {name}: "
                                    f"…{text[max(0, hit.start() - 30):hit.end() + 30]}…")
    return problems


def unflagged(data: Any, where: str = "$") -> list[str]:
    """JSON records naming a seed record that lack the fixed `illustrative` key, or say
    False while a record they name is invented."""
    _, _, invented_ids = seed_names()
    problems = []
    if isinstance(data, dict):
        refs = {data[k] for k in ID_KEYS
                if isinstance(data.get(k), str) and data[k].startswith(RECORD_PREFIXES)}
        if refs and any(k in data for k in NAME_KEYS):
            if "illustrative" not in data:
                problems.append(f"{where}: no illustrative key ({sorted(refs)})")
            elif refs & invented_ids and data["illustrative"] is not True:
                problems.append(f"{where}: names invented {sorted(refs & invented_ids)} "
                                "but says illustrative false")
        for key, value in data.items():
            problems += unflagged(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            problems += unflagged(value, f"{where}[{i}]")
    return problems
