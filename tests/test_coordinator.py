"""The poll (CONTRACT §7): request counts, events, errors, retention, catalogue, failures."""

from __future__ import annotations

from datetime import timedelta
from math import ceil
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.smm_panel.api import OrderState, RefillState
from custom_components.smm_panel.const import (
    DOMAIN,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
)
from custom_components.smm_panel.sensor import SmmOrderSensor
from tests.conftest import API_KEY
from tests.fake_panel import (
    DELIVERY_SECONDS,
    PENDING_SECONDS,
    REFILL_PENDING_SECONDS,
    REFILL_WORK_SECONDS,
    SERVICE_FOLLOWERS,
    SERVICE_VIEWS,
    FakePanel,
    Fault,
)
from tests.polling_helpers import (
    ACTIVE_ORDERS,
    BALANCE,
    ENTRY_ID,
    STORAGE_KEY,
    fire_poll,
    flow_sources,
    order_entity,
    restart_entry,
    seed_orders,
    seed_storage,
    setup_entry,
    setup_with_order,
    state_of,
    tracked_order,
    tracked_refill,
)


def _seed_bulk(
    panel: FakePanel, hass_storage: dict[str, Any], active: int, refills: int
) -> tuple[set[str], set[str], set[str], set[str]]:
    """`active` unfinished orders and `refills` unfinished refills, plus finished ones of each.

    Returns (unfinished order ids, finished order ids, unfinished refill ids, finished refill ids).
    """
    now = dt_util.utcnow()
    unfinished = [
        panel.create_order(SERVICE_FOLLOWERS, f"https://a.example/{i}") for i in range(active)
    ]
    finished = [
        panel.create_order(SERVICE_FOLLOWERS, f"https://f.example/{i}", status="Completed")
        for i in range(3)
    ]
    owners = unfinished + finished
    open_refills = [panel.create_refill(owners[i % len(owners)]) for i in range(refills)]
    done_refills = [panel.create_refill(order, status="Completed") for order in finished[:2]]
    seed_storage(
        hass_storage,
        [tracked_order(order_id) for order_id in unfinished]
        + [
            tracked_order(
                order_id, state=OrderState.COMPLETED, raw_status="Completed", finished_at=now
            )
            for order_id in finished
        ],
        [tracked_refill(r, panel.refills[r].order_id) for r in open_refills]
        + [
            tracked_refill(r, panel.refills[r].order_id, state=RefillState.COMPLETED)
            for r in done_refills
        ],
    )
    return set(unfinished), set(finished), set(open_refills), set(done_refills)


@pytest.mark.parametrize(
    ("active", "refills"),
    [(0, 0), (1, 1), (100, 100), (101, 101), (250, 250), (0, 101), (250, 0)],
)
async def test_requests_per_poll(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    active: int,
    refills: int,
) -> None:
    """1 balance + ⌈A/100⌉ status + ⌈R/100⌉ refill_status, finished records never asked."""
    unfinished, finished, open_refills, done_refills = _seed_bulk(
        panel, hass_storage, active, refills
    )
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    panel.reset_stats()

    await fire_poll(hass, freezer)

    expected = {"balance": 1, "status": ceil(active / 100), "refill_status": ceil(refills / 100)}
    assert panel.counts == {action: n for action, n in expected.items() if n}
    asked_orders = [i for r in panel.requests if r.action == "status" for i in r.ids]
    asked_refills = [i for r in panel.requests if r.action == "refill_status" for i in r.ids]
    assert all(len(r.ids) <= 100 for r in panel.requests)
    assert sorted(asked_orders) == sorted(unfinished)
    assert sorted(asked_refills) == sorted(open_refills)
    assert not finished & set(asked_orders)
    assert not done_refills & set(asked_refills)
    assert all("orders" in r.fields for r in panel.requests if r.action == "status")
    assert all("refills" in r.fields for r in panel.requests if r.action == "refill_status")
    assert state_of(hass, ACTIVE_ORDERS).state == str(active)


