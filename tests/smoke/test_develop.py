"""`scripts/develop` really works: a real Home Assistant process, onboarded and driven over HTTP.

Starts the README's first command as a subprocess (with its own config directory and free
ports), completes onboarding and the config flow through the REST API, places an order with
`smm_panel.add_order`, sees the balance drop and the order sensor appear, then stops it all.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp
import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = "http://127.0.0.1/"
START_TIMEOUT = 120.0

pytestmark = [
    pytest.mark.smoke,
    pytest.mark.usefixtures("socket_enabled"),
    # scripts/develop runs Home Assistant from the repository's .venv (the main lane); the
    # latest lane's chroot has neither that venv nor a Python 3.13 to build one.
    pytest.mark.skipif(
        Path(sys.prefix).resolve() != (REPO / ".venv").resolve(),
        reason="scripts/develop uses the repository's .venv (the main test lane)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Develop:
    """The running `scripts/develop` and an HTTP session to its Home Assistant."""

    def __init__(self, process: subprocess.Popen[bytes], ha_port: int, panel_port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{ha_port}"
        self.ha_port = ha_port
        self.panel_port = panel_port
        self.session = aiohttp.ClientSession()
        self.headers: dict[str, str] = {}

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.session.request(
            method, self.base + path, headers=self.headers, **kwargs
        ) as response:
            assert response.status < 300, (
                f"{method} {path}: {response.status} {await response.text()}"
            )
            return await response.json()

    async def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "scripts/develop exited early"
            try:
                async with self.session.get(self.base + "/api/onboarding") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
        pytest.fail("Home Assistant did not answer in time")

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        async with self.session.get(
            f"{self.base}/api/states/{entity_id}", headers=self.headers
        ) as response:
            if response.status == 404:
                return None
            result: dict[str, Any] = await response.json()
            return result


@pytest.fixture
async def develop(tmp_path: Path) -> AsyncIterator[Develop]:
    """`scripts/develop` in its own process group, stopped with Ctrl-C (SIGINT) at the end."""
    ha_port, panel_port = _free_port(), _free_port()
    config = (REPO / "config" / "configuration.yaml").read_text(encoding="utf-8")
    (tmp_path / "configuration.yaml").write_text(
        config.replace("server_port: 8123", f"server_port: {ha_port}"), encoding="utf-8"
    )
    env = {**os.environ, "SMM_CONFIG_DIR": str(tmp_path), "SMM_PANEL_PORT": str(panel_port)}
    env["SMM_PANEL_SPEED"] = "60"
    process = subprocess.Popen(  # noqa: ASYNC220, S603 - our own script, a long-lived child
        [str(REPO / "scripts" / "develop")],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    running = Develop(process, ha_port, panel_port)
    try:
        yield running
    finally:
        await running.session.close()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            await asyncio.to_thread(process.wait, 60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("scripts/develop did not stop on Ctrl-C")
    assert not _port_open(ha_port)
    assert not _port_open(panel_port)


async def _onboard(develop: Develop) -> None:
    """Create the owner, log in, and finish the onboarding wizard over the API."""
    user = await develop.call(
        "POST",
        "/api/onboarding/users",
        json={
            "client_id": CLIENT_ID,
            "name": "Demo",
            "username": "demo",
            "password": "demo-password",
            "language": "en",
        },
    )
    token = await develop.call(
        "POST",
        "/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": user["auth_code"],
            "client_id": CLIENT_ID,
        },
    )
    develop.headers = {"Authorization": f"Bearer {token['access_token']}"}
    await develop.call("POST", "/api/onboarding/core_config")
    await develop.call("POST", "/api/onboarding/analytics")
    await develop.call(
        "POST",
        "/api/onboarding/integration",
        json={"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID},
    )


async def _wait_for(develop: Develop, entity_id: str, check: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 60.0
    state: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        state = await develop.state(entity_id)
        if state is not None and check(state):
            return state
        await asyncio.sleep(0.5)
    pytest.fail(f"{entity_id} never met the condition; last state: {state}")


async def test_develop_end_to_end(develop: Develop) -> None:
    """Onboard, add the panel, place an order, watch the balance and the order sensor."""
    await develop.wait_until_up()
    await _onboard(develop)

    flow = await develop.call(
        "POST", "/api/config/config_entries/flow", json={"handler": "smm_panel"}
    )
    assert flow["type"] == "form"
    assert flow["step_id"] == "user"
    created = await develop.call(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json={"url": f"http://127.0.0.1:{develop.panel_port}/api/v2", "api_key": "demo"},
    )
    assert created["type"] == "create_entry"
    assert created["title"] == "127.0.0.1"
    entry_id = created["result"]["entry_id"]

    balance = await _wait_for(
        develop, "sensor.127_0_0_1_balance", lambda s: s["state"] != "unavailable"
    )
    before = float(balance["state"])

    placed = await develop.call(
        "POST",
        "/api/services/smm_panel/add_order?return_response",
        json={
            "config_entry_id": entry_id,
            "service": "1",
            "link": "https://instagram.com/demo",
            "quantity": 1000,
        },
    )
    order_id = placed["service_response"]["order"]
    assert placed["service_response"]["currency"] == "USD"

    await _wait_for(develop, "sensor.127_0_0_1_balance", lambda s: float(s["state"]) < before)
    order = await _wait_for(develop, f"sensor.127_0_0_1_order_{order_id}", lambda s: True)
    assert order["attributes"]["order_id"] == order_id
