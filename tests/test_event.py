"""The event entities of event.py (CONTRACT §10): order, refill and catalogue updates."""

from __future__ import annotations

from typing import Any, cast

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import Event, HomeAssistant, State, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import (
    EVENT_CATALOGUE_CHANGED,
    EVENT_ORDER_STATUS_CHANGED,
)
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault
from tests.polling_helpers import BALANCE, PlatformSnapshot, fire_poll, setup_entry, state_of
from tests.services_common import ENTRY_ID, FOLLOWERS, LINK, call

ORDER_UPDATE = "event.127_0_0_1_order_update"
REFILL_UPDATE = "event.127_0_0_1_refill_update"
CATALOGUE_UPDATE = "event.127_0_0_1_catalogue_update"
FOLLOWERS_NAME = "Instagram Followers [Refill 30D]"


def _event(state: State) -> dict[str, Any]:
    """The last event's type and attributes, without the entity's own attributes."""
    own = {"event_types", "friendly_name", "icon"}
    return {key: value for key, value in state.attributes.items() if key not in own}


@pytest.mark.freeze_time("2025-05-01T12:00:00+00:00")
async def test_event_entities_snapshot(platform_snapshot: PlatformSnapshot) -> None:
    """The three event entities: registry entries, event types, no event yet."""
    await platform_snapshot(Platform.EVENT)


@pytest.mark.usefixtures("setup_integration")
async def test_order_update_placed_then_status(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory
) -> None:
    """`placed` when add_order succeeds, then each new status a poll finds; never the link."""
    assert state_of(hass, ORDER_UPDATE).state == STATE_UNKNOWN
    response = await call(hass, "add_order", FOLLOWERS)
    assert response is not None
    order_id = str(response["order"])
    placed = state_of(hass, ORDER_UPDATE)
    assert _event(placed) == {
        "event_type": "placed",
        "order": order_id,
        "service": SERVICE_FOLLOWERS,
        "service_name": FOLLOWERS_NAME,
        "raw_status": None,
        "remains": None,
        "charge": None,
        "currency": "USD",
    }
    assert LINK not in str(placed.attributes)

    await fire_poll(hass, freezer)  # the first look at the order is no change
    assert state_of(hass, ORDER_UPDATE).state == placed.state
    panel.set_order_status(order_id, "Partial", remains=400)
    freezer.tick(1)
    await fire_poll(hass, freezer)
    partial = state_of(hass, ORDER_UPDATE)
    assert partial.state != placed.state
    assert _event(partial) == {
        "event_type": "partial",
        "order": order_id,
        "service": SERVICE_FOLLOWERS,
        "service_name": FOLLOWERS_NAME,
        "raw_status": "Partial",
        "remains": 400,
        "charge": pytest.approx(0.54),
        "currency": "USD",
    }


@pytest.mark.usefixtures("setup_integration")
async def test_only_this_entrys_events(hass: HomeAssistant) -> None:
    """Another entry's bus events are not announced here; an untracked order has no name."""
    data = {
        "order": "777",
        "new_status": "completed",
        "raw_status": "Completed",
        "service": "3",
    }
    hass.bus.async_fire(EVENT_ORDER_STATUS_CHANGED, {"config_entry_id": "other", **data})
    await hass.async_block_till_done()
    assert state_of(hass, ORDER_UPDATE).state == STATE_UNKNOWN

    hass.bus.async_fire(EVENT_ORDER_STATUS_CHANGED, {"config_entry_id": ENTRY_ID, **data})
    await hass.async_block_till_done()
    event = _event(state_of(hass, ORDER_UPDATE))
    assert event["event_type"] == "completed"
    assert event["service_name"] is None


async def test_placed_without_catalogue_entry(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """A placed order whose service the cached catalogue no longer lists has no name."""
    setup_integration.runtime_data.tracker.catalogue = None
    hass.bus.async_fire(
        "smm_panel_order_placed",
        {"config_entry_id": ENTRY_ID, "order": "1", "service": "1", "currency": "USD"},
    )
    await hass.async_block_till_done()
    assert _event(state_of(hass, ORDER_UPDATE))["service_name"] is None


async def test_refill_update_requested_then_status(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """`requested` for every refill an action created, tracked or not; then its statuses."""
    tracked = panel.create_order(SERVICE_FOLLOWERS, LINK, 1000, status="Completed")
    untracked = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 1000, status="Completed")
    await setup_entry(hass, config_entry)
    await call(hass, "track_orders", {"orders": [tracked]})
    fired: list[dict[str, Any]] = []

    @callback  # in the loop, in firing order (a plain function would run in the executor)
    def _listen(event: Event[Any]) -> None:
        if event.data["entity_id"] == REFILL_UPDATE:
            fired.append(_event(event.data["new_state"]))

    hass.bus.async_listen("state_changed", _listen)

    response = await call(hass, "refill_orders", {"orders": [tracked, untracked]})
    assert response is not None
    rows = cast(list[dict[str, str]], response["refills"])
    refills = {row["order"]: row["refill"] for row in rows}
    await hass.async_block_till_done()
    assert fired == [
        {"event_type": "requested", "refill": refills[order], "order": order, "raw_status": None}
        for order in (tracked, untracked)
    ]

    await fire_poll(hass, freezer)  # the refill's first status is no change
    panel.set_refill_status(refills[tracked], "Completed")
    freezer.tick(1)
    await fire_poll(hass, freezer)
    assert _event(state_of(hass, REFILL_UPDATE)) == {
        "event_type": "completed",
        "refill": refills[tracked],
        "order": tracked,
        "raw_status": "Completed",
    }


@pytest.mark.usefixtures("setup_integration")
async def test_catalogue_update_counts_services(hass: HomeAssistant) -> None:
    """`changed` with the number of services added, removed and changed (not fields)."""
    hass.bus.async_fire(
        EVENT_CATALOGUE_CHANGED,
        {
            "config_entry_id": ENTRY_ID,
            "added": ["30"],
            "removed": ["4", "5"],
            "changed": [
                {"service": "1", "field": "rate", "old": 0.9, "new": 1.1},
                {"service": "1", "field": "min", "old": 50, "new": 100},
                {"service": "3", "field": "refill", "old": False, "new": True},
            ],
        },
    )
    await hass.async_block_till_done()
    assert _event(state_of(hass, CATALOGUE_UPDATE)) == {
        "event_type": "changed",
        "added": 1,
        "removed": 2,
        "changed": 2,
    }


@pytest.mark.usefixtures("setup_integration")
async def test_events_stay_available_when_a_poll_fails(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory
) -> None:
    """The last event is a fact, not a reading: a failed poll does not hide it."""
    await call(hass, "add_order", FOLLOWERS)
    shown = state_of(hass, ORDER_UPDATE).state
    panel.inject(Fault.HTTP_503, action="balance", times=2)
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert state_of(hass, ORDER_UPDATE).state == shown
    assert state_of(hass, REFILL_UPDATE).state == STATE_UNKNOWN
