"""The CLI as a user meets it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from duijie.api.cli import cli
from duijie.api.cli.commands import COMMAND_MODULES, COMMANDS, commands_of
from duijie.graph.sqlite_store import SqliteStore


def run(*args: str, db: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "duijie.api.cli"]
    if db is not None:
        argv += ["--db", str(db)]
    return subprocess.run([*argv, *args], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[2], timeout=300)


def seeded_by_cli(folder: Path) -> Path:
    """A seed store written by the real `duijie seed` into `folder` (one per test module)."""
    db = folder / "seed.db"
    SqliteStore(db).close()
    assert run("seed", db=db).returncode == 0
    return db


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    ctx = click.Context(group)
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"duijie {prefix} {name} is listed but cannot be loaded"
        path = f"{prefix} {name}".strip()
        out.append((path, command))
        if isinstance(command, click.Group):
            out.extend(all_commands(command, path))
    return out


@pytest.mark.parametrize("path,command", all_commands(cli), ids=lambda v: str(v))
def test_every_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    text = command.help or ""
    assert text.strip(), f"duijie {path} has no help text"
    assert "Example" in text, f"duijie {path}: help has no Example block"


def test_init_then_stats_json(db_path: Path) -> None:
    assert run("init", db=db_path).returncode == 0
    result = run("stats", "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"nodes": {}, "edges": {}}


def test_store_error_is_one_line_and_exit_code_5(tmp_path: Path) -> None:
    result = run("init", db=tmp_path / "missing-folder" / "x.db")
    assert result.returncode == 5
    assert result.stderr.startswith("error: ")
    assert "folder does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_store_url_is_invalid_input(tmp_path: Path) -> None:
    result = run("--graph", "mysql://nope", "stats")
    assert result.returncode == 2
    assert "is not a store URL" in result.stderr


def test_db_from_environment(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "DUIJIE_DB": str(tmp_path / "env.db")}
    assert run("init", env=env).returncode == 0
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize("module_name", COMMAND_MODULES)
def test_lazy_command_table_matches_what_modules_register(module_name: str) -> None:
    registered = set(commands_of(module_name))
    listed = {name for name, module in COMMANDS.items() if module == module_name}
    assert registered == listed


def test_startup_does_not_load_heavy_libraries() -> None:
    code = ("import sys; from api.cli import main; main(['--db', ':memory:', 'stats']);"
            "heavy = ('sklearn', 'ortools', 'jieba', 'neo4j');"
            "print(sorted(m for m in heavy if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_mistyped_db_for_a_read_command_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "offfice.db"
    for args in (["stats"], ["event", "list"], ["recommend", "--text", "红外", "--kind", "expert"],
                 ["export", str(tmp_path / "out.jsonl")], ["user", "list"],
                 ["review", "list"], ["resolve", "恒锋工具"], ["problem", "list"]):
        done = run(*args, db=missing)
        assert done.returncode == 3, (args, done.stderr)
        assert "does not exist: create it with `duijie init`" in done.stderr
        assert not missing.exists()
    assert run("init", db=missing).returncode == 0 and missing.exists()
    assert run("stats", db=missing).returncode == 0


def test_an_import_names_a_missing_file_or_kind_before_any_database_is_made(
        tmp_path: Path) -> None:
    """A mistyped file name, or a table given without its KIND, is a clear exit 2 that
    says what and where, and leaves no empty database behind."""
    db = tmp_path / "office.db"
    missing = run("import", "enterprise", str(tmp_path / "firms.csv"), db=db)
    assert missing.returncode == 2
    assert f"错误：FILE：“{tmp_path / 'firms.csv'}” 不存在" in missing.stderr
    english = run("import", "enterprise", str(tmp_path / "firms.csv"), db=db,
                  env={**os.environ, "DUIJIE_LANG": "en"})
    assert f"FILE: '{tmp_path / 'firms.csv'}' does not exist" in english.stderr
    table = tmp_path / "firms.csv"
    table.write_text("name\n恒锋工具\n", encoding="utf-8")
    no_kind = run("import", str(table), "--json", db=db)
    assert no_kind.returncode == 2
    answer = json.loads(no_kind.stdout)
    assert answer["where"] == "KIND" and "duijie import KIND FILE" in answer["error"]
    assert "enterprise" in answer["error"] and "graph" in answer["error"]
    assert "错误：类型：" in no_kind.stderr and "没有写明类型" in no_kind.stderr
    assert not db.exists()
