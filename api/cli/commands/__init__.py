"""CLI commands, one module per capability, imported only when their command runs.

Importing every module at start-up would load scikit-learn, OR-Tools and jieba
for `duijie stats`; the root group instead knows which module holds which
command and imports it on first use.
"""

from __future__ import annotations

import difflib
import importlib

import click

COMMANDS: dict[str, str] = {
    "init": "duijie.api.cli.commands.store_commands",
    "stats": "duijie.api.cli.commands.store_commands",
    "seed": "duijie.api.cli.commands.seed_commands",
    "demo": "duijie.api.cli.commands.seed_commands",
    "generate": "duijie.api.cli.commands.seed_commands",
    "resolve": "duijie.api.cli.commands.resolve_commands",
    "review": "duijie.api.cli.commands.resolve_commands",
    "import": "duijie.api.cli.commands.io_commands",
    "export": "duijie.api.cli.commands.io_commands",
    "affinity": "duijie.api.cli.commands.affinity_commands",
    "embeddings": "duijie.api.cli.commands.embedding_commands",
    "evaluate": "duijie.api.cli.commands.evaluate_commands",
    "report": "duijie.api.cli.commands.report_commands",
    "recommend": "duijie.api.cli.commands.recommend_commands",
    "recommend-for": "duijie.api.cli.commands.recommend_commands",
    "event": "duijie.api.cli.commands.event_commands",
    "graph": "duijie.api.cli.commands.graph_commands",
    "serve": "duijie.api.cli.commands.web_commands",
    "user": "duijie.api.cli.commands.web_commands",
    "problem": "duijie.api.cli.commands.problem_commands",
    "firm": "duijie.api.cli.commands.firm_commands",
    "push": "duijie.api.cli.commands.firm_commands",
    "programme-status": "duijie.api.cli.commands.firm_commands",
    "official": "duijie.api.cli.commands.contact_commands",
    "contact": "duijie.api.cli.commands.contact_commands",
    "challenges": "duijie.api.cli.commands.challenge_commands",
    "map": "duijie.api.cli.commands.map_commands",
}
COMMAND_MODULES = sorted(set(COMMANDS.values()))


def commands_of(module_name: str) -> dict[str, click.Command]:
    """The commands a module registers, by name."""
    scratch = click.Group("scratch")
    importlib.import_module(module_name).register(scratch)
    return dict(scratch.commands)


class UnknownCommand(click.UsageError):
    """A subcommand the group does not have, with the close ones a user may have meant
    (`possibilities`); the CLI words it in its language (`error_words.usage_line`).

    >>> str(UnknownCommand("problm", ["problem"]))
    "No such command 'problm'. Did you mean 'problem'?"
    """

    def __init__(self, name: str, possibilities: list[str],
                 ctx: click.Context | None = None):
        self.name, self.possibilities = name, possibilities
        message = f"No such command {name!r}."
        if possibilities:
            message += f" Did you mean {' or '.join(repr(p) for p in possibilities)}?"
        super().__init__(message, ctx)


class SuggestingGroup(click.Group):
    """A click group that names the close subcommands of a mistyped one (click only
    does so for options). Every group of the CLI is one (tests/api/test_cli_usage.py)."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = click.utils.make_str(args[0])
        known = self.list_commands(ctx)
        if (name not in known and self.get_command(ctx, name) is None
                and not name.startswith("-") and not ctx.resilient_parsing):
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            raise UnknownCommand(name, close, ctx)
        return super().resolve_command(ctx, args)


class LazyGroup(SuggestingGroup):
    """A click group whose subcommands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands.update(commands_of(COMMANDS[cmd_name]))
        return self.commands.get(cmd_name)
