"""The labelled sets of the quality harness, built from the data shipped in `evaluation/data/`.

Every set is a `LabelledSet`: profiles in the ``duijie affinity`` shape (``{"id", "docs":
[{"id", "text"}]}``), queries ``{"id", "text", "relevant": [profile ids], "split"}`` with a
fixed ``split`` of ``"tune"`` or ``"heldout"`` (chosen by a hash of the query id, never by
looking at results), and where it came from. Data is read with `importlib.resources` only.

**NSFC disciplines** (`evaluation/data/nsfc/`, public, MIT; see its SOURCE.md): the National
Natural Science Foundation of China's three-level discipline codes, each with a Chinese and
an English name. A third of the leaves (level 3, e.g. F010102 网络信息论) are held out as
queries, "a need → the field that handles it"; the rest stay in their field's profile as
documents. Two granularities:

* ``l2``: the 1,013 second-level fields (F0101 信息论) are the answers; a field's documents
  are its own name and its remaining leaves (many fields have no leaves: distractors made of
  one short document);
* ``l1``: the 86 first-level fields (F01 电子学与信息系统) are the answers; their documents are
  their name, every second-level name and every remaining leaf under them (31 documents on
  average: this is where the aggregation rule matters).

Each in Chinese (``zh``), English (``en``) and across languages (``zh→en``: Chinese queries,
English profiles; ``en→zh`` the reverse).

**Built here** (`evaluation/data/text_quality/`, see its README): 58 research fields and labs
with 3-7 documents each and 116 need texts written as a firm would; not public data.

>>> sets = nsfc_sets()
>>> sorted(sets)
['nsfc-l1-en', 'nsfc-l1-zh', 'nsfc-l2-en', 'nsfc-l2-en→zh', 'nsfc-l2-zh', 'nsfc-l2-zh→en']
>>> s = sets["nsfc-l2-zh"]
>>> len(s.profiles), len(s.queries), s.count("tune") + s.count("heldout") == len(s.queries)
(1013, 608, True)
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

SPLITS = ("tune", "heldout")


@dataclass(frozen=True)
class LabelledSet:
    """One labelled set: profiles, queries with their right answers and split, provenance.

    Examples
    --------
    >>> s = LabelledSet("demo", "zh", "need → field", "made up",
    ...                 [{"id": "p", "docs": [{"id": "d", "text": "红外"}]}],
    ...                 [{"id": "q", "text": "红外", "relevant": ["p"], "split": "tune"}])
    >>> s.count("tune"), s.count("heldout")
    (1, 0)
    """

    name: str
    language: str
    shape: str
    source: str
    profiles: list[dict] = field(repr=False)
    queries: list[dict] = field(repr=False)

    def count(self, split: str) -> int:
        """Queries in one split."""
        return sum(1 for q in self.queries if q["split"] == split)


def split_of(query_id: str) -> str:
    """The fixed split of a query: half tune, half held-out, by a hash of its id.

    >>> split_of("F010102"), split_of("F010103")
    ('tune', 'heldout')
    """
    return SPLITS[hashlib.sha1(query_id.encode("utf-8")).digest()[0] % 2]


def _held_out(leaf_id: str) -> bool:
    # One leaf in three becomes a query; hashing keeps the choice blind to the data.
    return hashlib.sha1(("query:" + leaf_id).encode("utf-8")).digest()[1] % 3 == 0


def read_jsonl(package_path: str) -> list[dict]:
    """Records of a JSON-lines file shipped under `duijie.evaluation` (package data).

    >>> read_jsonl("data/nsfc/disciplines.jsonl")[0]["name"]
    '数学'
    """
    text = resources.files("duijie.evaluation").joinpath(package_path).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def nsfc_sets() -> dict[str, LabelledSet]:
    """The six NSFC discipline sets (see the module docstring), by name."""
    rows = read_jsonl("data/nsfc/disciplines.jsonl")
    node = {r["id"]: r for r in rows}
    children: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["parent"]:
            children[r["parent"]].append(r["id"])
    level2 = [r["id"] for r in rows if len(r["id"]) == 5]
    level1 = [r["id"] for r in rows if len(r["id"]) == 3]
    queries: list[str] = []
    for field_id in level2:
        leaves = sorted(children[field_id])
        held = [leaf for leaf in leaves if _held_out(leaf)]
        if len(held) == len(leaves):  # keep at least one leaf in the profile
            held = held[1:]
        queries += held
    held_set = set(queries)
    source = ("NSFC discipline codes via AMinerOpen/TaxoExt (MIT), "
              "evaluation/data/nsfc/SOURCE.md")

    def docs(ids: list[str], lang: str) -> list[dict]:
        key = "name" if lang == "zh" else "name_en"
        return [{"id": i, "text": node[i][key]} for i in ids]

    def l2_profiles(lang: str) -> list[dict]:
        return [{"id": f, "docs": docs([f] + [c for c in sorted(children[f])
                                            if c not in held_set], lang)} for f in level2]

    def l1_profiles(lang: str) -> list[dict]:
        out = []
        for top in level1:
            ids = [top]
            for mid in sorted(children[top]):
                ids.append(mid)
                ids += [c for c in sorted(children[mid]) if c not in held_set]
            out.append({"id": top, "docs": docs(ids, lang)})
        return out

    def query_records(lang: str, level: int) -> list[dict]:
        key = "name" if lang == "zh" else "name_en"
        out = []
        for q in queries:
            answer = node[q]["parent"] if level == 2 else node[node[q]["parent"]]["parent"]
            out.append({"id": q, "text": node[q][key], "relevant": [answer],
                        "split": split_of(q)})
        return out

    shape_l2, shape_l1 = "need → field (1,013 fields)", "need → field (86 fields, many docs)"
    return {
        "nsfc-l2-zh": LabelledSet("nsfc-l2-zh", "zh", shape_l2, source,
                                  l2_profiles("zh"), query_records("zh", 2)),
        "nsfc-l2-en": LabelledSet("nsfc-l2-en", "en", shape_l2, source,
                                  l2_profiles("en"), query_records("en", 2)),
        "nsfc-l1-zh": LabelledSet("nsfc-l1-zh", "zh", shape_l1, source,
                                  l1_profiles("zh"), query_records("zh", 1)),
        "nsfc-l1-en": LabelledSet("nsfc-l1-en", "en", shape_l1, source,
                                  l1_profiles("en"), query_records("en", 1)),
        "nsfc-l2-zh→en": LabelledSet("nsfc-l2-zh→en", "zh→en", shape_l2, source,
                                     l2_profiles("en"), query_records("zh", 2)),
        "nsfc-l2-en→zh": LabelledSet("nsfc-l2-en→zh", "en→zh", shape_l2, source,
                                     l2_profiles("zh"), query_records("en", 2)),
    }


def text_quality_set() -> LabelledSet:
    """The set built here: 58 research fields and labs, 116 needs (zh and en).

    >>> s = text_quality_set()
    >>> len(s.profiles), s.count("tune"), s.count("heldout")
    (58, 58, 58)
    """
    return LabelledSet("built-here", "zh+en", "need → lab (3-7 docs each)",
                       "written here, evaluation/data/text_quality/README.md",
                       read_jsonl("data/text_quality/profiles.jsonl"),
                       read_jsonl("data/text_quality/queries.jsonl"))


def all_sets() -> dict[str, LabelledSet]:
    """Every set of the harness by name: the NSFC sets and the one built here."""
    return {**nsfc_sets(), "built-here": text_quality_set()}
