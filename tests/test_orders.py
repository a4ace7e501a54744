"""The order desk (orders.py): money-moving actions that survive reload, unload, restart, removal.

A paid order must never be lost or doubled. The panel here holds its answer to `add`,
`refill` or `cancel` until the entry has started to reload, unload or be removed (or Home
Assistant to stop); the answer must then still be tracked and stored, the duplicate guard
must see it, and an entry being removed must leave no file behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.smm_panel import orders
from custom_components.smm_panel.api import OrderState
from custom_components.smm_panel.const import EVENT_ORDER_PLACED
from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_SUBSCRIPTIONS,
    FakePanel,
    Fault,
)
from tests.polling_helpers import (
    STORAGE_KEY,
    fire_poll,
    order_entity,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
)
from tests.services_common import LINK, PANEL_ACTION, call, runtime

FOLLOWERS = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000}
OPEN_SUBSCRIPTION = {"service": SERVICE_SUBSCRIPTIONS, "username": "alice", "min": 100}
OPEN_SUBSCRIPTION |= {"max": 200, "delay": 30}


def stored_orders(hass_storage: dict[str, Any]) -> list[str]:
    """The order ids in the test entry's storage file."""
    return [order["order_id"] for order in hass_storage[STORAGE_KEY]["data"]["orders"]]


# -- answers that hold an order id --------------------------------------------------------


