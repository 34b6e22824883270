"""Large synthetic graphs with realistic Chinese technical text, for benchmarks.

`generate_graph` yields `Node`s and `Edge`s: the seed vocabulary (regions,
industries, technology topics with their `part_of` hierarchy), then institutes,
experts (each with 2–5 docs: projects, papers, patents, awards), enterprises and
needs, with the edges between them. Text is assembled from the topic
vocabulary's names, synonyms and keywords, so a need and the experts who fit it
share words, as real ones do (`graph.generate_text`). The same arguments always yield
the same records.

Every generated record carries provenance ``generated`` and ``illustrative: true``;
ids are ``ent:gen-000001``, ``exp:gen-000001``, … so they never collide with the
seed data, and loading a generated graph into a seeded store only adds to it.

The vocabulary is an argument: the application passes the seed dataset's
(`duijie.api.services.seeding.seed_vocabulary`); here, a small one:

>>> vocabulary = ([Node("reg:hz", "Region", {"name": "杭州", "level": "city"}),
...                Node("ind:tool", "Industry", {"name": "工具"}),
...                Node("topic:opt", "Topic", {"name": "光学"}),
...                Node("topic:laser", "Topic", {"name": "激光", "tags": ["激光器", "光纤"]})],
...               [Edge("topic:laser", "part_of", "topic:opt")])
>>> records = list(generate_graph(n_enterprises=3, n_experts=4, n_institutes=2,
...                               n_needs=5, seed=7, vocabulary=vocabulary))
>>> sorted({r.kind for r in records if isinstance(r, Node)})[:4]
['Enterprise', 'Expert', 'Industry', 'Institute']
>>> experts = [r for r in records if isinstance(r, Node) and r.kind == "Expert"]
>>> len(experts), all(2 <= len(e.props["docs"]) <= 5 for e in experts)
(4, True)
>>> records == list(generate_graph(n_enterprises=3, n_experts=4, n_institutes=2,
...                                n_needs=5, seed=7, vocabulary=vocabulary))
True
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.generate_text import (
    INDUSTRY_FIELDS,
    between,
    distinct,
    expert_doc,
    field_of,
    industry_words,
    need_text,
    pick,
    topic_terms,
)
from duijie.graph.model import Edge, Node, Provenance

GENERATED = Provenance(source="generated")


# -- records' words ----------------------------------------------------------------

NEED_TYPES = ("technology",) * 6 + ("problem", "policy", "financing", "talent")
STATUSES = ("submitted",) * 5 + ("matched",) * 2 + ("met", "signed", "not_pursued",
                                                    "followed_up")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田"
            "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白"
            "邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚志文海华宇晨鹏辉婷浩凯博琳雪"
         "晓斌俊峰宁波林光振亮飞建国新益哲源")
TITLES = ("教授", "研究员", "副教授", "副研究员", "高级工程师", "正高级工程师", "讲师")
BRAND = "瑞恒华达鑫宏博远正新创智精联科汇泰盛昌丰源德诚信拓腾越嘉中天宇明安康顺力"
LEGAL = ("有限公司", "股份有限公司", "科技有限公司")
CITIES = ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
          "西安", "济南", "青岛", "潍坊")
FLAGS = ("高新技术企业", "科技型中小企业", "省级企业技术中心", "专精特新中小企业")


# -- records ------------------------------------------------------------------------

def _check_counts(**counts: int) -> None:
    for name, value in counts.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidInput("must be a whole number >= 0", value=value, where=name)
    if counts["n_experts"] and not counts["n_institutes"]:
        raise InvalidInput("experts need at least one institute to work at", value=0,
                           where="n_institutes")
    if counts["n_needs"] and not counts["n_enterprises"]:
        raise InvalidInput("needs need at least one enterprise to submit them", value=0,
                           where="n_enterprises")


def _person_name(rng: random.Random) -> str:
    return pick(rng, SURNAMES) + "".join(pick(rng, GIVEN) for _ in range(pick(rng, (1, 2, 2))))


DEPARTMENTS = ("技术创新处", "中小企业处", "消费品工业处", "装备工业处", "原材料工业处",
               "企业服务办公室", "地方金融监管部门", "人才工作部门")
"""Departments of generated officials: functions an office has, no real unit's staff."""


