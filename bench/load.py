"""Load generation and the transport baseline, each in a process of its own.

- ``generate(...)``: a load generator (grpc.aio, or keep-alive HTTP/1.1 on asyncio streams)
  run in spawned processes: closed loop (N calls in flight, as fast as answered) or open loop
  (calls sent at a fixed rate whatever the answers, latency counted from when each call was
  due, so queueing shows). Bounded in count and time; loopback only. It reports its own CPU
  per call, so a run shows whether the client could have driven more.
- ``python bench/load.py echo --port P --reply-bytes N [--processes K] [--aio]``: a bare grpcio
  server answering ``Check`` with N bytes, built like gongkai's (same thread pool and
  options; K processes on one port with SO_REUSEPORT): what the transport alone can do.
  ``--aio``: the same on ``grpc.aio`` (an event loop, no thread pool).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent import futures
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import grpc

CHECK = "/gongkai.v1.Compliance/Check"
CHECK_BATCH = "/gongkai.v1.Compliance/CheckBatch"
LOOPBACK = "127.0.0.1"


@dataclass
class Result:
    sent: int
    answered: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    first_error: str = ""
    client_cpu: float = 0.0  # seconds of CPU the load generator's processes spent

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def client_us_per_call(self) -> float:
        """The load generator's CPU per answered call: 1e6 / this is what one client process can drive."""
        return self.client_cpu / self.answered * 1e6 if self.answered else 0.0


class Failed(Exception):
    """A call answered with an error (its text is kept for the report)."""


async def _drive(call: Callable[[int], Awaitable[None]], rate: float | None, in_flight: int, seconds: float) -> Result:
    """Make calls ``call(i)`` in a closed loop (rate None: ``in_flight`` at once, each sent when
    one is answered) or an open loop (call i due at start + i / rate, latency counted from then)."""
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + seconds

    async def one(i: int, due: float) -> None:
        try:
            await call(i)
            latencies.append((loop.time() - due) * 1000)
        except Failed as exc:
            errors.append(str(exc))

    if rate is None:  # closed loop

        async def worker() -> None:
            nonlocal sent
            while loop.time() < deadline:
                i, sent = sent, sent + 1
                await one(i, loop.time())

        await asyncio.gather(*(worker() for _ in range(in_flight)))
    else:  # open loop: call i is due at start + i / rate; every call that is due goes out at once
        pending: set[asyncio.Task[None]] = set()
        total = int(rate * seconds)
        while sent < total and len(pending) < in_flight:  # far behind: stop offering more
            due_now = min(total, int((loop.time() - start) * rate) + 1)
            while sent < due_now and len(pending) < in_flight:
                task = asyncio.create_task(one(sent, start + sent / rate))
                pending.add(task)
                task.add_done_callback(pending.discard)
                sent += 1
            await asyncio.sleep(max(0.0, min(0.001, start + sent / rate - loop.time())))
        if pending:
            await asyncio.wait(pending, timeout=30)
    elapsed = loop.time() - start
    return Result(sent, len(latencies), len(errors), elapsed, latencies, errors[0] if errors else "")