async def test_order_id_with_an_error_text_is_a_placed_order(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`{"order": 23501, "error": "…"}`: placed and charged, so tracked, with a warning."""
    events = async_capture_events(hass, EVENT_ORDER_PLACED)
    text = "Order received, the link will be checked by a moderator"
    panel.inject(
        Fault.WRONG_SHAPE, action="add", body={"order": 23501, "error": text}, process=True
    )

    response = await call(hass, "add_order", FOLLOWERS)

    assert response == {
        "order": "23501",
        "estimated_cost": 0.9,
        "currency": "USD",
        "warning": text,
    }
    assert list(panel.orders) == ["23501"]
    assert stored_orders(hass_storage) == ["23501"]
    assert state_of(hass, order_entity("23501")).attributes["link"] == LINK
    assert [event.data["order"] for event in events] == ["23501"]
    assert text in caplog.text
    with pytest.raises(ServiceValidationError) as err:  # the guard knows it is active
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "duplicate_order"


@pytest.mark.parametrize(
    "body",
    [{"order": 0}, {"order": "0"}, {"order": ""}, {"order": None}, {"order": True}],
    ids=["zero", "zero-text", "empty", "null", "bool"],
)
async def test_answer_without_a_usable_id_is_outcome_unknown(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, body: object
) -> None:
    """No usable id: the order may exist, so it is reported as unknown and nothing is tracked."""
    panel.inject(Fault.WRONG_SHAPE, action="add", body=body, process=True)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "order_outcome_unknown"
    assert runtime(setup_integration).tracker.orders == {}
    assert panel.counts["add"] == 1


# -- open-ended subscriptions -------------------------------------------------------------


@pytest.mark.parametrize("entry_options", [{"max_order_cost": 1000.0}])
async def test_open_ended_subscription_is_refused_under_any_cost_limit(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Without `posts` it charges for every future post: no limit can be held against it."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", OPEN_SUBSCRIPTION)
    assert err.value.translation_key == "cost_limit_exceeded"
    assert err.value.translation_placeholders == {
        "cost": "∞",
        "limit": "1000",
        "currency": "USD",
    }
    assert panel.counts["add"] == 0
    # With `posts` the same subscription is bounded: 0.20 / 1000 x 200 x 5.
    response = await call(hass, "add_order", {**OPEN_SUBSCRIPTION, "posts": 5})
    assert response == {"order": "23501", "estimated_cost": 0.2, "currency": "USD"}


async def test_open_ended_subscription_without_a_limit_says_so(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """No cost limit set: it is placed, and the response says it is open-ended."""
    response = await call(hass, "add_order", OPEN_SUBSCRIPTION)
    assert response == {
        "order": "23501",
        "estimated_cost": 0.04,  # the first post: 0.20 / 1000 x 200
        "currency": "USD",
        "open_ended": True,
    }
    assert panel.counts["add"] == 1


# -- safe across reload, unload, restart and removal ----------------------------------------


async def _until(condition: Callable[[], bool]) -> None:
    """Let the loop run until `condition` holds (each step is one pass of the loop)."""
    async with asyncio.timeout(10):
        # Config entry states have no event to wait on: look again after each loop pass.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0)


async def _reload_by_options(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Change an option, as the options dialog does: the update listener reloads the entry."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, "scan_interval": 7})
    await _until(lambda: entry.state is not ConfigEntryState.LOADED)


type Lifecycle = Callable[[HomeAssistant, MockConfigEntry], Coroutine[Any, Any, object]]
"""Something that unloads the entry: a reload, an unload, a removal."""

LIFECYCLES: dict[str, Lifecycle] = {
    "reload": _reload_by_options,
    "unload": lambda hass, entry: hass.config_entries.async_unload(entry.entry_id),
    "remove": lambda hass, entry: hass.config_entries.async_remove(entry.entry_id),
}


async def _in_flight_during(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    panel: FakePanel,
    lifecycle: Lifecycle,
    action: str = "add_order",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Call `action`; the panel holds its answer until `lifecycle` has begun. The response."""
    hold = panel.hold(PANEL_ACTION[action])
    sending = asyncio.create_task(call(hass, action, FOLLOWERS if data is None else data))
    await hold.arrived.wait()
    changing = asyncio.create_task(lifecycle(hass, entry))
    await _until(lambda: entry.state is ConfigEntryState.UNLOAD_IN_PROGRESS)
    hold.release()
    response = await sending
    await changing
    await hass.async_block_till_done()
    assert isinstance(response, dict)
    return response


async def test_order_in_flight_during_reload_is_kept(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The reloaded entry tracks, stores and shows the order; the guard refuses it twice."""
    await setup_entry(hass, config_entry)
    response = await _in_flight_during(hass, config_entry, panel, _reload_by_options)

    assert response["order"] == "23501"
    await _until(lambda: config_entry.state is ConfigEntryState.LOADED)
    assert list(runtime(config_entry).tracker.orders) == ["23501"]
    assert state_of(hass, order_entity("23501")).state == "pending"
    assert stored_orders(hass_storage) == ["23501"]
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "duplicate_order"
    assert panel.counts["add"] == 1
    # The next saves of the reloaded entry keep it.
    await fire_poll(hass, freezer)
    freezer.tick(60)
    await fire_poll(hass, freezer)
    assert stored_orders(hass_storage) == ["23501"]


async def test_order_in_flight_during_unload_is_stored(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The unload waits for the answer: stored, and tracked again when the entry loads."""
    await setup_entry(hass, config_entry)
    response = await _in_flight_during(hass, config_entry, panel, LIFECYCLES["unload"])

    assert response["order"] == "23501"
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert stored_orders(hass_storage) == ["23501"]
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert list(runtime(config_entry).tracker.orders) == ["23501"]
    state_of(hass, order_entity("23501"))


async def test_order_in_flight_during_removal_leaves_no_file(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The order is placed and answered; the removed entry's storage file is gone for good."""
    await setup_entry(hass, config_entry)
    response = await _in_flight_during(hass, config_entry, panel, LIFECYCLES["remove"])

    assert response["order"] == "23501"
    assert hass.config_entries.async_get_entry(config_entry.entry_id) is None
    freezer.tick(60)  # past any delayed save that could write the file again
    await fire_poll(hass, freezer)
    assert not [key for key in hass_storage if key.startswith("smm_panel")]
    assert panel.counts["add"] == 1


async def test_order_in_flight_when_home_assistant_stops_is_stored(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Stopping does not unload entries: the stop waits for the answer and it is stored.

    New money-moving calls are refused from the moment Home Assistant stops.
    """
    await setup_entry(hass, config_entry)
    hold = panel.hold("add")
    placing = asyncio.create_task(call(hass, "add_order", FOLLOWERS))
    await hold.arrived.wait()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await _until(lambda: runtime(config_entry).desk.closed)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", {**FOLLOWERS, "link": f"{LINK}2"})
    assert err.value.translation_key == "entry_not_loaded"
    hold.release()
    response = await placing
    assert isinstance(response, dict)
    assert response["order"] == "23501"
    assert stored_orders(hass_storage) == ["23501"]
    assert panel.counts["add"] == 1

    # The next start reads it back.
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert list(runtime(config_entry).tracker.orders) == ["23501"]


@pytest.mark.parametrize(
    ("action", "panel_action"), [("refill_orders", "refill"), ("cancel_orders", "cancel")]
)
@pytest.mark.parametrize("lifecycle", list(LIFECYCLES))
async def test_refill_and_cancel_in_flight_are_answered(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    action: str,
    panel_action: str,
    lifecycle: str,
) -> None:
    """A refill or cancel the panel answers while the entry changes: answered, refill kept."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK)
    if action == "refill_orders":
        panel.set_order_status(order_id, "Completed")
    seed_storage(hass_storage, [tracked_order(order_id, service_id=SERVICE_FOLLOWERS)])
    await setup_entry(hass, config_entry)
    response = await _in_flight_during(
        hass, config_entry, panel, LIFECYCLES[lifecycle], action, {"orders": order_id}
    )

    assert panel.counts[panel_action] == 1
    if action == "cancel_orders":
        assert response == {"cancels": [{"order": order_id, "canceled": True}]}
        return
    refill_id = next(iter(panel.refills))
    assert response == {"refills": [{"order": order_id, "refill": refill_id}]}
    if lifecycle == "remove":
        assert not [key for key in hass_storage if key.startswith("smm_panel")]
        return
    stored = hass_storage[STORAGE_KEY]["data"]["refills"]
    assert [refill["refill_id"] for refill in stored] == [refill_id]


async def test_unload_waits_only_so_long(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request that never ends cannot hold the unload for ever: it goes on after the bound.

    On the real clock (no `freezer`): the bound is the loop's time, which freezegun stops.
    """
    monkeypatch.setattr(orders, "CLOSE_TIMEOUT", 0.05)
    await setup_entry(hass, config_entry)
    hold = panel.hold("add")
    placing = asyncio.create_task(call(hass, "add_order", FOLLOWERS))
    await hold.arrived.wait()
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert "1 request(s) to the panel still unanswered" in caplog.text
    hold.release()
    await placing  # the old entry's objects still take the answer
    assert panel.counts["add"] == 1


async def test_tracking_actions_wait_too(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> None:
    """track_orders in flight during an unload is stored before the unload ends."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, LINK)
    hold = panel.hold("status")
    tracking = asyncio.create_task(call(hass, "track_orders", {"orders": order_id}))
    await hold.arrived.wait()
    unloading = asyncio.create_task(hass.config_entries.async_unload(setup_integration.entry_id))
    await _until(lambda: setup_integration.state is ConfigEntryState.UNLOAD_IN_PROGRESS)
    hold.release()
    assert await tracking == {"tracked": [order_id], "errors": {}}
    assert await unloading
    assert stored_orders(hass_storage) == [order_id]
    record = hass_storage[STORAGE_KEY]["data"]["orders"][0]
    assert record["state"] == OrderState.PENDING
