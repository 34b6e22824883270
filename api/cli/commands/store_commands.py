"""`duijie init` and `duijie stats`: create a store and say what is in it."""

from __future__ import annotations

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.services.store import StoreCounts, init_store, store_stats


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create (or migrate) the store and report its location.

    \b
    Example:
      duijie --db office.db init
    """
    click.echo(f"store ready: {init_store(app.store).store}")


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
    click.echo(render_counts(counts))


def render_counts(counts: StoreCounts) -> str:
    """Counts as one aligned table: totals, then each kind.

    >>> print(render_counts(StoreCounts({"Expert": 3}, {"submitted": 12})))
    nodes                   3
      Expert                3
    edges                  12
      submitted            12
    """
    lines = []
    for section, rows in (("nodes", counts.nodes), ("edges", counts.edges)):
        lines.append(f"{section:<18}{sum(rows.values()):>7}")
        lines.extend(f"  {kind:<16}{n:>7}" for kind, n in rows.items())
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(init)
    group.add_command(stats)
