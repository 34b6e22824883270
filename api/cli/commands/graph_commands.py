"""`duijie graph copy` and `duijie graph verify`: move a graph between backends."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from duijie.api.cli.context import echo_json, json_option
from duijie.graph import open_store
from duijie.graph.copy import DEFAULT_BATCH, copy_graph, default_state_path, verify
from duijie.graph.errors import Conflict


@click.group("graph")
def graph_group() -> None:
    """Copy the graph between stores (SQLite ⇄ Neo4j) and check copies.

    \b
    Example:
      duijie graph copy --from sqlite:///office.db --to bolt://neo4j:secret@db:7687
    """


def _verification(source, target) -> dict:
    """Compare the stores; print nothing, raise `Conflict` listing what differs."""
    result = verify(source, target)
    if not result.same:
        raise Conflict("the stores differ", where=f"{source.url} vs {target.url}",
                       problems=result.differences())
    return {"same": True, "counts": result.source.counts, "checksums": result.source.checksums}


def _render(check: dict) -> str:
    total = sum(sum(v.values()) for v in check["counts"].values())
    sums = check["checksums"]
    return (f"verified: same {total} records; checksums nodes {sums['nodes'][:12]}…,"
            f" edges {sums['edges'][:12]}…")


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
    """Copy every node, edge and review item, in batches, then verify the copy.

    Interrupted copies resume from the checkpoint file when run again; the file
    is removed once the copy is verified.

    \b
    Example:
      duijie graph copy --from sqlite:///office.db --to bolt://localhost:7687 --batch-size 500
      duijie graph copy --from bolt://localhost:7687 --to sqlite:///back.db
    """
    if source_url == target_url:
        raise Conflict("is both --from and --to", value=source_url)
    source, target = open_store(source_url), open_store(target_url)
    try:
        path = state or default_state_path(source, target)
        bar = None
        if not as_json:
            total = sum(sum(v.values()) for v in source.counts().values())
            bar = click.progressbar(length=total, label="copying", file=sys.stderr)
        with bar or _NoBar() as shown:
            report = copy_graph(source, target, batch_size=batch_size, state=path,
                                progress=lambda phase, n: shown.update(n))
        out = {"nodes": report.nodes, "edges": report.edges, "reviews": report.reviews,
               "resumed_from": report.resumed_from}
        if not as_json:
            resumed = " (resumed)" if report.resumed_from else ""
            click.echo(f"copied{resumed}: {report.nodes} nodes, {report.edges} edges,"
                       f" {report.reviews} review items")
        if not no_verify:
            out["verify"] = _verification(source, target)
            if not as_json:
                click.echo(_render(out["verify"]))
        if as_json:
            echo_json(out)
        path.unlink(missing_ok=True)
    finally:
        source.close()
        target.close()


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


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
    source, target = open_store(source_url), open_store(target_url)
    try:
        check = _verification(source, target)
        if as_json:
            echo_json(check)
        else:
            click.echo(_render(check))
    finally:
        source.close()
        target.close()


def register(group: click.Group) -> None:
    group.add_command(graph_group)
