"""A pool of Bolt connections to one database, for the Neo4j backend (`Neo4jStore`).

What talking to a Bolt server takes, apart from what the store does with it: the
official driver, learning which server answers (`self.server`, a row of
`graph.bolt_servers.ServerQuirks`) and building its indexes, managed transactions that
the driver retries on transient errors and that never wait longer than the bounded
silence of `graph.bolt_wait`, driver errors turned into ours (`graph.bolt_errors`), and
reading ids a chunk at a time within a server's message size.

Example (needs a server, so not run as a doctest)::

    >>> bolt = BoltConnection("bolt://localhost:7687", ("neo4j", "secret"))
    ... # doctest: +SKIP
    >>> bolt._read("RETURN 1")  # doctest: +SKIP
    [[1]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from duijie.graph import cypher, falkordb_quirks
from duijie.graph.bolt_errors import NO_DATABASE, driver_error, memory_refusals_not_retried
from duijie.graph.bolt_servers import UNKNOWN, ServerQuirks, identify_server
from duijie.graph.bolt_wait import NoAnswer, Silence, bounded, cut, wait_seconds
from duijie.graph.errors import BackendUnavailable, DuijieError

_IN_CHUNK = 1000


class BoltConnection:
    """The driver and its transactions for one Bolt database (`Neo4jStore` builds on it)."""

    def __init__(self, uri: str, auth: tuple[str, str] | None = None, *,
                 database: str | None = None, timeout: float = 5.0,
                 retry_seconds: float = 15.0, wait: float | None = None):
        netloc = urlsplit(uri).netloc.rsplit("@", 1)[-1]
        self.url = f"{urlsplit(uri).scheme}://{netloc}" + (
            f"?database={database}" if database else "")
        self.database = database
        self.wait = wait_seconds(wait)  # the longest silence from the server (bolt_wait)
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=timeout,
                connection_acquisition_timeout=2 * timeout,
                max_transaction_retry_time=retry_seconds, max_connection_pool_size=20)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, ValueError) as exc:
            raise driver_error(exc, self.url) from None
        self.server: ServerQuirks = UNKNOWN  # until _connect has asked
        try:
            self._connect()
        except BaseException:
            self._kill_connections()
            self._driver.close()
            raise

    # -- connection --------------------------------------------------------
    def _session(self, write: bool = False) -> neo4j.Session:
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _connect(self) -> None:
        """Check the server answers, learn which server it is, build indexes."""
        for attempt in range(2):
            try:
                agent = self._bounded(self._hello, driver_errors=True)
                break
            except neo4j_errors.ServiceUnavailable as exc:
                # FalkorDB sometimes stalls the first handshake after another client's
                # GOODBYE; a second try gets through. A refused port fails at once.
                if attempt or "refused" in str(exc).lower():
                    raise driver_error(exc, self.url) from None
            except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
                # FalkorDB answers a wrong password with a generic error, not AuthError.
                if (isinstance(exc, neo4j_errors.AuthError)
                        or getattr(exc, "code", None) == NO_DATABASE):
                    raise driver_error(exc, self.url) from None
                raise BackendUnavailable(
                    "answered a trivial query with an error; are the credentials right?"
                    f" ({getattr(exc, 'code', type(exc).__name__)})", value=self.url) from None
        components = self._names("CALL dbms.components() YIELD name RETURN name")
        procedures = (None if components else
                      self._names("CALL dbms.procedures() YIELD name RETURN name"))
        self.server = identify_server(agent, components, procedures)
        self._ensure_indexes()

    def _names(self, query: str) -> list[str] | None:
        """The names a server procedure lists, or None if the server refuses it."""
        try:
            return [str(row[0]) for row in self._read(query)]
        except BackendUnavailable:
            return None

    def _ensure_indexes(self) -> None:
        if self.server.if_not_exists:
            statements = cypher.index_statements(self.server.constraints)
        else:
            statements = falkordb_quirks.missing_indexes(
                self._read(falkordb_quirks.LIST_INDEXES))
        for statement in statements:
            try:
                self._write(statement, {})
            except BackendUnavailable:
                # Another process created it meanwhile; reads still work without it.
                continue

    def _kill_connections(self, shut: bool = False) -> None:
        """Drop pooled sockets without a Bolt GOODBYE.

        FalkorDB stalls the next client's handshake after a GOODBYE (tried with
        FalkorDB 4.16); closing the socket is harmless for Neo4j too. `shut`: shut each
        socket down first, which wakes a thread blocked reading it (`bolt_wait.cut`).
        """
        pool = getattr(self._driver, "_pool", None)
        for connections in list(getattr(pool, "connections", {}).values()):
            for connection in list(connections):
                if shut:
                    cut(connection)
                elif getattr(connection, "kill", None) is not None:
                    connection.kill()

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        return self._run(query, params or {}, write=False)

    def _write(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        return self._run(query, params, write=True)

    def _run(self, query: str, params: dict[str, Any], write: bool) -> list[list[Any]]:
        return self._transaction([(query, params)], write)

    def _transaction(self, statements: list[tuple[str, dict[str, Any]]],
                     write: bool, every: bool = False) -> list[Any]:
        """Run statements in one managed transaction; the rows of the last one (of each
        one, in order, with `every`)."""
        if self.server.escape_strings:
            statements = [(q, falkordb_quirks.falkordb_params(p)) for q, p in statements]

        def run(silence: Silence) -> list[Any]:
            def work(tx: neo4j.ManagedTransaction) -> list[Any]:
                if silence.given_up:  # a driver retry after the caller stopped waiting
                    raise NoAnswer("was given up on", value=self.url)
                silence.connection = getattr(tx, "_connection", None)
                results: list[list[list[Any]]] = []
                for query, params in statements:
                    with memory_refusals_not_retried(self.url):
                        rows = []
                        for record in tx.run(query, params):
                            silence.heard()
                            rows.append(record.values())
                        results.append(rows)
                return results if every else results[-1]

            with self._session(write) as session:
                if write:  # Neo4j also aborts a write running longer than the wait itself
                    # (ArcadeDB 26.10 and FalkorDB 4.16 accept the timeout and ignore it)
                    return session.execute_write(neo4j.unit_of_work(timeout=self.wait)(work))
                return session.execute_read(work)

        return self._bounded(run)

    def _hello(self, silence: Silence) -> str:
        with self._session() as session:
            return session.run("RETURN 1 AS ok").consume().server.agent or ""

    def _bounded(self, call: Callable[[Silence], Any], driver_errors: bool = False) -> Any:
        """`call` with the bounded wait (`graph.bolt_wait`); driver errors as ours unless
        the caller reads them itself (`driver_errors`)."""
        def cut_its_connection(silence: Silence) -> None:
            if silence.connection is not None:
                cut(silence.connection)
            else:  # still connecting or beginning: its connection is one of the pool's
                self._kill_connections(shut=True)

        try:
            return bounded(call, self.wait, self.url, cut_its_connection)
        except DuijieError:
            raise
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as exc:
            if driver_errors:
                raise
            raise driver_error(exc, self.url) from None

    def _in_chunks(self, query: str, ids: Iterable[str],
                   params: Callable[[list[str]], dict[str, Any]] | None = None,
                   overhead: int = 4) -> list[list[Any]]:
        """Ask for ids a chunk at a time; on FalkorDB each chunk's parameters small
        enough (`params` makes them from a chunk, default `{"ids": chunk}`, and adds
        at most the id again plus `overhead` bytes an id)."""
        params = params or (lambda chunk: {"ids": chunk})
        limit = self.server.message_bytes // 2
        out: list[list[Any]] = []
        chunk: list[str] = []
        size = 0
        for node_id in dict.fromkeys(ids):
            cost = len(node_id.encode()) * 2 + overhead
            if chunk and (size + cost > limit or len(chunk) >= _IN_CHUNK):
                out += self._read(query, params(chunk))
                chunk, size = [], 0
            chunk.append(node_id)
            size += cost
        if chunk:
            out += self._read(query, params(chunk))
        return out

    def close(self) -> None:
        self._kill_connections()
        self._driver.close()
