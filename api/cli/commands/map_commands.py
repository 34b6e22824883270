"""`duijie map`: the industry innovation map (产业创新地图) of an industry or a region."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang
from duijie.api.web.i18n import translate
from duijie.graph.vocab import kind_label, problem_label


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
    click.echo(render_map(result.to_dict(), region, industry, cli_lang()))


def render_map(d: dict, region: str | None, industry: str | None, lang: str) -> str:
    """The map as text in `lang`: counts, links, both kinds of gap, brokers and groups."""
    def words(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    label = {n["id"]: n["name"] for n in d["nodes"]}
    c = d["counts"]
    scope = "·".join(x for x in (region, industry) if x)
    sep = words("cli_list_separator")
    lines = [words("cli_map_head", scope=scope, **{k: c[k] for k in (
        "firms", "needs", "experts", "institutes", "edges", "communities")}),
        words("cli_map_links", links=sep.join(f"{words('map_link_' + k)} {v}"
                                              for k, v in d["links"].items())),
        "", words("cli_map_unmet", strong=d["strong"], count=len(d["unmet_needs"]))]
    for gap in d["unmet_needs"]:
        best = (words("cli_map_best", name=gap["best_name"], score=f"{gap['score']:.2f}")
                if gap["best_id"] else words("cli_map_best_none"))
        lines.append(words("cli_map_unmet_item", need=label[gap["id"]],
                           firm=gap["firm_name"] or "—", best=best))
    others = d["other_needs"]
    lines += ["", words("cli_map_others", count=len(others))]
    lines += [words("cli_map_other", need=o["name"], type=problem_label(o["need_type"], lang),
                    firm=o["firm_name"],
                    department=o["department"] or words("map_department_none"))
              for o in others]
    lines += ["", words("cli_map_unused", count=len(d["unused_suppliers"]))]
    lines += [words("cli_map_unused_item", name=label[s["id"]],
                    kind=kind_label(s["kind"], lang), serves=s["serves"])
              for s in d["unused_suppliers"]]
    how = words("cli_map_exact" if d["betweenness"] == "exact" else "cli_map_sampled")
    lines += ["", words("cli_map_brokers", how=how)]
    lines += ["  · " + explain(b, label, lang) for b in d["brokers"]]
    lines += ["", words("cli_map_groups")]
    lines += ["  · " + explain(g, label, lang) for g in d["communities"]]
    return "\n".join(lines)


def explain(item: dict, label: dict[str, str], lang: str = "zh") -> str:
    """One structured explanation as a sentence in `lang`, names with their 示意 marks.

    >>> explain({"code": "broker", "values": {"groups": 2},
    ...          "ids": {"node": "a", "centres": ["b", "c"]}}, {"a": "甲", "b": "乙", "c": "丙"})
    '甲 连接了 2 个彼此没有直接联系的群体（以 乙、丙 为中心）'
    """
    v, node = item["values"], label.get(item["ids"]["node"], item["ids"]["node"])
    if item["code"] == "broker":
        centres = translate("cli_list_separator", lang).join(
            label.get(c, c) for c in item["ids"]["centres"])
        return translate("map_why_broker", lang, node=node, centres=centres, **v)
    if item["code"] == "hub":
        return translate("map_why_hub", lang, node=node, **v)
    return translate("map_why_group", lang, node=node, **v)


def register(group: click.Group) -> None:
    group.add_command(map_command)
