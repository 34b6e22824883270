"""`duijie seed`, `duijie demo` and `duijie generate`: the seed dataset and synthetic graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from duijie.api.cli.commands.store_commands import render_counts
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app, progress
from duijie.api.cli.words import (
    catalog_word,
    cli_lang,
    cli_word,
    decision_word,
    joined,
    reason_words,
)
from duijie.api.services.generate import generate_synthetic
from duijie.api.services.seeding import PossibleDuplicate, SeedPart, StoredPart, load_seed
from duijie.api.services.store import StoreCounts
from duijie.graph.vocab import figure_text


@click.command()
@json_option
@pass_app
def seed(app: AppContext, as_json: bool) -> None:
    """Load the seed dataset (built from the five seed documents) into the store.

    All or nothing, and loading twice changes nothing. Into a store that already
    holds other organisations (imported), each seed organisation that may be one of
    them is listed by name with the evidence and queued for review, never merged;
    one that is part of a stored one (a 研究院 of an imported firm) is linked to it by
    `part_of` and listed the same way, and so is a stored one that is part of a seed
    organisation (an imported 浙江大学计算机科学与技术学院 under the seed's 浙江大学).

    \b
    Example:
      duijie --db office.db seed
      duijie seed --json
    """
    result = load_seed(app.store)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(cli_word("seed_loaded", nodes=result.nodes_written,
                        created=result.nodes_created, edges=result.edges_written))
    click.echo(render_counts(StoreCounts(result.counts["nodes"], result.counts["edges"]),
                             cli_lang()))
    if result.possible_duplicates:
        click.echo("\n".join(render_possible_duplicates(result.possible_duplicates)))
    if result.parts:
        click.echo("\n".join(render_parts(result.parts)))
    if result.stored_parts:
        click.echo("\n".join(render_stored_parts(result.stored_parts)))


def _evidence(reasons: list[str]) -> list[str]:
    return [f"    {reason_words(reason)}" for reason in reasons]


def render_possible_duplicates(duplicates: list[PossibleDuplicate]) -> list[str]:
    """Seed organisations that may already be stored under another id, by name, with
    the evidence and the review item that asks an organiser, in the CLI's language.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> for line in render_possible_duplicates([PossibleDuplicate("ent:dali", "浙江大立科技",
    ...         "ent:x", "大立科技", "Enterprise", "same", 1.0, ["same region: 杭州"], "rev:1")]):
    ...     print(line)
    可能重复（1），已加入待核对（duijie review list）：
      浙江大立科技 (ent:dali) ~ 大立科技 (ent:x，库中已有)：同一机构 1.00，核对项 rev:1
        地区相同：杭州
    """
    lines = [cli_word("seed_duplicates", count=len(duplicates))]
    for d in duplicates:
        lines.append(cli_word("seed_duplicate", seed=d.seed_name, seed_id=d.seed_id,
                              stored=d.stored_name, stored_id=d.stored_id,
                              decision=decision_word(d.decision), score=f"{d.score:.2f}",
                              review=d.review_id))
        lines += _evidence(d.evidence)
    return lines


def render_parts(parts: list[SeedPart]) -> list[str]:
    """Seed organisations linked as parts of stored ones, by name, with the evidence.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> part = SeedPart("inst:xiop", "中国科学院西安光学精密机械研究所", "inst:x", "中国科学院",
    ...                 "Institute", ["part of 中国科学院: 西安光学精密机械研究所"])
    >>> for line in render_parts([part]):
    ...     print(line)
    隶属（1），已连接为下属单位，未合并：
      中国科学院西安光学精密机械研究所 (inst:xiop) ⊂ 中国科学院 (inst:x，库中已有)
        是 中国科学院 的下属单位：西安光学精密机械研究所
    """
    lines = [cli_word("seed_parts", count=len(parts))]
    for p in parts:
        lines.append(cli_word("seed_part", part=p.seed_name, part_id=p.seed_id,
                              parent=p.parent_name, parent_id=p.parent_id))
        lines += _evidence(p.evidence)
    return lines


def render_stored_parts(parts: list[StoredPart]) -> list[str]:
    """Stored organisations linked as parts of seed ones, by name, with the evidence.

    >>> import os; os.environ["DUIJIE_LANG"] = "en"
    >>> part = StoredPart("inst:x", "浙江大学计算机科学与技术学院", "inst:zju", "浙江大学",
    ...                   "Institute", ["part of 浙江大学: 计算机科学与技术学院"])
    >>> for line in render_stored_parts([part]):
    ...     print(line)
    stored parts of seed organisations (1), linked as parts, not merged:
      浙江大学计算机科学与技术学院 (inst:x, stored) ⊂ 浙江大学 (inst:zju)
        part of 浙江大学: 计算机科学与技术学院
    >>> del os.environ["DUIJIE_LANG"]
    """
    lines = [cli_word("seed_stored_parts", count=len(parts))]
    for p in parts:
        lines.append(cli_word("seed_stored_part", part=p.part_name, part_id=p.part_id,
                              seed=p.seed_name, seed_id=p.seed_id))
        lines += _evidence(p.evidence)
    return lines


@click.command()
@click.option("--serve/--no-serve", "serve", default=None,
              help="Then open the web service on the same store "
                   "[default: in a terminal, yes; otherwise no].")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve.")
@click.option("--port", default=8000, show_default=True, type=int, help="With --serve.")
@json_option
@pass_app
def demo(app: AppContext, serve: bool | None, host: str, port: int, as_json: bool) -> None:
    """Seed the store if it is empty, summarise the graph, plan the Xi'an trip, and
    (in a terminal) open the web service with the trip ready to plan.

    Shows counts by kind, the docking events with their published figures, who
    took part in the Xi'an precise docking trip of 23–24 May 2019, and then plans
    that trip end to end: invitations, meeting pairs with their scores and
    reasons, the two-day schedule, and the recorded outcome (8 of 11 firms).
    Invented records are marked 示意. Serving, an office with no accounts yet gets
    two sign-ins for trying it (an organiser and one invented firm), printed once.

    \b
    Example:
      duijie --db demo.db demo --no-serve
      duijie demo --serve --port 8080
    """
    import sys

    from duijie.api.cli.replay_text import render_replay
    from duijie.api.services.demo import run_demo

    result = run_demo(app.store)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(render_demo({**result.summary, "seeded_now": result.seeded_now},
                               result.store))
        if result.replay is not None:
            click.echo("\n" + cli_word("demo_plan"))
            click.echo(render_replay(result.replay, cli_lang()))
    if serve is None:
        serve = not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    if not serve:
        if not as_json:
            click.echo("\n" + cli_word("demo_serve_hint"))
        return
    from duijie.api.cli.commands.web_commands import run_server
    from duijie.api.cli.context import keep_new_store
    from duijie.api.services.demo import demo_accounts

    keep_new_store(app)  # seeded and planned: stopping the service keeps the office's store

    def announce(store, accounts) -> None:
        made = demo_accounts(accounts, store)
        click.echo("\n" + cli_word("demo_serving", host=host, port=port))
        for account in made:
            role = catalog_word(f"role_{account.role}")
            who = role if account.role == "organiser" else cli_word(
                "demo_firm_account", role=role, name=account.display_name)
            click.echo(cli_word("demo_account", who=who, username=account.username,
                                password=account.password))
        if not made:
            click.echo(cli_word("demo_existing"))

    app.close()  # the service opens the store itself
    run_server(app, host=host, port=port, before_serving=announce)

@click.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write JSON Lines here instead of into the store.")
@click.option("--enterprises", "n_enterprises", type=click.IntRange(min=0), default=1000,
              show_default=True, help="How many enterprises.")
@click.option("--experts", "n_experts", type=click.IntRange(min=0), default=2000,
              show_default=True, help="How many experts (2-5 docs each).")
@click.option("--institutes", "n_institutes", type=click.IntRange(min=0), default=100,
              show_default=True, help="How many institutes.")
@click.option("--needs", "n_needs", type=click.IntRange(min=0), default=1000,
              show_default=True, help="How many needs.")
@click.option("--officials", "n_officials", type=click.IntRange(min=0), default=0,
              show_default=True, help="How many officials for contact duty.")
@click.option("--seed", "seed_value", type=int, default=0, show_default=True,
              help="Random seed: the same seed gives the same graph.")
@json_option
@pass_app
def generate(app: AppContext, out: Path | None, n_enterprises: int, n_experts: int,
             n_institutes: int, n_needs: int, n_officials: int, seed_value: int,
             as_json: bool) -> None:
    """Generate a large synthetic graph with realistic Chinese technical text.

    Writes JSON Lines (`--out`: the graph export format with its header line, so
    `duijie import graph FILE` loads it) or, without
    `--out`, writes into the store in one all-or-nothing batch. Every record is
    marked illustrative with provenance "generated".

    \b
    Example:
      duijie generate --out big.jsonl --experts 200000 --needs 100000 --seed 1
      duijie --db big.db import graph big.jsonl
      duijie --db bench.db generate --enterprises 500 --experts 2000 --needs 1000
      duijie --db office.db generate --enterprises 10000 --officials 500 --needs 20000
    """
    def bar(records, total):
        return progress(records, total=total, desc="generate")

    result = generate_synthetic(store=None if out is not None else app.store, out=out,
                                enterprises=n_enterprises, experts=n_experts,
                                institutes=n_institutes, needs=n_needs, seed=seed_value,
                                progress=bar, officials=n_officials)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(cli_word("generate_done", nodes=result.nodes, edges=result.edges,
                            target=result.out or result.store))


def render_figures(figures: list[dict[str, Any]], lang: str = "zh") -> str:
    """An event's published figures, each with its qualifier: in Chinese as the document
    words them, in English by what they measure.

    >>> figure = {"measure": "experts", "value": 40, "qualifier": "more_than",
    ...           "unit": "名", "label": "高校专家教授", "quote": "40余名高校专家教授"}
    >>> render_figures([figure]), render_figures([figure], "en")
    ('高校专家教授 40余 名', 'experts more than 40')
    """
    from duijie.api.web.i18n import translate

    return translate("cli_replay_joiner", lang).join(translate(
        "cli_demo_figure", lang, label=f.get("label") or f["measure"],
        measure=f["measure"].replace("_", " "), figure=figure_text(f["value"], f["qualifier"],
                                                                   lang),
        unit=f["unit"]).rstrip() for f in figures)


def render_demo(summary: dict[str, Any], url: str) -> str:
    """The readable text of `duijie demo`, in the CLI's language (names as stored)."""
    lang = cli_lang()
    out = [cli_word("demo_title"), cli_word("demo_store", url=url)]
    if summary.get("seeded_now"):
        out.append(cli_word("demo_seeded"))
    out += ["", render_counts(StoreCounts(summary["counts"]["nodes"],
                                          summary["counts"]["edges"]), lang),
            "", cli_word("demo_events")]
    for event in summary["events"]:
        when = event["start_date"] or ""
        if event["end_date"] and event["end_date"] != event["start_date"]:
            when += f"–{event['end_date'][5:]}"
        figures = render_figures(event["figures"], lang)
        place = ((f"（{event['region']}）" if lang == "zh" else f" ({event['region']})")
                 if event["region"] else "")
        colon = "：" if lang == "zh" else ": "
        out.append(f"  {when:<17}{event['name']}{place}" + (colon + figures if figures else ""))
    xian = summary["xian"]
    if xian["event"]:
        ev = xian["event"]
        colon = "：" if lang == "zh" else ": "
        out += ["", f"{ev['name']} {ev.get('start_date', '')}–{ev.get('end_date', '')[5:]}"
                    + colon + render_figures(ev.get("figures", []), lang)]
        out.append(cli_word("demo_firms", count=len(xian["firms"]),
                            names=joined(f["name"] for f in xian["firms"])))
        out.append(cli_word("demo_institutes", count=len(xian["institutes"]),
                            names=joined(i["name"] for i in xian["institutes"])))
        out.append(cli_word("demo_experts", count=len(xian["experts"]), names=joined(
            cli_word("demo_expert", name=x["name"], title=x.get("title") or "",
                     affiliation=x.get("affiliation") or "") for x in xian["experts"])))
        out.append(cli_word("demo_signings", count=len(xian["signed"])))
        out += [f"    {s['need']} → {s['helper']}" for s in xian["signed"]]
    out += ["", cli_word("demo_legend")]
    return "\n".join(out)


def register(group: click.Group) -> None:
    group.add_command(seed)
    group.add_command(demo)
    group.add_command(generate)
