"""`duijie seed`, `duijie demo` and `duijie generate`: the seed dataset and synthetic graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app, progress
from duijie.api.services.generate import generate_synthetic
from duijie.api.services.seeding import PossibleDuplicate, SeedPart, StoredPart, load_seed
from duijie.graph.vocab import EDGE_LABELS, KIND_LABELS, figure_text, illustrative_mark


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
    click.echo(f"种子数据已载入 seed data loaded: {result.nodes_written} nodes "
               f"({result.nodes_created} new), {result.edges_written} edges")
    click.echo(render_kind_counts(result.counts))
    if result.possible_duplicates:
        click.echo("\n".join(render_possible_duplicates(result.possible_duplicates)))
    if result.parts:
        click.echo("\n".join(render_parts(result.parts)))
    if result.stored_parts:
        click.echo("\n".join(render_stored_parts(result.stored_parts)))


def render_possible_duplicates(duplicates: list[PossibleDuplicate]) -> list[str]:
    """Seed organisations that may already be stored under another id, by name, with
    the evidence and the review item that asks an organiser.

    >>> for line in render_possible_duplicates([PossibleDuplicate("ent:dali", "浙江大立科技",
    ...         "ent:x", "大立科技", "Enterprise", "same", 1.0, ["same region: 杭州"], "rev:1")]):
    ...     print(line)
    可能重复 possible duplicates (1), 待审核 queued for review (duijie review list):
      浙江大立科技 (ent:dali) ~ 大立科技 (ent:x, stored): same 1.00, review rev:1
        same region: 杭州
    """
    lines = [f"可能重复 possible duplicates ({len(duplicates)}), 待审核 queued for review "
             "(duijie review list):"]
    for d in duplicates:
        lines.append(f"  {d.seed_name} ({d.seed_id}) ~ {d.stored_name} ({d.stored_id}, "
                     f"stored): {d.decision} {d.score:.2f}, review {d.review_id}")
        lines += [f"    {reason}" for reason in d.evidence]
    return lines


def render_parts(parts: list[SeedPart]) -> list[str]:
    """Seed organisations linked as parts of stored ones, by name, with the evidence.

    >>> part = SeedPart("inst:xiop", "中国科学院西安光学精密机械研究所", "inst:x", "中国科学院",
    ...                 "Institute", ["part of 中国科学院: 西安光学精密机械研究所"])
    >>> for line in render_parts([part]):
    ...     print(line)
    隶属 part of (1), 已连接 linked by part_of, not merged:
      中国科学院西安光学精密机械研究所 (inst:xiop) ⊂ 中国科学院 (inst:x, stored)
        part of 中国科学院: 西安光学精密机械研究所
    """
    lines = [f"隶属 part of ({len(parts)}), 已连接 linked by part_of, not merged:"]
    for p in parts:
        lines.append(f"  {p.seed_name} ({p.seed_id}) ⊂ {p.parent_name} ({p.parent_id}, stored)")
        lines += [f"    {reason}" for reason in p.evidence]
    return lines


def render_stored_parts(parts: list[StoredPart]) -> list[str]:
    """Stored organisations linked as parts of seed ones, by name, with the evidence.

    >>> part = StoredPart("inst:x", "浙江大学计算机科学与技术学院", "inst:zju", "浙江大学",
    ...                   "Institute", ["part of 浙江大学: 计算机科学与技术学院"])
    >>> for line in render_stored_parts([part]):
    ...     print(line)
    下属 stored parts of seed organisations (1), 已连接 linked by part_of, not merged:
      浙江大学计算机科学与技术学院 (inst:x, stored) ⊂ 浙江大学 (inst:zju)
        part of 浙江大学: 计算机科学与技术学院
    """
    lines = [f"下属 stored parts of seed organisations ({len(parts)}), 已连接 linked by "
             "part_of, not merged:"]
    for p in parts:
        lines.append(f"  {p.part_name} ({p.part_id}, stored) ⊂ {p.seed_name} ({p.seed_id})")
        lines += [f"    {reason}" for reason in p.evidence]
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
            click.echo("\n西安精准对接方案 (plan for the Xi'an docking trip)")
            click.echo(render_replay(result.replay))
    if serve is None:
        serve = not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    if not serve:
        if not as_json:
            click.echo("\n网页服务 web service: bash scripts/duijie serve "
                       "(或 duijie demo --serve)")
        return
    from duijie.api.cli.commands.web_commands import run_server
    from duijie.api.cli.context import keep_new_store
    from duijie.api.services.demo import demo_accounts

    keep_new_store(app)  # seeded and planned: stopping the service keeps the office's store

    def announce(store, accounts) -> None:
        made = demo_accounts(accounts, store)
        click.echo(f"\n网页服务 web service: http://{host}:{port}/  (Ctrl-C 停止 stops)")
        for account in made:
            who = "组织者 organiser" if account.role == "organiser" else \
                f"企业 enterprise: {account.display_name}"
            click.echo(f"  演示账号 demo sign-in ({who}): {account.username} / "
                       f"{account.password}")
        if not made:
            click.echo("  使用已有账号登录 sign in with an existing account (duijie user list)")

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
        click.echo(f"generated {result.nodes} nodes and {result.edges} edges -> "
                   f"{result.out or result.store}")


def render_kind_counts(counts: dict[str, dict[str, int]]) -> str:
    """Node and edge counts, Chinese names first (numbers lead, so columns line up).

    >>> print(render_kind_counts({"nodes": {"Expert": 3}, "edges": {"signed": 8}}))
    节点 nodes: 3
          3  专家 Expert
    边 edges: 8
          8  签约 signed
    """
    lines = [f"节点 nodes: {sum(counts['nodes'].values())}"]
    lines += [f"  {n:>5}  {KIND_LABELS['zh'].get(k, '')} {k}"
              for k, n in counts["nodes"].items()]
    lines.append(f"边 edges: {sum(counts['edges'].values())}")
    lines += [f"  {n:>5}  {EDGE_LABELS['zh'].get(k, '')} {k}"
              for k, n in counts["edges"].items()]
    return "\n".join(lines)


def render_figures(figures: list[dict[str, Any]]) -> str:
    """An event's published figures, each with its qualifier, as the document words them.

    >>> render_figures([{"measure": "experts", "value": 40, "qualifier": "more_than",
    ...                  "unit": "名", "label": "高校专家教授", "quote": "40余名高校专家教授"}])
    '高校专家教授 40余 名'
    """
    return "，".join(f"{f.get('label') or f['measure']} {figure_text(f['value'], f['qualifier'])} "
                    f"{f['unit']}".rstrip() for f in figures)


def render_demo(summary: dict[str, Any], url: str) -> str:
    """The readable, Chinese-first text of `duijie demo`."""
    out = ["Duijie 对接 — 知识图谱概览 (knowledge graph overview)", f"存储 store: {url}"]
    if summary.get("seeded_now"):
        out.append("已载入种子数据 (seed data loaded)")
    out += ["", render_kind_counts(summary["counts"]), "",
            "对接活动及公开数据 (docking events and their published figures)"]
    for event in summary["events"]:
        when = event["start_date"] or ""
        if event["end_date"] and event["end_date"] != event["start_date"]:
            when += f"–{event['end_date'][5:]}"
        figures = render_figures(event["figures"])
        place = f"（{event['region']}）" if event["region"] else ""
        out.append(f"  {when:<17}{event['name']}{place}" + (f"：{figures}" if figures else ""))
    xian = summary["xian"]
    if xian["event"]:
        ev = xian["event"]
        out += ["", f"{ev['name']} {ev.get('start_date', '')}–{ev.get('end_date', '')[5:]}："
                    + render_figures(ev.get("figures", []))]
        out.append(f"  浙江企业 firms ({len(xian['firms'])}): "
                   + "、".join(f["name"] for f in xian["firms"]))
        out.append(f"  西安院所 institutes ({len(xian['institutes'])}): "
                   + "、".join(i["name"] for i in xian["institutes"]))
        out.append(f"  专家 experts ({len(xian['experts'])}): " + "、".join(
            f"{x['name']}（{x.get('title') or ''}，{x.get('affiliation') or ''}）"
            for x in xian["experts"]))
        out.append(f"  示意签约 illustrative signings ({len(xian['signed'])}; 记录未载明"
                   "哪家企业与谁达成合作 the record does not say who signed with whom):")
        out += [f"    {s['need']} → {s['helper']}" for s in xian["signed"]]
    out += ["", f"{illustrative_mark(True)} 示例数据（虚构），种子文档未载"
                " (illustrative: invented, not in the seed documents)"]
    return "\n".join(out)


def register(group: click.Group) -> None:
    group.add_command(seed)
    group.add_command(demo)
    group.add_command(generate)