def generate_graph(n_enterprises: int = 1000, n_experts: int = 2000, n_institutes: int = 100,
                   n_needs: int = 1000, seed: int = 0, *,
                   vocabulary: tuple[Sequence[Node], Sequence[Edge]],
                   include_vocabulary: bool = True, n_officials: int = 0
                   ) -> Iterator[Node | Edge]:
    """Yield a synthetic graph: vocabulary, institutes, experts, enterprises, needs, edges.

    Parameters
    ----------
    n_enterprises, n_experts, n_institutes, n_needs : int
        How many of each to make (>= 0; experts need an institute, needs an enterprise).
    seed : int
        The random seed: equal arguments yield equal records, in the same order.
    vocabulary : (nodes, edges)
        Region, Industry and Topic nodes and their `part_of` edges (the seed
        dataset's: `duijie.api.services.seeding.seed_vocabulary()`).
    n_officials : int
        Officials for contact duty (after everything else, so the same seed gives
        the same graph as without them): a department, fields, a city, and a
        capacity that together take every enterprise with a quarter to spare.
    include_vocabulary : bool
        Also yield the vocabulary records first, so the output loads into an
        empty store (they are identical to the seed records, so loading them into
        a seeded store changes nothing).

    Yields
    ------
    Node or Edge
        Every node before any edge that touches it. Generated nodes and edges
        carry provenance ``generated`` and ``illustrative: true``.

    Raises
    ------
    InvalidInput
        A negative count, or experts without institutes / needs without enterprises.

    Example
    -------
    >>> vocabulary = ([Node("reg:hz", "Region", {"name": "杭州", "level": "city"}),
    ...                Node("ind:tool", "Industry", {"name": "工具"}),
    ...                Node("topic:opt", "Topic", {"name": "光学"}),
    ...                Node("topic:laser", "Topic", {"name": "激光", "tags": ["激光器"]})],
    ...               [Edge("topic:laser", "part_of", "topic:opt")])
    >>> recs = list(generate_graph(n_enterprises=2, n_experts=3, n_institutes=1, n_needs=4,
    ...                            vocabulary=vocabulary))
    >>> sum(1 for r in recs if isinstance(r, Edge) and r.kind == "submitted")
    4
    """
    _check_counts(n_enterprises=n_enterprises, n_experts=n_experts, n_institutes=n_institutes,
                  n_needs=n_needs, n_officials=n_officials)
    vocab_nodes, vocab_edges = vocabulary
    terms = [t for t in topic_terms(vocab_nodes, vocab_edges) if t.parent and t.keywords]
    if any(field_of(t) for t in terms):  # write only in fields that have their own words
        terms = [t for t in terms if field_of(t)]
    if not terms:
        raise InvalidInput("has no topics with a parent and keywords", where="vocabulary")
    cities = [n for n in vocab_nodes if n.kind == "Region" and n.props.get("level") == "city"]
    industries = [n for n in vocab_nodes if n.kind == "Industry"]
    if not cities or not industries:
        raise InvalidInput("needs city regions and industries", where="vocabulary")
    rng = random.Random(seed)
    if include_vocabulary:
        yield from vocab_nodes
        yield from vocab_edges

    def tagged(props: dict[str, Any]) -> dict[str, Any]:
        props["illustrative"] = True
        return props

    mark = {"illustrative": True}
    inst_topics: list[list[int]] = []
    inst_names: list[str] = []
    inst_city: list[int] = []
    for i in range(n_institutes):
        topics = distinct(rng, len(terms), between(rng, 1, 3))
        city = int(rng.random() * len(cities))
        suffix = pick(rng, ("研究院", "研究所", "技术创新中心", "重点实验室"))
        name = (f"{cities[city].props['name']}{pick(rng, BRAND)}{pick(rng, BRAND)}"
                f"{terms[topics[0]].name}{suffix}")
        inst_topics.append(topics)
        inst_names.append(name)
        inst_city.append(city)
        iid = f"inst:gen-{i:06d}"
        yield Node(iid, "Institute", tagged({
            "name": name, "region": cities[city].props["name"], "institute_type": pick(rng,
                ("university", "research_institute", "innovation_centre", "laboratory"))}),
            provenance=[GENERATED])
        yield Edge(iid, "located_in", cities[city].id, dict(mark), [GENERATED])
        for t in topics:
            yield Edge(iid, "has_expertise", terms[t].id, dict(mark), [GENERATED])

    for i in range(n_experts):
        inst = int(rng.random() * n_institutes)
        topics = list(dict.fromkeys([pick(rng, inst_topics[inst]),
                                     pick(rng, inst_topics[inst]),
                                     int(rng.random() * len(terms))]))[:between(rng, 1, 3)]
        english = rng.random() < 0.03
        docs = [expert_doc(rng, terms[pick(rng, topics)], d + 1, english)
                for d in range(between(rng, 2, 5))]
        xid = f"exp:gen-{i:06d}"
        yield Node(xid, "Expert", tagged({
            "name": _person_name(rng), "title": pick(rng, TITLES),
            "affiliation": inst_names[inst], "fields": [terms[t].name for t in topics],
            "languages": ["en", "zh"] if english else ["zh"],
            "region": cities[inst_city[inst]].props["name"], "docs": docs,
            "max_meetings": pick(rng, (4, 6, 8))}), provenance=[GENERATED])
        yield Edge(xid, "affiliated_with", f"inst:gen-{inst:06d}", dict(mark), [GENERATED])
        yield Edge(xid, "located_in", cities[inst_city[inst]].id, dict(mark), [GENERATED])
        for t in topics:
            yield Edge(xid, "has_expertise", terms[t].id, dict(mark), [GENERATED])

    ent_topics: list[tuple[int, ...]] = []
    ent_city: list[int] = []
    ent_industry: list[str] = []
    # a firm works in its industry's fields, and is named after its trade
    field_name = {n.id: n.props["name"] for n in vocab_nodes if n.kind == "Topic"}
    fitting = {ind.props["name"]: [i for i, t in enumerate(terms)
                                   if field_name.get(t.parent or "") in
                                   INDUSTRY_FIELDS.get(ind.props["name"], ())]
               for ind in industries}
    for i in range(n_enterprises):
        industry = pick(rng, industries)
        own = fitting[industry.props["name"]] or list(range(len(terms)))
        topics = tuple(own[k] for k in distinct(rng, len(own), between(rng, 1, 2)))
        city = int(rng.random() * len(cities))
        ent_topics.append(topics)
        ent_city.append(city)
        ent_industry.append(industry.props["name"])
        revenue = round(rng.lognormvariate(9.0, 1.4), 1)  # 万元; median about 8,000
        props = tagged({
            "name": f"{cities[city].props['name']}{pick(rng, BRAND)}{pick(rng, BRAND)}"
                    f"{pick(rng, industry_words(industry.props['name']))}{pick(rng, LEGAL)}",
            "region": cities[city].props["name"], "industry": industry.props["name"],
            "revenue_wan": revenue, "employees": max(5, int(revenue / rng.uniform(40, 120))),
            "rd_ratio_pct": round(rng.uniform(0.3, 9.0), 2),
            "flags": sorted(FLAGS[i] for i in distinct(rng, len(FLAGS), between(rng, 0, 2))),
            "founded_year": between(rng, 1985, 2023)})
        for missing in ("revenue_wan", "rd_ratio_pct", "employees"):
            if rng.random() < 0.1:  # real registers have gaps; eligibility must cope
                del props[missing]
        eid = f"ent:gen-{i:06d}"
        yield Node(eid, "Enterprise", props, provenance=[GENERATED])
        yield Edge(eid, "located_in", cities[city].id, dict(mark), [GENERATED])
        yield Edge(eid, "in_industry", industry.id, dict(mark), [GENERATED])
        for t in topics:
            yield Edge(eid, "has_expertise", terms[t].id, dict(mark), [GENERATED])

    for i in range(n_needs):
        ent = int(rng.random() * n_enterprises)
        term = terms[pick(rng, ent_topics[ent])]
        need_type = pick(rng, NEED_TYPES)
        title, text, extra = need_text(rng, term, need_type, ent_industry[ent])
        nid = f"need:gen-{i:06d}"
        year = between(rng, 2019, 2025)
        yield Node(nid, "Need", tagged({
            "title": title, "text": text, "need_type": need_type,
            "status": pick(rng, STATUSES), "priority": between(rng, 1, 5),
            "region": cities[ent_city[ent]].props["name"],
            "submitted_at": f"{year}-{between(rng, 1, 12):02d}-{between(rng, 1, 28):02d}",
            "deadline": f"{year + 1}-{between(rng, 1, 12):02d}-{between(rng, 1, 28):02d}",
            "owner": f"经办人{between(rng, 1, 40):02d}", **extra}),
            provenance=[GENERATED],
            confidentiality="confidential" if rng.random() < 0.1 else "public")
        yield Edge(f"ent:gen-{ent:06d}", "submitted", nid, dict(mark), [GENERATED])
        yield Edge(nid, "about_topic", term.id, dict(mark), [GENERATED])

    # Past cooperation, the signal graph ranking learns from.
    if n_experts and n_enterprises:
        for _ in range(n_experts // 10):
            yield Edge(f"exp:gen-{int(rng.random() * n_experts):06d}", "collaborated_with",
                       f"ent:gen-{int(rng.random() * n_enterprises):06d}",
                       {"year": between(rng, 2012, 2024),
                        "result": pick(rng, ("联合攻关", "技术咨询", "专利许可", "共建实验室")),
                        "illustrative": True}, [GENERATED])

    room = -(-n_enterprises * 5 // (4 * n_officials)) if n_officials else 0
    for i in range(n_officials):
        fields = [pick(rng, industries).props["name"],
                  *(terms[t].name for t in distinct(rng, len(terms), between(rng, 2, 4)))]
        yield Node(f"off:gen-{i:05d}", "Official", tagged({
            "name": _person_name(rng), "department": pick(rng, DEPARTMENTS),
            "fields": list(dict.fromkeys(fields)),
            "regions": [cities[int(rng.random() * len(cities))].props["name"]],
            "capacity": max(1, room + between(rng, -2, 2))}), provenance=[GENERATED])


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_GENERATED_PROVENANCE = [GENERATED]


def _plain(text: str) -> bool:
    return text.isascii() and '"' not in text and "\\" not in text


def record_to_json(record: Node | Edge) -> str:
    """One JSON Lines line (no newline) for a node or edge, tagged with its `type` as
    `duijie import` reads it (`graph.jsonl`).

    >>> e = Edge("exp:gen-000001", "has_expertise", "topic:laser", {"illustrative": True},
    ...          [GENERATED])
    >>> record_to_json(e) == _ENCODER.encode({"type": "edge", **e.to_dict()})
    True
    """
    # Most generated records are plain edges: format them directly (3x faster).
    if (type(record) is Edge and record.props == {"illustrative": True} and not record.key
            and record.provenance == _GENERATED_PROVENANCE
            and _plain(record.src) and _plain(record.dst) and _plain(record.kind)):
        return (f'{{"type":"edge","src":"{record.src}","kind":"{record.kind}",'
                f'"dst":"{record.dst}","props":{{"illustrative":true}},'
                f'"provenance":[{{"source":"generated"}}]}}')
    kind = "edge" if isinstance(record, Edge) else "node"
    return _ENCODER.encode({"type": kind, **record.to_dict()})


def write_jsonl(records: Iterable[Node | Edge], path: str | Path) -> dict[str, int]:
    """Write records in the graph export format `duijie import` reads (`graph.jsonl`):
    a header line with the format and the counts, then one record a line (nodes and
    edges mixed, nodes first); return the counts.

    The records are streamed to a temporary file first (the header needs the counts),
    then the header and that body go to a second temporary name, renamed at the end,
    so a failed run leaves no half-written output behind.
    """
    from duijie.graph.jsonl import FORMAT, VERSION

    path = Path(path)
    body = path.with_name(path.name + ".body.part")
    tmp = path.with_name(path.name + ".part")
    counts = {"nodes": 0, "edges": 0}
    try:
        with open(body, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(record_to_json(record))
                fh.write("\n")
                counts["edges" if isinstance(record, Edge) else "nodes"] += 1
        header = {"type": "header", "format": FORMAT, "version": VERSION, **counts}
        with open(tmp, "w", encoding="utf-8") as out, open(body, encoding="utf-8") as src:
            out.write(json.dumps(header, sort_keys=True, separators=(",", ":")) + "\n")
            shutil.copyfileobj(src, out, 1 << 20)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        body.unlink(missing_ok=True)
    return counts
