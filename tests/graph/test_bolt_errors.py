"""Neo4j's memory refusals, as the official driver raises them, become one clear error
that names the limit, and are not retried; the transaction they end is rolled back whole.

Neither test server bounds transaction memory, so the refusals are the driver's own
exception objects, built by the driver from the status codes Neo4j sends (as it does
from a FAILURE message), raised inside a real managed transaction on a real server.
"""

from __future__ import annotations

import pytest
from neo4j.exceptions import ClientError, Neo4jError, TransientError

from duijie.graph import cypher
from duijie.graph.bolt_errors import MEMORY_LIMITS, MemoryLimit, memory_refusals_not_retried
from duijie.graph.errors import BackendUnavailable
from duijie.graph.model import Node

REFUSALS = {  # status code: the message Neo4j 5 sends with it
    "Neo.ClientError.General.TransactionOutOfMemoryError":
        "The allocation of an extra 2.0 MiB would use more than the limit 10.0 MiB."
        " Currently using 9.0 MiB. db.memory.transaction.max threshold reached",
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError":
        "The allocation of an extra 4.0 MiB would use more than the limit 2.0 GiB."
        " Currently using 2.0 GiB. db.memory.transaction.total.max threshold reached",
    "Neo.TransientError.General.OutOfMemoryError":
        "There is not enough memory to perform the current task.",
}


def refusal(code: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=REFUSALS[code])


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_memory_refusal_names_the_limit_and_what_to_do(code):
    exc = refusal(code)
    # The driver's own classes: the transient ones it would retry for retry_seconds.
    assert isinstance(exc, TransientError if ".TransientError." in code else ClientError)
    assert exc.is_retryable() == (".TransientError." in code)
    with pytest.raises(MemoryLimit) as raised, memory_refusals_not_retried("bolt://db:7687"):
        raise exc
    message = str(raised.value)
    what, setting = MEMORY_LIMITS[code]
    assert message.startswith(f"'bolt://db:7687' refused the batch: {what} needed more memory")
    assert setting in message and "nothing was written" in message
    assert "smaller batches" in message and "--batch-size" in message
    assert REFUSALS[code][:40] in message  # the server's words, which name its setting
    assert raised.value.exit_code == BackendUnavailable.exit_code


def test_other_driver_errors_pass_through():
    exc = Neo4jError._hydrate_neo4j(code="Neo.TransientError.Transaction.DeadlockDetected",
                                    message="deadlock")
    with pytest.raises(TransientError), memory_refusals_not_retried("bolt://db:7687"):
        raise exc


@pytest.mark.bolt
@pytest.mark.parametrize("code", ["Neo.TransientError.General.MemoryPoolOutOfMemoryError"])
def test_refusal_mid_transaction_is_not_retried_and_rolls_back(bolt_store, code):
    """The driver retries a transient error for retry_seconds; a refusal raised as
    MemoryLimit stops at once, and what the transaction wrote before it is gone."""
    if not bolt_store.server.transactions:
        pytest.skip("FalkorDB writes a batch as one statement (no multi-statement transaction)")
    rows = [cypher.node_row(Node(f"topic:mem{i}", "Topic", {"name": f"内存{i}"}))
            for i in range(3)]
    statement = cypher.part_statement(cypher.upsert_nodes(
        "Topic", bolt_store.server.merge_by_index))
    calls = []

    def work(tx):
        calls.append(1)
        tx.run(statement, {"rows": [{**r, "rev": 1, "stage_expected": 0} for r in rows],
                           "now": "2026-01-01T00:00:00+00:00"}).consume()
        with memory_refusals_not_retried(bolt_store.url):
            raise refusal(code)  # as the next statement of a chunked batch would

    with pytest.raises(MemoryLimit, match=r"db\.memory\.transaction\.total\.max"), \
            bolt_store._session(write=True) as session:
        session.execute_write(work)
    assert calls == [1]
    assert bolt_store.counts()["nodes"] == {}

    # Without the guard the driver itself would try the same batch again.
    calls.clear()

    def unguarded(tx):
        calls.append(1)
        if len(calls) == 1:
            raise refusal(code)
        return "retried"

    with bolt_store._session(write=True) as session:
        assert session.execute_write(unguarded) == "retried"
    assert calls == [1, 1]
