"""Large synthetic graphs with realistic Chinese technical text, for benchmarks.

`generate_graph` yields `Node`s and `Edge`s: the seed vocabulary (regions,
industries, technology topics with their `part_of` hierarchy), then institutes,
experts (each with 2–5 docs: projects, papers, patents, awards), enterprises and
needs, with the edges between them. Text is assembled from the topic
vocabulary's names, synonyms and keywords, so a need and the experts who fit it
share words, as real ones do. The same arguments always yield the same records.

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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.fields import FIELDS, FieldVocabulary, foreign_terms
from duijie.graph.model import Edge, Node, Provenance

GENERATED = Provenance(source="generated")


@dataclass(frozen=True)
class TopicTerm:
    """A technology field as text building blocks: name, synonyms, keywords."""

    id: str
    name: str
    name_en: str
    synonyms: tuple[str, ...]
    keywords: tuple[str, ...]
    parent: str | None = None


def topic_terms(nodes: Iterable[Node], edges: Iterable[Edge] = ()) -> list[TopicTerm]:
    """Topic nodes (and their `part_of` edges) as `TopicTerm`s; keywords are the tags.

    >>> t = Node("topic:x", "Topic", {"name": "红外探测", "synonyms": ["红外传感"],
    ...          "tags": ["读出电路"]})
    >>> topic_terms([t])[0].keywords
    ('读出电路',)
    """
    parents = {e.src: e.dst for e in edges if e.kind == "part_of"}
    return [TopicTerm(n.id, n.props["name"], n.props.get("name_en") or n.props["name"],
                      tuple(n.props.get("synonyms") or ()), tuple(n.props.get("tags") or ()),
                      parents.get(n.id))
            for n in nodes if n.kind == "Topic"]


# -- text ---------------------------------------------------------------------------

FUNDERS = ("国家自然科学基金面上项目", "国家重点研发计划课题", "省重点研发计划项目",
           "企业委托横向项目", "国家科技重大专项子课题", "省自然科学基金重点项目",
           "产学研合作项目")
PROBLEMS = ("精度不足", "稳定性差", "成本偏高", "长期依赖进口", "生产效率低", "批次一致性差",
            "使用寿命短", "能耗偏高")
AWARDS = ("省科学技术进步奖二等奖", "中国机械工业科学技术奖一等奖", "省科学技术进步奖一等奖",
          "行业协会科技进步奖", "中国产学研合作创新成果奖")
DEVICES = ("装置", "方法", "系统", "检测方法", "制备方法", "控制方法")
NEED_SUFFIXES = ("技术攻关", "工艺优化", "国产化替代", "性能提升", "检测方法开发", "关键部件研制")
IMPACTS = ("影响产品良率", "制约高端市场开拓", "关键部件主要依赖进口", "交货周期难以保证",
           "客户投诉较多")
GOALS = ("形成可量产的工艺方案", "实现关键部件国产化", "通过客户认证并批量供货",
         "建立企业内部测试标准")
PROBLEM_NEEDS = (
    ("新厂区用地指标紧张", "自然资源部门"), ("技改项目审批进度慢", "发展改革部门"),
    ("环保排放标准执行口径不清", "生态环境部门"), ("用电扩容申请周期长", "电力公司"),
    ("一线技术工人招聘难", "人力社保部门"), ("出口产品认证费用高", "商务部门"),
    ("研发费用加计扣除口径不清", "税务部门"), ("省级财政扶持资金分配方式不合理", "财政部门"),
)
POLICIES = ("高新技术企业认定", "省级企业技术中心", "首台（套）认定", "制造业单项冠军示范企业",
            "研发费用加计扣除", "省制造业创新中心", "科技型中小企业评价")
ROLES = ("首席科学家", "研发总监", "工艺工程师团队", "博士后研究人员", "技术顾问")
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


# `random.choice` and `randint` spend most of their time in rejection sampling;
# scaling `random()` is about twice as fast and just as deterministic.
def _pick(rng: random.Random, items: Sequence[Any]) -> Any:
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _distinct(rng: random.Random, n: int, k: int) -> list[int]:
    """`k` distinct indices below `n` (k is small)."""
    out: list[int] = []
    while len(out) < min(k, n):
        i = int(rng.random() * n)
        if i not in out:
            out.append(i)
    return out


def _pick2(rng: random.Random, items: Sequence[str]) -> tuple[str, str]:
    if len(items) < 2:
        return (items[0], items[0]) if items else ("关键技术", "工艺")
    i, j = _distinct(rng, len(items), 2)
    return items[i], items[j]


def field_of(term: TopicTerm) -> FieldVocabulary | None:
    """The per-field vocabulary (`graph.fields`) of a topic, if it has one.

    >>> field_of(TopicTerm("topic:laser-technology", "激光技术", "Laser", (), ())).short
    '激光'
    """
    return FIELDS.get(term.id.removeprefix("topic:"))


@lru_cache(maxsize=4096)
def _names_of(term: TopicTerm) -> tuple[str, ...]:
    """How a text may name the topic: its name and synonyms, less any that holds another
    field's word (增材制造's synonym 激光选区熔化 says 激光)."""
    names = (term.name, *term.synonyms)
    vocabulary = field_of(term)
    if vocabulary is None:
        return names
    return tuple(n for n in names if not foreign_terms(n, vocabulary.topic)) or (term.name,)


def expert_doc(rng: random.Random, term: TopicTerm, number: int,
               english: bool = False) -> dict[str, Any]:
    """One project, paper, patent or award of an expert in `term`'s field, as an
    `ExpertDoc` dict (Chinese text; English when `english`).

    A topic with a field vocabulary (`graph.fields`) is written from one of its cases:
    product, problem, method and result of that field only, so no text mixes areas
    (the old templates' "采用机器学习揭示了…失效的机理" in 《光学学报》 did). A topic
    without one is written from its own name and keywords.

    >>> t = TopicTerm("topic:ir", "红外探测", "Infrared detection", ("红外传感",),
    ...               ("读出电路", "噪声等效温差"))
    >>> doc = expert_doc(random.Random(1), t, 1)
    >>> doc["id"], "红外" in doc["text"] or "读出电路" in doc["text"]
    ('d1', True)
    >>> laser = TopicTerm("topic:laser-technology", "激光技术", "Laser", (), ("激光",))
    >>> foreign_terms(expert_doc(random.Random(2), laser, 1)["text"], "laser-technology")
    set()
    """
    year = _between(rng, 2008, 2024)
    kind = _pick(rng, ("project", "project", "paper", "patent", "achievement"))
    if english:
        title = f"{term.name_en}: {_pick(rng, ('reliability', 'cost reduction', 'process'))} study"
        text = (f"Led a {_pick(rng, ('three-year', 'joint industry', 'EU-funded', 'national'))} "
                f"project on {term.name_en.lower()} for manufacturers; on-site diagnosis of "
                f"production lines, improving yield by {_between(rng, 5, 40)}% and cutting "
                f"energy use by {_between(rng, 3, 25)}%.")
        return {"id": f"d{number}", "kind": kind, "title": title, "text": text, "year": year}
    vocabulary = field_of(term)
    if vocabulary is not None:
        case = _pick(rng, vocabulary.cases)
        product, problem, method, result = case.product, case.problem, case.method, case.result
        if kind == "project":
            title = case.title
            text = (f"主持{_pick(rng, FUNDERS)}“{title}”：针对{product}{problem}的问题，"
                    f"采用{method}，实现{result}。")
        elif kind == "paper":
            title = f"{case.title}方法研究"
            text = f"研究{method}对{product}性能的影响，给出工艺和设计建议，目标为{result}。"
        elif kind == "patent":
            title = f"一种{product}的{_pick(rng, DEVICES)}"
            text = (f"发明专利：{title}。通过{method}，解决{product}{problem}的问题，"
                    f"已许可{_between(rng, 1, 5)}家企业实施。")
        else:
            title = f"{case.title}成套技术及应用"
            text = (f"获{_pick(rng, AWARDS)}：{title}。采用{method}，{result}，"
                    f"新增产值{_between(rng, 1, 20)}亿元。")
        return {"id": f"d{number}", "kind": kind, "title": title, "text": text, "year": year}
    kw1, kw2 = _pick2(rng, term.keywords)
    field = _pick(rng, (term.name, *term.synonyms))
    if kind in ("project", "paper"):
        title = f"{kw1}与{kw2}关键技术研究"
        text = (f"主持{_pick(rng, FUNDERS)}“{title}”。针对{field}中{kw1}"
                f"{_pick(rng, PROBLEMS)}的问题开展{kw2}研究，"
                f"成果已在{_between(rng, 2, 30)}家企业应用。")
    elif kind == "patent":
        title = f"一种{kw1}的{kw2}{_pick(rng, DEVICES)}"
        text = (f"发明专利：{title}。解决了{field}中{kw1}{_pick(rng, PROBLEMS)}的问题，"
                f"已许可{_between(rng, 1, 5)}家企业实施。")
    else:
        title = f"{field}{kw1}成套技术及应用"
        text = f"获{_pick(rng, AWARDS)}：{title}。突破{kw1}、{kw2}等关键技术。"
    return {"id": f"d{number}", "kind": kind, "title": title, "text": text, "year": year}


def need_text(rng: random.Random, term: TopicTerm, need_type: str,
              industry: str = "制造") -> tuple[str, str, dict[str, Any]]:
    """Title, text and type-specific fields of an enterprise need in `term`'s field.

    A technology, financing or talent need of a topic with a field vocabulary
    (`graph.fields`) is written from one of its cases or terms only.

    >>> t = TopicTerm("topic:m", "微特电机", "Micro motors", ("微电机",), ("齿槽转矩", "振动噪声"))
    >>> title, text, extra = need_text(random.Random(3), t, "technology")
    >>> "微" in text and extra["tech_field"] == "微特电机"
    True
    >>> laser = TopicTerm("topic:laser-technology", "激光技术", "Laser", (), ("激光",))
    >>> title, text, _ = need_text(random.Random(3), laser, "technology")
    >>> foreign_terms(title + text, "laser-technology")
    set()
    """
    vocabulary = field_of(term)
    case = _pick(rng, vocabulary.cases) if vocabulary is not None else None
    kw1, kw2 = (_pick2(rng, vocabulary.terms) if vocabulary is not None
                else _pick2(rng, term.keywords))
    field = _pick(rng, _names_of(term))
    extra: dict[str, Any] = {"tech_field": term.name}
    if need_type == "technology":
        if case is not None:
            title = case.title
            # No industry here: a generated firm's industry is drawn apart from its
            # topics, and "主营光电与红外产品" before a motor would mix areas.
            text = (f"公司在{field}方面已有一定研发基础，主要产品为"
                    f"{case.product}。目前{case.problem}，"
                    f"{_pick(rng, IMPACTS)}。希望与高校院所合作，在{case.method}方面联合攻关，"
                    f"目标是{case.result}。")
        else:
            title = f"{kw1}{_pick(rng, NEED_SUFFIXES)}"
            text = (f"公司主营{industry}产品，在{field}方面已有一定研发基础。目前{kw1}"
                    f"{_pick(rng, PROBLEMS)}，{_pick(rng, IMPACTS)}。希望与高校院所合作开展"
                    f"{kw2}研究，{_pick(rng, GOALS)}。")
        extra.update(trl=_between(rng, 2, 7), ip_status=_pick(rng, ("none", "pending", "granted")),
                     budget_wan=float(_pick(rng, (30, 50, 80, 100, 150, 200, 300, 500))))
    elif need_type == "problem":
        problem, department = _pick(rng, PROBLEM_NEEDS)
        title = problem
        text = f"企业反映{problem}，影响{field}相关项目推进，请求{department}协调解决。"
        extra = {"department": department}
    elif need_type == "policy":
        policy = _pick(rng, POLICIES)
        title = f"{policy}申报咨询"
        text = f"企业拟申报{policy}，希望了解申报条件、研发投入口径和{field}领域的支持方向。"
        extra = {"department": "经济和信息化部门"}
    elif need_type == "financing":
        amount = _pick(rng, (500, 1000, 2000, 3000, 5000))
        line = case.product if case is not None else f"{field}{kw1}"
        title = f"{line}产线建设融资"
        text = (f"公司拟投资{amount}万元建设{line}产线，拓展{field}业务，资金缺口约"
                f"{amount // 2}万元，希望对接银行、产业基金或知识产权质押融资。")
        extra["budget_wan"] = float(amount // 2)
    else:
        role = _pick(rng, ROLES)
        title = f"引进{field}方向{role}"
        text = (f"公司需要{field}方向{role}，熟悉{kw1}、{kw2}，"
                f"可采用柔性引才或校企联合培养方式。")
    return title, text, extra


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
    return _pick(rng, SURNAMES) + "".join(_pick(rng, GIVEN) for _ in range(_pick(rng, (1, 2, 2))))


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
        topics = _distinct(rng, len(terms), _between(rng, 1, 3))
        city = int(rng.random() * len(cities))
        suffix = _pick(rng, ("研究院", "研究所", "技术创新中心", "重点实验室"))
        name = (f"{cities[city].props['name']}{_pick(rng, BRAND)}{_pick(rng, BRAND)}"
                f"{terms[topics[0]].name}{suffix}")
        inst_topics.append(topics)
        inst_names.append(name)
        inst_city.append(city)
        iid = f"inst:gen-{i:06d}"
        yield Node(iid, "Institute", tagged({
            "name": name, "region": cities[city].props["name"], "institute_type": _pick(rng,
                ("university", "research_institute", "innovation_centre", "laboratory"))}),
            provenance=[GENERATED])
        yield Edge(iid, "located_in", cities[city].id, dict(mark), [GENERATED])
        for t in topics:
            yield Edge(iid, "has_expertise", terms[t].id, dict(mark), [GENERATED])

    for i in range(n_experts):
        inst = int(rng.random() * n_institutes)
        topics = list(dict.fromkeys([_pick(rng, inst_topics[inst]),
                                     _pick(rng, inst_topics[inst]),
                                     int(rng.random() * len(terms))]))[:_between(rng, 1, 3)]
        english = rng.random() < 0.03
        docs = [expert_doc(rng, terms[_pick(rng, topics)], d + 1, english)
                for d in range(_between(rng, 2, 5))]
        xid = f"exp:gen-{i:06d}"
        yield Node(xid, "Expert", tagged({
            "name": _person_name(rng), "title": _pick(rng, TITLES),
            "affiliation": inst_names[inst], "fields": [terms[t].name for t in topics],
            "languages": ["en", "zh"] if english else ["zh"],
            "region": cities[inst_city[inst]].props["name"], "docs": docs,
            "max_meetings": _pick(rng, (4, 6, 8))}), provenance=[GENERATED])
        yield Edge(xid, "affiliated_with", f"inst:gen-{inst:06d}", dict(mark), [GENERATED])
        yield Edge(xid, "located_in", cities[inst_city[inst]].id, dict(mark), [GENERATED])
        for t in topics:
            yield Edge(xid, "has_expertise", terms[t].id, dict(mark), [GENERATED])

    ent_topics: list[tuple[int, ...]] = []
    ent_city: list[int] = []
    ent_industry: list[str] = []
    for i in range(n_enterprises):
        topics = tuple(_distinct(rng, len(terms), _between(rng, 1, 2)))
        city = int(rng.random() * len(cities))
        industry = _pick(rng, industries)
        ent_topics.append(topics)
        ent_city.append(city)
        ent_industry.append(industry.props["name"])
        revenue = round(rng.lognormvariate(9.0, 1.4), 1)  # 万元; median about 8,000
        props = tagged({
            "name": f"{cities[city].props['name']}{_pick(rng, BRAND)}{_pick(rng, BRAND)}"
                    f"{terms[topics[0]].name}{_pick(rng, LEGAL)}",
            "region": cities[city].props["name"], "industry": industry.props["name"],
            "revenue_wan": revenue, "employees": max(5, int(revenue / rng.uniform(40, 120))),
            "rd_ratio_pct": round(rng.uniform(0.3, 9.0), 2),
            "flags": sorted(FLAGS[i] for i in _distinct(rng, len(FLAGS), _between(rng, 0, 2))),
            "founded_year": _between(rng, 1985, 2023)})
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
        term = terms[_pick(rng, ent_topics[ent])]
        need_type = _pick(rng, NEED_TYPES)
        title, text, extra = need_text(rng, term, need_type, ent_industry[ent])
        nid = f"need:gen-{i:06d}"
        year = _between(rng, 2019, 2025)
        yield Node(nid, "Need", tagged({
            "title": title, "text": text, "need_type": need_type,
            "status": _pick(rng, STATUSES), "priority": _between(rng, 1, 5),
            "region": cities[ent_city[ent]].props["name"],
            "submitted_at": f"{year}-{_between(rng, 1, 12):02d}-{_between(rng, 1, 28):02d}",
            "deadline": f"{year + 1}-{_between(rng, 1, 12):02d}-{_between(rng, 1, 28):02d}",
            "owner": f"经办人{_between(rng, 1, 40):02d}", **extra}),
            provenance=[GENERATED],
            confidentiality="confidential" if rng.random() < 0.1 else "public")
        yield Edge(f"ent:gen-{ent:06d}", "submitted", nid, dict(mark), [GENERATED])
        yield Edge(nid, "about_topic", term.id, dict(mark), [GENERATED])

    # Past cooperation, the signal graph ranking learns from.
    if n_experts and n_enterprises:
        for _ in range(n_experts // 10):
            yield Edge(f"exp:gen-{int(rng.random() * n_experts):06d}", "collaborated_with",
                       f"ent:gen-{int(rng.random() * n_enterprises):06d}",
                       {"year": _between(rng, 2012, 2024),
                        "result": _pick(rng, ("联合攻关", "技术咨询", "专利许可", "共建实验室")),
                        "illustrative": True}, [GENERATED])

    room = -(-n_enterprises * 5 // (4 * n_officials)) if n_officials else 0
    for i in range(n_officials):
        fields = [_pick(rng, industries).props["name"],
                  *(terms[t].name for t in _distinct(rng, len(terms), _between(rng, 2, 4)))]
        yield Node(f"off:gen-{i:05d}", "Official", tagged({
            "name": _person_name(rng), "department": _pick(rng, DEPARTMENTS),
            "fields": list(dict.fromkeys(fields)),
            "regions": [cities[int(rng.random() * len(cities))].props["name"]],
            "capacity": max(1, room + _between(rng, -2, 2))}), provenance=[GENERATED])


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