async def test_at_most_four_requests_in_flight(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> None:
    """Seven requests of one poll, slowed down: never more than 4 on the wire at once.

    No `freezer` here: the panel's latency sleeps on the event loop's (real) clock.
    """
    _seed_bulk(panel, hass_storage, 250, 250)
    await setup_entry(hass, config_entry)
    panel.reset_stats()
    panel.latency = 0.05

    await config_entry.runtime_data.coordinator.async_refresh()

    assert panel.counts == {"balance": 1, "status": 3, "refill_status": 3}
    assert 2 <= panel.max_in_flight <= 4


async def test_status_changes_fire_events(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The panel's clock moves orders on; each poll turns changes into states and events."""
    link = "https://insta.example/p/1"
    order_id = panel.create_order(SERVICE_FOLLOWERS, link, 1000)
    seed_storage(
        hass_storage,
        [
            tracked_order(
                order_id, service_id="1", service_name="Followers", link=link, quantity=1000
            )
        ],
    )
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    await setup_entry(hass, config_entry)
    entity_id = order_entity(order_id)
    assert state_of(hass, entity_id).state == "pending"
    assert events == []  # the first observation is no change

    await fire_poll(hass, freezer)  # nothing moved on the panel
    assert events == []

    panel.advance(PENDING_SECONDS + DELIVERY_SECONDS / 2)
    await fire_poll(hass, freezer)
    assert state_of(hass, entity_id).state == "in_progress"
    view = panel.order_view(order_id)
    assert [event.data for event in events] == [
        {
            "config_entry_id": ENTRY_ID,
            "order": order_id,
            "old_status": "pending",
            "new_status": "in_progress",
            "raw_status": "In progress",
            "remains": view.remains,
            "start_count": view.start_count,
            "charge": 0.9,
            "currency": "USD",
            "service": "1",
            "link": link,
        }
    ]
    assert state_of(hass, entity_id).attributes["delivered"] == 1000 - view.remains
    assert state_of(hass, entity_id).attributes["progress"] == 50.0

    # Progress without a status change: the entity follows, no event.
    panel.advance(DELIVERY_SECONDS / 4)
    await fire_poll(hass, freezer)
    assert len(events) == 1
    assert state_of(hass, entity_id).attributes["progress"] == 75.0

    panel.advance(DELIVERY_SECONDS)
    await fire_poll(hass, freezer)
    assert state_of(hass, entity_id).state == "completed"
    assert [(e.data["old_status"], e.data["new_status"]) for e in events] == [
        ("pending", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert events[-1].data["remains"] == 0
    assert state_of(hass, entity_id).attributes["progress"] == 100.0
    assert state_of(hass, ACTIVE_ORDERS).state == "0"

    # Finished: not asked about again.
    panel.reset_stats()
    await fire_poll(hass, freezer)
    assert panel.counts == {"balance": 1}


async def test_change_while_stopped_fires_event(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> None:
    """A stored status is an observation: a change found by the first poll is an event."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1", status="Canceled")
    seed_storage(
        hass_storage, [tracked_order(order_id, state=OrderState.PENDING, raw_status="Pending")]
    )
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    await setup_entry(hass, config_entry)
    assert [(e.data["old_status"], e.data["new_status"]) for e in events] == [
        ("pending", "canceled")
    ]


async def test_event_currency_falls_back_to_balance(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A panel without currencies in status answers: events and attributes use the balance's."""
    panel.quirks.missing_currency = True
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    order_id = await setup_with_order(hass, config_entry, panel, hass_storage)
    panel.advance(PENDING_SECONDS)
    await fire_poll(hass, freezer)
    assert len(events) == 1
    assert events[0].data["currency"] is None  # neither the order nor the balance say it
    assert events[0].data["service"] is None
    assert events[0].data["link"] is None

    panel.quirks.missing_currency = False
    panel.set_order_status(order_id, "Completed")
    await fire_poll(hass, freezer)
    assert events[1].data["currency"] == "USD"


async def test_refill_status_changes_fire_events(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Refills go Pending → In progress → Completed; each change is an event; then not polled."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1", status="Completed")
    refill_id = panel.create_refill(order_id)
    seed_storage(
        hass_storage,
        [
            tracked_order(
                order_id,
                state=OrderState.COMPLETED,
                raw_status="Completed",
                finished_at=dt_util.utcnow(),
                refill_id=refill_id,
            ),
            tracked_order("424242"),  # unknown to the panel
        ],
        [tracked_refill(refill_id, order_id), tracked_refill("777", "424242")],
    )
    events = async_capture_events(hass, EVENT_REFILL_STATUS_CHANGED)
    await setup_entry(hass, config_entry)
    entity_id = order_entity(order_id)
    assert state_of(hass, entity_id).attributes["refill_id"] == refill_id
    assert state_of(hass, entity_id).attributes["refill_status"] == "pending"
    assert events == []

    panel.advance(REFILL_PENDING_SECONDS)
    await fire_poll(hass, freezer)
    assert state_of(hass, entity_id).attributes["refill_status"] == "in_progress"
    assert [event.data for event in events] == [
        {
            "config_entry_id": ENTRY_ID,
            "refill": refill_id,
            "order": order_id,
            "old_status": "pending",
            "new_status": "in_progress",
            "raw_status": "In progress",
        }
    ]

    panel.advance(REFILL_WORK_SECONDS)
    await fire_poll(hass, freezer)
    assert state_of(hass, entity_id).attributes["refill_status"] == "completed"
    assert events[-1].data["new_status"] == "completed"

    # The completed refill is not asked about again; the unknown one ("Refill not found") is.
    panel.reset_stats()
    await fire_poll(hass, freezer)
    assert [r.ids for r in panel.requests if r.action == "refill_status"] == [("777",)]
    assert len(events) == 2


async def test_per_order_errors(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """An unknown id sets `error`; three in a row finish the order; a good answer clears it."""
    seed_storage(hass_storage, [tracked_order("23501"), tracked_order("99999")])
    await setup_entry(hass, config_entry)
    late, lost = order_entity("23501"), order_entity("99999")
    for entity_id in (late, lost):
        assert state_of(hass, entity_id).state == STATE_UNKNOWN
        assert state_of(hass, entity_id).attributes["error"] == "Incorrect order ID"
    tracker = config_entry.runtime_data.tracker
    assert tracker.orders["99999"].error_count == 1

    # The panel now knows 23501 (ids are sequential): the error is cleared.
    assert panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1") == "23501"
    await fire_poll(hass, freezer)
    assert state_of(hass, late).state == "pending"
    assert state_of(hass, late).attributes["error"] is None
    assert tracker.orders["23501"].error_count == 0

    await fire_poll(hass, freezer)
    assert tracker.orders["99999"].error_count == 3
    assert tracker.orders["99999"].finished
    assert state_of(hass, ACTIVE_ORDERS).state == "1"

    panel.reset_stats()
    await fire_poll(hass, freezer)
    assert [r.ids for r in panel.requests if r.action == "status"] == [("23501",)]

    # Finished orders leave after the retention time (24 h by default), entity and all.
    await fire_poll(hass, freezer, timedelta(hours=24))
    assert "99999" not in tracker.orders
    assert hass.states.get(lost) is None
    assert entity_registry.async_get(lost) is None
    assert hass.states.get(late) is not None


@pytest.mark.parametrize("entry_options", [{"finished_order_retention": 2}])
async def test_retention(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """A finished order stays tracked `finished_order_retention` hours, then leaves."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/1")
    other = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/2", status="In progress")
    refill_id = panel.create_refill(order_id)
    seed_storage(
        hass_storage,
        [tracked_order(order_id, refill_id=refill_id), tracked_order(other)],
        [tracked_refill(refill_id, order_id)],
    )
    await setup_entry(hass, config_entry)
    tracker = config_entry.runtime_data.tracker
    entity_id = order_entity(order_id)

    panel.set_order_status(order_id, "Completed")
    await fire_poll(hass, freezer)
    assert tracker.orders[order_id].finished

    await fire_poll(hass, freezer, timedelta(hours=2) - timedelta(minutes=5))
    assert state_of(hass, entity_id).state == "completed"
    assert entity_registry.async_get(entity_id) is not None

    await fire_poll(hass, freezer)  # polls come every 5 minutes
    assert order_id not in tracker.orders
    assert refill_id not in tracker.refills  # its refills go with it
    assert hass.states.get(entity_id) is None
    assert entity_registry.async_get(entity_id) is None
    assert state_of(hass, order_entity(other)).state == "in_progress"

    # Untracked for good: no longer asked about, and not back after a restart.
    panel.reset_stats()
    await fire_poll(hass, freezer)
    assert [r.ids for r in panel.requests if r.action == "status"] == [(other,)]
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id) is None
    assert state_of(hass, order_entity(other)).state == "in_progress"


@pytest.mark.parametrize("entry_options", [{"finished_order_retention": 0}])
async def test_retention_zero(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """With 0 hours an order is untracked by the poll that sees it finish (event still fired)."""
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    order_id = await setup_with_order(hass, config_entry, panel, hass_storage)
    entity_id = order_entity(order_id)
    assert state_of(hass, entity_id).state == "pending"

    panel.set_order_status(order_id, "Partial")
    await fire_poll(hass, freezer)
    assert [e.data["new_status"] for e in events] == ["partial"]
    assert hass.states.get(entity_id) is None
    assert entity_registry.async_get(entity_id) is None
    assert config_entry.runtime_data.tracker.orders == {}


async def test_catalogue_refreshed_daily(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The catalogue is fetched at setup, then again only once it is 24 h old."""
    await setup_entry(hass, config_entry)
    assert panel.counts["services"] == 1
    coordinator = config_entry.runtime_data.coordinator
    assert coordinator.tracker.catalogue is not None
    assert len(coordinator.tracker.catalogue.services) == len(panel.listed_services())

    for _ in range(3):
        await fire_poll(hass, freezer)
    assert panel.counts["services"] == 1

    await fire_poll(hass, freezer, timedelta(hours=24) - timedelta(minutes=15))
    assert panel.counts["services"] == 2
    assert coordinator.stats.catalogue_fetches == 2
    await fire_poll(hass, freezer)
    assert panel.counts["services"] == 2


async def test_catalogue_failure_retried_hourly(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed catalogue fetch does not fail the poll; it is tried again an hour later."""
    panel.inject(Fault.HTTP_503, action="services", times=2)
    await setup_entry(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    assert "Could not fetch the service catalogue" in caplog.text
    coordinator = config_entry.runtime_data.coordinator
    assert coordinator.tracker.catalogue is None
    assert panel.counts["services"] == 2  # one try, retried once by the client

    await fire_poll(hass, freezer)
    assert panel.counts["services"] == 2
    assert state_of(hass, BALANCE).state != STATE_UNAVAILABLE

    await fire_poll(hass, freezer, timedelta(minutes=55))
    assert panel.counts["services"] == 3
    assert coordinator.tracker.catalogue is not None


async def test_recovery_after_failures(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed poll makes everything unavailable and keeps the data; logged once each way."""
    order_id = await setup_with_order(hass, config_entry, panel, hass_storage)
    coordinator = config_entry.runtime_data.coordinator
    data = coordinator.data
    entity_ids = (BALANCE, ACTIVE_ORDERS, order_entity(order_id))
    caplog.clear()

    for _ in range(2):
        panel.inject(Fault.HTTP_503, action="balance", times=2)  # reads are retried once
        await fire_poll(hass, freezer)
        assert [state_of(hass, entity_id).state for entity_id in entity_ids] == [
            STATE_UNAVAILABLE
        ] * 3
        assert coordinator.data is data
    assert coordinator.stats.failures == 2
    assert coordinator.stats.last_error == "127.0.0.1 answered HTTP 503"

    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == "100.84292"
    assert state_of(hass, ACTIVE_ORDERS).state == "1"
    assert state_of(hass, order_entity(order_id)).state == "pending"
    assert coordinator.stats.last_error is None
    assert caplog.text.count("Error fetching") == 1
    assert caplog.text.count("recovered") == 1


async def test_rate_limited(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """429 with Retry-After fails the poll (not retried); the next poll recovers."""
    await setup_entry(hass, config_entry)
    panel.reset_stats()
    panel.inject(Fault.RATE_LIMITED, action="balance", retry_after=60)
    await fire_poll(hass, freezer)
    assert panel.counts == {"balance": 1}
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    coordinator = config_entry.runtime_data.coordinator
    assert coordinator.last_update_success is False
    assert coordinator.stats.last_error == "127.0.0.1 is rate limiting requests"
    # The panel's wait rides on the failure (Home Assistant 2025.12+ defers the next poll).
    assert getattr(coordinator.last_exception, "retry_after", None) == pytest.approx(60, abs=1)

    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == "100.84292"


async def test_rejected_key_starts_reauth(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The key rejected mid-life (even behind another failure) starts reauth."""
    await setup_with_order(hass, config_entry, panel, hass_storage)
    panel.key = "a-new-key"
    panel.inject(Fault.HTTP_503, action="balance", times=2)  # the first error is not the key's
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert flow_sources(hass) == [SOURCE_REAUTH]
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["context"]["entry_id"] == config_entry.entry_id


async def test_rejected_key_at_catalogue_refresh(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The daily catalogue fetch meeting a rejected key also starts reauth."""
    await setup_entry(hass, config_entry)
    panel.key = "a-new-key"
    panel.reset_stats()
    await fire_poll(hass, freezer, timedelta(hours=24))
    assert panel.counts == {"services": 1}  # the poll stops there
    assert flow_sources(hass) == [SOURCE_REAUTH]


async def test_unchanged_poll_writes_nothing(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """No change, no state writes; k changed orders: k order writes plus the summaries."""
    order_ids = seed_orders(
        panel, hass_storage, 6, site="v.example", service=SERVICE_VIEWS, status="In progress"
    )
    await setup_entry(hass, config_entry)
    changed: list[str] = []

    @callback
    def _listen(event: Event[Any]) -> None:
        changed.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, _listen)
    write = SmmOrderSensor.async_write_ha_state
    with patch.object(
        SmmOrderSensor, "async_write_ha_state", autospec=True, side_effect=write
    ) as order_writes:
        await fire_poll(hass, freezer)
        await fire_poll(hass, freezer)
        assert changed == []
        assert order_writes.call_count == 0

        panel.set_order_status(order_ids[0], "Completed")
        panel.set_order_status(order_ids[1], "Canceled")  # refunded: the balance moves too
        await fire_poll(hass, freezer)
        assert order_writes.call_count == 2
    order_changes = sorted(e for e in changed if e.startswith("sensor.") and "_order_" in e)
    assert order_changes == sorted(order_entity(order_id) for order_id in order_ids[:2])
    # Besides: the summaries, the orders list, and the events announcing the two changes.
    others = {BALANCE, ACTIVE_ORDERS, "todo.127_0_0_1_orders", "event.127_0_0_1_order_update"}
    assert set(changed) - set(order_changes) <= others
    assert changed.count("event.127_0_0_1_order_update") == 2  # one per changed order
    assert len([e for e in changed if not e.startswith("event.")]) == len(set(changed)) - 1
    assert state_of(hass, ACTIVE_ORDERS).state == "4"


async def test_key_never_leaks(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Through polls, failures and a rejected key: the key is in no log line, state or repr."""
    await setup_with_order(hass, config_entry, panel, hass_storage)  # caplog logs at DEBUG level
    for fault in (Fault.HTTP_503, Fault.MALFORMED_JSON, Fault.RATE_LIMITED, Fault.DROP_BEFORE):
        panel.inject(fault, times=2)
        await fire_poll(hass, freezer)
    panel.key = "a-new-key"
    await fire_poll(hass, freezer)
    runtime = config_entry.runtime_data
    texts = [
        caplog.text,
        repr(runtime),
        repr(runtime.client),
        repr(runtime.coordinator.stats),
        repr(config_entry),
        *(repr(state.as_dict()) for state in hass.states.async_all()),
    ]
    assert runtime.coordinator.stats.failures >= 3
    assert all(API_KEY not in text for text in texts)


async def test_balance_without_currency_keeps_the_last_known_one(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A panel that leaves `currency` out later: the unit stays, across a restart too."""
    await setup_with_order(hass, config_entry, panel, hass_storage)
    assert state_of(hass, BALANCE).attributes["unit_of_measurement"] == "USD"
    panel.quirks.missing_currency = True
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).attributes["unit_of_measurement"] == "USD"

    hass.config.currency = "EUR"  # Home Assistant's own currency is never taken instead
    await restart_entry(hass, config_entry)
    assert state_of(hass, BALANCE).attributes["unit_of_measurement"] == "USD"
    assert hass_storage[STORAGE_KEY]["data"]["currency"] == "USD"


async def test_suspended_account_starts_reauth_with_the_panels_words(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An account-level refusal is shown in the panel's words and starts reauth."""
    await setup_with_order(hass, config_entry, panel, hass_storage)
    body = {"error": "Your account has been suspended."}
    panel.inject(Fault.WRONG_SHAPE, action="balance", body=body, times=2)
    await fire_poll(hass, freezer)
    assert state_of(hass, BALANCE).state == STATE_UNAVAILABLE
    assert flow_sources(hass) == [SOURCE_REAUTH]
    assert "Your account has been suspended." in caplog.text