async def _generate_grpc(
    port: int, method: str, payloads: list[bytes], rate: float | None, in_flight: int, seconds: float, channels: int
) -> Result:
    # several connections: with SO_REUSEPORT the kernel spreads connections, not calls, over workers
    opened = [
        grpc.aio.insecure_channel(f"{LOOPBACK}:{port}", options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(channels)
    ]
    calls = [ch.unary_unary(method) for ch in opened]  # bytes in, bytes out: the client parses nothing

    async def call(i: int) -> None:
        try:
            await calls[i % channels](payloads[i % len(payloads)], timeout=30)
        except grpc.RpcError as exc:
            raise Failed(f"{exc.code()}: {exc.details()}") from None  # type: ignore[attr-defined]

    try:
        return await _drive(call, rate, in_flight, seconds)
    finally:
        for ch in opened:
            await ch.close()


class HttpConnection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a request written whole, the
    answer read by its Content-Length and not parsed. Far cheaper per call than a full client
    (httpx), so that the server, not the client, is what is measured."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> HttpConnection:
        self.reader, self.writer = await asyncio.open_connection(LOOPBACK, self.port)
        return self

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """The status and body of POST ``path``; OSError or IncompleteReadError if the connection fails."""
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        head = f"POST {path} HTTP/1.1\r\nhost: {LOOPBACK}\r\ncontent-type: application/json\r\n"
        self.writer.write(f"{head}content-length: {len(body)}\r\n\r\n".encode() + body)
        answer = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in answer.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return int(answer[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _generate_http(
    port: int, path: str, payloads: list[bytes], rate: float | None, in_flight: int, seconds: float, connections: int
) -> Result:
    # HTTP/1.1 has one call in flight per connection: a call waits for a free one (and that wait
    # counts in its latency, as a wait in the server's queue would)
    pool: asyncio.Queue[HttpConnection] = asyncio.Queue()
    opened = [await HttpConnection(port).open() for _ in range(connections)]
    for connection in opened:
        pool.put_nowait(connection)

    async def call(i: int) -> None:
        connection = await pool.get()
        try:
            status, body = await connection.post(path, payloads[i % len(payloads)])
        except (OSError, asyncio.IncompleteReadError) as exc:
            connection.close()  # opened again by its next call
            raise Failed(f"connection: {exc!r}") from None
        finally:
            pool.put_nowait(connection)
        if status != 200:
            raise Failed(f"HTTP {status}: {body[:200].decode(errors='replace')}")

    try:
        return await _drive(call, rate, in_flight, seconds)
    finally:
        for connection in opened:
            connection.close()


def _child(queue: Any, http: bool, args: tuple[Any, ...]) -> None:
    cpu = time.process_time()
    result = asyncio.run((_generate_http if http else _generate_grpc)(*args))
    result.client_cpu = time.process_time() - cpu
    queue.put(asdict(result))


def generate(
    port: int,
    method: str,
    payloads: list[bytes],
    *,
    rate: float | None = None,
    in_flight: int = 32,
    seconds: float = 5.0,
    channels: int = 8,
    processes: int = 1,
    http: bool = False,
) -> Result:
    """Run the load generator in ``processes`` processes of its own (each with its share of
    ``rate`` and ``in_flight``) and return what they measured together. ``http``: ``method``
    is the path of a POST, ``payloads`` its JSON bodies, ``channels`` connections per process."""
    context = multiprocessing.get_context("spawn")  # no gRPC state crosses into it
    queue = context.Queue()
    share = (None if rate is None else rate / processes, max(1, in_flight // processes), seconds, channels)
    children = [
        context.Process(target=_child, args=(queue, http, (port, method, payloads, *share))) for _ in range(processes)
    ]
    for child in children:
        child.start()
    results = [Result(**queue.get(timeout=seconds + 120)) for _ in children]
    for child in children:
        child.join(timeout=30)
    return Result(
        sum(r.sent for r in results),
        sum(r.answered for r in results),
        sum(r.errors for r in results),
        max(r.seconds for r in results),
        [latency for r in results for latency in r.latencies_ms],
        next((r.first_error for r in results if r.first_error), ""),
        sum(r.client_cpu for r in results),
    )


# --- servers under test ---------------------------------------------------------------


def wait_ready(port: int, payload: bytes, process: subprocess.Popen[bytes], method: str = CHECK) -> None:
    """Until a call succeeds (at most 60 s, a safety limit)."""
    give_up = time.monotonic() + 60
    with grpc.insecure_channel(f"{LOOPBACK}:{port}") as channel:
        call = channel.unary_unary(method)
        while time.monotonic() < give_up:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                call(payload, timeout=2)
                return
            except grpc.RpcError:
                time.sleep(0.1)
    raise RuntimeError("the server never answered")


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system, all threads) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_gongkai(
    port: int, workers: int, data_dir: Path, durability: str, http_port: int | None = None, tree: Path | None = None
) -> subprocess.Popen[bytes]:
    """``gongkai serve`` (and, with ``http_port``, its JSON over HTTP there); ``tree``: the
    gongkai of another checkout (its ``server/`` first on the path), for before/after runs."""
    command = Path(sys.executable).parent / "gongkai"
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_LOG_DURABILITY": durability}
    if http_port is not None:
        env["GONGKAI_HTTP_PORT"] = str(http_port)
    if tree is not None:
        env["PYTHONPATH"] = str(tree.resolve() / "server")
    return subprocess.Popen(
        [str(command), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_echo(port: int, reply_bytes: int, processes: int, aio: bool = False) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "echo", "--port", str(port)]
    command += ["--reply-bytes", str(reply_bytes), "--processes", str(processes)] + (["--aio"] if aio else [])
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _echo_options(reuseport: bool) -> list[tuple[str, int]]:
    from gongkai.config import Settings

    settings = Settings()  # the same message limits as gongkai's server
    return [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        ("grpc.so_reuseport", 1 if reuseport else 0),
    ]


def _echo_handlers(answer: Callable[..., Any]) -> list[grpc.GenericRpcHandler]:
    handler = grpc.unary_unary_rpc_method_handler(answer)  # bytes, not parsed
    return [grpc.method_handlers_generic_handler("gongkai.v1.Compliance", {"Check": handler})]


def _echo_process(port: int, reply: bytes, reuseport: bool) -> None:
    from gongkai.config import Settings

    pool = futures.ThreadPoolExecutor(max_workers=Settings().thread_pool)  # as gongkai's server
    server = grpc.server(pool, options=_echo_options(reuseport))
    server.add_generic_rpc_handlers(_echo_handlers(lambda _request, _context: reply))
    server.add_insecure_port(f"{LOOPBACK}:{port}")
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    server.stop(1).wait()


async def _aio_echo_process(port: int, reply: bytes, reuseport: bool) -> None:
    async def answer(_request: bytes, _context: Any) -> bytes:
        return reply

    server = grpc.aio.server(options=_echo_options(reuseport))
    server.add_generic_rpc_handlers(_echo_handlers(answer))
    server.add_insecure_port(f"{LOOPBACK}:{port}")
    await server.start()
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    await stopped.wait()
    await server.stop(1)


def echo_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="load.py echo")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reply-bytes", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--aio", action="store_true", help="grpc.aio rather than the thread-pool server")
    args = parser.parse_args(argv)
    reply = b"\x0a" + b"x" * (args.reply_bytes - 1)  # any bytes will do: the client does not parse

    def serve(reuseport: bool) -> None:
        if args.aio:
            asyncio.run(_aio_echo_process(args.port, reply, reuseport))
        else:
            _echo_process(args.port, reply, reuseport)

    if args.processes == 1:
        serve(False)
        return
    children = []
    for _ in range(args.processes):  # forked before any gRPC object exists, as gongkai's workers
        pid = os.fork()
        if pid == 0:
            try:
                serve(True)
            finally:
                os._exit(0)
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(pid, signal.SIGTERM) for pid in children])
    for _ in children:
        os.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["echo"]:
        echo_main(sys.argv[2:])
    else:
        sys.exit("usage: load.py echo --port P --reply-bytes N [--processes K] [--aio]")
