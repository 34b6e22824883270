"""FalkorDB's quirks, in one place: what the Neo4j backend does differently there.

FalkorDB 4.16 speaks Bolt, but (see the README's table) it crashes on a Bolt
message over about 4 KB, pastes string parameters into the query text (so they
must be escaped), does not roll back an explicit multi-statement transaction and
knows neither `IF NOT EXISTS` nor constraints. So on FalkorDB:

- every string parameter is escaped (`falkordb_params`);
- a batch too big for one message is uploaded as `:DuijieStage` nodes in small
  messages (`stage_messages`), then applied, and its stage deleted, by ONE
  statement (`apply_staged`): all or nothing, as a stage never applied changes
  nothing and is swept by its batch id;
- indexes are created only where `db.indexes()` does not list them
  (`missing_indexes`).

`graph.bolt_servers.FALKORDB` is the row that sends the backend here; nothing in
this module is used for Neo4j, ArcadeDB or an unknown server.

>>> missing_indexes([("DuijieNode", ["id"])])[0]
'CREATE INDEX FOR (n:DuijieNode) ON (n.kind)'
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

from duijie.graph.bolt_servers import FALKORDB
from duijie.graph.cypher import (
    DROP_STAGE,
    NODE_INDEXES,
    STAGE,
    edge_index,
    node_index,
    payload_bytes,
    write_statement,
)
from duijie.graph.errors import DuijieError, InvalidInput
from duijie.graph.model import EDGE_KINDS

Rows = list[dict[str, Any]]
Run = Callable[[str, dict[str, Any]], list[list[Any]]]

LIST_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"


def missing_indexes(existing: list[tuple[str, list[str]]]) -> list[str]:
    """The index statements for what `db.indexes()` (rows of label, properties) lacks:
    FalkorDB has no IF NOT EXISTS and fails on an index that exists."""
    have = {(label, tuple(props)) for label, props in existing}
    return ([node_index(label, prop, False) for label, prop in NODE_INDEXES
             if (label, (prop,)) not in have]
            + [edge_index(kind, False) for kind in EDGE_KINDS if (kind, ("id",)) not in have])


CREATE_STAGE = f"UNWIND $rows AS r CREATE (s:{STAGE}) SET s = r"


def append_to_stage(key: str) -> str:
    """Append a piece to one staged value (a long text sent in several messages)."""
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,80}$", key):
        raise InvalidInput("is not a property name", value=key, where="staging")
    return (f"MATCH (s:{STAGE} {{stage_batch: $batch, stage_part: $part, stage_seq: $seq}})"
            f" SET s.`{key}` = s.`{key}` + $piece")


_OWN_VALUES = {"batch": r"^[0-9a-f]{32}$", "now": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$"}


def inline_own_values(text: str, params: dict[str, str]) -> str:
    """Put the batch id and the time, which Duijie makes itself, into the statement text.

    FalkorDB 4.16 crashes when a statement WITH parameters is over ~4 KB, but not
    without them; a staged batch's statement is long and needs only these two.
    Each is checked against its exact shape first: no user value is ever inlined.

    >>> inline_own_values("SET n.at = $now", {"now": "2026-01-01T00:00:00+00:00"})
    "SET n.at = '2026-01-01T00:00:00+00:00'"
    >>> inline_own_values("x", {"now": "' DETACH DELETE n"})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: staging: "' DETACH DELETE n" is not a value Duijie made
    """
    for name, value in params.items():
        if name not in _OWN_VALUES or not re.match(_OWN_VALUES[name], value):
            raise InvalidInput("is not a value Duijie made", value=value, where="staging")
        text = re.sub(rf"\${name}\b", f"'{value}'", text)
    return text


MESSAGE_BYTES = FALKORDB.message_bytes
"""Largest parameter payload sent to FalkorDB in one message (it crashes past ~4 KB)."""
PIECE_BYTES = 1500


def falkordb_params(value: Any) -> Any:
    r"""Parameters as FalkorDB's Bolt bridge needs them: backslashes and single quotes escaped.

    FalkorDB 4.16 pastes string parameters into a single-quoted prefix of the query
    and unescapes them there, so `a\"b` arrived as `a"b` and a lone `'` broke the
    statement (a door to injection). Neo4j keeps parameters apart: they go as they are.

    >>> print(falkordb_params({"rows": [{"name": "O'Brien \\ 中文"}]})["rows"][0]["name"])
    O\'Brien \\ 中文
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list):
        return [falkordb_params(v) for v in value]
    if isinstance(value, dict):
        return {k: falkordb_params(v) for k, v in value.items()}
    return value


