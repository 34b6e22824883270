"""Which server is at the other end of a Bolt URL, and what Duijie does differently there.

Every server quirk the Neo4j backend knows sits in one `ServerQuirks` row here;
`graph.bolt_connection`, `graph.neo4j_store` and `graph.cypher` read the row and never test
a server's name.
The servers are told apart from what they answer at connect time
(`identify_server`): FalkorDB positively, by procedures only it has (its
`db.idx.fulltext.*`), ArcadeDB by its agent string, Neo4j by `dbms.components()`.
A server that is none of these is treated as *unknown*: portable Cypher, values
as plain parameters (never FalkorDB's escaping, which would corrupt its strings),
small messages, indexes tried and left if refused.

>>> identify_server("Neo4j/5.26.0", ["Neo4j Kernel"], None).name
'neo4j'
>>> identify_server("Neo4j/5.13.0", None, ["algo.BFS", "db.idx.fulltext.queryNodes"]).name
'falkordb'
>>> identify_server("Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)", ["Neo4j Kernel"], None).name
'arcadedb'
>>> identify_server("Neo4j/5.13.0", None, ["db.indexes"]).escape_strings
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from duijie.graph.errors import InvalidInput

MiB = 1024 * 1024
URL_OPTIONS = {"database", "timeout", "retry_seconds", "wait"}


@dataclass(frozen=True)
class ServerQuirks:
    """What the Neo4j backend does on one kind of Bolt server.

    name: `neo4j`, `arcadedb`, `falkordb` or `unknown` (shown in messages and tests).
    transactions: an explicit transaction is rolled back whole on failure, so a big
      batch may travel as several statements in one transaction. FalkorDB 4.16 does
      not roll back: there a batch is staged (`:DuijieStage`) and applied by ONE statement.
    message_bytes: the most parameter bytes sent in one Bolt message (ArcadeDB refuses
      a message over 16 MiB; FalkorDB 4.16 crashes past ~4 KB).
    constraints: `CREATE CONSTRAINT … IF NOT EXISTS` is understood.
    if_not_exists: `CREATE INDEX name IF NOT EXISTS …`; else ask `db.indexes()` first.
    escape_strings: string parameters need FalkorDB's escaping (`falkordb_quirks.falkordb_params`).
    databases: `?database=` selects a database (FalkorDB ignores the name).
    merge_by_index: `MERGE (n:DuijieNode:<Kind> {id: …})` finds the node through the
      id index. ArcadeDB's does not: it scans the combined type (500 MERGEs over a
      3,000-node graph took 7 s, 0.3 s looked up by `:DuijieNode` alone), so there a
      node is looked up by its one indexed label and created if missing.
    """

    name: str
    transactions: bool = True
    message_bytes: int = 4 * MiB
    constraints: bool = True
    if_not_exists: bool = True
    escape_strings: bool = False
    databases: bool = True
    merge_by_index: bool = True


NEO4J = ServerQuirks("neo4j")
ARCADEDB = ServerQuirks("arcadedb", merge_by_index=False)  # else as Neo4j 5.26, as it reports
FALKORDB = ServerQuirks("falkordb", transactions=False, message_bytes=3000,
                        constraints=False, if_not_exists=False, escape_strings=True,
                        databases=False)
UNKNOWN = ServerQuirks("unknown", message_bytes=1 * MiB, constraints=False)

MAX_BATCH_BYTES = 16 * MiB
"""The largest write batch (its records as Bolt parameters) sent to any Bolt server.

One batch is one transaction, and the server holds all of it in memory until it
commits (Neo4j bounds that with `db.memory.transaction.max`; ArcadeDB with a
384 MB heap took 40 s for 9 MB and failed a 44 MB one after 7 minutes). A bigger
batch is refused before anything is sent, with a message naming this limit;
write it in smaller batches (`graph copy` writes 1,000 records a batch). 16 MiB
is about 30,000 records of the synthetic graph."""

FALKORDB_PROCEDURE = "db.idx.fulltext.queryNodes"  # Neo4j's is db.index.fulltext.*


def identify_server(agent: str, components: Iterable[str] | None,
                    procedures: Iterable[str] | None) -> ServerQuirks:
    """The quirks of the server that sent `agent` (Bolt HELLO) and answered
    `CALL dbms.components()` with `components` names and `CALL dbms.procedures()`
    with `procedures` names (None where it refused the call).

    >>> identify_server("Memgraph/2.0", None, None).name
    'unknown'
    >>> identify_server("Neo4j/4.4.0", ["Neo4j Kernel"], None).constraints
    True
    """
    if FALKORDB_PROCEDURE in set(procedures or ()):
        return FALKORDB
    if "arcadedb" in agent.lower():
        return ARCADEDB
    if "Neo4j Kernel" in set(components or ()):
        return NEO4J
    return UNKNOWN


def check_batch_size(size: int, records: int) -> None:
    """Refuse a batch of `size` bytes over MAX_BATCH_BYTES, naming the limit and what to do.

    >>> check_batch_size(MAX_BATCH_BYTES + 1, 40000)
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: write batch: '40,000 records' is 16.0 MiB, over the 16 MiB one transaction may carry over Bolt (MAX_BATCH_BYTES); nothing was written. Write it in smaller batches, e.g. into an embedded store first and then `duijie graph copy --to` this graph (1,000 records a batch)
    """  # noqa: E501
    if size > MAX_BATCH_BYTES:
        raise InvalidInput(
            f"is {size / 2**20:,.1f} MiB, over the {MAX_BATCH_BYTES // 2**20} MiB one"
            " transaction may carry over Bolt (MAX_BATCH_BYTES); nothing was written."
            " Write it in smaller batches, e.g. into an embedded store first and then"
            " `duijie graph copy --to` this graph (1,000 records a batch)",
            value=f"{records:,} records", where="write batch")


def parse_bolt_url(url: str) -> tuple[str, tuple[str, str] | None, dict[str, Any]]:
    """`bolt://user:pass@host:7687?database=x&timeout=5&retry_seconds=15` as the
    driver's URI, the login (or None) and the store's options.

    >>> parse_bolt_url("neo4j+s://neo4j:p%40ss@db.example:7687?database=duijie&timeout=3")
    ('neo4j+s://db.example:7687', ('neo4j', 'p@ss'), {'database': 'duijie', 'timeout': 3.0})
    >>> parse_bolt_url("bolt://localhost:7687?colour=red")
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: --graph: 'colour' is not an option (known: database, retry_seconds, timeout, wait)
    """  # noqa: E501
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for name in options:
        if name not in URL_OPTIONS:
            raise InvalidInput(f"is not an option (known: {', '.join(sorted(URL_OPTIONS))})",
                               value=name, where="--graph")
    numbers = {}
    for name in ("timeout", "retry_seconds", "wait"):
        if name in options:
            try:
                numbers[name] = float(options[name])
            except ValueError:
                raise InvalidInput("must be a number of seconds", value=options[name],
                                   where=f"--graph option {name}") from None
    if not parts.hostname:
        raise InvalidInput("has no host (use bolt://user:pass@host:7687)", value=url,
                           where="--graph")
    auth = None
    if parts.username is not None:  # a user with no password is allowed (FalkorDB)
        auth = (unquote(parts.username), unquote(parts.password or ""))
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    uri = urlunsplit((parts.scheme, host, "", "", ""))
    return uri, auth, {"database": options.get("database") or None, **numbers}
