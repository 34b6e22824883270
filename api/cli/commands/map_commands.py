"""`duijie map`: the industry innovation map (产业创新地图) of an industry or a region."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app

KIND_ZH = {"Enterprise": "企业", "Need": "需求", "Expert": "专家", "Institute": "院所"}
TYPE_ZH = {"problem": "问题", "policy": "政策", "financing": "融资", "talent": "人才"}
LINK_ZH = {"submitted": "提出需求", "can_serve": "可承接", "met": "会谈", "signed": "签约",
           "collaborated_with": "合作", "affiliated_with": "任职"}


@click.command("map")
@click.option("--industry", help="The firms of this industry (with --region: within it).")
@click.option("--region", help="The firms of this region (or a region within it).")
@click.option("--strong", type=click.FloatRange(0, 1), default=0.6, show_default=True,
              help="The match score from which a supplier counts as able to serve a need.")
@click.option("--per-need", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Experts and institutes ranked per need.")
@json_option
@pass_app
def map_command(app: AppContext, industry: str | None, region: str | None, strong: float,
                per_need: int, as_json: bool) -> None:
    """The innovation map: firms, needs, who can serve them, their links, and the gaps.

    Gaps are technology needs whose best expert or institute anywhere in the graph scores
    below --strong (problems, policy, financing and talent needs are a department's to
    answer: listed apart, never gaps), and suppliers on the map no firm on it has met,
    signed or worked with.
    Communities (Louvain, fixed seed) and brokers (betweenness) are explained in words.

    \b
    Example:
      duijie map --industry 电机电器
      duijie map --region 浙江 --json
      duijie map --region 西安 --industry 光电与红外 --strong 0.7
    """
    from duijie.api.services.innovation_map import innovation_map

    result = innovation_map(app.store, industry=industry, region=region, strong=strong,
                            per_need=per_need)
    if as_json:
        echo_json(result.to_dict())
        return
    d = result.to_dict()
    label = {n["id"]: n["name"] for n in d["nodes"]}
    c = d["counts"]
    scope = "·".join(x for x in (region, industry) if x)
    click.echo(f"产业创新地图（{scope}）：{c['firms']} 家企业、{c['needs']} 项需求、"
               f"{c['experts']} 位专家、{c['institutes']} 家院所，{c['edges']} 条联系，"
               f"{c['communities']} 个群体")
    click.echo("联系：" + "、".join(f"{LINK_ZH.get(k, k)} {v}" for k, v in d["links"].items()))
    click.echo(f"\n缺口一：没有强匹配（≥ {d['strong']}）承接方的需求 {len(d['unmet_needs'])} 项")
    for gap in d["unmet_needs"]:
        best = (f"全图最好的是 {gap['best_name']}（{gap['score']:.2f}）" if gap["best_id"]
                else "全图没有可排的承接方")
        click.echo(f"  · {label[gap['id']]}（{gap['firm_name'] or '—'}）：{best}")
    others = d["other_needs"]
    click.echo(f"\n不计入缺口的非技术需求（问题、政策、融资、人才，由责任部门在问题台账中办理，"
               f"不由专家、院所承接）{len(others)} 项")
    for o in others:
        click.echo(f"  · {o['name']}（{TYPE_ZH.get(o['need_type'], o['need_type'])}，"
                   f"{o['firm_name']}）：{o['department'] or '待分办'}")
    click.echo(f"\n缺口二：图中没有企业会谈、签约或合作过的承接方 {len(d['unused_suppliers'])} 个")
    for s in d["unused_suppliers"]:
        click.echo(f"  · {label[s['id']]}（{KIND_ZH[s['kind']]}），可承接本图 {s['serves']} 项需求")
    click.echo("\n关键节点（中介中心性，" + ("精确" if d["betweenness"] == "exact"
                                            else "抽样估计") + "）：")
    for b in d["brokers"]:
        click.echo("  · " + explain(b, label))
    click.echo("\n群体（Louvain 社区发现，固定随机种子）：")
    for g in d["communities"]:
        click.echo("  · " + explain(g, label))


def explain(item: dict, label: dict[str, str]) -> str:
    """One structured explanation as a Chinese sentence, names with their 示意 marks.

    >>> explain({"code": "broker", "values": {"groups": 2},
    ...          "ids": {"node": "a", "centres": ["b", "c"]}}, {"a": "甲", "b": "乙", "c": "丙"})
    '甲 连接了 2 个彼此没有直接联系的群体（以 乙、丙 为中心）'
    """
    v, node = item["values"], label.get(item["ids"]["node"], item["ids"]["node"])
    if item["code"] == "broker":
        centres = "、".join(label.get(c, c) for c in item["ids"]["centres"])
        return f"{node} 连接了 {v['groups']} 个彼此没有直接联系的群体（以 {centres} 为中心）"
    if item["code"] == "hub":
        return f"{node} 有 {v['links']} 条联系，是所在群体的枢纽"
    return (f"群体 {v['index']}：{v['firms']} 家企业、{v['needs']} 项需求、{v['experts']} 位专家、"
            f"{v['institutes']} 家院所，以 {node} 为中心")


def register(group: click.Group) -> None:
    group.add_command(map_command)
