"""`duijie graph copy` and `duijie graph verify`: move a graph between backends."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import echo_json, json_option
from duijie.api.cli.words import cli_word
from duijie.api.services.copy import VerifyResult, compare_stores, copy_stores
from duijie.graph.copy import DEFAULT_BATCH


@click.group("graph", cls=SuggestingGroup)
def graph_group() -> None:
    """Copy the graph between stores (SQLite ⇄ Neo4j) and check copies.

    \b
    Example:
      duijie graph copy --from sqlite:///office.db --to bolt://neo4j:secret@db:7687
    """


def _render(check: VerifyResult) -> str:
    total = sum(sum(v.values()) for v in check.counts.values())
    sums = check.checksums
    return cli_word("verified", total=total, nodes=sums["nodes"][:12], edges=sums["edges"][:12])


@graph_group.command("copy")
@click.option("--from", "source_url", required=True, metavar="URL",
              help="Store to read: a path, sqlite:///path or bolt://user:pass@host:7687.")
@click.option("--to", "target_url", required=True, metavar="URL", help="Store to write.")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True, type=int,
              help="Records per atomic write batch.")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Checkpoint file (default .duijie-copy-<hash>.json); a rerun resumes.")
@click.option("--no-verify", is_flag=True, help="Skip the comparison at the end.")
@json_option
def copy_command(source_url: str, target_url: str, batch_size: int, state: Path | None,
                 no_verify: bool, as_json: bool) -> None:
    """Copy every node, edge, review item and kept blob (the learned model), then verify.

    Interrupted copies resume from the checkpoint file when run again; the file
    is removed once the copy is verified.

    \b
    Example:
      duijie graph copy --from sqlite:///office.db --to bolt://localhost:7687 --batch-size 500
      duijie graph copy --from bolt://localhost:7687 --to sqlite:///back.db
    """
    def bar(total: int):
        return click.progressbar(length=total, label=cli_word("copy_progress"), file=sys.stderr)

    result = copy_stores(source_url, target_url, batch_size=batch_size, state=state,
                         check=not no_verify, progress=None if as_json else bar)
    if not as_json:
        resumed = cli_word("copy_resumed") if result.resumed_from else ""
        click.echo(cli_word("copy_done", resumed=resumed, nodes=result.nodes,
                            edges=result.edges, reviews=result.reviews, blobs=result.blobs))
    if result.verify is not None:
        result.verify.check()  # exit code 4 when the stores differ
    if as_json:
        echo_json(result.to_dict())
    elif result.verify is not None:
        click.echo(_render(result.verify))


@graph_group.command("verify")
@click.option("--from", "source_url", required=True, metavar="URL", help="One store.")
@click.option("--to", "target_url", required=True, metavar="URL", help="The other store.")
@json_option
def verify_command(source_url: str, target_url: str, as_json: bool) -> None:
    """Compare two stores: counts by kind and checksums of all records (exit 4 if they differ).

    \b
    Example:
      duijie graph verify --from sqlite:///office.db --to bolt://localhost:7687
    """
    check = compare_stores(source_url, target_url).check()
    if as_json:
        echo_json(check.to_dict())
    else:
        click.echo(_render(check))


def register(group: click.Group) -> None:
    group.add_command(graph_group)
