"""Every docstring example in Duijie's packages runs, imported by its real name.

pytest's --doctest-modules would import `graph/store.py` as a second module
(`graph.store` beside `duijie.graph.store`), so the examples run here instead:
one test per module of the installed `duijie.*` packages.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("duijie.graph", "duijie.matcher", "duijie.evaluation", "duijie.api")


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        names += [m.name for m in pkgutil.walk_packages(path, package + ".")
                  if not m.name.endswith(".__main__")]  # running it would run the CLI
    return sorted(names)


@pytest.mark.parametrize("name", modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
