"""CLI commands, one module per capability, imported only when their command runs.

Importing every module at start-up would load scikit-learn, OR-Tools and jieba
for `duijie stats`; the root group instead knows which module holds which
command and imports it on first use.
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, str] = {
    "init": "api.commands.store_commands",
    "stats": "api.commands.store_commands",
    "seed": "api.commands.seed_commands",
    "demo": "api.commands.seed_commands",
    "generate": "api.commands.seed_commands",
    "resolve": "api.commands.resolve_commands",
    "review": "api.commands.resolve_commands",
    "import": "api.commands.io_commands",
    "export": "api.commands.io_commands",
    "affinity": "api.commands.affinity_commands",
    "recommend": "api.commands.recommend_commands",
    "recommend-for": "api.commands.recommend_commands",
    "event": "api.commands.event_commands",
    "graph": "api.commands.graph_commands",
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
