"""`duijie embeddings`: encode the candidates' documents so recommendations read meaning."""

from __future__ import annotations

from pathlib import Path

import click

from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import cli_word
from duijie.api.services.embeddings import compute_embeddings, embeddings_path
from duijie.graph.errors import InvalidInput


@click.command()
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE.npz",
              help="Where to keep them (default: beside the SQLite file, DB.embeddings.npz).")
@json_option
@pass_app
def embeddings(app: AppContext, out_path: Path | None, as_json: bool) -> None:
    """Encode the documents of every expert, institute, programme, firm and need that
    has no stored embedding yet (needs pip install 'duijie[semantic]'); progress goes to
    stderr. Afterwards `recommend` (CLI and web) re-ranks by meaning as well as words.

    \b
    Example:
      duijie --db office.db embeddings
    """
    path = out_path or embeddings_path(app.store)
    if path is None:
        raise InvalidInput("this store has no file to keep embeddings beside: give --out",
                           where="embeddings")

    def progress(stage: str) -> None:  # "encoding 128/610", as the web job shows it
        done, _, total = stage.removeprefix("encoding ").partition("/")
        click.echo(cli_word("embeddings_stage", done=done, total=total)
                   if stage.startswith("encoding ") else stage, err=True)
    result = compute_embeddings(app.store, path, progress=progress)
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(cli_word("embeddings_done", encoded=result.encoded, texts=result.texts,
                        profiles=result.profiles, path=result.path))


def register(group: click.Group) -> None:
    group.add_command(embeddings)
