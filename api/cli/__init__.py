"""The `duijie` command line: a thin shell over `graph`, `matcher` and `evaluation`.

Every command takes `--db PATH` (env `DUIJIE_DB`, default `./duijie.db`) or
`--graph URL` (env `DUIJIE_GRAPH`), prints a readable answer (or JSON with
`--json`), and maps Duijie's errors to one line on stderr and an exit code:
0 ok, 1 error, 2 invalid input, 3 not found, 4 conflict, 5 store unavailable. The line
is in Chinese, as the output, where `error_words` has the words (``DUIJIE_LANG=en``:
English).

Commands live in `api/commands/`, one module per capability, imported on first use.
"""

from __future__ import annotations

import sys

import click

from duijie.api.cli.context import cli_group
from duijie.api.cli.error_words import error_line, usage_line
from duijie.graph.errors import DuijieError


@cli_group
def cli() -> None:
    """Duijie (对接): match technology needs to experts, institutes and programmes.

    \b
    Example:
      duijie seed && duijie stats
    """



def main(argv: list[str] | None = None) -> int:
    """Run the CLI; Duijie's errors become one line on stderr and an exit code."""
    try:
        cli.main(args=argv, prog_name="duijie", standalone_mode=False)
    except DuijieError as exc:
        click.echo(error_line(exc), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        words = usage_line(exc)
        if words is None:
            exc.show()
        else:
            click.echo(words, err=True)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
