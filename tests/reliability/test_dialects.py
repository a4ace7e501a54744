"""The integration against every dialect of real panel software (PROTOCOL.md §8), as a user
sees it: the balance, an order's life, subscriptions, the catalogue and the currency.

Each test runs once per dialect; where a dialect shows something differently, the tables
below say what the user must see. Refills, cancels, tracking, a rejected key and rate limits
are in test_dialects_orders.py and test_dialects_errors.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import EVENT_ORDER_STATUS_CHANGED
from tests.conftest import API_KEY
from tests.fake_panel import (
    DELIVERY_SECONDS,
    DIALECT_NAMES,
    PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    SERVICE_SUBSCRIPTIONS,
    FakePanel,
    dialect,
)
from tests.polling_helpers import (
    BALANCE,
    fire_poll,
    restart_entry,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
)
from tests.reliability.conftest import RAW_IN_PROGRESS, capture_events
from tests.services_common import LINK, call, order_state, runtime

RICH = Decimal("1234.56789")
"""A balance with thousands, so ``number_format`` writes it ``"1,234.57"``."""

BALANCE_SHOWN: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "1234.56789"),
    "smartpanel": "1234.57",  # number_format: grouped, two decimals
}
RAW_COMPLETED: dict[str, str] = {
    **dict.fromkeys(DIALECT_NAMES, "Completed"),
    "smartpanel": "completed",
}
RAW_SUBSCRIPTION_RUNNING: dict[str, str] = {
    **RAW_IN_PROGRESS,
    "smartpanel": "active",  # subscription_active, in lower case
    "laravel": "Active",
}
"""Dialect -> the raw status of a running subscription; every one reads as in_progress."""


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel, with a balance in the thousands."""
    return FakePanel(API_KEY, quirks=dialect(dialect_name), balance=RICH)


async def test_balance_is_read_exactly(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, dialect_name: str
) -> None:
    """The balance sensor shows the panel's balance to the digit, in its currency."""
    config_entry = setup_integration
    assert config_entry.state is ConfigEntryState.LOADED
    state = state_of(hass, BALANCE)
    assert state.state == BALANCE_SHOWN[dialect_name]
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "USD"
    catalogue = runtime(config_entry).tracker.catalogue
    assert catalogue is not None
    assert len(catalogue.services) == len(panel.listed_services())


async def test_order_moves_through_its_statuses(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    dialect_name: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """add_order answers; polls move the order Pending -> In progress -> Completed, with events.

    The dialects without a currency in status objects (smartpanel) show the account's.
    """
    await setup_entry(hass, config_entry)
    events = capture_events(hass)
    response = await call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000}
    )
    assert response is not None
    order_id = response["order"]
    assert isinstance(order_id, str)
    assert order_id in panel.orders
    assert response == {"order": order_id, "estimated_cost": 0.9, "currency": "USD"}
    assert order_state(hass, order_id).state == "pending"

    panel.advance(PENDING_SECONDS)
    await fire_poll(hass, freezer)
    assert order_state(hass, order_id).state == "in_progress"
    panel.advance(DELIVERY_SECONDS)
    await fire_poll(hass, freezer)
    state = order_state(hass, order_id)
    assert state.state == "completed"
    assert state.attributes["currency"] == "USD"
    assert state.attributes["remains"] == 0
    assert state.attributes["charge"] == 0.9
    assert state.attributes["raw_status"] == RAW_COMPLETED[dialect_name]
    asked = await call(hass, "get_order_status", {"orders": [order_id]})
    assert asked == {
        "orders": {
            order_id: {
                "status": "completed",
                "raw_status": RAW_COMPLETED[dialect_name],
                "charge": 0.9,
                "start_count": panel.order_view(order_id).start_count,
                "remains": 0,
                "currency": "USD",  # the account's where the status leaves it out
            }
        }
    }

    changes = [
        (e.data["order"], e.data["old_status"], e.data["new_status"], e.data["raw_status"])
        for e in events
        if e.event_type == EVENT_ORDER_STATUS_CHANGED
    ]
    assert changes == [
        (order_id, "pending", "in_progress", RAW_IN_PROGRESS[dialect_name]),
        (order_id, "in_progress", "completed", RAW_COMPLETED[dialect_name]),
    ]
    assert {e.data["currency"] for e in events} == {"USD"}
    assert events[0].event_type == "smm_panel_order_placed"


async def test_running_subscription_is_in_progress(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    dialect_name: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A running subscription (``Active`` where the dialect says so) reads as in_progress."""
    await setup_entry(hass, config_entry)
    order = {"username": "alice", "min": 100, "max": 200, "delay": 30, "posts": 5}
    response = await call(hass, "add_order", {"service": SERVICE_SUBSCRIPTIONS, **order})
    assert response is not None
    assert response == {"order": response["order"], "estimated_cost": 0.2, "currency": "USD"}
    panel.advance(PENDING_SECONDS)
    await fire_poll(hass, freezer)
    state = order_state(hass, str(response["order"]))
    assert state.attributes["raw_status"] == RAW_SUBSCRIPTION_RUNNING[dialect_name]
    assert state.state == "in_progress"
    assert response["order"] in runtime(config_entry).tracker.unfinished_order_ids()


@pytest.mark.usefixtures("setup_integration")
async def test_catalogue_full_and_empty(hass: HomeAssistant, panel: FakePanel) -> None:
    """get_services lists the catalogue; an empty one (``Empty Data``) is no services."""
    response = await call(hass, "get_services", {"refresh": True})
    assert response is not None
    services = cast(list[dict[str, Any]], response["services"])
    assert [s["service"] for s in services] == [s.id for s in panel.listed_services()]
    followers = panel.catalogue[SERVICE_FOLLOWERS]
    first = services[0]
    assert str(first.pop("type")).casefold() == followers.type.value.casefold()
    assert first == {
        "service": SERVICE_FOLLOWERS,
        "name": followers.name,
        "category": followers.category,
        "rate": 0.9,
        "min": 50,
        "max": 10000,
        "refill": True,
        "cancel": True,
        "dripfeed": False,
    }

    panel.catalogue = {}
    assert await call(hass, "get_services", {"refresh": True}) == {"services": []}
    assert panel.counts["services"] == 3  # setup, and each refresh


async def test_missing_currency_keeps_the_last_known(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A balance without currency keeps the account's, also across an unload and setup."""
    hass.config.currency = "EUR"  # Home Assistant's own: never the balance's unit here
    active = panel.create_order(SERVICE_FOLLOWERS, "https://c.example/1", 100)
    seed_storage(hass_storage, [tracked_order(active)])
    await setup_entry(hass, config_entry)
    assert state_of(hass, BALANCE).attributes[ATTR_UNIT_OF_MEASUREMENT] == "USD"

    panel.quirks.missing_currency = True
    await fire_poll(hass, freezer)
    state = state_of(hass, BALANCE)
    assert state.state != "unavailable"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "USD"
    assert order_state(hass, active).attributes["currency"] == "USD"

    await restart_entry(hass, config_entry)
    state = state_of(hass, BALANCE)
    assert state.state != "unavailable"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "USD"
    assert order_state(hass, active).attributes["currency"] == "USD"