def message_size(value: Any) -> int:
    """About how many bytes `value` takes once FalkorDB has it in its query text."""
    return payload_bytes(value) * 2 if not isinstance(
        value, str) else len(value.encode()) * 2 + 4


def pieces(value: str | list) -> Iterator[str | list]:
    """`value` cut into pieces of at most PIECE_BYTES (a long text in several messages)."""
    if isinstance(value, str):
        step = PIECE_BYTES // 8  # a character is at most 4 bytes, doubled by escaping
        yield from (value[i:i + step] for i in range(0, len(value), step))
        return
    piece: Any = value[:0]
    for item in value:
        step = [item]
        if piece and message_size(piece + step) > PIECE_BYTES:
            yield piece
            piece = value[:0]
        piece = piece + step
    if piece:
        yield piece


def stage_messages(batch_id: str, parts: list[list[dict[str, Any]]]
                   ) -> Iterator[tuple[str, dict[str, Any]]]:
    """The statements that upload a batch's rows as `:DuijieStage` nodes, each message
    under MESSAGE_BYTES, a long value in pieces (see `apply_staged`).

    >>> [(q.split()[0], len(p["rows"])) for q, p in stage_messages("b", [[{"id": "x"}] * 3])]
    [('UNWIND', 3)]
    """
    pending: list[dict[str, Any]] = []
    size = 0
    for part, rows in enumerate(parts):
        for seq, row in enumerate(rows):
            row = {**row, "stage_batch": batch_id, "stage_part": part, "stage_seq": seq}
            big = {k: v for k, v in row.items() if message_size(v) > PIECE_BYTES}
            row.update({k: v[:0] for k, v in big.items()})  # "" or [] for now
            row_size = message_size(row)
            if pending and size + row_size > MESSAGE_BYTES:
                yield CREATE_STAGE, {"rows": pending}
                pending, size = [], 0
            pending.append(row)
            size += row_size
            if big:  # the row must exist before its pieces are appended
                yield CREATE_STAGE, {"rows": pending}
                pending, size = [], 0
            for key, value in big.items():
                for piece in pieces(value):
                    yield append_to_stage(key), {"batch": batch_id, "part": part, "seq": seq,
                                                 "piece": piece}
    if pending:
        yield CREATE_STAGE, {"rows": pending}


def apply_staged(write: Run, parts: list[tuple[str, Rows]], bump: bool, now: str) -> int:
    """Write a batch too big for one FalkorDB message; the graph's new version.

    `write(statement, params)` runs one statement. The rows go up as `:DuijieStage`
    nodes in small messages; one parameterless statement (only the batch id and the
    time, made here, are inlined) then applies them and deletes the stage.
    """
    batch_id = uuid.uuid4().hex
    query = inline_own_values(write_statement(parts, staged=True, bump=bump)[0],
                              {"batch": batch_id, "now": now})
    try:
        for statement, params in stage_messages(batch_id, [rows for _, rows in parts]):
            write(statement, params)
        return write(query, {})[0][0]
    except BaseException:
        with suppress(DuijieError):  # if the server is gone, the stale stage is inert
            write(DROP_STAGE, {"batch": batch_id})
        raise
