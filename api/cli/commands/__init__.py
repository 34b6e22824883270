"""CLI commands, one module per capability, imported only when their command runs.

Importing every module at start-up would load scikit-learn, OR-Tools and jieba
for `duijie stats`; the root group instead knows which module holds which
command and imports it on first use.
"""

from __future__ import annotations

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


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands.update(commands_of(COMMANDS[cmd_name]))
        return self.commands.get(cmd_name)
