"""`duijie serve` (the web service) and `duijie user …` (its accounts)."""

from __future__ import annotations

import sys

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import catalog_word, cli_lang, cli_word, pad
from duijie.graph.accounts import Role
from duijie.graph.vocab import values


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (they share the one store).")
@click.option("--no-seed", is_flag=True, help="Do not load the seed data into an empty store.")
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int, no_seed: bool) -> None:
    """Run the web service (API and pages) on the store.

    An empty embedded store is loaded with the seed data on first start, so the Xi'an
    docking trip is ready to plan.

    \b
    Example:
      duijie serve --port 8000 && open http://127.0.0.1:8000/
      duijie --db office.db serve --host 0.0.0.0 --workers 2
    """
    run_server(app, host=host, port=port, workers=workers, seed=not no_seed)


def run_server(app: AppContext, *, host: str, port: int, workers: int = 1, seed: bool = True,
               before_serving=None) -> None:
    """Open (and seed) the store once, call `before_serving(store, accounts)`, then serve
    until stopped: `duijie serve`, and `duijie demo` in a terminal."""
    import os

    import uvicorn

    # Workers are separate processes: they read the settings from the environment.
    if app.url:
        os.environ["DUIJIE_GRAPH"] = app.url
    if not seed:
        os.environ["DUIJIE_SEED_ON_EMPTY"] = "false"
    from duijie.api.web.app import open_backends
    from duijie.api.web.settings import Settings

    # Open (and seed) once here: a bad URL fails before serving, and workers never race.
    store, accounts = open_backends(Settings())
    try:
        if before_serving is not None:
            before_serving(store, accounts)
    finally:
        store.close()
        accounts.close()
    uvicorn.run("duijie.api.web.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info")

@click.group(cls=SuggestingGroup)
def user() -> None:
    """Accounts of the web service: organisers, enterprises, experts.

    \b
    Example:
      duijie user add wang --role organiser --name 王老师
      duijie user list
    """


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(values(Role)))
@click.option("--party", "party_id", default=None,
              help="For an enterprise or expert account: the node it speaks for (id).")
@click.option("--scope", default=None,
              help="An organiser's or analyst's region (default: the whole office).")
@click.option("--name", "display_name", default=None, help="The name shown on pages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@json_option
@pass_app
def add(app: AppContext, username: str, role: str, party_id: str | None, scope: str | None,
        display_name: str | None, password_stdin: bool, as_json: bool) -> None:
    """Create an account; the first organiser is made this way.

    \b
    Example:
      duijie user add wang --role organiser
      echo 'a long secret' | duijie user add dali --role enterprise \
        --party ent:dali --password-stdin
      duijie user add li --role analyst --scope 西安   # reads the analysis, changes nothing
    """
    from duijie.api.services.accounts import accounts_path, add_user
    from duijie.graph.accounts import AccountStore

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(catalog_word("password"), hide_input=True,
                                confirmation_prompt=cli_word("password_again"))
    accounts = AccountStore(accounts_path(app.url))
    try:
        account = add_user(accounts, username, password, role, party_id=party_id, scope=scope,
                           display_name=display_name, store=app.store if party_id else None)
    finally:
        accounts.close()
    if as_json:
        echo_json(account.to_dict())
    else:
        role = catalog_word(f"role_{account.role.value}")
        click.echo(cli_word("user_created", role=role if cli_lang() == "zh" else role.lower(),
                            username=account.username, id=account.id))


@user.command("list")
@json_option
@pass_app
def list_users(app: AppContext, as_json: bool) -> None:
    """List the accounts (never their passwords).

    \b
    Example:
      duijie user list --json
    """
    from pathlib import Path

    from duijie.api.services.accounts import accounts_path
    from duijie.graph.accounts import AccountStore
    from duijie.graph.errors import NotFound

    path = accounts_path(app.url)
    if path != ":memory:" and not Path(path).exists():  # a read: never make the file
        _ = app.store  # the embedded store's own file: says so as every read command does
        raise NotFound("does not exist: add an account with `duijie user add`", value=path,
                       where="accounts")
    accounts = AccountStore(path)
    try:
        users = [u.to_dict() for u in accounts.list_users()]
    finally:
        accounts.close()
    if as_json:
        echo_json(users)
        return
    click.echo(render_users(users))


def render_users(users: list[dict]) -> str:
    """Accounts as aligned lines: user name, role in words, and whom it speaks for by
    name with the [id] to type (an account for no party shows its display name).

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> print(render_users([{"username": "dali", "role": "enterprise", "party_id": "ent:d",
    ...                      "display_name": "浙江大立科技"}]))
    dali              企业        浙江大立科技 [ent:d]
    """
    lines = []
    for u in users:
        party = f" [{u['party_id']}]" if u["party_id"] else ""
        lines.append(f"{pad(u['username'], 16)}  {pad(catalog_word('role_' + u['role']), 10)}  "
                     f"{u['display_name']}{party}")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(user)
