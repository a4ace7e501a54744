"""The newest Home Assistant, in a real `hass` process, with the integration and the fake panel.

What a user of the newest release does, driven over REST and websocket as the frontend does it:
onboarding, the config flow (a wrong key, then the right one), the options flow and its
reload, every action, an order placed and completed with its bus events and event entity, a
SIGTERM restart that keeps the tracked order, and a log without a warning or error about us.
Run with scripts/test-newest (in the chroot venv of requirements_newest.txt).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.develop_process import free_ports

from . import shapes
from .client import Rest, Websocket, wait_until
from .lane import DOMAIN, Feeds, Lane, confirm_http_config, onboard, wait_running, wait_up
from .processes import (
    EXPECTED_WARNINGS,
    PANEL_KEY,
    Logs,
    hass_log,
    names_us,
    problem_records,
    start_hass,
    start_panel,
    tails_on_failure,
    write_config,
)

pytestmark = pytest.mark.newest

UNKNOWN = "987654321"
"""An order and refill id the fake panel never issues."""
STEPS = 7
OPTIONS = {
    "scan_interval": 1,
    "low_balance_threshold": 0,
    "max_order_cost": 0,
    "finished_order_retention": 24,
}


def step(number: int, text: str) -> None:
    """A progress line in the lane's output."""
    print(f"\n== newest lane, step {number}/{STEPS}: {text}", flush=True)  # noqa: T201


async def _config_flow(lane: Lane) -> str:
    """The user step: a wrong key is refused with invalid_auth, the right one creates the entry."""
    rest = lane.rest
    flow = await rest.call("POST", "/api/config/config_entries/flow", json={"handler": DOMAIN})
    assert (flow["type"], flow["step_id"]) == ("form", "user"), flow
    path = f"/api/config/config_entries/flow/{flow['flow_id']}"
    wrong = await rest.call("POST", path, json={"url": lane.panel_url, "api_key": "wrong-key"})
    assert wrong["type"] == "form", wrong
    assert wrong["errors"] == {"base": "invalid_auth"}, wrong
    created = await rest.call("POST", path, json={"url": lane.panel_url, "api_key": PANEL_KEY})
    assert created["type"] == "create_entry", created
    assert created["title"] == "127.0.0.1", created
    entry_id: str = created["result"]["entry_id"]
    return entry_id


def _entry_state(event: Any, entry_id: str) -> str | None:
    """The state of the entry in one config_entries/subscribe event, if it is in it."""
    for change in event:
        if change["entry"]["entry_id"] == entry_id:
            state: str = change["entry"]["state"]
            return state
    return None


async def _options(lane: Lane) -> None:
    """scan_interval 1 through the options flow; the entry unloads and loads again."""
    changes = await lane.ws.subscribe("config_entries/subscribe")
    rest = lane.rest
    form = await rest.call(
        "POST", "/api/config/config_entries/options/flow", json={"handler": lane.entry_id}
    )
    assert (form["type"], form["step_id"]) == ("form", "init"), form
    done = await rest.call(
        "POST", f"/api/config/config_entries/options/flow/{form['flow_id']}", json=OPTIONS
    )
    assert done["type"] == "create_entry", done
    index, _ = await changes.first(
        "the entry to unload", lambda e: _entry_state(e, lane.entry_id) not in (None, "loaded")
    )
    await changes.first(
        "the entry to load again",
        lambda e: _entry_state(e, lane.entry_id) == "loaded",
        start=index + 1,
    )
    diagnostics = await rest.call("GET", f"/api/diagnostics/config_entry/{lane.entry_id}")
    assert diagnostics["data"]["entry"]["options"] == OPTIONS, diagnostics["data"]["entry"]


