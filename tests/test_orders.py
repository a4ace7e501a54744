"""The order desk (orders.py): the add_order workflow, refill and cancel, the lifecycle.

add_order against the fake panel: the service looked up in the catalogue (fetched again, once,
for an unknown one), the rules checked before anything is sent (fields, quantity, the cost
limit, open-ended subscriptions included, and the balance), the duplicate guard and the
per-entry lock, `add` sent once and never retried when its answer is lost or holds no usable
id, the placed order tracked, stored, shown as an entity and announced. Refills and cancels
poll again only when the panel accepted one.

A paid order must never be lost or doubled. In the lifecycle tests the panel holds its answer
to `add`, `refill` or `cancel` until the entry has started to reload, unload or be removed (or
Home Assistant to stop); the answer must then still be tracked and stored, the duplicate guard
must see it, and an entry being removed must leave no file behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.smm_panel import orders
from custom_components.smm_panel.api import OrderState
from custom_components.smm_panel.const import DOMAIN, EVENT_ORDER_PLACED
from tests.conftest import API_KEY
from tests.fake_panel import (
    SERVICE_COMMENT_REPLIES,
    SERVICE_CUSTOM_COMMENTS,
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_PACKAGE,
    SERVICE_PREMIUM,
    SERVICE_SUBSCRIPTIONS,
    SERVICE_WEB_TRAFFIC,
    FakePanel,
    Fault,
    Service,
    ServiceType,
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
from tests.services_common import (
    ENTRY_ID,
    FOLLOWERS,
    LINK,
    PANEL_ACTION,
    call,
    order_entity_id,
    order_state,
    runtime,
)

OPEN_SUBSCRIPTION = {"service": SERVICE_SUBSCRIPTIONS, "username": "alice", "min": 100}
OPEN_SUBSCRIPTION |= {"max": 200, "delay": 30}


def stored_orders(hass_storage: dict[str, Any]) -> list[str]:
    """The order ids in the test entry's storage file."""
    return [order["order_id"] for order in hass_storage[STORAGE_KEY]["data"]["orders"]]


# -- placing an order ---------------------------------------------------------------------


async def test_add_order_places_tracks_and_announces(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    snapshot: SnapshotAssertion,
) -> None:
    """A valid order is sent once, stored, announced, shown as an entity, and refreshed."""
    events = async_capture_events(hass, EVENT_ORDER_PLACED)
    panel.reset_stats()

    response = await call(hass, "add_order", FOLLOWERS)

    assert response == snapshot
    assert response == {"order": "23501", "estimated_cost": 0.9, "currency": "USD"}
    assert panel.counts["add"] == 1
    assert panel.requests[0].fields == {
        "action": "add",
        "service": "1",
        "link": LINK,
        "quantity": "1000",
    }
    assert [event.data for event in events] == [
        {
            "config_entry_id": ENTRY_ID,
            "order": "23501",
            "service": "1",
            "link": LINK,
            "quantity": 1000,
            "estimated_cost": 0.9,
            "currency": "USD",
        }
    ]
    order = runtime(setup_integration).tracker.orders["23501"]
    assert (order.service_id, order.service_name, order.link, order.quantity) == (
        "1",
        "Instagram Followers [Refill 30D]",
        LINK,
        1000,
    )
    assert order.placed_at is not None
    assert order.currency == "USD"
    stored = hass_storage[STORAGE_KEY]["data"]["orders"]
    assert [item["order_id"] for item in stored] == ["23501"]
    # The refresh after the order polled it and the new balance at once.
    assert panel.counts["balance"] == 1
    assert panel.counts["status"] == 1
    state = order_state(hass, "23501")
    assert state.state == "pending"
    assert state.attributes["link"] == LINK
    assert runtime(setup_integration).coordinator.data.balance.amount == Decimal("99.94292")


