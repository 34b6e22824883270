"""Who may use Duijie: accounts, sessions and the audit log, in a SQLite file.

The knowledge graph holds the office's facts; this file holds its people. It sits in
the embedded store's own SQLite file (tables ``account_*``, with their own schema
version) or, for a Neo4j deployment, in a file of its own. Passwords arrive already
hashed (`duijie.api.services.accounts` hashes them); session tokens are stored as
their SHA-256, so a copy of the file opens no session.

>>> accounts = AccountStore(":memory:")
>>> user = accounts.add_user("wang", "$argon2id$…", Role.ORGANISER, display_name="王老师")
>>> accounts.get_user("wang").role
<Role.ORGANISER: 'organiser'>
>>> accounts.audit(user.id, "read", "Need", "need:1")
>>> [(e.user, e.action, e.target_id) for e in accounts.audit_log(target_id="need:1")]
[('wang', 'read', 'need:1')]
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from duijie.graph.errors import Conflict, InvalidInput, NotFound, at
from duijie.graph.refusals import role_word
from duijie.graph.sqlite_store import SqliteTables

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS account_users (id TEXT PRIMARY KEY, username TEXT NOT NULL "
    "UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL, party_id TEXT, scope TEXT, "
    "password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS account_sessions (token_sha256 TEXT PRIMARY KEY, user_id TEXT "
    "NOT NULL REFERENCES account_users(id) ON DELETE CASCADE, csrf TEXT NOT NULL, created_at "
    "TEXT NOT NULL, expires_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS account_sessions_by_expiry ON account_sessions (expires_at)",
    "CREATE TABLE IF NOT EXISTS account_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT "
    "NOT NULL, user_id TEXT, username TEXT, action TEXT NOT NULL, target_kind TEXT, target_id "
    "TEXT, detail TEXT)",
    "CREATE INDEX IF NOT EXISTS account_audit_by_target ON account_audit (target_id, seq)",
)


class Role(StrEnum):
    """What an account is: an organiser of the office, an enterprise, an expert, or an
    analyst (reads the analysis of outcomes in its scope, changes nothing)."""

    ORGANISER = "organiser"
    ENTERPRISE = "enterprise"  # party_id: the Enterprise node it speaks for
    EXPERT = "expert"  # party_id: the Expert node
    ANALYST = "analyst"  # scope: a region, as an organiser's; no party


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    role: Role
    party_id: str | None
    scope: str | None  # an organiser's region; None: the whole office
    password_hash: str
    disabled: bool
    created_at: str

    def to_dict(self) -> dict:
        """The account as others may see it (never the password hash)."""
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "role": self.role.value, "party_id": self.party_id, "scope": self.scope,
                "disabled": self.disabled, "created_at": self.created_at}


@dataclass(frozen=True)
class Session:
    user: Account
    csrf: str
    created_at: str
    expires_at: str


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    detail: str | None


def token_digest(token: str) -> str:
    """What is stored of a session token.

    >>> token_digest("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AccountStore(SqliteTables):
    """Accounts, sessions and audit entries; safe to share between threads."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        super().__init__(path, SCHEMA, refusal="cannot be opened as Duijie's accounts",
                         where="accounts", timeout=timeout)
        self._usernames: dict[str, str] = {}

    # -- accounts ------------------------------------------------------------
    def add_user(self, username: str, password_hash: str, role: Role | str, *,
                 party_id: str | None = None, scope: str | None = None,
                 display_name: str | None = None) -> Account:
        """Create an account; `Conflict` if the username is taken."""
        username = username.strip()
        if not username or len(username) > 100 or any(c.isspace() for c in username):
            raise InvalidInput(key="users.bad_username", value=username,
                               where=at("field.username"))
        role = Role(role)
        if role in (Role.ENTERPRISE, Role.EXPERT) and not party_id:
            raise InvalidInput(key="users.needs_party", params={"role": role_word(role.value)},
                               value=username, where=at("field.party"))
        user_id = f"usr:{uuid.uuid4().hex[:12]}"
        try:
            self._write("INSERT INTO account_users VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                        (user_id, username, display_name or username, role.value, party_id,
                         scope, password_hash, _now()))
        except sqlite3.IntegrityError:
            raise Conflict(key="users.taken", value=username,
                           where=at("field.username")) from None
        return self.get_user(username)

    @staticmethod
    def _account(row: tuple) -> Account:
        return Account(row[0], row[1], row[2], Role(row[3]), row[4], row[5], row[6],
                       bool(row[7]), row[8])

    def get_user(self, username: str) -> Account:
        rows = self._rows("SELECT * FROM account_users WHERE username = ?", (username,))
        if not rows:
            raise NotFound(key="users.not_account", value=username,
                           where=at("field.username"))
        return self._account(rows[0])

    def get_user_by_id(self, user_id: str) -> Account:
        rows = self._rows("SELECT * FROM account_users WHERE id = ?", (user_id,))
        if not rows:
            raise NotFound(key="users.not_account", value=user_id, where=at("where.user"))
        return self._account(rows[0])

    def list_users(self) -> list[Account]:
        return [self._account(r) for r in self._rows("SELECT * FROM account_users ORDER BY "
                                                     "username")]

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        """Change the hash and end every session of the account."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute("UPDATE account_users SET password_hash = ? WHERE id = ?",
                                   (password_hash, user_id))
                self._conn.execute("DELETE FROM account_sessions WHERE user_id = ?", (user_id,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def set_disabled(self, user_id: str, disabled: bool = True) -> None:
        self._write("UPDATE account_users SET disabled = ? WHERE id = ?", (int(disabled), user_id))
        if disabled:
            self._write("DELETE FROM account_sessions WHERE user_id = ?", (user_id,))

    # -- sessions ------------------------------------------------------------
    def create_session(self, user_id: str, token: str, csrf: str, expires_at: str) -> None:
        self._write("INSERT INTO account_sessions VALUES (?, ?, ?, ?, ?)",
                    (token_digest(token), user_id, csrf, _now(), expires_at))

    def get_session(self, token: str, now: str | None = None) -> Session | None:
        """The live session of a token: None if unknown, expired or the account disabled."""
        rows = self._rows("SELECT s.csrf, s.created_at, s.expires_at, u.* FROM account_sessions s "
                          "JOIN account_users u ON u.id = s.user_id WHERE s.token_sha256 = ?",
                          (token_digest(token),))
        if not rows:
            return None
        csrf, created, expires, *user = rows[0]
        account = self._account(tuple(user))
        if expires <= (now or _now()) or account.disabled:
            return None
        return Session(account, csrf, created, expires)

    def delete_session(self, token: str) -> None:
        self._write("DELETE FROM account_sessions WHERE token_sha256 = ?", (token_digest(token),))

    def purge_expired(self, now: str | None = None) -> int:
        return self._write("DELETE FROM account_sessions WHERE expires_at <= ?", (now or _now(),))

    # -- audit ---------------------------------------------------------------
    def audit(self, user_id: str | None, action: str, target_kind: str | None = None,
              target_id: str | None = None, detail: str | None = None) -> None:
        """Append who did what to which record (read, create, update, plan, …)."""
        username = self._usernames.get(user_id) if user_id else None
        if user_id and username is None:
            rows = self._rows("SELECT username FROM account_users WHERE id = ?", (user_id,))
            username = rows[0][0] if rows else None
            if username is not None:  # a username never changes: ask once per account
                self._usernames[user_id] = username
        self._write("INSERT INTO account_audit (at, user_id, username, action, target_kind, "
                    "target_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (_now(), user_id, username, action, target_kind, target_id, detail))

    def audit_log(self, *, target_id: str | None = None, user_id: str | None = None,
                  limit: int = 100) -> list[AuditEntry]:
        """Newest last; filtered by record or by account."""
        where, params = [], []
        if target_id:
            where.append("target_id = ?")
            params.append(target_id)
        if user_id:
            where.append("user_id = ?")
            params.append(user_id)
        sql = ("SELECT seq, at, username, action, target_kind, target_id, detail FROM "
               "account_audit" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY seq DESC LIMIT ?")
        rows = self._rows(sql, (*params, limit))
        return [AuditEntry(*r) for r in reversed(rows)]
