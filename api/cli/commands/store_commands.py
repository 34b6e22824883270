"""`duijie init` and `duijie stats`: create a store and say what is in it."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_lang, pad
from duijie.api.services.store import StoreCounts, init_store, store_stats
from duijie.graph.vocab import edge_label, kind_label


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create (or migrate) the store and report its location.

    \b
    Example:
      duijie --db office.db init
    """
    where = init_store(app.store).store
    click.echo(f"数据库已就绪：{where}" if cli_lang() == "zh" else f"store ready: {where}")


@click.command()
@json_option
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Count nodes and edges by kind.

    \b
    Example:
      duijie stats --json
    """
    counts = store_stats(app.store)
    if as_json:
        echo_json(counts.to_dict())
        return
    click.echo(render_counts(counts, cli_lang()))


def render_counts(counts: StoreCounts, lang: str = "en") -> str:
    """Counts as one aligned table: totals, then each kind, in `lang`'s words (in English
    the kinds as stored, which `--json` and imports use).

    >>> print(render_counts(StoreCounts({"Expert": 3}, {"submitted": 12})))
    nodes                   3
      Expert                3
    edges                  12
      submitted            12
    >>> print(render_counts(StoreCounts({"Expert": 3}, {"submitted": 12}), "zh"))
    节点                    3
      专家                  3
    关系                   12
      提交                 12
    """
    zh = lang == "zh"
    lines = []
    for section, rows, label in (("nodes", counts.nodes, kind_label),
                                 ("edges", counts.edges, edge_label)):
        lines.append(f"{pad({'nodes': '节点', 'edges': '关系'}[section] if zh else section, 18)}"
                     f"{sum(rows.values()):>7}")
        lines.extend(f"  {pad(label(kind, 'zh') if zh else kind, 16)}{n:>7}"
                     for kind, n in rows.items())
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(stats)
