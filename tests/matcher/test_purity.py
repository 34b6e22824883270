"""`matcher` is pure: importing every module of it loads no web, driver or CLI code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECK = """
import importlib, pkgutil, sys
import matcher
for info in pkgutil.walk_packages(matcher.__path__, "matcher."):
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules
             if m.split(".")[0] in {"api", "fastapi", "neo4j", "starlette", "click"})
print(",".join(bad))
"""


def test_matcher_imports_no_api_fastapi_or_neo4j() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