async def _actions(lane: Lane, entities: dict[str, str], feeds: Feeds) -> str:
    """Every action once, its response checked; the one order left tracked."""
    services = shapes.check_services(await lane.act("get_services"))
    assert "1" in {row["service"] for row in services}, services
    shapes.check_found(
        await lane.ws.call_service(DOMAIN, "find_services", search="followers", quantity=1000),
        lane.entry_id,
        1000,
    )
    balance = await lane.state_where(entities["balance"], "a number", _is_number)
    link = "https://instagram.com/newest_lane"
    order = shapes.check_placed(await lane.act("add_order", service="1", link=link, quantity=1000))
    _, placed = await feeds.placed.first(
        f"order {order} placed", lambda e: e["data"]["order"] == order
    )
    shapes.check_placed_event(placed["data"], lane.entry_id, order)
    update = await feeds.event_entity(entities["order_update"], "placed", order)
    shapes.check_order_update(update, "placed", order)
    await lane.state_where(
        entities["balance"],
        "the balance to drop",
        lambda s: _is_number(s) and float(s["state"]) < float(balance["state"]),
    )
    first = shapes.check_statuses(
        await lane.act("get_order_status", orders=[order, UNKNOWN]), order, UNKNOWN
    )
    print(f"   order {order} placed, the panel says {first['status']}", flush=True)  # noqa: T201
    tracked = await lane.act("get_order_status")
    assert order in tracked["orders"], tracked

    other = shapes.check_placed(
        await lane.act("add_order", service="1", link=f"{link}_cancel", quantity=100)
    )
    cancels = shapes.check_rows(
        await lane.act("cancel_orders", orders=[other, UNKNOWN]),
        "cancels",
        "canceled",
        [other, UNKNOWN],
    )
    assert cancels[0].get("canceled") is True, cancels
    assert "error" in cancels[1], cancels
    assert await lane.act("untrack_orders", orders=[other]) == {"untracked": [other]}
    shapes.check_tracked(
        await lane.act("track_orders", orders=f"{other}, {UNKNOWN}"), [other], UNKNOWN
    )
    assert await lane.act("untrack_orders", orders=other) == {"untracked": [other]}
    return order


def _is_number(state: dict[str, Any]) -> bool:
    try:
        float(state["state"])
    except ValueError:
        return False
    return True


async def _completes(lane: Lane, entities: dict[str, str], order: str, feeds: Feeds) -> None:
    """The order completes: the status event, the event entity, the sensor; then a refill.

    Polls come every minute (scan_interval 1); `homeassistant.update_entity` on the balance
    sensor asks for one sooner (the coordinator's debouncer spaces them out).
    """

    async def nudge() -> None:
        await lane.ws.call("homeassistant", "update_entity", entity_id=entities["balance"])

    async def completed() -> Any:
        for event in feeds.changed.received:
            if event["data"]["order"] == order and event["data"]["new_status"] == "completed":
                return event
        return None

    event = await wait_until(
        f"smm_panel_order_status_changed to completed for {order}",
        completed,
        interval=2.0,
        nudge=nudge,
    )
    shapes.check_changed_event(event["data"], lane.entry_id, order)
    print(f"   {order}: {event['data']['old_status']} -> completed", flush=True)  # noqa: T201
    update = await feeds.event_entity(entities["order_update"], "completed", order)
    shapes.check_order_update(update, "completed", order)
    sensor = (await lane.entities(f"order_{order}"))[f"order_{order}"]
    await lane.state_where(sensor, "completed", lambda s: s["state"] == "completed")

    rows = shapes.check_rows(
        await lane.act("refill_orders", orders=[order, UNKNOWN]),
        "refills",
        "refill",
        [order, UNKNOWN],
    )
    assert isinstance(rows[0].get("refill"), str), rows
    assert "error" in rows[1], rows
    refills = [rows[0]["refill"]]
    shapes.check_refill_statuses(
        await lane.act("get_refill_status", refills=[*refills, UNKNOWN]), [*refills, UNKNOWN]
    )


async def _restart(lane: Lane, order: str) -> None:
    """SIGTERM, a clean exit, the same config again: the tracked order is back with its state."""
    await lane.ws.close()
    code = await lane.hass.stop()
    assert code == 0, f"hass exited with {code} on SIGTERM"
    lane.hass = await start_hass(lane.config_dir, 2, lane.logs)
    await wait_up(lane.rest, lane.hass, "/api/")
    assert lane.rest.token is not None
    lane.ws = await Websocket.connect(lane.rest.session, lane.rest.base, lane.rest.token)
    await wait_running(lane.ws)
    await confirm_http_config(lane.ws, lane.ha_port)
    sensor = (await lane.entities(f"order_{order}"))[f"order_{order}"]
    state = await lane.state_where(sensor, "completed", lambda s: s["state"] == "completed")
    assert state["attributes"]["order_id"] == order, state
    tracked = await lane.act("get_order_status")
    assert tracked["orders"][order]["status"] == "completed", tracked


