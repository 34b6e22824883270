"""The layers hold: each package imports only what `tests/layers.toml` allows.

Every module of the project is read with `ast` (nothing is imported). A violation
names the file, the line and the rule. `test_a_deliberate_violation_is_caught` shows
the checker failing on each kind of forbidden import.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = tomllib.loads((Path(__file__).with_name("layers.toml")).read_text("utf-8"))
FILE_CALLS = {"read_text", "write_text", "read_bytes", "write_bytes", "unlink", "mkdir",
              "touch"}


@dataclass(frozen=True)
class Violation:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what}"


def imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module's tree."""
    out = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            out.append((node.lineno, name))
            # `from duijie.graph import store` may import the module duijie.graph.store
            if name.split(".")[0] == "duijie":
                out += [(node.lineno, f"{name}.{a.name}") for a in node.names
                        if a.name[:1].islower()]
    return out


def _within(name: str, prefixes: list[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _is_resource_read(call: ast.Call) -> bool:
    """`resources.files(...).joinpath(...).read_text()`: reading the package's own data."""
    return any(isinstance(n, ast.Attribute) and n.attr == "files" for n in ast.walk(call.func))


def violations(package: str, module: str, source: str, where: str) -> list[Violation]:
    """What a module of `package` (graph, matcher, …) does against the rules."""
    tree = ast.parse(source)
    rule = RULES["packages"].get(package, {})
    allowed = rule.get("may_import", ["duijie"])
    forbidden = rule.get("forbidden_modules", [])
    bare = RULES["everywhere"]["bare_names"]
    out = []
    for line, name in imported_modules(tree, module):
        top = name.split(".")[0]
        if top in bare:
            out.append(Violation(where, line, f"imports {name!r}: use duijie.{name}"))
        elif top == "duijie" and name != "duijie" and not _within(name, allowed):
            out.append(Violation(where, line, f"{package}/ may not import {name}"))
        elif _within(name, forbidden):
            out.append(Violation(where, line, f"{package}/ is pure: may not import {name}"))
    if rule.get("file_io", True) is False:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                out.append(Violation(where, node.lineno, f"{package}/ is pure: opens a file"))
            elif (isinstance(func, ast.Attribute) and func.attr in FILE_CALLS
                  and not _is_resource_read(node)):
                out.append(Violation(where, node.lineno,
                                     f"{package}/ is pure: calls .{func.attr}() on a file"))
    return out


def project_modules() -> list[tuple[str, str, Path]]:
    """(package, dotted module name, path) for every module of the installed packages."""
    out = []
    for package in RULES["packages"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.append((package, "duijie." + ".".join(parts), path))
    return out


@pytest.mark.parametrize("package", sorted(RULES["packages"]))
def test_package_imports_follow_the_layers(package: str) -> None:
    found = []
    for pkg, module, path in project_modules():
        if pkg == package:
            found += violations(pkg, module, path.read_text("utf-8"),
                                str(path.relative_to(ROOT)))
    assert not found, "layer rules broken:\n" + "\n".join(map(str, found))


def test_tests_and_benchmarks_use_the_duijie_namespace() -> None:
    found = []
    for folder in ("tests", "benchmarks", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found += [v for v in violations("tests", "tests.x", path.read_text("utf-8"),
                                            str(path.relative_to(ROOT)))
                      if "use duijie." in v.what]
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(("package", "source", "expected"), [
    ("graph", "from duijie.matcher.assignment import plan_meetings\n",
     "graph/ may not import duijie.matcher.assignment"),
    ("graph", "from duijie.api import jobs\n", "graph/ may not import duijie.api"),
    ("matcher", "from duijie.graph.store import GraphStore\n",
     "matcher/ may not import duijie.graph.store"),
    ("matcher", "from duijie.graph import sqlite_store\n",
     "matcher/ may not import duijie.graph.sqlite_store"),
    ("matcher", "import neo4j\n", "matcher/ is pure: may not import neo4j"),
    ("matcher", "import sqlite3\n", "matcher/ is pure: may not import sqlite3"),
    ("matcher", "from fastapi import FastAPI\n", "matcher/ is pure: may not import fastapi"),
    ("matcher", "data = open('x.txt').read()\n", "matcher/ is pure: opens a file"),
    ("matcher", "from pathlib import Path\nPath('x').write_text('y')\n",
     "matcher/ is pure: calls .write_text() on a file"),
    ("evaluation", "from duijie.api.services import events\n",
     "evaluation/ may not import duijie.api.services"),
    ("api", "from graph.store import GraphStore\n", "imports 'graph.store': use duijie."),
    ("matcher", "from .. import api\n", "matcher/ may not import duijie.api"),
])
def test_a_deliberate_violation_is_caught(package: str, source: str, expected: str) -> None:
    found = violations(package, f"duijie.{package}.example", source, f"{package}/example.py")
    assert any(expected in str(v) for v in found), found


def test_allowed_imports_pass() -> None:
    source = ("from duijie.graph.errors import InvalidInput\n"
              "from duijie.graph.vocab import MeetingStatus\n"
              "from importlib import resources\n"
              "words = resources.files('duijie.matcher').joinpath('d.txt').read_text('utf-8')\n")
    assert violations("matcher", "duijie.matcher.example", source, "matcher/example.py") == []


def test_every_package_folder_is_installed() -> None:
    """pyproject lists every folder with an __init__.py under the duijie namespace."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    folders = {"duijie." + ".".join(p.parent.relative_to(ROOT).parts)
               for package in RULES["packages"] for p in (ROOT / package).rglob("__init__.py")}
    assert folders == listed, (folders - listed, listed - folders)
