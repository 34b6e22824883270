"""How Duijie installs: one `duijie.*` namespace, the Neo4j driver an optional extra."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

BLOCK_NEO4J = "import sys; sys.modules['neo4j'] = None\n"


def run_python(code: str, cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_generic_names_stay_out_of_the_top_level(tmp_path) -> None:
    """From anywhere but the source folder, `graph` and `api` are not Duijie's."""
    code = ("import importlib.util as u\n"
            "print([n for n in ('graph', 'api', 'matcher', 'evaluation', 'seed_data')"
            " if u.find_spec(n) is not None])\n"
            "import duijie.graph.store, duijie.api.cli, duijie.matcher.text\n"
            "print(duijie.graph.store.GraphStore.__name__)\n")
    done = run_python(code, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "GraphStore"]


def test_neo4j_is_an_optional_extra() -> None:
    requires = importlib.metadata.requires("duijie") or []
    neo4j = [r for r in requires if r.startswith("neo4j")]
    assert neo4j and all('extra == "neo4j"' in r for r in neo4j), neo4j


def test_a_bolt_url_without_the_driver_says_how_to_install_it(tmp_path) -> None:
    code = BLOCK_NEO4J + (
        "from duijie.graph import open_store\n"
        "from duijie.graph.errors import BackendUnavailable\n"
        "try:\n"
        "    open_store('bolt://neo4j:s3cret@localhost:7687')\n"
        "except BackendUnavailable as exc:\n"
        "    print(exc)\n")
    done = run_python(code, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "pip install 'duijie[neo4j]'" in done.stdout
    assert "s3cret" not in done.stdout


def test_the_cli_without_the_driver_exits_5_and_the_embedded_store_still_works(tmp_path) -> None:
    code = BLOCK_NEO4J + (
        "import sys\n"
        "from duijie.api.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    bolt = subprocess.run([sys.executable, "-c", code, "--graph", "bolt://u:pw@localhost:1",
                           "stats"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert bolt.returncode == 5
    assert "duijie[neo4j]" in bolt.stderr and "pw@" not in bolt.stderr
    embedded = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "d.db"),
                               "init"], capture_output=True, text=True, cwd=tmp_path,
                              timeout=120)
    assert embedded.returncode == 0, embedded.stderr
    assert "neo4j" not in embedded.stderr
