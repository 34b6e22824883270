"""CLI commands, one module per capability; `register_all` attaches them to the root."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES = [
    "api.commands.seed_commands",
    "api.commands.resolve_commands",
    "api.commands.store_commands",
    "api.commands.io_commands",
    "api.commands.affinity_commands",
    "api.commands.recommend_commands",
    "api.commands.event_commands",
    "api.commands.graph_commands",
]


def register_all(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(group)
