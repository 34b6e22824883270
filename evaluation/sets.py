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

**Paper → expert** (`evaluation/data/acl/`, public, CC BY 4.0; see its SOURCE.md): papers of
the ACL Anthology with their authors. An author with enough papers is an expert whose
profile is their papers (one document each: title, then abstract); a paper of theirs held
out of every profile is a query whose relevant experts are its authors. Papers are dealt
into folds by a hash of their id; the queries of a fold are ranked against profiles built
without that fold's papers (`LabelledSet.groups`), so no query's own paper is in a profile:

* ``acl-zh``: the Chinese papers of CCL 2020-2021, query = the paper's Chinese title (a
  need or project title → the researcher behind it), every fold queried;
* ``acl-zh-en``: the same queries by their English titles against the Chinese profiles;
* ``acl-en``: English papers of ACL, NAACL, EACL, EMNLP and Findings 2020-2021, query =
  title and abstract (a submission → its reviewer-experts), one fold of four queried.

>>> sets = nsfc_sets()
>>> sorted(sets)
['nsfc-l1-en', 'nsfc-l1-zh', 'nsfc-l2-en', 'nsfc-l2-en→zh', 'nsfc-l2-zh', 'nsfc-l2-zh→en']
>>> s = sets["nsfc-l2-zh"]
>>> len(s.profiles), len(s.queries), s.count("tune") + s.count("heldout") == len(s.queries)
(1013, 608, True)
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
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
    min_docs: int = 1

    def count(self, split: str) -> int:
        """Queries in one split."""
        return sum(1 for q in self.queries if q["split"] == split)

    def groups(self) -> list[tuple[list[int], list[dict]]]:
        """(query indexes, the profiles they are ranked against) for each fold.

        A query with a ``fold`` is ranked against the profiles without the documents of its
        fold, keeping those left with at least `min_docs` documents; a set without folds is
        one group: every query against every profile.

        >>> s = LabelledSet("f", "en", "", "", [
        ...     {"id": "p", "docs": [{"id": "1", "text": "a", "fold": 0},
        ...                          {"id": "2", "text": "b", "fold": 1}]}],
        ...     [{"id": "1", "text": "a", "relevant": ["p"], "split": "tune", "fold": 0}])
        >>> s.groups()
        [([0], [{'id': 'p', 'docs': [{'id': '2', 'text': 'b', 'fold': 1}]}])]
        """
        folds = sorted({q["fold"] for q in self.queries if "fold" in q})
        if not folds:
            return [(list(range(len(self.queries))), self.profiles)]
        out = []
        for fold in folds:
            profiles = []
            for p in self.profiles:
                docs = [d for d in p["docs"] if d.get("fold") != fold]
                if len(docs) >= self.min_docs:
                    profiles.append({"id": p["id"], "docs": docs})
            out.append(([i for i, q in enumerate(self.queries) if q.get("fold") == fold],
                        profiles))
        return out


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


def fold_of(paper_id: str, folds: int) -> int:
    """The fold of a paper, by a hash of its id (blind to the data).

    >>> fold_of("2021.acl-long.1", 4) in range(4)
    True
    """
    return int.from_bytes(hashlib.sha1(("fold:" + paper_id).encode("utf-8")).digest()[:4],
                          "big") % folds


def read_papers() -> list[dict]:
    """The ACL Anthology papers shipped in `evaluation/data/acl/papers.jsonl.gz`."""
    raw = resources.files("duijie.evaluation").joinpath("data/acl/papers.jsonl.gz").read_bytes()
    return [json.loads(line) for line in gzip.decompress(raw).decode("utf-8").splitlines()
            if line.strip()]


def _paper_expert_set(name: str, language: str, papers: list[dict], folds: int,
                      queried: Sequence[int], query_text, min_docs: int = 2) -> LabelledSet:
    """Experts = authors with at least `min_docs` papers outside some queried fold."""
    fold = {p["id"]: fold_of(p["id"], folds) for p in papers}
    by_author: dict[str, list[dict]] = defaultdict(list)
    for p in papers:
        for key, _ in p["authors"]:
            by_author[key].append(p)

    def kept(author: str, f: int) -> int:
        return sum(1 for p in by_author[author] if fold[p["id"]] != f)

    experts = sorted(a for a in by_author if any(kept(a, f) >= min_docs for f in queried))
    profiles = [{"id": a, "docs": [{"id": p["id"], "text": p["title"] + "\n" + p["abstract"],
                                    "fold": fold[p["id"]]} for p in by_author[a]]}
                for a in experts]
    queries = []
    for p in papers:
        f = fold[p["id"]]
        if f not in queried:
            continue
        relevant = sorted({key for key, _ in p["authors"]
                           if key in by_author and kept(key, f) >= min_docs})
        text = query_text(p)
        if relevant and text.strip():
            queries.append({"id": p["id"], "text": text, "relevant": relevant,
                            "split": split_of(p["id"]), "fold": f})
    source = "ACL Anthology (CC BY 4.0), evaluation/data/acl/SOURCE.md"
    return LabelledSet(name, language, f"paper → expert ({len(profiles)} experts, "
                       "a paper each document)", source, profiles, queries, min_docs)


def paper_expert_sets() -> dict[str, LabelledSet]:
    """The paper → expert sets (see the module docstring), by name.

    >>> sets = paper_expert_sets()
    >>> sorted(sets)
    ['acl-en', 'acl-zh', 'acl-zh-en']
    >>> s = sets["acl-zh"]
    >>> all(len(p["docs"]) >= 2 for p in s.profiles), s.count("tune"), s.count("heldout")
    (True, 42, 42)
    """
    papers = read_papers()
    zh = [p for p in papers if p["lang"] == "zh"]
    en = [p for p in papers if p["lang"] == "en"]
    return {
        "acl-zh": _paper_expert_set("acl-zh", "zh", zh, 5, range(5), lambda p: p["title"]),
        "acl-zh-en": _paper_expert_set("acl-zh-en", "en→zh", zh, 5, range(5),
                                       lambda p: p["title_en"]),
        "acl-en": _paper_expert_set("acl-en", "en", en, 4, (0,),
                                    lambda p: p["title"] + "\n" + p["abstract"]),
    }


def language_group(labelled: LabelledSet) -> str:
    """The language group a set's defaults are chosen in (`matcher.language.GROUPS`):
    ``"cross"`` for queries in one language against profiles in the other, else the
    queries' language; the set built here (``zh+en``, mostly Chinese) is ``"zh"``.

    >>> [language_group(s) for s in nsfc_sets().values()]
    ['zh', 'en', 'zh', 'en', 'cross', 'cross']
    """
    if "→" in labelled.language:
        return "cross"
    return "en" if labelled.language == "en" else "zh"


def all_sets() -> dict[str, LabelledSet]:
    """Every set of the harness by name: the NSFC sets, the one built here, paper → expert."""
    return {**nsfc_sets(), "built-here": text_quality_set(), **paper_expert_sets()}
