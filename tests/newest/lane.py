"""The lane's handle on a running hass: its clients, the entry under test, the event feeds.

Also the waits every step needs (hass answering, the core running) and the two things done
once per start: onboarding the owner and confirming the HTTP config.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

from .client import CommandError, Rest, Subscription, Websocket, wait_until
from .processes import PANEL_KEY, Logs, Process

CLIENT_ID = "http://127.0.0.1/"
DOMAIN = "smm_panel"


@dataclass(slots=True)
class Lane:
    """What the steps share: the running hass, its clients, and the entry under test."""

    config_dir: Path
    ha_port: int
    panel_url: str
    logs: Logs
    hass: Process
    rest: Rest
    ws: Websocket
    entry_id: str = ""

    async def act(self, action: str, /, **data: Any) -> Any:
        """One of our actions on the entry under test, with its response (never the key)."""
        response = await self.ws.call_service(DOMAIN, action, config_entry_id=self.entry_id, **data)
        assert PANEL_KEY not in json.dumps(response), f"{action} answered the key: {response}"
        return response

    async def entities(self, *keys: str) -> dict[str, str]:
        """Entity ids of the entry by unique-id suffix, once all of `keys` are registered."""

        async def check() -> dict[str, str] | None:
            rows = await self.ws.command("config/entity_registry/list")
            prefix = f"{self.entry_id}_"
            found = {
                row["unique_id"].removeprefix(prefix): row["entity_id"]
                for row in rows
                if row["config_entry_id"] == self.entry_id
            }
            return found if set(keys) <= found.keys() else None

        return await wait_until(f"entities {keys} in the entity registry", check)

    async def state_where(self, entity_id: str, what: str, check: Any) -> dict[str, Any]:
        """The entity's state once `check(state)` holds."""

        async def current() -> dict[str, Any] | None:
            state = await self.rest.state(entity_id)
            return state if state is not None and check(state) else None

        return await wait_until(f"{entity_id}: {what}", current)


async def wait_up(rest: Rest, hass: Process, path: str) -> None:
    """Wait until hass answers `path`; fail at once if it exits."""

    async def check() -> bool | None:
        if hass.exited() is not None:
            msg = f"hass exited with {hass.exited()} before it answered"
            raise AssertionError(msg)
        return True if await rest.answers(path) else None

    await wait_until(f"hass to answer {path}", check)


async def wait_running(ws: Websocket) -> None:
    """Wait until Home Assistant's core state is RUNNING (stage 2 set up)."""

    async def check() -> bool | None:
        config = await ws.command("get_config")
        return True if config["state"] == "RUNNING" else None

    await wait_until("Home Assistant to be running", check)


async def confirm_http_config(ws: Websocket, port: int) -> None:
    """Confirm the HTTP config over the websocket, as the frontend does, and check it is stable.

    From 2026.11 the YAML `http:` block is migrated to storage as a *pending* trial, which Home
    Assistant reverts (with a restart) after 5 minutes unless `http/config/promote` confirms it.
    """
    try:
        config = await ws.command("http/config")
    except CommandError as err:
        if err.code != "unknown_command":
            raise
        print("   no http/config command in this release: nothing to confirm", flush=True)  # noqa: T201
        return
    if config["pending"] is not None:
        assert config["active_config_type"] == "pending", config
        assert config["revert_at"] is not None, config
        await ws.command("http/config/promote")
        config = await ws.command("http/config")
        print("   http/config/promote: the YAML http config is now stable", flush=True)  # noqa: T201
    assert config["pending"] is None, config
    assert config["revert_at"] is None, config
    assert config["active_config_type"] == "stable", config
    assert config["stable"]["server_port"] == port, config


async def onboard(rest: Rest) -> str:
    """Create the owner over the onboarding API; an access token for it."""
    user = await rest.call(
        "POST",
        "/api/onboarding/users",
        json={
            "client_id": CLIENT_ID,
            "name": "Newest Lane",
            "username": "newest",
            "password": "newest-lane-password",
            "language": "en",
        },
    )
    token = await rest.call(
        "POST",
        "/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": user["auth_code"],
            "client_id": CLIENT_ID,
        },
    )
    access: str = token["access_token"]
    return access


@dataclass(frozen=True, slots=True)
class Feeds:
    """The bus events the lane watches, subscribed before the first order is placed."""

    placed: Subscription
    changed: Subscription
    states: Subscription
    """state_changed: every state an entity took, even one replaced a moment later."""

    @classmethod
    async def subscribe(cls, ws: Websocket) -> Feeds:
        """Subscribe to our two order events and to state changes."""
        return cls(
            await ws.subscribe("subscribe_events", event_type=f"{DOMAIN}_order_placed"),
            await ws.subscribe("subscribe_events", event_type=f"{DOMAIN}_order_status_changed"),
            await ws.subscribe("subscribe_events", event_type="state_changed"),
        )

    async def event_entity(self, entity_id: str, event_type: str, order: str) -> dict[str, Any]:
        """The state the event entity took when it fired `event_type` for `order`."""

        def fired(event: Any) -> bool:
            new = event["data"]["new_state"]
            return (
                event["data"]["entity_id"] == entity_id
                and new is not None
                and new["attributes"].get("event_type") == event_type
                and new["attributes"].get("order") == order
            )

        _, event = await self.states.first(f"{entity_id} firing {event_type} for {order}", fired)
        state: dict[str, Any] = event["data"]["new_state"]
        return state
