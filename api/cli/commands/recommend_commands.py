"""`duijie recommend` and `duijie recommend-for`: who can help a need, and the reverse."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang
from duijie.api.services.recommendations import (
    RecommendResult,
    load_config,
    recommend_for_candidate,
    recommend_for_need,
    recommend_for_text,
)
from duijie.api.web.i18n import translate
from duijie.graph.errors import InvalidInput
from duijie.graph.vocab import kind_label
from duijie.matcher.notes import read_note
from duijie.matcher.recommend import Recommendation

KIND_CHOICES = ["expert", "institute", "programme", "enterprise"]


def render(rec: RecommendResult | Recommendation, lang: str | None = None) -> str:
    """A recommendation as readable text in one language (the CLI's unless `lang`), the
    reasons under each line, the matcher's notes in words.

    >>> from duijie.matcher.recommend import RecommendedItem
    >>> item = RecommendedItem("inst:x", "Institute", "西安光机所", 0.91,
    ...                        {"text": 1.0, "graph": 0.8}, matched_phrases=["红外探测"])
    >>> done = Recommendation({"need": "need:1", "title": "红外降噪"}, [item], None,
    ...                       {"地区不在西安": 2})
    >>> print(render(done, "zh"))
    推荐结果：红外降噪 [need:1]
     1. 西安光机所  [院所]  得分 0.910  (文本 1.00 · 图谱 0.80)  [inst:x]
        文本匹配：红外探测
    已排除：地区不在西安 2
    >>> print(render(done, "en"))
    Recommendations: 红外降噪 [need:1]
     1. 西安光机所  [institute]  score 0.910  (text 1.00 · graph 0.80)  [inst:x]
        Matched words: 红外探测
    Left out: not in 西安 2
    """
    lang = lang or cli_lang()

    def words(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    def note(text: str) -> str:
        found = read_note(text)
        if found is None:
            return text
        code, values = found
        if "kind" in values:
            values["kind"] = kind_label(values["kind"], lang)
        return words(f"cli_note_{code}", **values)

    q = rec.query
    head = q.get("title") or q.get("name") or q.get("text") or ""
    ident = q.get("need") or q.get("candidate")
    lines = [words("cli_recs_head", head=head) + (f" [{ident}]" if ident else "")]
    if q.get("region"):
        lines[0] += words("cli_recs_region", region=q["region"])
    if q.get("firm_name"):
        lines[0] += words("cli_recs_firm", firm=q["firm_name"])
    if q.get("note"):
        lines.append(words("cli_recs_note", note=note(q["note"])))
    for rank, item in enumerate(rec.items, start=1):
        parts = " · ".join(words(f"recs_component_{c}", value=f"{v:.2f}")
                           for c, v in item.components.items())
        lines.append(f"{rank:>2}. {item.name}  [{kind_label(item.kind, lang)}]  "
                     f"{words('cli_recs_score', score=f'{item.score:.3f}')}  ({parts})  "
                     f"[{item.id}]")
        lines.extend(f"    {line}" for line in item.lines(lang))
    if rec.reason:
        lines.append(words("cli_recs_reason", reason=note(rec.reason)))
    if rec.excluded:
        lines.append(words("cli_recs_excluded", excluded=words("cli_list_separator").join(
            words("cli_recs_excluded_item", reason=note(r), count=n)
            for r, n in rec.excluded.items())))
    return "\n".join(lines)


def _show(result: RecommendResult, as_json: bool) -> None:
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(render(result))


config_option = click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
                             default=None, metavar="JSON",
                             help="Weights file (default matcher/config/recommend_v1.json).")


@click.command()
@click.argument("need_id", required=False)
@click.option("--text", default=None, help="Describe an unsaved need instead of NEED_ID.")
@click.option("--kind", type=click.Choice(KIND_CHOICES), default="expert", show_default=True,
              help="What to recommend.")
@click.option("--k", "k", type=int, default=10, show_default=True, help="How many (1-1000).")
@click.option("--region", default=None, help="Only candidates in this region (e.g. 西安).")
@click.option("--firm", "firm_id", default=None,
              help="The firm asking (for --text: conflicts, eligibility, graph seeds).")
@click.option("--include-unavailable", is_flag=True,
              help="Also propose experts who take no meetings now.")
@config_option
@json_option
@pass_app
def recommend(app: AppContext, need_id: str | None, text: str | None, kind: str, k: int,
              region: str | None, firm_id: str | None, include_unavailable: bool,
              config: Path | None, as_json: bool) -> None:
    """Recommend experts, institutes, programmes or firms for a need, with reasons.

    Text affinity, graph proximity (personalised PageRank from the need's firm,
    topics, region and past collaborators) and, for programmes, the firm's
    eligibility are combined with the weights of the config file. Candidates of the
    firm's own organisation or group are never proposed.

    \b
    Example:
      duijie recommend need:1a2b3c --kind expert --k 10
      duijie recommend need:1a2b3c --kind institute --region 西安 --json
      duijie recommend --text "需要提升红外探测器的灵敏度" --kind institute
    """
    if need_id is None and text is None:
        raise InvalidInput("give a NEED_ID or --text \"需求描述…\"", where="recommend")
    if need_id is not None and text is not None:
        raise InvalidInput("give a NEED_ID or --text, not both", where="recommend")
    options = {"kind": kind, "k": k, "region": region, "firm_id": firm_id,
               "available_only": not include_unavailable, "config": load_config(config)}
    _show(recommend_for_need(app.store, need_id, **options) if need_id is not None
          else recommend_for_text(app.store, text, **options), as_json)


@click.command("recommend-for")
@click.argument("candidate_id")
@click.option("--kind", type=click.Choice(["need", "enterprise"]), default="need",
              show_default=True, help="Recommend needs or firms.")
@click.option("--k", "k", type=int, default=10, show_default=True, help="How many (1-1000).")
@click.option("--region", default=None, help="Only needs or firms in this region.")
@click.option("--include-closed", is_flag=True, help="Also list signed or closed needs.")
@config_option
@json_option
@pass_app
def recommend_for(app: AppContext, candidate_id: str, kind: str, k: int, region: str | None,
                  include_closed: bool, config: Path | None, as_json: bool) -> None:
    """List the needs or firms that fit an expert, institute or programme.

    成果找需求 (an expert's or institute's results looking for needs) and 服务找企业
    (a programme looking for eligible firms: each firm is checked against its rules).

    \b
    Example:
      duijie recommend-for exp:3f2a1b --k 5
      duijie recommend-for prog:9c8d7e --kind enterprise --json
    """
    _show(recommend_for_candidate(app.store, candidate_id, kind=kind, k=k, region=region,
                                  available_only=not include_closed,
                                  config=load_config(config)), as_json)


def register(group: click.Group) -> None:
    group.add_command(recommend)
    group.add_command(recommend_for)