async def _no_repairs_about_us(lane: Lane) -> None:
    """No repair issue of ours or about us (a deprecation HA found in our code would be one)."""
    issues = (await lane.ws.command("repairs/list_issues"))["issues"]
    ours = [i for i in issues if DOMAIN in (i.get("domain"), i.get("issue_domain"))]
    assert not ours, f"repair issues about smm_panel: {ours}"
    names = ", ".join(sorted(f"{i['domain']}.{i['issue_id']}" for i in issues))
    print(f"   repair issues (none about smm_panel): {names or 'none'}", flush=True)  # noqa: T201


def _check_logs(lane: Lane) -> None:
    """No WARNING or ERROR record naming smm_panel, in either run's log or output."""
    texts = []
    for run in (1, 2):
        log = hass_log(lane.config_dir, run).read_text(encoding="utf-8", errors="replace")
        # The loader's notice is logged on every start: if the parser misses it, it misses all.
        assert any(EXPECTED_WARNINGS[0] in record for record in problem_records(log)), (
            f"run {run}: the log parser found no loader warning: has the format changed?"
        )
        output = lane.config_dir / f"hass.run{run}.out"
        texts += [log, output.read_text(encoding="utf-8", errors="replace")]
    assert any("custom_components.smm_panel" in text for text in texts), "no line of ours logged"
    assert not any(PANEL_KEY in text for text in texts), "the key reached Home Assistant's log"
    records = [record for text in texts for record in problem_records(text)]
    others = sorted({record.splitlines()[0] for record in records if not names_us(record)})
    print(f"   {len(others)} warnings/errors that are not about our code:", flush=True)  # noqa: T201
    for headline in others:
        print(f"     {headline[:160]}", flush=True)  # noqa: T201
    ours = list(dict.fromkeys(record for record in records if names_us(record)))
    assert not ours, "warnings or errors about smm_panel:\n" + "\n\n".join(ours)


async def _scenario(tmp_path: Path, logs: Logs) -> None:
    ha_port, panel_port = free_ports(2)
    config_dir = tmp_path / "config"
    write_config(config_dir, ha_port)
    panel = await start_panel(panel_port, tmp_path / "fake-panel.log", logs)
    hass = await start_hass(config_dir, 1, logs)
    lane: Lane | None = None
    try:
        async with aiohttp.ClientSession() as session:
            rest = Rest(session, f"http://127.0.0.1:{ha_port}")
            step(1, "onboarding over REST, the websocket authenticated")
            await wait_up(rest, hass, "/api/onboarding")
            rest.token = await onboard(rest)
            ws = await Websocket.connect(session, rest.base, rest.token)
            await wait_running(ws)
            panel_url = f"http://127.0.0.1:{panel_port}/api/v2"
            lane = Lane(config_dir, ha_port, panel_url, logs, hass, rest, ws)
            await confirm_http_config(ws, ha_port)
            step(2, "the config flow: a wrong key (invalid_auth), then the right one")
            lane.entry_id = await _config_flow(lane)
            entities = await lane.entities("balance", "active_orders", "order_update")
            step(3, "the options flow (scan_interval 1) reloads the entry")
            await _options(lane)
            step(4, "every action over the websocket, with its response")
            feeds = await Feeds.subscribe(ws)
            order = await _actions(lane, entities, feeds)
            step(5, f"order {order} completes: events, event entity, sensor; a refill")
            await _completes(lane, entities, order, feeds)
            await _no_repairs_about_us(lane)
            step(6, "restart: SIGTERM, start again, the tracked order is back")
            await _restart(lane, order)
            await _no_repairs_about_us(lane)
            await lane.ws.close()
        code = await lane.hass.stop()
        assert code == 0, f"hass exited with {code} on SIGTERM"
    finally:
        try:
            await (lane.hass if lane is not None else hass).stop()
        finally:
            await panel.stop()
    step(7, "no warning or error about smm_panel in Home Assistant's logs")
    _check_logs(lane)


def test_newest_home_assistant_in_a_real_process(tmp_path: Path) -> None:
    """The whole user journey on the newest Home Assistant; the logs' tails if it fails."""
    logs = Logs()
    with tails_on_failure(logs):
        asyncio.run(_scenario(tmp_path, logs))
