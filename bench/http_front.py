"""POST /v1/check over HTTP: throughput and latency at several offered loads, side by side with
bare echo apps served by the same ASGI server with the same settings (the transport's limit).

Run: python bench/http_front.py [--seconds 5] [--clients 1] [--log-durability full] [--quick]
                               [--rounds N] [--before CHECKOUT]
Each server runs as its own process: ``gongkai serve --http-port`` (its decision log in a
temporary directory; uvicorn on a thread of the gRPC process, as shipped), and
``bench/http_front.py echo --app asgi|fastapi``: uvicorn configured by gongkai's own
``service.http.HttpServer`` (the same loop, HTTP parser and options) serving either a plain
ASGI app — it reads the body, parses the JSON, answers a fixed JSON of gongkai's mean reply
size — or the same as a FastAPI route (what the framework itself costs). The load generator
(bench/load.py: keep-alive HTTP/1.1 on asyncio streams, one call per connection at a time)
runs in ``--clients`` processes of its own: first a closed loop (``--in-flight`` calls at
once) finds the maximum, then open loops offer fractions of it, latency counted from when
each call was due. The client's own CPU per call is printed: 1e6 / it is what one client
process can drive, so an echo maximum close to that means the client was the limit.
``--before CHECKOUT`` also serves the gongkai of another checkout (a ``git worktree``),
interleaved over ``--rounds``, and prints the ratio of the two.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from corpus import add_source_options, corpus, machine, table
from fastapi import FastAPI, Request, Response
from load import LOOPBACK, start_gongkai, stop
from service import FRACTIONS, HEADER, add_load_options, free_port, measure, server_pids

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.config import Settings
from gongkai.service.http import HttpServer, decision_json

PATH = "/v1/check"
SERVERS = ("echo (ASGI)", "echo (FastAPI)", "gongkai")


# --- the echo apps ---------------------------------------------------------------------


def asgi_echo(reply: bytes) -> Any:
    """A plain ASGI app: the whole body read and parsed as JSON, ``reply`` answered."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(reply)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        json.loads(body)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": reply})

    return app


def fastapi_echo(reply: bytes) -> Any:
    """The same as one FastAPI route, read and answered as gongkai's /v1/check is."""
    app = FastAPI()

    @app.post(PATH)
    async def check(request: Request) -> Response:
        json.loads(await request.body())
        return Response(reply, media_type="application/json")

    return app


def echo_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="http_front.py echo")
    parser.add_argument("--app", choices=["asgi", "fastapi"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reply-bytes", type=int, required=True)
    args = parser.parse_args(argv)
    reply = b'{"x":"' + b"x" * max(0, args.reply_bytes - 8) + b'"}'
    app = asgi_echo(reply) if args.app == "asgi" else fastapi_echo(reply)
    server = HttpServer(app, Settings(host=LOOPBACK), args.port)  # uvicorn as gongkai configures it
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    server.start()
    stopped.wait()
    server.stop()
    server.join()


def start_echo(app: str, port: int, reply_bytes: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "echo", "--app", app, "--port", str(port)]
    return subprocess.Popen(
        [*command, "--reply-bytes", str(reply_bytes)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_ready(port: int, body: bytes, process: subprocess.Popen[bytes]) -> None:
    """Until a check is answered 200 (at most 60 s, a safety limit)."""
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
            connection.request("POST", PATH, body, {"content-type": "application/json"})
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server never answered")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser, channels=32)
    parser.add_argument("--log-durability", default="full", choices=["full", "normal"], help="gongkai's decision log")
    parser.add_argument("--quick", action="store_true", help="1-second steps, half load only: rough figures")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; each server's best is kept")
    parser.add_argument("--before", type=Path, help="also measure the gongkai of this checkout (before/after)")
    add_source_options(parser)
    args = parser.parse_args()
    fractions = (0.5,) if args.quick else FRACTIONS
    if args.quick:
        args.seconds = min(args.seconds, 1.0)
    print(machine())

    checker = build_checker(args.rules_dir)
    cases = corpus(checker, args.features)
    payloads = [json.dumps(c.request, ensure_ascii=False).encode() for c in cases]
    sizes = [len(decision_json(checker.check(CheckRequest.model_validate(c.request)))) for c in cases]
    reply_bytes = round(statistics.mean(sizes))
    print(
        f"{len(payloads)} scenario requests, {statistics.mean(len(p) for p in payloads):.0f} bytes of JSON each on "
        f"average; replies {min(sizes)}–{max(sizes)} bytes, the echo apps answer {reply_bytes} (their mean)"
    )
    print(
        f"gongkai serve --http-port, decision log durability {args.log_durability}; uvicorn as service/http.py "
        f"configures it for every server; {args.clients} client process(es), {args.in_flight} calls in flight "
        "at the maximum"
    )

    servers = list(SERVERS) + ([f"gongkai ({args.before})"] if args.before else [])
    results: dict[str, tuple[float, list[list[object]]]] = {}
    for _ in range(args.rounds):  # interleaved; the round with the highest maximum is kept
        for name in servers:
            with tempfile.TemporaryDirectory() as data_dir:
                port = free_port()
                if name.startswith("gongkai"):
                    tree = args.before if name != "gongkai" else None
                    process = start_gongkai(free_port(), 1, Path(data_dir), args.log_durability, port, tree)
                else:
                    process = start_echo("asgi" if "ASGI" in name else "fastapi", port, reply_bytes)
                try:
                    wait_ready(port, payloads[0], process)
                    measured = measure(name, port, payloads, args, PATH, True, fractions, server_pids(process))
                finally:
                    stop(process)
            if name not in results or measured[0] > results[name][0]:
                results[name] = measured
    print(table(HEADER, [r for name in servers for r in results[name][1]]))
    echo_max, framework_max, gongkai_max = (results[name][0] for name in SERVERS)
    half = results["gongkai"][1][fractions.index(0.5) + 1]
    client = min(float(rows[0][7]) for _, rows in results.values())  # type: ignore[arg-type]
    print(
        f"gongkai / ASGI echo maximum throughput: {gongkai_max:,.0f} / {echo_max:,.0f} = {gongkai_max / echo_max:.0%}"
    )
    print(
        f"gongkai / FastAPI echo: {gongkai_max / framework_max:.0%}; "
        f"FastAPI echo / ASGI echo (the framework's share): {framework_max / echo_max:.0%}"
    )
    print(f"gongkai p50 / p99 at half its maximum load: {half[3]:.2f} / {half[4]:.2f} ms (target p99 ≤ 5 ms)")
    print(
        f"client CPU per call: {client:,.0f} µs, so one client process can drive about {1e6 / client:,.0f} calls/s; "
        f"the ASGI echo's maximum was {echo_max:,.0f}/s with {args.clients}"
    )
    if args.before:
        before = results[servers[-1]]
        before_half = before[1][fractions.index(0.5) + 1]
        print(
            f"gongkai maximum, this tree / {args.before}: {gongkai_max:,.0f} / {before[0]:,.0f} = "
            f"{gongkai_max / before[0]:.2f}×; p99 at half load {half[4]:.2f} / {before_half[4]:.2f} ms"
        )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["echo"]:
        echo_main(sys.argv[2:])
    else:
        main()
