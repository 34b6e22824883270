"""The `duijie` command line: a thin shell over `graph`, `matcher` and `evaluation`.

Every command takes `--db PATH` (env `DUIJIE_DB`, default `./duijie.db`) or
`--graph URL` (env `DUIJIE_GRAPH`), prints a readable answer (or JSON with
`--json`), and maps Duijie's errors to one line on stderr and an exit code:
0 ok, 1 error, 2 invalid input, 3 not found, 4 conflict, 5 store unavailable. The line
is in Chinese, as the output, where the error carries a message key (`error_words`,
`graph/refusals.toml`; ``DUIJIE_LANG=en``: English).

Commands live in `api/commands/`, one module per capability, imported on first use.
"""

from __future__ import annotations

import signal
import sys
import threading

import click

from duijie.api.cli.context import cli_group, new_store_discarded_on_failure
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
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:  # `kill`/`timeout` stop a command as Ctrl-C does: its new store goes
        before = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return run(argv)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, before)


def run(argv: list[str] | None) -> int:
    """`main` without the signal handling."""
    try:
        with new_store_discarded_on_failure():
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
