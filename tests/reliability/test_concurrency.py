"""Concurrency: actions during a poll, simultaneous add_order calls, unload mid-poll.

The poll is started as a task and the actions run alongside it on the loop, so their requests
are on the wire together with the poll's (the fake panel counts the peak in flight).
Two simultaneous add_order calls without allow_duplicate are covered by
tests/test_orders.py::test_concurrent_duplicates_reach_the_panel_once; the
allow_duplicate case is added here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.fake_panel import PENDING_SECONDS, SERVICE_FOLLOWERS, FakePanel
from tests.polling_helpers import seed_orders, setup_entry, stored_data
from tests.reliability.conftest import flush_storage
from tests.services_common import LINK, call, runtime

FOLLOWERS = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100}


def _stored_ids(hass_storage: dict[str, Any]) -> set[str]:
    return {order["order_id"] for order in stored_data(hass_storage)["orders"]}


async def test_actions_during_poll_lose_nothing(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """add/track/untrack/cancel while a poll runs: every change is in memory and in storage."""
    seeded = seed_orders(panel, hass_storage, 5, site="s.example")
    other = panel.create_order(SERVICE_FOLLOWERS, "https://s.example/other")
    await setup_entry(hass, config_entry)
    data = runtime(config_entry)
    panel.advance(PENDING_SECONDS)

    poll = hass.async_create_task(data.coordinator.async_refresh())
    results = await asyncio.gather(
        call(hass, "add_order", FOLLOWERS),
        call(hass, "track_orders", {"orders": [other]}),
        call(hass, "untrack_orders", {"orders": [seeded[0]]}),
        call(hass, "cancel_orders", {"orders": [seeded[1]]}),
        call(hass, "get_order_status", {"orders": seeded}),
    )
    await poll
    await hass.async_block_till_done()
    added = results[0]
    assert added is not None
    expected = {*seeded[1:], other, added["order"]}
    assert set(data.tracker.orders) == expected
    await flush_storage(hass, freezer)
    assert _stored_ids(hass_storage) == expected
    assert panel.counts["add"] == 1
    assert data.coordinator.last_update_success


async def test_allow_duplicate_sends_both(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
) -> None:
    """With allow_duplicate, both simultaneous calls reach the panel (which, like real
    panels, refuses a second active order for the same link: a panel_error, nothing tracked).
    """
    panel.reset_stats()
    results = await asyncio.gather(
        call(hass, "add_order", {**FOLLOWERS, "allow_duplicate": True}),
        call(hass, "add_order", {**FOLLOWERS, "allow_duplicate": True}),
        return_exceptions=True,
    )
    await hass.async_block_till_done()
    assert panel.counts["add"] == 2
    placed = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ServiceValidationError)]
    assert len(placed) == 1
    assert len(refused) == 1
    assert refused[0].translation_key == "panel_error"
    assert set(runtime(setup_integration).tracker.orders) == {placed[0]["order"]}


async def test_unload_during_poll(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unloading while a poll is on the wire: no exception, tracking stored, nothing lingers."""
    seeded = seed_orders(panel, hass_storage, 3, site="u.example")
    await setup_entry(hass, config_entry)
    data = runtime(config_entry)
    panel.advance(PENDING_SECONDS)

    poll = hass.async_create_task(data.coordinator.async_refresh())
    await asyncio.sleep(0)  # the poll's requests are sent
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await poll
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert _stored_ids(hass_storage) == set(seeded)
    # The harness fails the test on lingering tasks or timers at teardown.
