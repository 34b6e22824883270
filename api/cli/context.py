"""What every CLI command shares: the store option, JSON output, progress bars."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from tqdm import tqdm

from duijie.graph import open_store, store_url
from duijie.graph.bolt_wait import WAIT_ENV
from duijie.graph.errors import NotFound
from duijie.graph.store import GraphStore

CREATING_COMMANDS = frozenset({"init", "seed", "demo", "import", "generate", "serve"})
"""Commands that may start a new embedded store; the others need an existing one."""


class AppContext:
    """Holds the store URL and opens the store on first use."""

    def __init__(self, url: str | None, *, create: bool = True):
        self.url = url
        self.create = create
        self._store: GraphStore | None = None
        self.missing = False  # `existing_store` found no database and stood in an empty one
        self.new_file: str | None = None  # the SQLite file this command will create, if any

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            self._store = open_store(self.url, create=self.create)
        return self._store

    def existing_store(self) -> GraphStore:
        """The store if it exists, else an empty one in memory: a dry run checks against
        what a new database would hold and writes nothing, not even the file."""
        if self._store is None:
            try:
                self._store = open_store(self.url, create=False)
            except NotFound:
                self._store, self.missing = open_store(":memory:"), True
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


_NEW_STORES: list[AppContext] = []


def sqlite_file(url: str | None) -> str | None:
    """The SQLite file a store URL names, or None (Bolt, in memory).

    >>> sqlite_file("sqlite:///x.db"), sqlite_file("x.db"), sqlite_file("bolt://h:7687")
    ('x.db', 'x.db', None)
    """
    url = store_url(url)
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    return None if "://" in url or url == ":memory:" else url


@contextmanager
def new_store_discarded_on_failure() -> Iterator[None]:
    """A command that fails leaves no database it created behind, not even an empty one:
    a write into a new store is all or nothing (`serve` keeps what its users wrote).

    A store that existed before the command is never removed: its writes are atomic
    batches, which a failure does not half-write.
    """
    try:
        yield
    except BaseException:
        for app in _NEW_STORES:
            app.close()
            for path in (app.new_file, *(f"{app.new_file}{s}" for s in ("-wal", "-shm",
                                                                          "-journal"))):
                if path and os.path.exists(path):
                    os.remove(path)
        raise
    finally:
        _NEW_STORES.clear()


def keep_new_store(app: AppContext) -> None:
    """The command's own writes are done: a failure or stop from here on (the demo's web
    service being stopped) keeps the store it created, as `serve` keeps its users' writes."""
    if app in _NEW_STORES:
        _NEW_STORES.remove(app)


def cli_group(func: Callable) -> click.Group:
    """The root group: `--db`/`--graph` select the store for every subcommand."""

    from duijie.api.cli.commands import LazyGroup

    @click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--db", "db", envvar="DUIJIE_DB", default=None, metavar="PATH",
                  help="SQLite file of the embedded store (default ./duijie.db).")
    @click.option("--graph", "graph_url", envvar="DUIJIE_GRAPH", default=None, metavar="URL",
                  help="Store URL: sqlite:///path or bolt://user:pass@host:7687.")
    @click.option("--bolt-timeout", "bolt_timeout", type=click.FloatRange(min=0, min_open=True),
                  default=None, metavar="SECONDS",
                  help="Bolt stores: give up on a server silent this long (default 120; "
                       "$DUIJIE_BOLT_TIMEOUT).")
    @click.pass_context
    def group(ctx: click.Context, db: str | None, graph_url: str | None,
              bolt_timeout: float | None) -> None:
        if bolt_timeout is not None:  # read where a Bolt store opens, here or in a worker
            os.environ[WAIT_ENV] = str(bolt_timeout)
        app = AppContext(graph_url or db, create=ctx.invoked_subcommand in CREATING_COMMANDS)
        # `user add` makes the accounts, in the embedded store's file; `serve` keeps its writes
        creates = app.create or ctx.invoked_subcommand == "user"
        path = sqlite_file(app.url) if creates and ctx.invoked_subcommand != "serve" else None
        if path is not None and not os.path.exists(path):
            app.new_file = path
            _NEW_STORES.append(app)
        ctx.obj = app
        ctx.call_on_close(app.close)

    group.help = func.__doc__
    group.name = func.__name__
    return group


pass_app = click.make_pass_decorator(AppContext)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))


def progress(items: Iterable, total: int | None = None, desc: str = "") -> Iterable:
    """A progress bar on a terminal; silent in pipes and CI."""
    return tqdm(items, total=total, desc=desc, disable=not sys.stderr.isatty(),
                file=sys.stderr, unit="rec", leave=False)
