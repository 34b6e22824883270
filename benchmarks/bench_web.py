"""The web service under load: `duijie serve` on loopback, on the seed graph.

Three measurements in one run against one server, each beside the plain FastAPI
endpoint `/health` (no store, no session) measured the same way, so the ratio says
what Duijie's own work costs on this machine:

- recommendations: the first `GET` route whose path holds "recommend" in the served
  OpenAPI schema, asked in turn for each of the seed's public needs (so the first
  round computes every answer and later rounds may be answered from the server's
  kept answers, `api.services.result_cache`); the first round is also shown alone.
  If the server has no such route, a need's page (`GET /api/needs/{id}`) stands in,
  and the table says so. Targets: >= 200 requests/s, p95 <= 100 ms on 2 cores.
- need submissions: `POST /api/needs` by an enterprise account, each with its own
  title and submission key; afterwards the SQLite file is read with the server
  stopped and every acknowledged (201) submission must be stored exactly once.
  Target: >= 100/s.

The load comes from this process (asyncio, `--concurrency` requests in flight) on the
same machine, so on 2 cores client and server share the CPU: the /health row shows
that ceiling. To leave the server as much of the CPU as it can, the load is sent by a
deliberately small HTTP/1.1 client (`KeepAlive`: one keep-alive connection per request
in flight, each request's bytes written directly, the answer read by its
Content-Length): about a tenth of a millisecond of client CPU per request where a
full client library (httpx) spent about 2 ms, i.e. as much as the server's own work
on a cached answer. The server sees ordinary HTTP/1.1 requests either way; setting
up (sign-in, the schema, the list of needs) still uses httpx. The client's own CPU
per request is printed beside the table. Prints a table; asserts nothing about time.

Run: python benchmarks/bench_web.py [--workers 2] [--seconds 10] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import httpx

PASSWORD = "bench password 123"
FIRM = "ent:ailaiyi"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(db: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args],
                          input=stdin, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise SystemExit(f"duijie {' '.join(args)} failed: {done.stderr}")
    return done.stdout


class Served:
    """`duijie --db DB serve --workers N` on a free loopback port."""

    def __init__(self, db: Path, workers: int):
        self.db = db
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = open(db.with_suffix(".serve.log"), "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "duijie.api.cli", "--db", str(db), "serve", "--port",
             self.url.rsplit(":", 1)[1], "--workers", str(workers)],
            stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "DUIJIE_SESSION_HOURS": "2"})
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"duijie serve exited: see {self.log.name}")
            try:
                if httpx.get(self.url + "/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("duijie serve did not answer")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Answer(NamedTuple):
    """What the load generator keeps of a response."""

    status_code: int
    body: bytes


class KeepAlive:
    """One HTTP/1.1 keep-alive connection to the server, reopened if the server closes
    it; `get(path, headers)` and `post(path, headers, json)` answer an `Answer`."""

    def __init__(self, url: str):
        host_port = url.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.reader = self.writer = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return await self.request("GET", path, headers or {}, b"")

    async def post(self, path: str, headers: dict[str, str], payload: object) -> Answer:
        """POST `payload` as JSON."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        return await self.request("POST", path, {**headers, "Content-Type": "application/json"},
                                  body)

    async def request(self, method: str, path: str, headers: dict[str, str],
                      body: bytes) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{head}"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode(
            "latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip()
                  for k, _, v in (line.partition(":") for line in lines if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            content = bytearray()
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                content += await self.reader.readexactly(size + 2)
                del content[-2:]
            await self.reader.readuntil(b"\r\n")
        else:
            content = await self.reader.readexactly(int(fields.get("content-length", 0)))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return Answer(int(status_line.split(" ", 2)[1]), bytes(content))

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


@dataclass
class Measured:
    name: str
    route: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    client_cpu: float = 0.0  # this process's CPU seconds while measuring

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0


async def load(name: str, route: str, url: str, send, seconds: float,
               concurrency: int) -> Measured:
    """Keep `concurrency` requests in flight for `seconds`, one `KeepAlive` connection
    each; `send(client, n)` sends the n-th request and returns its `Answer`."""
    measured = Measured(name, route)
    counter = iter(range(10**9))
    clients = [KeepAlive(url) for _ in range(concurrency)]
    for n in range(min(concurrency, 20)):  # warm the connections and the caches
        await send(clients[n % concurrency], -1 - n)
    stop = time.perf_counter() + seconds

    async def worker(client: KeepAlive) -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            answer = await send(client, next(counter))
            measured.latencies.append(time.perf_counter() - began)
            measured.statuses[answer.status_code] += 1

    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(client) for client in clients))
    measured.seconds = time.perf_counter() - began
    measured.client_cpu = time.process_time() - cpu
    for client in clients:
        await client.close()
    return measured


