"""The add_order action against the fake panel: rules, admin rule, safety, events and entities."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from syrupy.assertion import SnapshotAssertion

from custom_components.smm_panel.action_fields import SECTIONS
from custom_components.smm_panel.const import DOMAIN, EVENT_ORDER_PLACED
from custom_components.smm_panel.ordering import ORDER_FIELDS
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
from tests.polling_helpers import STORAGE_KEY
from tests.services_common import ENTRY_ID, LINK, call, order_entity_id, order_state, runtime

FOLLOWERS = {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000}


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


async def test_add_order_response_is_optional(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Automations may call add_order without asking for a response."""
    await hass.services.async_call(
        DOMAIN, "add_order", {"config_entry_id": ENTRY_ID, **FOLLOWERS}, blocking=True
    )
    assert panel.counts["add"] == 1


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


async def test_same_section_value_twice_is_fine(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A field given flat and in its section with the same value is accepted; empty ones skipped."""
    data = {**FOLLOWERS, "service": SERVICE_LIKES_DRIPFEED, "quantity": 100, "runs": 2}
    await call(
        hass,
        "add_order",
        {**data, "drip_feed": {"runs": 2, "interval": 5}, "lists": {"comments": None}},
    )
    assert panel.counts["add"] == 1


async def test_sections_cover_every_type_field() -> None:
    """The services.yaml sections hold every type-specific field exactly once."""
    in_sections = [name for names in SECTIONS.values() for name in names]
    assert sorted(in_sections) == sorted(set(ORDER_FIELDS) - {"link", "quantity"})


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


# -- the admin rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("add_order", FOLLOWERS),
        ("refill_orders", {"orders": "1"}),
        ("cancel_orders", {"orders": "1"}),
    ],
)
async def test_non_admin_is_refused(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_read_only_user: Any,
    action: str,
    data: dict[str, Any],
) -> None:
    """Actions that move money refuse users who are not admins, before anything is sent."""
    panel.reset_stats()
    with pytest.raises(Unauthorized) as err:
        await call(hass, action, data, user_id=hass_read_only_user.id)
    assert err.value.permission == "control"
    assert err.value.user_id == hass_read_only_user.id
    assert sum(panel.counts.values()) == 0


async def test_unknown_user_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A call naming a user that does not exist is refused too."""
    with pytest.raises(Unauthorized):
        await call(hass, "add_order", FOLLOWERS, user_id="no-such-user")
    assert panel.counts["add"] == 0


async def test_admin_and_automations_may_order(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_admin_user: Any,
) -> None:
    """An admin user, and a call without a user (automation, script), may order."""
    await call(hass, "add_order", FOLLOWERS, user_id=hass_admin_user.id)
    await call(hass, "add_order", {**FOLLOWERS, "link": f"{LINK}/2"})
    assert panel.counts["add"] == 2


async def test_non_admin_may_read(
    hass: HomeAssistant, setup_integration: MockConfigEntry, hass_read_only_user: Any
) -> None:
    """Reading and tracking are not admin actions."""
    response = await call(hass, "get_services", {"search": "poll"}, user_id=hass_read_only_user.id)
    assert response is not None
    assert len(response["services"]) == 1  # type: ignore[arg-type]