async def test_add_order_without_tracking(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """`track: false` places and announces the order but does not follow it."""
    events = async_capture_events(hass, EVENT_ORDER_PLACED)
    response = await call(hass, "add_order", {**FOLLOWERS, "track": "false"})
    assert response is not None
    assert response["order"] == "23501"
    assert runtime(setup_integration).tracker.orders == {}
    assert order_entity_id(hass, "23501") is None
    assert len(events) == 1
    # An untracked order does not block the same order again (the panel decides).
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "panel_error"
    assert panel.counts["add"] == 2


@pytest.mark.parametrize(
    ("data", "sent", "quantity", "cost"),
    [
        pytest.param(
            {
                "service": SERVICE_LIKES_DRIPFEED,
                "link": LINK,
                "quantity": 100.0,
                "drip_feed": {"runs": 3, "interval": 15},
            },
            {"link": LINK, "quantity": "100", "runs": "3", "interval": "15"},
            300,
            0.045,
            id="drip_feed_section",
        ),
        pytest.param(
            {
                "service": SERVICE_CUSTOM_COMMENTS,
                "link": LINK,
                "lists": {"comments": "Nice!\n\n  Great  \nWow\nCool\nTop\n"},
            },
            {"link": LINK, "comments": "Nice!\nGreat\nWow\nCool\nTop"},
            5,
            0.06,
            id="comments_text",
        ),
        pytest.param(
            {
                "service": SERVICE_COMMENT_REPLIES,
                "link": LINK,
                "username": "alice",
                "comments": ["one", "two", "three", "four", "five"],
            },
            {"link": LINK, "username": "alice", "comments": "one\ntwo\nthree\nfour\nfive"},
            5,
            0.075,
            id="comments_list_flat",
        ),
        pytest.param(
            {
                "service": SERVICE_SUBSCRIPTIONS,
                "targets": {"username": "alice"},
                "subscriptions": {
                    "min": 100,
                    "max": 200,
                    "delay": "30",
                    "posts": 5,
                    "expiry": "2030-12-31",
                },
            },
            {
                "username": "alice",
                "min": "100",
                "max": "200",
                "posts": "5",
                "delay": "30",
                "expiry": "31/12/2030",
            },
            None,
            0.2,
            id="subscriptions_sections",
        ),
        pytest.param(
            {
                "service": SERVICE_WEB_TRAFFIC,
                "link": LINK,
                "quantity": 2000,
                "web_traffic": {
                    "country": "US",
                    "device": 5,
                    "type_of_traffic": 1,
                    "google_keyword": "pizza",
                },
            },
            {
                "link": LINK,
                "quantity": "2000",
                "country": "US",
                "device": "5",
                "type_of_traffic": "1",
                "google_keyword": "pizza",
            },
            2000,
            1.0,
            id="web_traffic_section",
        ),
        pytest.param(
            {"service": int(SERVICE_PACKAGE), "link": LINK, "allow_duplicate": "on"},
            {"link": LINK},
            None,
            4.99,
            id="package_int_service",
        ),
    ],
)
async def test_add_order_types(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    data: dict[str, Any],
    sent: dict[str, str],
    quantity: int | None,
    cost: float,
) -> None:
    """Type-specific fields arrive flat or nested in their UI section and are sent as text."""
    response = await call(hass, "add_order", data)
    assert response is not None
    assert response["estimated_cost"] == pytest.approx(cost)
    add = next(request for request in panel.requests if request.action == "add")
    assert dict(add.fields) == {"action": "add", "service": str(data["service"]), **sent}
    assert runtime(setup_integration).tracker.orders["23501"].quantity == quantity


# -- the rules, checked before sending ----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        pytest.param(
            {"service": "12345", "link": LINK, "quantity": 100},
            "unknown_service",
            {"service": "12345"},
            id="unknown_service",
        ),
        pytest.param(
            {"service": SERVICE_FOLLOWERS, "link": LINK},
            "missing_field",
            {"service": "1", "service_type": "Default", "fields": "quantity"},
            id="missing_field",
        ),
        pytest.param(
            {"service": SERVICE_PACKAGE, "link": LINK, "quantity": 1},
            "field_not_applicable",
            {"service": "5", "service_type": "Package", "fields": "quantity"},
            id="field_not_applicable",
        ),
        pytest.param(
            {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": "lots"},
            "invalid_field",
            {"field": "quantity", "reason": "must be a whole number"},
            id="invalid_quantity",
        ),
        pytest.param(
            {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 10},
            "quantity_out_of_range",
            {"quantity": "10", "service": "1", "min": "50", "max": "10000"},
            id="quantity_out_of_range",
        ),
        pytest.param(
            {"service": SERVICE_LIKES_DRIPFEED, "link": LINK, "quantity": 100, "interval": 5},
            "missing_field",
            {"service": "2", "service_type": "Default", "fields": "runs"},
            id="interval_without_runs",
        ),
        pytest.param(
            {"service": SERVICE_LIKES_DRIPFEED, "link": LINK, "quantity": 100, "runs": 2},
            "missing_field",
            {"service": "2", "service_type": "Default", "fields": "interval"},
            id="runs_without_interval",
        ),
        pytest.param(
            {"service": SERVICE_PREMIUM, "link": LINK, "quantity": 1000},
            "insufficient_balance",
            {"cost": "250", "balance": "100.84292", "currency": "USD"},
            id="insufficient_balance",
        ),
        pytest.param(
            {"service": ["1"], "link": LINK, "quantity": 100},
            "invalid_field",
            {"field": "service", "reason": "must be a service id from the panel's catalogue"},
            id="service_list",
        ),
        pytest.param(
            {"link": LINK, "quantity": 100},
            "invalid_field",
            {"field": "service", "reason": "is required"},
            id="service_missing",
        ),
        pytest.param(
            {"service": "  ", "link": LINK, "quantity": 100},
            "invalid_field",
            {"field": "service", "reason": "must be a service id from the panel's catalogue"},
            id="service_blank",
        ),
        pytest.param(
            {**FOLLOWERS, "allow_duplicate": "perhaps"},
            "invalid_field",
            {"field": "allow_duplicate", "reason": "must be true or false"},
            id="allow_duplicate_not_boolean",
        ),
        pytest.param(
            {**FOLLOWERS, "track": [True]},
            "invalid_field",
            {"field": "track", "reason": "must be true or false"},
            id="track_not_boolean",
        ),
        pytest.param(
            {**FOLLOWERS, "drip_feed": "3 runs"},
            "invalid_field",
            {"field": "drip_feed", "reason": "must be a mapping of its fields"},
            id="section_not_mapping",
        ),
        pytest.param(
            {"service": SERVICE_FOLLOWERS, "drip_feed": {"link": LINK}},
            "invalid_field",
            {"field": "drip_feed.link", "reason": "is not a field of this section"},
            id="field_in_wrong_section",
        ),
        pytest.param(
            {**FOLLOWERS, "runs": 2, "drip_feed": {"runs": 3, "interval": 5}},
            "invalid_field",
            {"field": "runs", "reason": "is given twice, in drip_feed and at the top level"},
            id="field_given_twice",
        ),
    ],
)
async def test_add_order_refused_before_sending(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Every broken rule is a translated ServiceValidationError and nothing is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    assert panel.counts["add"] == 0
    assert API_KEY not in str(err.value)


@pytest.mark.parametrize("entry_options", [{"max_order_cost": 0.5}])
async def test_cost_limit(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """An order estimated above the `max_order_cost` option is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "cost_limit_exceeded"
    assert err.value.translation_placeholders == {"cost": "0.9", "limit": "0.5", "currency": "USD"}
    assert panel.counts["add"] == 0
    response = await call(hass, "add_order", {**FOLLOWERS, "quantity": 500})
    assert response == {"order": "23501", "estimated_cost": 0.45, "currency": "USD"}


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


async def test_duplicate_guard(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """An active tracked order for the same service and link blocks another, unless allowed."""
    await call(hass, "add_order", FOLLOWERS)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", {**FOLLOWERS, "quantity": 500})
    assert err.value.translation_key == "duplicate_order"
    assert err.value.translation_placeholders == {"order": "23501", "service": "1"}
    assert panel.counts["add"] == 1
    # Another link, or another service, is no duplicate.
    await call(hass, "add_order", {**FOLLOWERS, "link": f"{LINK}2"})
    await call(hass, "add_order", {**FOLLOWERS, "service": "4", "quantity": 100})
    assert panel.counts["add"] == 3
    # allow_duplicate sends it; here the panel itself refuses the active link.
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", {**FOLLOWERS, "allow_duplicate": True})
    assert err.value.translation_key == "panel_error"
    assert err.value.translation_placeholders == {
        "message": "You have active order with this link. Please wait until order being completed."
    }
    assert panel.counts["add"] == 4
    # A finished order no longer blocks.
    panel.set_order_status("23501", "Completed")
    await runtime(setup_integration).coordinator.async_refresh()
    response = await call(hass, "add_order", FOLLOWERS)
    assert response is not None
    assert response["order"] == "23504"


async def test_concurrent_duplicates_reach_the_panel_once(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Two add_order calls at once for the same service and link: only one is sent.

    Without the per-entry lock both would pass the duplicate check while the first is on
    the wire. (No injected latency: the test clock is frozen, so the panel's sleep would not end.)
    """
    results = await asyncio.gather(
        call(hass, "add_order", FOLLOWERS),
        call(hass, "add_order", FOLLOWERS),
        return_exceptions=True,
    )
    assert panel.counts["add"] == 1
    errors = [result for result in results if isinstance(result, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], ServiceValidationError)
    assert errors[0].translation_key == "duplicate_order"


# -- the catalogue ------------------------------------------------------------------------


async def test_unknown_service_refetches_catalogue_once(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A service id missing from the cached catalogue is looked up again, once."""
    panel.catalogue["77"] = Service(
        id="77",
        name="New Followers",
        type=ServiceType.DEFAULT,
        category="New",
        rate=Decimal("1.00"),
        min=10,
        max=100,
    )
    panel.reset_stats()
    response = await call(hass, "add_order", {"service": "77", "link": LINK, "quantity": 10})
    assert response == {"order": "23501", "estimated_cost": 0.01, "currency": "USD"}
    assert panel.counts["services"] == 1
    # Known now: no further catalogue request.
    await call(hass, "add_order", {"service": "77", "link": f"{LINK}/2", "quantity": 10})
    assert panel.counts["services"] == 1
    with pytest.raises(ServiceValidationError):
        await call(hass, "add_order", {"service": "78", "link": LINK, "quantity": 10})
    assert panel.counts["services"] == 2
    assert panel.counts["add"] == 2


async def test_missing_catalogue_is_fetched(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Without a cached catalogue (its fetch failed at setup) add_order fetches it."""
    runtime(setup_integration).tracker.catalogue = None
    panel.reset_stats()
    await call(hass, "add_order", FOLLOWERS)
    assert panel.counts["services"] == 1
    assert panel.counts["add"] == 1


async def test_catalogue_fetch_failure(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """When the catalogue cannot be fetched the error says so; nothing is ordered."""
    panel.inject(Fault.HTTP_503, action="services", times=2)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "add_order", {"service": "12345", "link": LINK, "quantity": 100})
    assert err.value.translation_key == "cannot_connect"
    assert panel.counts["add"] == 0


# -- the panel's answer -------------------------------------------------------------------


async def test_lost_answer_is_not_retried(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """The panel placed the order but the answer was lost: one add, an error, nothing tracked."""
    events = async_capture_events(hass, EVENT_ORDER_PLACED)
    panel.inject(Fault.DROP_AFTER, action="add")
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "order_outcome_unknown"
    assert err.value.translation_placeholders == {"host": "127.0.0.1"}
    assert API_KEY not in str(err.value)
    assert panel.counts["add"] == 1
    assert list(panel.orders) == ["23501"]  # the panel did place it
    assert runtime(setup_integration).tracker.orders == {}
    assert events == []


async def test_panel_refusal_is_a_validation_error(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """The panel's own refusal (funds spent since the last poll) comes back translated."""
    panel.balance = Decimal("0.10")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_order", FOLLOWERS)
    assert err.value.translation_key == "panel_error"
    assert err.value.translation_placeholders == {"message": "Not enough funds on balance"}
    assert runtime(setup_integration).tracker.orders == {}


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


# -- refill and cancel --------------------------------------------------------------------


async def test_refill_without_success_does_not_poll(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """When no refill was created, nothing changed: no extra poll."""
    panel.reset_stats()
    response = await call(hass, "refill_orders", {"orders": "999"})
    assert response == {"refills": [{"order": "999", "error": "Incorrect order ID"}]}
    assert panel.counts == {"refill": 1}


async def test_cancel_without_success_does_not_poll(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """When the panel accepted no cancel, nothing changed: no extra poll."""
    panel.reset_stats()
    await call(hass, "cancel_orders", {"orders": "999"})
    assert panel.counts == {"cancel": 1}


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
