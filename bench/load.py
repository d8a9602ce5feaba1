"""Load generation and the transport baseline, each in a process of its own.

- ``generate(...)``: a load generator (grpc.aio) run in a spawned process: closed loop
  (N calls in flight, as fast as answered) or open loop (calls sent at a fixed rate whatever
  the answers, latency counted from when each call was due, so queueing shows). Bounded in
  count and time; loopback only.
- ``python bench/load.py echo --port P --reply-bytes N [--processes K]``: a bare grpcio
  server answering ``Check`` with N bytes, built like gongkai's (same thread pool and
  options; K processes on one port with SO_REUSEPORT): what the transport alone can do.
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

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


async def _generate(
    port: int, method: str, payloads: list[bytes], rate: float | None, in_flight: int, seconds: float, channels: int
) -> Result:
    # several connections: with SO_REUSEPORT the kernel spreads connections, not calls, over workers
    opened = [
        grpc.aio.insecure_channel(f"{LOOPBACK}:{port}", options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(channels)
    ]
    calls = [ch.unary_unary(method) for ch in opened]  # bytes in, bytes out: the client parses nothing
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + seconds

    async def one(i: int, due: float) -> None:
        try:
            await calls[i % channels](payloads[i % len(payloads)], timeout=30)
            latencies.append((loop.time() - due) * 1000)
        except grpc.RpcError as exc:
            errors.append(f"{exc.code()}: {exc.details()}")  # type: ignore[attr-defined]

    if rate is None:  # closed loop

        async def worker(w: int) -> None:
            nonlocal sent
            while loop.time() < deadline:
                i, sent = sent, sent + 1
                await one(i, loop.time())

        await asyncio.gather(*(worker(w) for w in range(in_flight)))
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
    for ch in opened:
        await ch.close()
    return Result(sent, len(latencies), len(errors), elapsed, latencies, errors[0] if errors else "")


def _child(queue: Any, args: tuple[Any, ...]) -> None:
    queue.put(asdict(asyncio.run(_generate(*args))))


def generate(
    port: int,
    method: str,
    payloads: list[bytes],
    *,
    rate: float | None = None,
    in_flight: int = 32,
    seconds: float = 5.0,
    channels: int = 8,
) -> Result:
    """Run the load generator in a process of its own and return what it measured."""
    context = multiprocessing.get_context("spawn")  # no gRPC state crosses into it
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, (port, method, payloads, rate, in_flight, seconds, channels)))
    process.start()
    result = queue.get(timeout=seconds + 120)
    process.join(timeout=30)
    return Result(**result)


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


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_gongkai(port: int, workers: int, data_dir: Path, durability: str) -> subprocess.Popen[bytes]:
    command = Path(sys.executable).parent / "gongkai"
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_LOG_DURABILITY": durability}
    return subprocess.Popen(
        [str(command), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_echo(port: int, reply_bytes: int, processes: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "echo", "--port", str(port)]
    command += ["--reply-bytes", str(reply_bytes), "--processes", str(processes)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _echo_process(port: int, reply: bytes, reuseport: bool) -> None:
    from gongkai.config import Settings

    settings = Settings()  # the same thread pool and message limits as gongkai's server
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.thread_pool),
        options=[
            ("grpc.max_receive_message_length", settings.max_message_bytes),
            ("grpc.max_send_message_length", settings.max_message_bytes),
            ("grpc.so_reuseport", 1 if reuseport else 0),
        ],
    )
    handler = grpc.unary_unary_rpc_method_handler(lambda _request, _context: reply)  # bytes, not parsed
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("gongkai.v1.Compliance", {"Check": handler})])
    server.add_insecure_port(f"{LOOPBACK}:{port}")
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    server.stop(1).wait()


def echo_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="load.py echo")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reply-bytes", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    reply = b"\x0a" + b"x" * (args.reply_bytes - 1)  # any bytes will do: the client does not parse
    if args.processes == 1:
        _echo_process(args.port, reply, False)
        return
    children = []
    for _ in range(args.processes):  # forked before any gRPC object exists, as gongkai's workers
        pid = os.fork()
        if pid == 0:
            try:
                _echo_process(args.port, reply, True)
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
        sys.exit("usage: load.py echo --port P --reply-bytes N [--processes K]")
