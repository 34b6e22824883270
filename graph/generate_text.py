"""Chinese technical text for synthetic graphs (`graph.generate`): a topic's words as
building blocks (`TopicTerm`), an expert's projects, papers, patents and awards
(`expert_doc`) and a firm's need (`need_text`), each built from one field's own words
(`graph.fields`) so a need and the experts who fit it share words, as real ones do.
The same random generator state always gives the same text.

>>> import random
>>> term = TopicTerm("topic:laser-technology", "激光技术", "Laser", ("激光加工",), ("光纤",))
>>> title, text, _ = need_text(random.Random(7), term, "technology")
>>> title == need_text(random.Random(7), term, "technology")[0], bool(text)
(True, True)
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from duijie.graph.fields import FIELDS, FieldVocabulary, foreign_terms
from duijie.graph.model import Edge, Node


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


INDUSTRY_FIELDS: dict[str, tuple[str, ...]] = {
    # industry -> the technology fields (top-level topics) its firms work in
    "光电与红外": ("光电技术",), "复合材料": ("先进材料",), "电机电器": ("电机与电力电子",),
    "高端装备制造": ("智能制造",), "工业机器人": ("智能制造",), "电子信息": ("新一代信息技术",),
    "软件与信息服务": ("新一代信息技术",), "人工智能": ("新一代信息技术",),
    "集成电路": ("新一代信息技术",),
    "汽车及零部件": ("电机与电力电子", "智能制造", "新能源与节能环保"),
    "纺织印染": ("纺织印染技术",), "化学纤维": ("纺织印染技术", "先进材料"),
    "玻璃纤维": ("先进材料",), "木业家居": ("木材加工与家居",),
    "医疗器械": ("生物医药与医疗器械",), "生物医药": ("生物医药与医疗器械",),
    "新能源": ("新能源与节能环保",), "节能环保": ("新能源与节能环保",),
    "工具与五金": ("智能制造",), "海洋产业": ("海洋技术",), "现代农业": ("农业科技",),
    "消费品": ("纺织印染技术", "木材加工与家居"), "锅炉与热能装备": ("新能源与节能环保",),
    "建材与玻璃": ("先进材料",), "金融服务": ("创新服务与管理",), "航空航天": ("航空航天",),
    "有色金属": ("先进材料",),
}
"""Which technology fields fit an industry, so a generated firm's topics (and so its
needs) are of its trade; an industry not listed takes any field."""

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    # industry -> words a firm of it is named with (no 科技: a legal form may add it)
    "光电与红外": ("光电", "红外"), "复合材料": ("复合材料", "新材料"),
    "电机电器": ("电机", "电器"), "高端装备制造": ("装备", "机械"),
    "工业机器人": ("机器人", "自动化"), "电子信息": ("电子",),
    "软件与信息服务": ("软件", "信息技术"), "人工智能": ("智能", "人工智能"),
    "集成电路": ("微电子", "半导体"), "汽车及零部件": ("汽车部件", "汽配"),
    "纺织印染": ("纺织", "印染"), "化学纤维": ("化纤", "纤维"), "玻璃纤维": ("玻纤",),
    "木业家居": ("木业", "家居"), "医疗器械": ("医疗器械", "医疗"),
    "生物医药": ("生物医药", "药业"), "新能源": ("新能源", "能源"), "节能环保": ("环保", "节能"),
    "工具与五金": ("工具", "五金"), "海洋产业": ("海洋", "船舶"), "现代农业": ("农业", "茶业"),
    "消费品": ("日用品", "服饰"), "锅炉与热能装备": ("锅炉", "热能"),
    "建材与玻璃": ("建材", "玻璃"), "金融服务": ("金融服务", "投资咨询"),
    "航空航天": ("航空", "航天"), "有色金属": ("有色金属", "金属材料"),
}
"""The trade word of a generated firm's name (杭州瑞恒纺织有限公司 for 纺织印染), so a name
never names another industry than the firm's."""


def industry_words(industry: str) -> tuple[str, ...]:
    """The words a firm of `industry` is named with; the industry's own name (its first
    part, before 与/及) for one not listed.

    >>> industry_words("纺织印染"), industry_words("海洋牧场与渔业")
    (('纺织', '印染'), ('海洋牧场',))
    """
    return INDUSTRY_WORDS.get(industry) or (re.split("[与及]", industry)[0] or industry,)


# `random.choice` and `randint` spend most of their time in rejection sampling;
# scaling `random()` is about twice as fast and just as deterministic.
def pick(rng: random.Random, items: Sequence[Any]) -> Any:
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def distinct(rng: random.Random, n: int, k: int) -> list[int]:
    """`k` distinct indices below `n` (k is small)."""
    out: list[int] = []
    while len(out) < min(k, n):
        i = int(rng.random() * n)
        if i not in out:
            out.append(i)
    return out


