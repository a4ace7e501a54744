"""The fake panel in a process of its own, with latency and /bench/* control routes.

``start_panel`` runs ``python -m tests.bench --serve-panel`` (which runs ``serve_panel``) and
returns a ``Panel`` to seed it, change order statuses and read its request counts.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass
import json
from pathlib import Path
import signal
import subprocess
import sys
from typing import Any
import urllib.request

from aiohttp import web

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, dialect
from tests.fake_panel.app import API_PATH, create_app

ROOT = Path(__file__).resolve().parents[2]  # the repository (tests/bench/ is two levels down)
KEY = "bench-key"


async def serve_panel(latency: float, dialect_name: str) -> None:
    """Serve a FakePanel (of a dialect) with latency and /bench/* control routes; print the port."""
    panel = FakePanel(KEY, quirks=dialect(dialect_name))
    panel.latency = latency
    app = create_app(panel)

    async def seed(request: web.Request) -> web.Response:
        body = await request.json()
        start = len(panel.orders)
        orders = [
            panel.create_order(
                SERVICE_FOLLOWERS,
                f"https://example.com/bench{start + i}",
                1000,
                status="In progress",
                remains=500,
            )
            for i in range(int(body["orders"]))
        ]
        refills = [
            [panel.create_refill(order_id, status="Pending"), order_id]
            for order_id in orders[: int(body["refills"])]
        ]
        return web.json_response({"orders": orders, "refills": refills})

    async def set_status(request: web.Request) -> web.Response:
        body = await request.json()
        for order_id in body["orders"]:
            panel.set_order_status(order_id, body["status"], remains=500)
        return web.json_response({})

    async def set_orders(request: web.Request) -> web.Response:
        """Pin each `[order id, status, remains, start count or null]` (a day's progress)."""
        for order_id, status, remains, start_count in (await request.json())["orders"]:
            panel.set_order_status(order_id, status, remains=remains, start_count=start_count)
        return web.json_response({})

    async def counts(_: web.Request) -> web.Response:
        return web.json_response(dict(panel.counts))

    async def reset(_: web.Request) -> web.Response:
        panel.reset_stats()
        return web.json_response({})

    app.router.add_post("/bench/seed", seed)
    app.router.add_post("/bench/status", set_status)
    app.router.add_post("/bench/set", set_orders)
    app.router.add_get("/bench/counts", counts)
    app.router.add_post("/bench/reset", reset)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"{port} {API_PATH}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()


@dataclass(slots=True)
class Panel:
    """The panel process and how to reach it."""

    process: subprocess.Popen[str]
    base: str
    api_url: str

    def ctl(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Call a control route (not counted as a request)."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path,
            data=data,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310
            return json.loads(answer.read())

    def requests(self) -> int:
        """API requests received since the last reset."""
        return sum(self.ctl("/bench/counts").values())

    def reset(self) -> None:
        """Forget the request counts."""
        self.ctl("/bench/reset", {})

    def stop(self) -> None:
        """End the panel process."""
        self.process.terminate()
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(10)


def start_panel(latency: float, dialect_name: str) -> Panel:
    """Start the panel process and wait for its port."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.bench",
            "--serve-panel",
            "--latency-ms",
            str(latency * 1000),
            "--dialect",
            dialect_name,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    port, path = process.stdout.readline().split()
    base = f"http://127.0.0.1:{port}"
    return Panel(process, base, base + path)
