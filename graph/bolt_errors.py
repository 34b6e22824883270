"""What a Bolt driver error means, as one line a person can act on.

Shared by every Bolt server (Neo4j, ArcadeDB, FalkorDB, unknown ones): the
driver's exception classes and Neo4j status codes are read here and nowhere
else in the backend.

Neo4j bounds the memory of transactions: one transaction
(`db.memory.transaction.max`, a *client* error), all of them together
(`db.memory.transaction.total.max`, a *transient* error) and the heap. The
driver retries transient errors for `retry_seconds`, which for a batch that is
simply too big only delays the failure; so a memory refusal is raised as
`MemoryLimit` inside the transaction function (`memory_refusals_not_retried`),
which the driver does not retry, and the batch's transaction is rolled back whole.

>>> from neo4j.exceptions import Neo4jError
>>> exc = Neo4jError._hydrate_neo4j(
...     code="Neo.ClientError.General.TransactionOutOfMemoryError",
...     message="The allocation of an extra 2.0 MiB would use more than the limit 10.0 MiB.")
>>> print(driver_error(exc, "bolt://db:7687"))  # doctest: +ELLIPSIS
'bolt://db:7687' refused the batch: one transaction needed more memory than the server allows (db.memory.transaction.max); nothing was written. Write smaller batches ...
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from neo4j import exceptions as neo4j_errors

from duijie.graph.errors import BackendUnavailable, DuijieError, NotFound

NO_DATABASE = "Neo.ClientError.Database.DatabaseNotFound"

MEMORY_LIMITS = {
    # status code (Neo4j 4.1+): (what ran out, the setting that bounds it in Neo4j 5)
    "Neo.ClientError.General.TransactionOutOfMemoryError":
        ("one transaction", "db.memory.transaction.max"),
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError":
        ("the transactions running together", "db.memory.transaction.total.max"),
    "Neo.TransientError.General.OutOfMemoryError":
        ("the server's heap", "server.memory.heap.max_size"),
}


class MemoryLimit(BackendUnavailable):
    """The server refused a transaction for memory: nothing of it was written."""


def memory_limit(exc: BaseException) -> tuple[str, str] | None:
    """(what ran out, the setting) when `exc` is a memory refusal, else None.

    >>> memory_limit(ValueError("x")) is None
    True
    """
    return MEMORY_LIMITS.get(getattr(exc, "code", None) or "")


def _first_line(exc: BaseException) -> str:
    detail = (exc.message or str(exc)) if isinstance(exc, neo4j_errors.Neo4jError) else str(exc)
    return (str(detail).strip().splitlines() or [""])[0][:200]


def driver_error(exc: BaseException, url: str) -> DuijieError:
    """One readable line for a driver error: what failed, where, and what to do.

    >>> print(driver_error(ValueError("bad scheme"), "bolt://db:7687"))
    'bolt://db:7687' is not a usable Neo4j URL: bad scheme
    """
    code = getattr(exc, "code", None) or ""
    if code == NO_DATABASE:
        parts = urlsplit(url)
        database = parse_qs(parts.query).get("database", ["(the default)"])[-1]
        return NotFound(f"is not a database on {parts.scheme}://{parts.netloc}: the database"
                        " does not exist (check ?database= in the URL)",
                        value=database, where="--graph")
    limit = memory_limit(exc)
    if limit is not None:
        what, setting = limit
        return MemoryLimit(
            f"refused the batch: {what} needed more memory than the server allows"
            f" ({setting}); nothing was written. Write smaller batches (`graph copy"
            f" --batch-size 200`, or fewer records an import) or raise {setting} on the"
            f" server. The server said: {_first_line(exc)}", value=url)
    if isinstance(exc, neo4j_errors.AuthError):
        message = "refused the credentials (check user and password in the URL)"
    elif isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        message = f"cannot be reached (server down, wrong host or port?): {_first_line(exc)}"
    elif isinstance(exc, neo4j_errors.ConfigurationError | ValueError):
        message = f"is not a usable Neo4j URL: {exc}"
    else:
        message = (f"refused the request ({code or type(exc).__name__}: {_first_line(exc)});"
                   " nothing was written")
    return BackendUnavailable(message, value=url)


@contextmanager
def memory_refusals_not_retried(url: str) -> Iterator[None]:
    """Inside a managed transaction: a memory refusal leaves as `MemoryLimit`, which
    the driver does not retry (it rolls the transaction back); other errors as they are.

    >>> with memory_refusals_not_retried("bolt://db:7687"):
    ...     pass
    """
    try:
        yield
    except neo4j_errors.Neo4jError as exc:
        if memory_limit(exc) is not None:
            raise driver_error(exc, url) from None
        raise
