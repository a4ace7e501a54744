"""`scripts/develop` really works: a real Home Assistant process, onboarded and driven over HTTP.

Starts the README's first command as a subprocess (with its own config directory and free
ports), completes onboarding and the config flow through the REST API, saves the README's
first automation and one automation per shipped blueprint through the API the automation
editor uses, places an order with `smm_panel.add_order`, sees the balance drop and the order
sensor appear, sees the demo's own 20-second polling bring the order to Completed (no option
changed), the README automation's notification, and every blueprint automation loaded, then
stops it all.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
import time
from typing import Any

import aiohttp
import pytest

from tests.develop_process import NEEDS_REPO_VENV, PANEL_KEY, Develop, run_develop
from tests.readme_blocks import readme_automation

CLIENT_ID = "http://127.0.0.1/"
WAIT_SECONDS = 180.0
"""For any one thing to show: generous, since a loaded CI machine can be ten times slower."""
README_AUTOMATION = "SMM order finished"
BLUEPRINT_INPUTS: dict[str, dict[str, Any]] = {
    "low_balance_alert": {"balance_entity": "sensor.127_0_0_1_balance", "amount": 5},
    "refill_partial_orders": {"config_entry": "{entry_id}"},
    "reorder_remains": {"config_entry": "{entry_id}", "cost_limit": 1},
}
"""An automation per shipped blueprint, with every input that has no default."""

pytestmark = [
    pytest.mark.smoke,
    pytest.mark.usefixtures("socket_enabled"),
    NEEDS_REPO_VENV,
]


class Api:
    """HTTP to the Home Assistant of a running `scripts/develop`."""

    def __init__(self, running: Develop, session: aiohttp.ClientSession) -> None:
        self.base = running.base_url
        self.panel_url = running.panel_url
        self.log = running.log
        self.session = session
        self.headers: dict[str, str] = {}

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self.session.request(
            method, self.base + path, headers=self.headers, **kwargs
        ) as response:
            assert response.status < 300, (
                f"{method} {path}: {response.status} {await response.text()}"
            )
            return await response.json()

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        async with self.session.get(
            f"{self.base}/api/states/{entity_id}", headers=self.headers
        ) as response:
            if response.status == 404:
                return None
            result: dict[str, Any] = await response.json()
            return result


@pytest.fixture
async def develop(tmp_path: Path) -> AsyncIterator[Api]:
    """`scripts/develop` up and answering; stopped with Ctrl-C, both ports closed after.

    Starting and stopping block (they wait for the processes), so they run in a thread.
    """
    process = run_develop(tmp_path / "config", tmp_path / "develop.log", "en")
    running = await asyncio.to_thread(process.__enter__)
    try:
        async with aiohttp.ClientSession() as session:
            yield Api(running, session)
    finally:
        await asyncio.to_thread(process.__exit__, None, None, None)


async def _onboard(develop: Api) -> None:
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


async def _wait_for(develop: Api, entity_id: str, check: Any) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    state: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        state = await develop.state(entity_id)
        if state is not None and check(state):
            return state
        await asyncio.sleep(0.5)
    tail = "\n".join(develop.log.read_text(encoding="utf-8", errors="replace").splitlines()[-80:])
    pytest.fail(
        f"{entity_id} never met the condition; last state: {state}\n"
        f"-- the last lines of scripts/develop's output ({develop.log}):\n{tail}"
    )


async def _save_automation(develop: Api, automation_id: str, config: dict[str, Any]) -> None:
    """Save an automation as the UI's editor does (automations.yaml, then a reload)."""
    saved = await develop.call(
        "POST", f"/api/config/automation/config/{automation_id}", json=config
    )
    assert saved == {"result": "ok"}


async def _notifications(develop: Api) -> list[dict[str, Any]]:
    """The persistent notifications (sidebar), over the websocket as the frontend reads them."""
    token = develop.headers["Authorization"].removeprefix("Bearer ")
    async with develop.session.ws_connect(f"{develop.base}/api/websocket") as socket:
        assert (await socket.receive_json())["type"] == "auth_required"
        await socket.send_json({"type": "auth", "access_token": token})
        assert (await socket.receive_json())["type"] == "auth_ok"
        await socket.send_json({"id": 1, "type": "persistent_notification/get"})
        answer = await socket.receive_json()
    assert answer["success"], answer
    result: list[dict[str, Any]] = answer["result"]
    return result


async def test_develop_end_to_end(develop: Api) -> None:
    """Onboard, add the panel, save the README automation and the blueprints' automations,
    place an order, watch the balance and the order reach Completed, see them run."""
    await _onboard(develop)

    flow = await develop.call(
        "POST", "/api/config/config_entries/flow", json={"handler": "smm_panel"}
    )
    assert flow["type"] == "form"
    assert flow["step_id"] == "user"
    created = await develop.call(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json={"url": develop.panel_url, "api_key": PANEL_KEY},
    )
    assert created["type"] == "create_entry"
    assert created["title"] == "127.0.0.1"
    entry_id = created["result"]["entry_id"]

    balance = await _wait_for(
        develop, "sensor.127_0_0_1_balance", lambda s: s["state"] != "unavailable"
    )
    await _save_automation(develop, "readme", readme_automation(README_AUTOMATION))
    for name, inputs in BLUEPRINT_INPUTS.items():
        filled = {
            key: value.format(entry_id=entry_id) if isinstance(value, str) else value
            for key, value in inputs.items()
        }
        await _save_automation(
            develop,
            name,
            {
                "alias": name,
                "use_blueprint": {"path": f"smm_panel/{name}.yaml", "input": filled},
            },
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

    # The demo polls every 20 s (config/configuration.yaml), whatever scan_interval says: the
    # order, finished at the panel 75 s after it was placed, shows Completed without waiting
    # for the 5-minute poll.
    await _wait_for(
        develop, f"sensor.127_0_0_1_order_{order_id}", lambda s: s["state"] == "completed"
    )
    finished = await _wait_for(
        develop, "automation.smm_order_finished", lambda s: s["attributes"]["last_triggered"]
    )
    assert finished["state"] == "on"
    # last_triggered is set as the run starts: the notification follows a moment later.
    message = f"Order {order_id} is completed (0 remaining)."
    deadline = time.monotonic() + WAIT_SECONDS
    while message not in (messages := [n["message"] for n in await _notifications(develop)]):
        assert time.monotonic() < deadline, messages
        await asyncio.sleep(0.5)
    for name in BLUEPRINT_INPUTS:
        automation = await _wait_for(develop, f"automation.{name}", lambda s: True)
        assert automation["state"] == "on", automation  # unavailable: the blueprint failed
