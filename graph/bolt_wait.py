"""A bounded wait for every Bolt transaction: a server that stops answering ends in a
clear `BackendUnavailable`, never a hung command.

The Neo4j driver bounds connecting (`connection_timeout`) but not waiting for an
answer: a server that accepts a query and then stops (a stuck JVM, a SIGSTOPped
process, a network that drops packets) holds the caller forever. So each transaction
runs in a worker thread while the caller waits; every record that arrives counts as an
answer, and after `seconds` without one the caller gets `NoAnswer`, naming the URL and
the setting. The transaction's connection is cut, so the worker's transaction rolls
back (the server never sees its commit), and if the driver retries it, the retry
finds the wait given up and stops.

The bound is ``DUIJIE_BOLT_TIMEOUT`` (seconds; `duijie --bolt-timeout`), or
``?wait=`` in a Bolt URL, default `DEFAULT_SECONDS`: silence, not total time, so a
long read that keeps streaming records is never cut.

>>> bounded(lambda heard: 42, 1.0, "bolt://db:7687")
42
>>> wait_seconds(None, {"DUIJIE_BOLT_TIMEOUT": "2.5"})
2.5
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from duijie.graph.errors import BackendUnavailable, InvalidInput

T = TypeVar("T")
DEFAULT_SECONDS = 120.0
"""Long enough for the slowest answer measured (ArcadeDB applying a 9 MB batch on a
384 MB heap took 40 s); a server silent that long is treated as gone."""
WAIT_ENV = "DUIJIE_BOLT_TIMEOUT"
SETTING = f"--bolt-timeout / {WAIT_ENV}, or ?wait= in the URL"


class NoAnswer(BackendUnavailable):
    """The server went silent for longer than the wait: the caller stopped waiting."""


class Silence:
    """How long the server has been silent; `heard()` on each answer."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.last = time.monotonic()
        self.given_up = False
        self.connection: Any = None  # the driver's connection in use, to cut on give-up

    def heard(self) -> None:
        self.last = time.monotonic()

    def left(self) -> float:
        return self.last + self.seconds - time.monotonic()


def cut(connection: Any) -> None:
    """Cut a driver connection at once: shut its socket down (which wakes a thread blocked
    reading it, as closing alone does not on Linux), then let the driver drop it."""
    raw = getattr(getattr(connection, "socket", None), "_socket", None)
    try:
        if raw is not None:
            raw.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    kill = getattr(connection, "kill", None)
    if kill is not None:
        kill()


def wait_seconds(value: float | str | None, environ: Mapping[str, str] | None = None
                 ) -> float:
    """The wait: `value` if given, else ``$DUIJIE_BOLT_TIMEOUT``, else `DEFAULT_SECONDS`.

    >>> wait_seconds(None, {}), wait_seconds("30", {})
    (120.0, 30.0)
    >>> wait_seconds("soon", {})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: --bolt-timeout / DUIJIE_BOLT_TIMEOUT, or ?wait= in the URL: 'soon' must be a number of seconds above 0
    """  # noqa: E501
    environ = os.environ if environ is None else environ
    raw = value if value is not None else environ.get(WAIT_ENV) or DEFAULT_SECONDS
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds > 0:
        raise InvalidInput("must be a number of seconds above 0", value=raw, where=SETTING)
    return seconds


def bounded(call: Callable[[Silence], T], seconds: float, url: str,
            give_up: Callable[[Silence], None] | None = None) -> T:
    """`call(silence)` in a worker thread; its result, or `NoAnswer` once the server has
    been silent for `seconds` (`call` reports answers with ``silence.heard()``, and
    `give_up(silence)` cuts its connection).

    >>> bounded(lambda heard: time.sleep(0.3), 0.1, "bolt://db:7687")
    Traceback (most recent call last):
    ...
    duijie.graph.bolt_wait.NoAnswer: 'bolt://db:7687' did not answer for 0.1 s (the bound is --bolt-timeout / DUIJIE_BOLT_TIMEOUT, or ?wait= in the URL); it may be stuck or overloaded. A write it had not answered was either applied whole or not at all: check, then run it again (writing the same records again is safe)
    """  # noqa: E501
    silence = Silence(seconds)
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = call(silence)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    # A daemon thread: one stuck on a dead socket must not hold the process at exit.
    threading.Thread(target=work, name="duijie-bolt", daemon=True).start()
    while not done.wait(max(silence.left(), 0.0)):
        if silence.left() <= 0:
            silence.given_up = True
            if give_up is not None:
                give_up(silence)
            raise NoAnswer(
                f"did not answer for {seconds:g} s (the bound is {SETTING}); it may be stuck"
                " or overloaded. A write it had not answered was either applied whole or not"
                " at all: check, then run it again (writing the same records again is safe)",
                value=url)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