def sign_in(url: str, username: str) -> dict[str, str]:
    answer = httpx.post(url + "/api/session", json={"username": username,
                                                    "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def recommendation_route(url: str, organiser: dict[str, str]
                         ) -> tuple[str, list[str], bool]:
    """(route as in the schema, concrete paths (one per public need), True if it is a
    recommendation route)."""
    schema = httpx.get(url + "/openapi.json").json()
    needs = httpx.get(url + "/api/needs", params={"limit": 200, "confidentiality": "public"},
                      headers=organiser).json()["data"]

    def filled(path: str, need_id: str) -> str:
        ids = {"need_id": need_id, "id": need_id, "firm_id": FIRM, "enterprise_id": FIRM,
               "party_id": FIRM, "expert_id": "exp:placeholder"}
        for key, value in ids.items():
            path = path.replace("{" + key + "}", value)
        return path

    for path, methods in schema["paths"].items():
        if "recommend" in path and "get" in methods and "{" not in filled(path, "x"):
            return path, [filled(path, n["id"]) for n in needs], True
    return "/api/needs/{need_id}", [f"/api/needs/{n['id']}" for n in needs], False


def stored_titles(db: Path, prefix: str) -> Counter:
    from duijie.graph import open_store
    from duijie.graph.store import iter_nodes

    store = open_store(str(db))
    try:
        return Counter(t for n in iter_nodes(store, "Need")
                       if (t := n.props.get("title", "")).startswith(prefix))
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="duijie-bench-web-"))
    db = folder / "office.db"
    cli(db, "user", "add", "bench-organiser", "--role", "organiser", "--password-stdin",
        stdin=PASSWORD + "\n")
    served = Served(db, args.workers)  # seeds the store on first start
    cli(db, "user", "add", "bench-firm", "--role", "enterprise", "--party", FIRM,
        "--password-stdin", stdin=PASSWORD + "\n")
    organiser, firm = sign_in(served.url, "bench-organiser"), sign_in(served.url, "bench-firm")
    route, paths, is_recommendation = recommendation_route(served.url, organiser)
    prefix = f"压测需求-{int(time.time())}-"
    acknowledged: list[str] = []

    async def health(client, n):
        return await client.get("/health")

    async def recommend(client, n):  # each need in turn (warm-up: the last ones)
        return await client.get(paths[n % len(paths)], organiser)

    async def submit(client, n):
        title = f"{prefix}{n}"
        answer = await client.post("/api/needs", firm, {
            "title": title, "text": "压测：高温合金零件的激光熔覆修复工艺", "region": "丽水",
            "submission_key": f"bench-{'w' if n < 0 else 'n'}{abs(n):08d}-{prefix[-11:-1]}"})
        if answer.status_code == 201:
            acknowledged.append(title)
        return answer

    async def first() -> Measured:
        """Every need asked once, `concurrency` at a time: answers computed, not kept
        (the workers' recommenders are built first, by questions of another kind)."""
        measured = Measured("recommendations, first time each need is asked",
                            f"GET {route}")
        clients = [KeepAlive(served.url) for _ in range(args.concurrency)]
        await asyncio.gather(*(client.get(paths[n] + "?kind=institute", organiser)
                               for n, client in zip(range(len(paths)), clients, strict=False)))
        began, cpu = time.perf_counter(), time.process_time()
        queue = iter(range(len(paths)))

        async def worker(client: KeepAlive) -> None:
            for n in queue:
                t0 = time.perf_counter()
                answer = await client.get(paths[n], organiser)
                measured.latencies.append(time.perf_counter() - t0)
                measured.statuses[answer.status_code] += 1

        await asyncio.gather(*(worker(client) for client in clients))
        measured.seconds = time.perf_counter() - began
        measured.client_cpu = time.process_time() - cpu
        for client in clients:
            await client.close()
        return measured

    async def run() -> list[Measured]:
        out = [await load("plain FastAPI", "GET /health", served.url, health, args.seconds,
                          args.concurrency)]
        if is_recommendation:
            out.append(await first())
        for name, target, send in (
                ("recommendations" if is_recommendation else "need page (stand-in)",
                 f"GET {route}", recommend),
                ("plain FastAPI", "GET /health", health),
                ("need submissions", "POST /api/needs", submit)):
            out.append(await load(name, target, served.url, send, args.seconds,
                                  args.concurrency))
        return out

    try:
        results = asyncio.run(run())
    finally:
        served.close()
    titles = stored_titles(db, prefix)
    once = sum(1 for t in acknowledged if titles[t] == 1)
    extra = sum(titles.values()) - len(set(acknowledged) & set(titles))

    print(f"\nduijie serve --workers {args.workers} on loopback, seed graph, "
          f"{args.concurrency} requests in flight, {args.seconds:g} s each, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| measured | route | requests | req/s | p50 ms | p95 ms | non-2xx | vs /health "
          "| client CPU ms/req |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    baseline = None
    for m in results:
        if m.route == "GET /health":
            baseline = m
        ratio = f"{m.rate / baseline.rate:.2f}×" if baseline and m is not baseline else "1"
        bad = sum(c for s, c in m.statuses.items() if not 200 <= s < 300)
        print(f"| {m.name} | `{m.route}` | {len(m.latencies)} | {m.rate:.0f} | "
              f"{m.percentile(0.5):.1f} | {m.percentile(0.95):.1f} | {bad} | {ratio} | "
              f"{1000 * m.client_cpu / max(1, len(m.latencies)):.2f} |")
    print(f"\nneed submissions: {len(acknowledged)} acknowledged (201), {once} stored exactly "
          f"once, {len(acknowledged) - once} missing or doubled, {extra} stored without "
          "an acknowledgement")
    print("targets (2 cores): recommendations >= 200/s with p95 <= 100 ms; "
          "need submissions >= 100/s, each acknowledged one stored once")
    if not is_recommendation:
        print("no recommendation route is served yet: a need's page stood in for it")
    if args.json:
        args.json.write_text(json.dumps({
            "workers": args.workers, "concurrency": args.concurrency,
            "rows": [{"name": m.name, "route": m.route, "requests": len(m.latencies),
                      "rate": m.rate, "p50_ms": m.percentile(0.5),
                      "p95_ms": m.percentile(0.95), "statuses": dict(m.statuses),
                      "client_cpu_s": m.client_cpu}
                     for m in results],
            "acknowledged": len(acknowledged), "stored_once": once}, indent=1))


if __name__ == "__main__":
    main()
