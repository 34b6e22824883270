"""The Cypher the Neo4j backend runs, and how records become Bolt parameters.

Only portable openCypher is used, so the same text runs on Neo4j and on the
FalkorDB test server. Values always travel as parameters; the only names put
into statement text are labels and relationship types taken from the fixed kind
lists of `graph.model` (checked by `node_label` / `edge_type`).

Layout in the graph database:

- a node is `(:DuijieNode:<Kind> {id, kind, name, props_json, aliases_json,
  provenance_json, confidentiality, created_at, updated_at, p_<field>…})`.
  `props_json` (canonical JSON) is the record and is what is read back, so
  structured props (an expert's `docs`, a programme's `rules`) survive intact;
  the `p_<field>` copies of scalar and list-of-scalar props exist only so that
  `find_nodes(where=…)` and people in Neo4j Browser can query them;
- an edge is `(a)-[:<kind> {id, key, props_json, provenance_json, p_<prop>…}]->(b)`;
  `props_json` is read back (FalkorDB's Bolt bridge keeps 6 digits of a float
  parameter, JSON text keeps them all) and merged with the new props in Python;
- resolution keys are `(:DuijieKey {node_id, kind, key_type, key})`, the review
  queue `(:DuijieReview {…})`, bytes kept with the store (`(:DuijieBlobHead)` and its
  `(:DuijieBlob)` parts), and `(:DuijieMeta {id: 'graph', version})` counts
  writes so a process knows when its projection is stale.

>>> text, params = write_statement([(DELETE_KEYS, [{"id": "a"}])])
>>> print(text.splitlines()[0])
UNWIND $p0 AS r MATCH (k:DuijieKey {node_id: r.id}) DELETE k
>>> params
{'p0': [{'id': 'a'}]}
>>> flat_props({"name": "巨石", "tags": ["a", "b"], "docs": [{"id": "d"}], "x": [1, "a"]})
{'p_name': '巨石', 'p_tags': ['a', 'b']}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from duijie.graph.errors import InvalidInput
from duijie.graph.model import EDGE_KINDS, NODE_KINDS, Edge, Node, Provenance
from duijie.graph.store import ReviewItem

NODE = "DuijieNode"
KEY = "DuijieKey"
REVIEW = "DuijieReview"
META = "DuijieMeta"
PREFIX = "p_"


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def node_label(kind: str) -> str:
    if kind not in NODE_KINDS:  # never put an unchecked name into statement text
        raise InvalidInput("is not a node kind", value=kind, where="Neo4j label")
    return kind


def edge_type(kind: str) -> str:
    if kind not in EDGE_KINDS:
        raise InvalidInput("is not an edge kind", value=kind, where="Neo4j relationship type")
    return kind


_SCALARS = (str, bool, int, float)


def storable(value: Any) -> bool:
    """Whether Neo4j can hold `value` as a property: a scalar or a list of one scalar type.

    >>> storable(["a", "b"]), storable([1, "a"]), storable({"k": 1}), storable(None)
    (True, False, False, False)
    """
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, list):
        types = {bool if isinstance(v, bool) else type(v) for v in value}
        # An empty list has no element type; Neo4j keeps it, but it says nothing to query.
        return len(types) == 1 and types <= {str, bool, int, float}
    return False


def flat_props(props: dict[str, Any]) -> dict[str, Any]:
    """The `p_<field>` copies of the props Neo4j can store as they are."""
    return {PREFIX + k: v for k, v in props.items() if storable(v)}


def node_row(node: Node) -> dict[str, Any]:
    """The properties a node is stored with (created_at is set by the statement)."""
    return {
        **flat_props(node.props),
        "id": node.id, "kind": node.kind, "name": node.name,
        "props_json": dumps(node.props), "aliases_json": dumps(node.aliases),
        "provenance_json": dumps([p.to_dict() for p in node.provenance]),
        "confidentiality": node.confidentiality,
    }


def edge_row(edge: Edge) -> dict[str, Any]:
    for name, value in edge.props.items():
        if not isinstance(value, _SCALARS):  # validate_edge allows scalars only; stay sure
            raise InvalidInput("cannot be stored as an edge property (scalars only)",
                               value=value, where=f"edge {edge.id!r}, field {name}")
    return {**flat_props(edge.props), "id": edge.id, "key": edge.key,
            "stage_src": edge.src, "stage_dst": edge.dst, "props_json": dumps(edge.props),
            "provenance_json": dumps([p.to_dict() for p in edge.provenance])}


def edge_source(edge_id: str) -> list[str]:
    """The possible source ids of an edge id `src|kind|dst[|key]`.

    >>> edge_source("ent:a|submitted|need:b")
    ['ent:a']
    """
    return sorted({edge_id.split(f"|{kind}|", 1)[0] for kind in EDGE_KINDS
                   if f"|{kind}|" in edge_id})


# -- writes ------------------------------------------------------------------
# Every write part reads flat rows `r` from `{rows}`: `UNWIND $p<i> AS r` when the
# rows travel as a parameter, or the `:DuijieStage` nodes of this batch when they
# were uploaded first in small messages (FalkorDB: see `stage_messages`). The
# `stage_*` keys that staging adds stay on the written records (reads ignore them):
# FalkorDB 4.16's REMOVE on a relationship dropped other properties than those named.
STAGE = "DuijieStage"


DELETE_EDGES = ("{rows} MATCH (a:DuijieNode)-[e]->() WHERE a.id IN r.srcs AND e.id = r.id"
                " DELETE e")
DELETE_KEYS = "{rows} MATCH (k:DuijieKey {{node_id: r.id}}) DELETE k"
CREATE_KEYS = ("{rows} CREATE (:DuijieKey {{node_id: r.node_id, kind: r.kind,"
               " key_type: r.key_type, key: r.key}})")
ADD_REVIEWS = "{rows} MERGE (x:DuijieReview {{id: r.id}}) ON CREATE SET x = properties(r)"


# Optimistic locking: a row carries the revision it was computed from (or the one
# the caller expects, `expect_rev`); if the stored record moved on meanwhile,
# `r.rev / 0` fails the whole statement (portable: Neo4j and FalkorDB both refuse an
# integer division by zero) and Neo4jStore.apply retries or reports the conflict.
# A record MERGE has just created has no created_at yet: revision 0. A record
# stored before revisions were kept has created_at but no rev: revision 1.
_REV_OK = ("CASE WHEN (CASE WHEN {v}.created_at IS NULL THEN 0 ELSE coalesce({v}.rev, 1) END)"
           " = r.stage_expected THEN 1 ELSE 0 END AS ok")


# Deleting checks the revision too when the row expects one (else stage_expected = -1).
DELETE_NODES = ("{rows} MATCH (n:DuijieNode {{id: r.id}}) WITH n, r, CASE WHEN"
                " r.stage_expected < 0 OR coalesce(n.rev, 1) = r.stage_expected THEN 1"
                " ELSE 0 END AS ok SET n.rev = coalesce(n.rev, 1) / ok DETACH DELETE n")


def upsert_nodes(kind: str, merge: bool = True) -> str:
    """The write part that stores rows of nodes of `kind`.

    With `merge`, one `MERGE (n:DuijieNode:<Kind> {id})` finds or creates each node
    (under Neo4j's uniqueness constraint, MERGE also locks the id against a
    concurrent creator). Without it, as on ArcadeDB, whose MERGE on two labels does
    not use the id index (`ServerQuirks.merge_by_index`), the node is looked up by
    `:DuijieNode` alone, created if missing, then matched again: the same result.

    >>> print(upsert_nodes("Topic", merge=False).split(" WITH n")[0])
    {rows} OPTIONAL MATCH (old:DuijieNode {{id: r.id}}) FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END | CREATE (:DuijieNode:Topic {{id: r.id}})) WITH r MATCH (n:DuijieNode {{id: r.id}})
    """  # noqa: E501
    label = node_label(kind)
    find = (f"{{rows}} MERGE (n:{NODE}:{label} {{{{id: r.id}}}})" if merge else
            f"{{rows}} OPTIONAL MATCH (old:{NODE} {{{{id: r.id}}}})"
            " FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |"
            f" CREATE (:{NODE}:{label} {{{{id: r.id}}}}))"
            f" WITH r MATCH (n:{NODE} {{{{id: r.id}}}})")
    # SET n = … replaces every property: the row is the whole merged record.
    return (find +
            f" WITH n, r, coalesce(n.created_at, $now) AS created, {_REV_OK.format(v='n')}"
            " SET n = properties(r)"
            " SET n.created_at = created, n.updated_at = $now, n.rev = r.rev / ok")


def upsert_edges(kind: str) -> str:
    # The row holds the merged props (see Neo4jStore.apply), so SET e = … is whole.
    return (f"{{rows}} MATCH (a:{NODE} {{{{id: r.stage_src}}}})"
            f" MATCH (b:{NODE} {{{{id: r.stage_dst}}}})"
            f" MERGE (a)-[e:{edge_type(kind)} {{{{id: r.id}}}}]->(b)"
            f" WITH e, r, coalesce(e.created_at, $now) AS created, {_REV_OK.format(v='e')}"
            " SET e = properties(r)"
            " SET e.created_at = created, e.updated_at = $now, e.rev = r.rev / ok")


BUMP_VERSION = (f"MERGE (m:{META} {{id: 'graph'}})"
                " SET m.version = coalesce(m.version, 0) + 1 RETURN m.version AS version")
DROP_STAGE = f"MATCH (s:{STAGE} {{stage_batch: $batch}}) DELETE s"


def write_statement(parts: list[tuple[str, list[dict[str, Any]]]], staged: bool = False,
                    bump: bool = True) -> tuple[str, dict[str, Any]]:
    """Join write parts into ONE statement.

    One statement is atomic on every server we run on; FalkorDB does not roll back
    an explicit multi-statement transaction. `WITH count(*)` between the parts
    always yields one row, so a part that matches nothing does not stop the rest.
    With `staged`, part i reads the batch's `:DuijieStage` nodes of part i, which
    the statement deletes as it ends; otherwise it reads parameter `$p<i>`.
    """
    lines, params = [], {}
    for i, (text, rows) in enumerate(parts):
        source = (f"MATCH (r:{STAGE} {{stage_batch: $batch, stage_part: {i}}})" if staged
                  else f"UNWIND $p{i} AS r")
        if not staged:
            params[f"p{i}"] = rows
        lines.append(text.format(rows=source))
        lines.append(f"WITH count(*) AS done{i}")
    if staged:
        lines += [DROP_STAGE, "WITH count(*) AS staged"]
    lines.append(BUMP_VERSION if bump else "RETURN 0 AS version")
    return "\n".join(lines), params


def part_statement(text: str) -> str:
    """One write part as a statement of its own, reading rows from `$rows`
    (several of them run in one transaction on servers that roll one back).

    >>> part_statement(DELETE_KEYS)
    'UNWIND $rows AS r MATCH (k:DuijieKey {node_id: r.id}) DELETE k'
    """
    return text.format(rows="UNWIND $rows AS r")


def payload_bytes(value: Any) -> int:
    """About how many bytes `value` takes as Bolt parameters (its JSON in UTF-8).

    >>> payload_bytes({"name": "巨石"})
    18
    """
    return len(json.dumps(value, ensure_ascii=False).encode())


def chunks(rows: list[dict[str, Any]], limit: int) -> Iterator[list[dict[str, Any]]]:
    """`rows` in runs of at most `limit` payload bytes each (one Bolt message each).

    >>> [len(c) for c in chunks([{"id": "x" * 10}] * 5, 40)]
    [2, 2, 1]
    >>> list(chunks([{"id": "topic:" + "x" * 60}], 40))
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: Bolt write, record: 'topic:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is 76 bytes, over the 40 bytes one Bolt message may carry on this server
    """  # noqa: E501
    chunk: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        n = payload_bytes(row)
        if n > limit:
            raise InvalidInput(f"is {n:,} bytes, over the {limit:,} bytes one Bolt message"
                               " may carry on this server", value=row.get("id"),
                               where="Bolt write, record")
        if chunk and size + n > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += n
    if chunk:
        yield chunk


# -- reads -------------------------------------------------------------------
def node_from_row(row: list[Any]) -> Node:
    """A node from the fields `NODE_FIELDS` returns."""
    node_id, kind, props, aliases, provenance, conf, rev = row
    return Node(node_id, kind, json.loads(props), json.loads(aliases),
                [Provenance(**p) for p in json.loads(provenance)], conf, rev=rev)


def edge_from_row(row: list[Any]) -> Edge:
    """An edge from the fields `EDGE_FIELDS` returns."""
    src, kind, dst, key, stored = row
    props = json.loads(stored.get("props_json") or "{}")
    return Edge(src, kind, dst, props,
                [Provenance(**p) for p in json.loads(stored.get("provenance_json") or "[]")],
                key or "")


def review_from_row(row: list[Any]) -> ReviewItem:
    """A review item from the fields `REVIEW_FIELDS` returns."""
    (rid, name, candidate, score, kind, status, payload, created, by, at, reasons) = row
    return ReviewItem(rid, name, candidate, score, kind, status, json.loads(payload or "{}"),
                      created or "", by, at, json.loads(reasons or "[]"))


def review_row(item: ReviewItem, now: str) -> dict[str, Any]:
    """The properties a review item is stored with (None values left out)."""
    row = {"id": item.id, "name": item.name, "candidate_id": item.candidate_id,
           "score": float(item.score), "kind": item.kind, "status": item.status,
           "payload_json": dumps(item.payload), "created_at": item.created_at or now,
           "decided_by": item.decided_by, "decided_at": item.decided_at,
           "reasons_json": dumps(item.reasons)}
    return {k: v for k, v in row.items() if v is not None}


def list_reviews_query(status: str | None) -> tuple[str, dict[str, Any]]:
    """Review items, oldest first, of one status (None: all).

    >>> list_reviews_query("open")[0].split(" RETURN ")[0]
    'MATCH (r:DuijieReview) WHERE r.status = $status'
    """
    where = " WHERE r.status = $status" if status is not None else ""
    return (f"MATCH (r:{REVIEW}){where} RETURN {REVIEW_FIELDS} ORDER BY r.created_at, r.id",
            {"status": status} if status is not None else {})


NODE_FIELDS = ("n.id, n.kind, n.props_json, n.aliases_json, n.provenance_json,"
               " n.confidentiality, coalesce(n.rev, 1)")
EDGE_FIELDS = "a.id, type(r), b.id, r.key, properties(r)"
GET_NODES = f"MATCH (n:{NODE}) WHERE n.id IN $ids RETURN {NODE_FIELDS}"
KINDS_OF = f"MATCH (n:{NODE}) WHERE n.id IN $ids RETURN n.id, n.kind"
GET_EDGE = (f"MATCH (a:{NODE})-[r]->(b:{NODE}) WHERE a.id IN $srcs AND r.id = $id"
            f" RETURN {EDGE_FIELDS}")
FIND_BY_KEY = f"MATCH (k:{KEY}) WHERE k.key = $key AND k.key_type = $key_type RETURN k.node_id"
ITER_KEYS = (f"MATCH (k:{KEY}) WHERE k.kind IN $kinds"
             " RETURN k.node_id, k.key_type, k.key ORDER BY k.node_id, k.key_type, k.key")
COUNT_NODES = f"MATCH (n:{NODE}) RETURN n.kind, count(n)"
COUNT_EDGES = f"MATCH (:{NODE})-[r]->(:{NODE}) RETURN type(r), count(r)"
VERSION = f"MATCH (m:{META} {{id: 'graph'}}) RETURN m.version"
# The projection is two streamed reads (the driver pulls `fetch_size` records at a time),
# not pages: ArcadeDB sorts each `WHERE n.id > $after ORDER BY n.id` page instead of
# reading its id index in order, and answers one edge lookup a node (UNWIND) slower
# than one pass over the edges. 30,000 nodes and edges on ArcadeDB: 29 s paged, 8 s
# streamed; 10,000 on FalkorDB: 5.8 s and 2.7 s.
PROJECTION_NODES = f"MATCH (n:{NODE}) RETURN n.id, n.kind, n.name, n.{PREFIX}illustrative"
PROJECTION_EDGES = (f"MATCH (a:{NODE})-[r]->(b:{NODE})"
                    " RETURN a.id, type(r), b.id, r.key, r.props_json")
EDGE_PROPS = (f"UNWIND $rows AS x MATCH (a:{NODE} {{id: x.src}})-[r]->() WHERE r.id = x.id"
              " RETURN r.id, r.props_json, r.rev")
NODE_REVS = f"MATCH (n:{NODE}) WHERE n.id IN $ids RETURN n.id, coalesce(n.rev, 1)"
REVIEW_FIELDS = ("r.id, r.name, r.candidate_id, r.score, r.kind, r.status, r.payload_json,"
                 " r.created_at, r.decided_by, r.decided_at, r.reasons_json")
DECIDE_REVIEW = (f"MATCH (r:{REVIEW} {{id: $id}}) SET r.status = $status,"
                 f" r.decided_by = $user, r.decided_at = $at RETURN {REVIEW_FIELDS}")
# Deleted a chunk a transaction (`$chunk` nodes with their edges): ArcadeDB with a
# 384 MB heap failed to delete 100,000 nodes and their edges in one, and Neo4j bounds
# a transaction's memory. Repeated until a chunk deletes nothing.
WIPE = ("MATCH (n) WHERE n:DuijieNode OR n:DuijieKey OR n:DuijieReview OR n:DuijieMeta"
        " OR n:DuijieStage OR n:DuijieBlob OR n:DuijieBlobHead"
        " WITH n LIMIT $chunk DETACH DELETE n RETURN count(*)")
# Bytes kept with the store (`GraphStore.put_blob`) as base64 text in parts of
# `BLOB_PART` characters (FalkorDB crashes on a Bolt message over about 4 KB): the parts
# of a new stamp are written first, then the head `(:DuijieBlobHead {name, stamp,
# parts})` moves to it in one statement, then the old parts go. A reader reads the head,
# then its stamp's parts.
BLOB_PART = 2048
PUT_BLOB_PART = ("CREATE (b:DuijieBlob {name: $name, stamp: $stamp, part: $part,"
                 " data: $data})")
SET_BLOB_HEAD = ("MERGE (h:DuijieBlobHead {name: $name}) SET h.stamp = $stamp,"
                 " h.parts = $parts")
DROP_BLOB_PARTS = "MATCH (b:DuijieBlob {name: $name}) WHERE b.stamp <> $stamp DELETE b"
BLOB_HEAD = "MATCH (h:DuijieBlobHead {name: $name}) RETURN h.stamp, h.parts"
BLOB_PARTS = "MATCH (b:DuijieBlob {name: $name, stamp: $stamp}) RETURN b.part, b.data"
BLOB_NAMES = "MATCH (h:DuijieBlobHead) RETURN h.name ORDER BY h.name"


def find_nodes_query(kind: str | None, where: dict[str, Any], after: str | None
                     ) -> tuple[str, dict[str, Any]]:
    """`find_nodes` as Cypher: only fixed fragments; names and values are parameters."""
    clauses, params = [], {}
    if kind is not None:
        clauses.append("n.kind = $kind")
        params["kind"] = kind
    for i, (name, value) in enumerate(where.items()):
        clauses.append(f"n[$w{i}] = $v{i}")
        params[f"w{i}"], params[f"v{i}"] = PREFIX + name, value
    if after is not None:
        clauses.append("n.id > $after")
        params["after"] = after
    text = f"MATCH (n:{NODE})"
    if clauses:
        text += " WHERE " + " AND ".join(clauses)
    return text + f" RETURN {NODE_FIELDS} ORDER BY n.id LIMIT $limit", params


def find_edges_query(kind: str | None, src: str | None, dst: str | None,
                     after: str | None) -> tuple[str, dict[str, Any]]:
    rel = f"r:{edge_type(kind)}" if kind is not None else "r"
    clauses, params = [], {}
    for name, column, value in (("src", "a.id", src), ("dst", "b.id", dst)):
        if value is not None:
            clauses.append(f"{column} = ${name}")
            params[name] = value
    if after is not None:
        clauses.append("r.id > $after")
        params["after"] = after
    text = f"MATCH (a:{NODE})-[{rel}]->(b:{NODE})"
    if clauses:
        text += " WHERE " + " AND ".join(clauses)
    return text + f" RETURN {EDGE_FIELDS} ORDER BY r.id LIMIT $limit", params


# Indexes both servers build: `CREATE INDEX FOR … ON …` is portable openCypher.
# Neo4j proper also gets uniqueness constraints (`CREATE CONSTRAINT … IF NOT EXISTS`),
# which FalkorDB's Cypher does not parse; there it makes unique ids by MERGE alone.
NODE_INDEXES = [(NODE, "id"), (NODE, "kind"), (KEY, "key"), (KEY, "node_id"), (REVIEW, "id"),
                (META, "id"), (STAGE, "stage_batch")]
NEO4J_CONSTRAINTS = [
    f"CREATE CONSTRAINT duijie_node_id IF NOT EXISTS FOR (n:{NODE}) REQUIRE n.id IS UNIQUE",
    f"CREATE CONSTRAINT duijie_review_id IF NOT EXISTS FOR (n:{REVIEW}) REQUIRE n.id IS UNIQUE",
]


def node_index(label: str, prop: str, if_not_exists: bool) -> str:
    guard = f"duijie_{label.lower()}_{prop} IF NOT EXISTS " if if_not_exists else ""
    return f"CREATE INDEX {guard}FOR (n:{label}) ON (n.{prop})"


def edge_index(kind: str, if_not_exists: bool) -> str:
    guard = f"duijie_rel_{kind}_id IF NOT EXISTS " if if_not_exists else ""
    return f"CREATE INDEX {guard}FOR ()-[r:{edge_type(kind)}]-() ON (r.id)"


def index_statements(constraints: bool) -> list[str]:
    """Everything Duijie creates at connect time on a server that understands
    `IF NOT EXISTS` (constraints too where `constraints`; they cover two indexes).

    >>> index_statements(True)[0].split(" FOR ")[0]
    'CREATE CONSTRAINT duijie_node_id IF NOT EXISTS'
    >>> len(index_statements(False)) - len(index_statements(True))
    0
    """
    statements = list(NEO4J_CONSTRAINTS) if constraints else []
    covered = {(NODE, "id"), (REVIEW, "id")} if constraints else set()
    statements += [node_index(label, prop, True) for label, prop in NODE_INDEXES
                   if (label, prop) not in covered]
    return statements + [edge_index(kind, True) for kind in EDGE_KINDS]