def pick2(rng: random.Random, items: Sequence[str]) -> tuple[str, str]:
    if len(items) < 2:
        return (items[0], items[0]) if items else ("关键技术", "工艺")
    i, j = distinct(rng, len(items), 2)
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
    year = between(rng, 2008, 2024)
    kind = pick(rng, ("project", "project", "paper", "patent", "achievement"))
    if english:
        title = f"{term.name_en}: {pick(rng, ('reliability', 'cost reduction', 'process'))} study"
        text = (f"Led a {pick(rng, ('three-year', 'joint industry', 'EU-funded', 'national'))} "
                f"project on {term.name_en.lower()} for manufacturers; on-site diagnosis of "
                f"production lines, improving yield by {between(rng, 5, 40)}% and cutting "
                f"energy use by {between(rng, 3, 25)}%.")
        return {"id": f"d{number}", "kind": kind, "title": title, "text": text, "year": year}
    vocabulary = field_of(term)
    if vocabulary is not None:
        case = pick(rng, vocabulary.cases)
        product, problem, method, result = case.product, case.problem, case.method, case.result
        if kind == "project":
            title = case.title
            text = (f"主持{pick(rng, FUNDERS)}“{title}”：针对{product}{problem}的问题，"
                    f"采用{method}，实现{result}。")
        elif kind == "paper":
            title = f"{case.title}方法研究"
            text = f"研究{method}对{product}性能的影响，给出工艺和设计建议，目标为{result}。"
        elif kind == "patent":
            title = f"一种{product}的{pick(rng, DEVICES)}"
            text = (f"发明专利：{title}。通过{method}，解决{product}{problem}的问题，"
                    f"已许可{between(rng, 1, 5)}家企业实施。")
        else:
            title = f"{case.title}成套技术及应用"
            text = (f"获{pick(rng, AWARDS)}：{title}。采用{method}，{result}，"
                    f"新增产值{between(rng, 1, 20)}亿元。")
        return {"id": f"d{number}", "kind": kind, "title": title, "text": text, "year": year}
    kw1, kw2 = pick2(rng, term.keywords)
    field = pick(rng, (term.name, *term.synonyms))
    if kind in ("project", "paper"):
        title = f"{kw1}与{kw2}关键技术研究"
        text = (f"主持{pick(rng, FUNDERS)}“{title}”。针对{field}中{kw1}"
                f"{pick(rng, PROBLEMS)}的问题开展{kw2}研究，"
                f"成果已在{between(rng, 2, 30)}家企业应用。")
    elif kind == "patent":
        title = f"一种{kw1}的{kw2}{pick(rng, DEVICES)}"
        text = (f"发明专利：{title}。解决了{field}中{kw1}{pick(rng, PROBLEMS)}的问题，"
                f"已许可{between(rng, 1, 5)}家企业实施。")
    else:
        title = f"{field}{kw1}成套技术及应用"
        text = f"获{pick(rng, AWARDS)}：{title}。突破{kw1}、{kw2}等关键技术。"
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
    case = pick(rng, vocabulary.cases) if vocabulary is not None else None
    kw1, kw2 = (pick2(rng, vocabulary.terms) if vocabulary is not None
                else pick2(rng, term.keywords))
    field = pick(rng, _names_of(term))
    extra: dict[str, Any] = {"tech_field": term.name}
    if need_type == "technology":
        if case is not None:
            title = case.title
            # No industry here: a generated firm's industry is drawn apart from its
            # topics, and "主营光电与红外产品" before a motor would mix areas.
            text = (f"公司在{field}方面已有一定研发基础，主要产品为"
                    f"{case.product}。目前{case.problem}，"
                    f"{pick(rng, IMPACTS)}。希望与高校院所合作，在{case.method}方面联合攻关，"
                    f"目标是{case.result}。")
        else:
            title = f"{kw1}{pick(rng, NEED_SUFFIXES)}"
            text = (f"公司主营{industry}产品，在{field}方面已有一定研发基础。目前{kw1}"
                    f"{pick(rng, PROBLEMS)}，{pick(rng, IMPACTS)}。希望与高校院所合作开展"
                    f"{kw2}研究，{pick(rng, GOALS)}。")
        extra.update(trl=between(rng, 2, 7), ip_status=pick(rng, ("none", "pending", "granted")),
                     budget_wan=float(pick(rng, (30, 50, 80, 100, 150, 200, 300, 500))))
    elif need_type == "problem":
        problem, department = pick(rng, PROBLEM_NEEDS)
        title = problem
        text = f"企业反映{problem}，影响{field}相关项目推进，请求{department}协调解决。"
        extra = {"department": department}
    elif need_type == "policy":
        policy = pick(rng, POLICIES)
        title = f"{policy}申报咨询"
        text = f"企业拟申报{policy}，希望了解申报条件、研发投入口径和{field}领域的支持方向。"
        extra = {"department": "经济和信息化部门"}
    elif need_type == "financing":
        amount = pick(rng, (500, 1000, 2000, 3000, 5000))
        line = case.product if case is not None else f"{field}{kw1}"
        title = f"{line}产线建设融资"
        text = (f"公司拟投资{amount}万元建设{line}产线，拓展{field}业务，资金缺口约"
                f"{amount // 2}万元，希望对接银行、产业基金或知识产权质押融资。")
        extra["budget_wan"] = float(amount // 2)
    else:
        role = pick(rng, ROLES)
        title = f"引进{field}方向{role}"
        text = (f"公司需要{field}方向{role}，熟悉{kw1}、{kw2}，"
                f"可采用柔性引才或校企联合培养方式。")
    return title, text, extra
