"""Sensors (CONTRACT §3): balance, active orders and one enum sensor per tracked order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import (
    ATTR_OPTIONS,
    ATTR_STATE_CLASS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.api import OrderState
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.sensor import SmmOrderSensor
from tests.fake_panel import (
    PENDING_SECONDS,
    SERVICE_FOLLOWERS,
    SERVICE_PACKAGE,
    SERVICE_VIEWS,
    FakePanel,
    RunningFakePanel,
)
from tests.polling_helpers import (
    ACTIVE_ORDERS,
    BALANCE,
    ENTRY_ID,
    ORDER_ATTRIBUTES,
    PlatformSnapshot,
    fire_poll,
    order_entity,
    restart_entry,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
    tracked_refill,
)
from tests.services_common import FOLLOWERS, LINK, call


def _seed_mixed(panel: FakePanel, hass_storage: dict[str, Any]) -> dict[str, str]:
    """Orders in every interesting shape; returns name → order id."""
    now = dt_util.utcnow()
    placed = panel.create_order(SERVICE_FOLLOWERS, "https://insta.example/p/placed", 1000)
    panel.advance(PENDING_SECONDS + 60)  # a quarter delivered
    done = panel.create_order(SERVICE_VIEWS, "https://video.example/done", 1000, status="Completed")
    refill = panel.create_refill(done)
    partial = panel.create_order(
        SERVICE_PACKAGE, "https://shop.example/partial", status="Partial", remains=1
    )
    ids = {"placed": placed, "done": done, "partial": partial, "lost": "99999"}
    seed_storage(
        hass_storage,
        [
            tracked_order(
                placed,
                service_id=SERVICE_FOLLOWERS,
                service_name="Instagram Followers",
                link="https://insta.example/p/placed",
                quantity=1000,
                placed_at=now - timedelta(minutes=2),
            ),
            tracked_order(
                done,
                service_id=SERVICE_VIEWS,
                link="https://video.example/done",
                quantity=1000,
                refill_id=refill,
            ),
            tracked_order(partial, quantity=1),
            tracked_order("99999"),
        ],
        [tracked_refill(refill, done)],
    )
    return ids


@pytest.mark.freeze_time("2025-05-01T12:00:00+00:00")
async def test_sensors_snapshot(
    panel: FakePanel, hass_storage: dict[str, Any], platform_snapshot: PlatformSnapshot
) -> None:
    """Every sensor: registry entry and state."""
    _seed_mixed(panel, hass_storage)
    await platform_snapshot(Platform.SENSOR)


async def test_order_attributes(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """An order sensor is an enum of the normalised status with every attribute of §3."""
    ids = _seed_mixed(panel, hass_storage)
    await setup_entry(hass, config_entry)

    state = state_of(hass, order_entity(ids["placed"]))
    assert state.state == "in_progress"
    assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
    assert state.attributes[ATTR_OPTIONS] == [s.value for s in OrderState]
    assert state.attributes["friendly_name"] == f"127.0.0.1 Order {ids['placed']}"
    assert set(state.attributes) >= ORDER_ATTRIBUTES
    view = panel.order_view(ids["placed"])
    assert {name: state.attributes[name] for name in ORDER_ATTRIBUTES} == {
        "order_id": ids["placed"],
        "service_id": SERVICE_FOLLOWERS,
        "service_name": "Instagram Followers",
        "link": "https://insta.example/p/placed",
        "quantity": 1000,
        "start_count": view.start_count,
        "remains": 750,
        "delivered": 250,
        "progress": 25.0,
        "charge": 0.9,
        "currency": "USD",
        "raw_status": "In progress",
        "placed_at": (dt_util.utcnow() - timedelta(minutes=2)).isoformat(),
        "refill_id": None,
        "refill_status": None,
        "error": None,
    }

    done = state_of(hass, order_entity(ids["done"]))
    assert done.state == "completed"
    assert done.attributes["refill_status"] == "pending"
    assert done.attributes["progress"] == 100.0

    partial = state_of(hass, order_entity(ids["partial"]))
    assert partial.state == "partial"
    assert partial.attributes["progress"] == 0.0  # a package: 1 unit, still remaining

    lost = state_of(hass, order_entity("99999"))
    assert lost.state == "unknown"
    assert lost.attributes["error"] == "Incorrect order ID"
    assert lost.attributes["progress"] is None

    active = state_of(hass, ACTIVE_ORDERS)
    assert active.state == "2"  # placed and lost; done and partial are finished
    assert active.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT


@pytest.mark.parametrize(
    ("currency", "missing", "unit"), [("EUR", False, "EUR"), ("EUR", True, "SAR")]
)
async def test_balance(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    currency: str,
    missing: bool,
    unit: str,
) -> None:
    """Monetary, total, in the panel's currency; Home Assistant's when the panel omits it."""
    hass.config.currency = "SAR"
    panel.currency = currency
    panel.quirks.missing_currency = missing
    panel.balance = "12.5"
    await setup_entry(hass, config_entry)
    state = state_of(hass, BALANCE)
    assert state.state == "12.50000"
    assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.MONETARY
    assert state.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == unit

    panel.balance = "7.25"
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == "7.25000"


async def test_device_and_unique_ids(
    running_panel: RunningFakePanel,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    setup_order: str,
) -> None:
    """One service device per entry; every unique id starts with the entry id."""
    order_id = setup_order
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert [d.identifiers for d in devices] == [{(DOMAIN, ENTRY_ID)}]
    device = devices[0]
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert device.manufacturer == "SMM panel"
    assert device.name == "127.0.0.1"
    assert device.configuration_url == f"http://127.0.0.1:{running_panel.port}"
    entries = er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
    assert {entry.unique_id for entry in entries} == {
        f"{ENTRY_ID}_balance",
        f"{ENTRY_ID}_spent",
        f"{ENTRY_ID}_active_orders",
        f"{ENTRY_ID}_order_{order_id}",
        f"{ENTRY_ID}_order_update",
        f"{ENTRY_ID}_refill_update",
        f"{ENTRY_ID}_catalogue_update",
        f"{ENTRY_ID}_orders",
    }
    assert {entry.device_id for entry in entries} == {device.id}
    assert all(entry.has_entity_name for entry in entries)
    assert {entry.translation_key for entry in entries} == {
        "balance",
        "spent",
        "active_orders",
        "order",
        "order_update",
        "refill_update",
        "catalogue_update",
        "orders",
    }


async def test_order_entities_follow_tracking(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """An entity appears when an order is tracked and leaves the registry when it is not."""
    await setup_entry(hass, config_entry)
    tracker = config_entry.runtime_data.tracker
    first = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1")
    second = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/2")
    await tracker.async_track([tracked_order(first), tracked_order(second)])
    await hass.async_block_till_done()
    for order_id in (first, second):
        assert entity_registry.async_get(order_entity(order_id)) is not None
        assert state_of(hass, order_entity(order_id)).state == "unknown"  # not polled yet
    assert state_of(hass, ACTIVE_ORDERS).state == "2"

    await fire_poll(hass, freezer)
    assert state_of(hass, order_entity(first)).state == "pending"

    await tracker.async_untrack([first])
    await hass.async_block_till_done()
    assert entity_registry.async_get(order_entity(first)) is None
    assert hass.states.get(order_entity(first)) is None
    assert state_of(hass, ACTIVE_ORDERS).state == "1"

    # Its registry entry deleted by hand first: untracking still works.
    entity_registry.async_remove(order_entity(second))
    await hass.async_block_till_done()
    await tracker.async_untrack([second])
    await hass.async_block_till_done()
    assert hass.states.get(order_entity(second)) is None

    # Tracked again later: a new entity.
    await tracker.async_track([tracked_order(first)])
    await hass.async_block_till_done()
    assert entity_registry.async_get(order_entity(first)) is not None


async def test_stale_order_entities_removed_at_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Registry entries of orders no longer tracked (e.g. storage lost) are removed at setup."""
    config_entry.add_to_hass(hass)
    stale = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{ENTRY_ID}_order_123", config_entry=config_entry
    )
    other = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{ENTRY_ID}_something_else", config_entry=config_entry
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(stale.entity_id) is None
    assert entity_registry.async_get(other.entity_id) is not None


