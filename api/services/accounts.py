"""Accounts and sessions: create a user, log in, check a session, log out.

Passwords are hashed with Argon2id through `pwdlib` (the hasher FastAPI's guide
uses); a login answers the same way for an unknown user and a wrong password, and
takes as long (a dummy hash is checked). Sessions expire; each carries its own CSRF
token for forms and cookie-authenticated writes.

>>> from duijie.graph.accounts import AccountStore
>>> accounts = AccountStore(":memory:")
>>> user = add_user(accounts, "wang", "a long enough secret", "organiser")
>>> login = log_in(accounts, "wang", "a long enough secret")
>>> current_session(accounts, login.token).user.username
'wang'
>>> log_in(accounts, "wang", "wrong password")
Traceback (most recent call last):
...
duijie.graph.errors.Unauthorized: login: wrong username or password
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from duijie.api.services import Result
from duijie.graph.accounts import Account, AccountStore, Role, Session
from duijie.graph.errors import InvalidInput, NotFound, Unauthorized, at
from duijie.graph.refusals import kind_word, role_word

MIN_PASSWORD = 10
SESSION_HOURS = 8.0


@cache
def _hasher():
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # Argon2id


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(key="users.short_password", params={"least": MIN_PASSWORD},
                           where=at("field.password"))
    return _hasher().hash(password)


PARTY_KINDS = {Role.ENTERPRISE: "Enterprise", Role.EXPERT: "Expert"}


def add_user(accounts: AccountStore, username: str, password: str, role: str, *,
             party_id: str | None = None, scope: str | None = None,
             display_name: str | None = None, store=None) -> Account:
    """Create an account (`duijie user add`); the password is hashed here. With a
    `store`, an enterprise or expert account's node must exist and be of that kind. An
    organiser or analyst speaks for no node: a `party_id` for one is refused, nothing
    written.

    >>> from duijie.graph.accounts import AccountStore
    >>> try:
    ...     add_user(AccountStore(":memory:"), "li", "a long secret", "analyst",
    ...              party_id="ent:dali")
    ... except InvalidInput as error:
    ...     print(error.message)
    is not for an analyst account, which speaks for no firm or expert: leave out the party
    """
    role = Role(role)
    if party_id and role not in PARTY_KINDS:
        raise InvalidInput(key="users.no_party", params={"role": role_word(role.value)},
                           value=party_id, where=at("field.party"))
    if store is not None and party_id:
        node = store.get_node(party_id)  # NotFound names the id
        if role in PARTY_KINDS and node.kind != PARTY_KINDS[role]:
            raise InvalidInput(key="users.wrong_party_kind", params={
                "kind": kind_word(node.kind), "wanted": kind_word(PARTY_KINDS[role])},
                value=party_id, where=at("field.party"))
        display_name = display_name or node.name
    return accounts.add_user(username, hash_password(password), Role(role), party_id=party_id,
                             scope=scope, display_name=display_name)


@dataclass
class Login(Result):
    token: str
    csrf: str
    expires_at: str
    user: dict


def log_in(accounts: AccountStore, username: str, password: str, *,
           hours: float = SESSION_HOURS) -> Login:
    """Check the password and open a session that ends after `hours`."""
    try:
        account = accounts.get_user(username)
    except NotFound:
        account = None
    if account is None:
        _hasher().verify(password, _dummy_hash())  # the same time as a real check
        raise Unauthorized(key="users.wrong_login", where=at("where.login"))
    valid, new_hash = _hasher().verify_and_update(password, account.password_hash)
    if not valid or account.disabled:
        raise Unauthorized(key="users.wrong_login", where=at("where.login"))
    if new_hash:  # the hasher's parameters moved on: store the stronger hash
        accounts.set_password_hash(account.id, new_hash)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")
    accounts.create_session(account.id, token, csrf, expires)
    return Login(token, csrf, expires, account.to_dict())


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def current_session(accounts: AccountStore, token: str | None) -> Session:
    """The session a token opens; `Unauthorized` if it is unknown or expired."""
    session = accounts.get_session(token) if token else None
    if session is None:
        raise Unauthorized(key="users.signed_out", where=at("where.session"))
    return session


def log_out(accounts: AccountStore, token: str) -> None:
    accounts.delete_session(token)


def accounts_path(store_url: str | None) -> str:
    """Where the accounts live for a store: in the embedded store's own SQLite file, else
    `$DUIJIE_ACCOUNTS` or ``./duijie-accounts.db``.

    >>> accounts_path("sqlite:///data/office.db"), accounts_path("data/office.db")
    ('data/office.db', 'data/office.db')
    >>> accounts_path("bolt://neo4j@graph:7687")
    'duijie-accounts.db'
    """
    import os

    from duijie.graph import store_url as default_url

    url = default_url(store_url)
    if os.environ.get("DUIJIE_ACCOUNTS"):
        return os.environ["DUIJIE_ACCOUNTS"]
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    if "://" not in url:
        return str(Path(url))
    return "duijie-accounts.db"