async def test_order_entity_without_order(
    hass: HomeAssistant, config_entry: MockConfigEntry, setup_order: str
) -> None:
    """An order sensor whose record is gone (about to be removed) is unavailable and empty."""
    order_id = setup_order
    coordinator = config_entry.runtime_data.coordinator
    assert SmmOrderSensor(coordinator, order_id).available
    coordinator.data = replace(coordinator.data, orders=MappingProxyType({}))
    sensor = SmmOrderSensor(coordinator, order_id)
    assert not sensor.available
    assert sensor.native_value is None
    assert sensor.extra_state_attributes == {}

    # The live entity is not left behind showing a record that is gone: it leaves at once.
    coordinator.async_update_listeners()
    assert hass.states.get(order_entity(order_id)) is None


SPENT = "sensor.127_0_0_1_spent"


async def test_spent_follows_estimates_then_charges(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Spend: each add_order's estimate, replaced by the panel's charge; a partial's refund
    lowers it; untracking, restarts and orders placed elsewhere leave it as it is."""
    elsewhere = panel.create_order(SERVICE_VIEWS, "https://v.example/1", 1000)
    await setup_entry(hass, config_entry)
    spent = state_of(hass, SPENT)
    assert spent.state == "0"
    assert spent.attributes[ATTR_UNIT_OF_MEASUREMENT] == "USD"
    assert spent.attributes[ATTR_STATE_CLASS] is SensorStateClass.TOTAL

    tracked = await call(hass, "add_order", FOLLOWERS)  # 0.90
    untracked = {**FOLLOWERS, "link": f"{LINK}/2", "track": False}
    await call(hass, "add_order", untracked)  # 0.90 as well, never polled
    assert float(state_of(hass, SPENT).state) == pytest.approx(1.8)
    await call(hass, "track_orders", {"orders": [elsewhere]})
    assert float(state_of(hass, SPENT).state) == pytest.approx(1.8)

    assert tracked is not None
    panel.set_order_status(str(tracked["order"]), "Partial", remains=400)  # 0.54 charged
    await fire_poll(hass, freezer)
    assert float(state_of(hass, SPENT).state) == pytest.approx(1.44)

    await call(hass, "untrack_orders", {"orders": [tracked["order"]]})
    await restart_entry(hass, config_entry)
    assert float(state_of(hass, SPENT).state) == pytest.approx(1.44)
    assert config_entry.runtime_data.tracker.spent == Decimal("1.44")  # exact, not a float


async def test_order_history_leaves_static_attributes_out(
    hass: HomeAssistant, setup_order: str
) -> None:
    """What never changes for an order is not written to the recorder (CONTRACT §10)."""
    order_id = setup_order
    component = hass.data["entity_components"]["sensor"]
    entity = component.get_entity(order_entity(order_id))
    assert entity is not None
    assert entity._unrecorded_attributes == {
        "order_id",
        "service_id",
        "service_name",
        "link",
        "quantity",
        "placed_at",
        "currency",
        "refill_id",
    }
    assert entity._unrecorded_attributes <= set(state_of(hass, order_entity(order_id)).attributes)
