"""The actions (services.py): registration, entries, the admin rule, ids, responses, errors, texts.

Each action against the fake panel: its response support and the shape of its response,
the entry it names (unknown, of another integration, not loaded), the admin rule of the
money-moving actions, ids given as a list or a text and sent in batches, the panel's
failures translated, and every action's texts in services.yaml and the translations.
What add_order does behind the action (rules, duplicate guard, tracking, events) is the
order desk's and tested in tests/test_orders.py; any value of any field, and huge input, in
tests/test_action_fields.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.smm_panel.action_fields import MAX_IDS
from custom_components.smm_panel.const import (
    DOMAIN,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
)
from custom_components.smm_panel.ordering import ORDER_RULE_KEYS
from custom_components.smm_panel.records import TrackedOrder
from tests.conftest import API_KEY
from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_TIKTOK_FOLLOWERS,
    FakePanel,
    Fault,
)
from tests.polling_helpers import ACTIVE_ORDERS, STORAGE_KEY, fire_poll, setup_entry, state_of
from tests.services_common import (
    ENTRY_ID,
    ENTRYLESS,
    FOLLOWERS,
    LINK,
    PANEL_ACTION,
    call,
    order_entity_id,
    order_state,
    runtime,
)

COMPONENT = Path(__file__).parent.parent / "custom_components" / DOMAIN
ACTIONS = {
    "add_order": SupportsResponse.OPTIONAL,
    "refill_orders": SupportsResponse.OPTIONAL,
    "cancel_orders": SupportsResponse.OPTIONAL,
    "get_order_status": SupportsResponse.ONLY,
    "get_refill_status": SupportsResponse.ONLY,
    "get_services": SupportsResponse.ONLY,
    "track_orders": SupportsResponse.OPTIONAL,
    "untrack_orders": SupportsResponse.OPTIONAL,
    "find_services": SupportsResponse.ONLY,
}
ENTRY_ACTIONS = [action for action in ACTIONS if action not in ENTRYLESS]
"""The actions that name an entry (`config_entry_id`)."""
MINIMAL_DATA: dict[str, dict[str, Any]] = {
    "add_order": {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100},
    "refill_orders": {"orders": "23501"},
    "cancel_orders": {"orders": "23501"},
    "get_order_status": {"orders": "23501"},
    "get_refill_status": {"refills": "1"},
    "get_services": {"refresh": True},
    "track_orders": {"orders": "23501"},
    "untrack_orders": {"orders": "23501"},
}


# -- registration and entries ------------------------------------------------------------


async def test_actions_registered(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    """The eight actions exist, with the response support of the contract."""
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(ACTIONS)
    assert set(PANEL_ACTION) == set(ACTIONS)  # the shared test table knows every action
    for action, support in ACTIONS.items():
        assert hass.services.supports_response(DOMAIN, action) is support


async def test_add_order_response_is_optional(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Automations may call add_order without asking for a response."""
    await hass.services.async_call(
        DOMAIN, "add_order", {"config_entry_id": ENTRY_ID, **FOLLOWERS}, blocking=True
    )
    assert panel.counts["add"] == 1


@pytest.mark.parametrize("action", ENTRY_ACTIONS)
async def test_unknown_entry(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, action: str
) -> None:
    """An entry id that does not exist, or belongs to another integration, is refused."""
    MockConfigEntry(domain="other_domain", entry_id="OTHER").add_to_hass(hass)
    panel.reset_stats()
    for entry_id in ("NOT-AN-ENTRY", "OTHER"):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, action, MINIMAL_DATA[action], entry_id=entry_id)
        assert err.value.translation_key == "entry_not_found"
        assert err.value.translation_placeholders == {"entry_id": entry_id}
    assert sum(panel.counts.values()) == 0


@pytest.mark.parametrize("action", ENTRY_ACTIONS)
async def test_entry_not_loaded(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, action: str
) -> None:
    """An entry that is not loaded is refused."""
    assert await hass.config_entries.async_unload(ENTRY_ID)
    panel.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, action, MINIMAL_DATA[action])
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"entry_id": ENTRY_ID}
    assert sum(panel.counts.values()) == 0


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


# -- ids ---------------------------------------------------------------------------------


async def test_ids_list_or_text_deduplicated(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """Ids come as a list or as text split by commas, spaces or lines; repeats count once."""
    first = panel.create_order(SERVICE_FOLLOWERS, LINK, 100)
    second = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 100)
    panel.reset_stats()
    response = await call(
        hass,
        "get_order_status",
        {"orders": [int(first), f" {second},{first}\n 999 ", 999.0, f"{second}"]},
    )
    assert response is not None
    assert list(response["orders"]) == [first, second, "999"]  # type: ignore[arg-type]
    assert panel.counts["status"] == 1
    assert panel.requests[0].ids == (first, second, "999")


@pytest.mark.parametrize("value", ["", " , \n", [], None, "missing"])
async def test_no_ids(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, value: object
) -> None:
    """An empty or missing ids field is refused before any request."""
    panel.reset_stats()
    for action, field in (("cancel_orders", "orders"), ("get_refill_status", "refills")):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, action, {} if value == "missing" else {field: value})
        assert err.value.translation_key == "no_ids"
        assert err.value.translation_placeholders == {"field": field}
    assert sum(panel.counts.values()) == 0


@pytest.mark.parametrize("value", [{"id": 1}, [None], True, 1.5, [[1]], ",".join(["1"] * 9)])
async def test_invalid_ids(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, value: object
) -> None:
    """Ids of the wrong kind (or a list that is too long) are a translated error."""
    if isinstance(value, str):
        value = ",".join(str(number) for number in range(MAX_IDS + 1))
    panel.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "track_orders", {"orders": value})
    assert err.value.translation_key == "invalid_field"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["field"] == "orders"
    assert sum(panel.counts.values()) == 0


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("get_order_status", "orders"),
        ("track_orders", "orders"),
        ("refill_orders", "orders"),
        ("cancel_orders", "orders"),
        ("get_refill_status", "refills"),
    ],
)
async def test_ids_above_100_go_in_batches(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    action: str,
    field: str,
) -> None:
    """250 ids (plus repeats) are sent as 3 requests of at most 100 ids each."""
    ids = [str(number) for number in range(1, 251)]
    panel.reset_stats()
    response = await call(hass, action, {field: ", ".join([*ids, *ids[:50]])})
    assert response is not None
    requests = [request for request in panel.requests if request.action == PANEL_ACTION[action]]
    assert len(requests) == 3
    assert all(len(request.ids) <= 100 for request in requests)
    assert sorted(i for request in requests for i in request.ids) == sorted(ids)


# -- refill and cancel --------------------------------------------------------------------


async def test_refill_orders(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Refills are answered per order in request order; those of tracked orders are followed."""
    refillable = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    not_refillable = panel.create_order(SERVICE_TIKTOK_FOLLOWERS, LINK, 100, status="Completed")
    untracked = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 100, status="Completed")
    await call(hass, "track_orders", {"orders": [refillable, not_refillable]})
    events = async_capture_events(hass, EVENT_REFILL_STATUS_CHANGED)
    panel.reset_stats()

    response = await call(
        hass, "refill_orders", {"orders": f"{refillable}, {not_refillable}, 999, {untracked}"}
    )

    assert response == snapshot
    assert response == {
        "refills": [
            {"order": refillable, "refill": "1"},
            {"order": not_refillable, "error": "Order not eligible for refill."},
            {"order": "999", "error": "Incorrect order ID"},
            {"order": untracked, "refill": "2"},
        ]
    }
    assert panel.counts["refill"] == 1
    tracker = runtime(setup_integration).tracker
    assert list(tracker.refills) == ["1"]
    assert tracker.orders[refillable].refill_id == "1"
    # The refresh after the refills polled the tracked refill at once.
    assert panel.counts["refill_status"] == 1
    state = order_state(hass, refillable)
    assert state.attributes["refill_id"] == "1"
    assert state.attributes["refill_status"] == "pending"
    panel.advance(61)
    await fire_poll(hass, freezer)
    assert [(e.data["refill"], e.data["old_status"], e.data["new_status"]) for e in events] == [
        ("1", "pending", "in_progress")
    ]


async def test_cancel_orders(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Cancels are answered per order; the tracked order turns canceled on a later poll."""
    cancelable = panel.create_order(SERVICE_FOLLOWERS, LINK, 1000)
    not_cancelable = panel.create_order(SERVICE_LIKES_DRIPFEED, LINK, 100)
    await call(hass, "track_orders", {"orders": cancelable})
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    panel.reset_stats()

    response = await call(hass, "cancel_orders", {"orders": [cancelable, not_cancelable, 999]})

    assert response == snapshot
    assert response == {
        "cancels": [
            {"order": cancelable, "canceled": True},
            {"order": not_cancelable, "error": "Cannot cancel"},
            {"order": "999", "error": "Incorrect order ID"},
        ]
    }
    assert panel.counts["cancel"] == 1
    assert panel.counts["balance"] == 1  # the refresh after the request
    panel.advance(2)
    await fire_poll(hass, freezer)
    assert order_state(hass, cancelable).state == "canceled"
    assert [(e.data["order"], e.data["new_status"]) for e in events] == [(cancelable, "canceled")]


@pytest.mark.parametrize(
    ("action", "key"), [("refill_orders", "refills"), ("cancel_orders", "cancels")]
)
async def test_bulk_write_with_a_failed_batch_reports_it_per_order(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    action: str,
    key: str,
) -> None:
    """150 orders: one batch of two fails, yet what the other did is answered, in order."""
    status = "Completed" if action == "refill_orders" else None
    ids = [
        panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/{n}", 100, status=status) for n in range(150)
    ]
    panel.inject(Fault.HTTP_503, action=PANEL_ACTION[action])

    response = await call(hass, action, {"orders": ids})

    assert response is not None
    items = cast(list[dict[str, Any]], response[key])
    assert [item["order"] for item in items] == ids
    failed = [item for item in items if "error" in item]
    assert len(failed) in (50, 100)
    assert all(
        item["error"].startswith("No usable answer, the outcome is unknown") for item in failed
    )
    assert all(item.get("refill") or item.get("canceled") for item in items if "error" not in item)


# -- reads --------------------------------------------------------------------------------


async def test_get_order_status(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    snapshot: SnapshotAssertion,
) -> None:
    """Statuses are normalised, money is a float, counts are ints, unknown ids are errors."""
    partial = panel.create_order(
        SERVICE_FOLLOWERS, LINK, 1000, status="Partial", remains=157, start_count=3572
    )
    running = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 1000, age=120)
    panel.quirks.missing_currency = True
    canceled = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/3", 100, status="Cancelled")

    response = await call(hass, "get_order_status", {"orders": [partial, running, canceled, 10]})

    assert response == snapshot
    assert response is not None
    orders: dict[str, Any] = response["orders"]  # type: ignore[assignment]
    assert orders[partial] == {
        "status": "partial",
        "raw_status": "Partial",
        "charge": pytest.approx(0.7587),
        "start_count": 3572,
        "remains": 157,
        "currency": "USD",  # the account currency when the panel leaves it out
    }
    assert orders[running]["status"] == "in_progress"
    assert orders[canceled]["status"] == "canceled"
    assert orders["10"] == {"error": "Incorrect order ID"}


async def test_get_order_status_of_tracked_orders(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Without `orders`: the tracked orders as last polled, and no request at all."""
    await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 1000})
    await call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": f"{LINK}/2", "quantity": 500}
    )
    del panel.orders["23502"]  # the panel forgot it: the next poll records an error
    await fire_poll(hass, freezer)
    panel.reset_stats()

    response = await call(hass, "get_order_status")

    assert response == snapshot
    assert sum(panel.counts.values()) == 0
    assert response is not None
    orders: dict[str, Any] = response["orders"]  # type: ignore[assignment]
    assert orders["23501"]["status"] == "pending"
    assert orders["23502"]["error"] == "Incorrect order ID"


async def test_get_order_status_before_first_poll(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """A tracked order that no poll has seen yet has no status."""
    tracker = runtime(setup_integration).tracker
    await tracker.async_track([TrackedOrder(order_id="42", tracked_at=dt_util.utcnow())])
    response = await call(hass, "get_order_status", {"orders": None})
    assert response == {
        "orders": {
            "42": {
                "status": None,
                "raw_status": None,
                "charge": None,
                "start_count": None,
                "remains": None,
                "currency": "USD",
            }
        }
    }


async def test_get_refill_status(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    snapshot: SnapshotAssertion,
) -> None:
    """Refill statuses are normalised; unknown refills are per-item errors."""
    order = panel.create_order(SERVICE_FOLLOWERS, LINK, 100, status="Completed")
    done = panel.create_refill(order, status="Completed")
    running = panel.create_refill(order, age=90)
    panel.reset_stats()

    response = await call(hass, "get_refill_status", {"refills": f"{done},{running},3"})

    assert response == snapshot
    assert response == {
        "refills": {
            done: {"status": "completed", "raw_status": "Completed"},
            running: {"status": "in_progress", "raw_status": "In progress"},
            "3": {"error": "Refill not found"},
        }
    }
    assert panel.counts["refill_status"] == 1


async def test_get_services(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    snapshot: SnapshotAssertion,
) -> None:
    """The cached catalogue, without a request, in the contract's shape."""
    panel.reset_stats()
    response = await call(hass, "get_services")
    assert response == snapshot
    assert sum(panel.counts.values()) == 0
    assert response is not None
    services: list[dict[str, Any]] = response["services"]  # type: ignore[assignment]
    assert len(services) == 21
    assert services[0] == {
        "service": "1",
        "name": "Instagram Followers [Refill 30D]",
        "type": "Default",
        "category": "Instagram Followers",
        "rate": 0.9,
        "min": 50,
        "max": 10000,
        "refill": True,
        "cancel": True,
        "dripfeed": False,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "  instagram FOLLOWERS "}, ["1", "21"]),
        ({"category": "Instagram"}, []),
        ({"type": "CUSTOM COMMENTS"}, ["7"]),
        ({"type": "custom_comments_package"}, ["8"]),
        ({"search": "FOLLOWERS"}, ["1", "4", "5", "13", "21"]),
        (
            {"search": "followers", "category": "Instagram Followers", "type": "default"},
            ["1", "21"],
        ),
        ({"search": "", "category": None}, [str(number) for number in range(1, 22)]),
        ({"search": 20}, ["8"]),
        ({"search": "REFILL"}, ["1", "3", "4"]),
    ],
)
async def test_get_services_filters(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    filters: dict[str, Any],
    expected: list[str],
) -> None:
    """Category is exact, type matches in any spelling, search is a substring of the name."""
    response = await call(hass, "get_services", filters)
    assert response is not None
    services: list[dict[str, Any]] = response["services"]  # type: ignore[assignment]
    assert [service["service"] for service in services] == expected


@pytest.mark.parametrize(
    ("data", "field"),
    [({"category": ["a"]}, "category"), ({"refresh": "perhaps"}, "refresh")],
)
async def test_get_services_invalid(
    hass: HomeAssistant, setup_integration: MockConfigEntry, data: dict[str, Any], field: str
) -> None:
    """Bad filter values are translated errors."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "get_services", data)
    assert err.value.translation_key == "invalid_field"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["field"] == field


async def test_get_services_refresh(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """`refresh` fetches the catalogue first; so does a missing catalogue."""
    panel.reset_stats()
    del panel.catalogue["21"]
    response = await call(hass, "get_services", {"refresh": "yes", "search": "premium"})
    assert response == {"services": []}
    assert panel.counts["services"] == 1
    runtime(setup_integration).tracker.catalogue = None
    response = await call(hass, "get_services", {"search": "package"})
    assert response is not None
    assert len(response["services"]) == 2  # type: ignore[arg-type]
    assert panel.counts["services"] == 2


# -- tracking -----------------------------------------------------------------------------


async def test_track_orders_follows_them_to_completion(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Tracked orders get entities with their status at once, then follow each poll."""
    running = panel.create_order(SERVICE_FOLLOWERS, LINK, 1000)
    done = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 100, status="Completed")
    events = async_capture_events(hass, EVENT_ORDER_STATUS_CHANGED)
    panel.reset_stats()

    response = await call(hass, "track_orders", {"orders": f"{running}, {done}, 10"})

    assert response == snapshot
    assert response == {"tracked": [running, done], "errors": {"10": "Incorrect order ID"}}
    assert panel.counts == {"status": 1}
    assert order_state(hass, running).state == "pending"
    assert order_state(hass, done).state == "completed"
    assert state_of(hass, ACTIVE_ORDERS).state == "1"
    tracker = runtime(setup_integration).tracker
    assert tracker.orders[done].finished
    assert tracker.orders[running].currency == "USD"

    panel.advance(61)
    await fire_poll(hass, freezer)
    assert order_state(hass, running).state == "in_progress"
    panel.advance(300)
    await fire_poll(hass, freezer)
    assert order_state(hass, running).state == "completed"
    assert [(e.data["order"], e.data["old_status"], e.data["new_status"]) for e in events] == [
        (running, "pending", "in_progress"),
        (running, "in_progress", "completed"),
    ]

    # Tracking a tracked order again keeps its record.
    record = tracker.orders[running]
    response = await call(hass, "track_orders", {"orders": running})
    assert response == {"tracked": [running], "errors": {}}
    assert tracker.orders[running] is record


async def test_untrack_orders_removes_entities(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> None:
    """Untracked orders leave the tracker, the storage and the entity registry."""
    first = panel.create_order(SERVICE_FOLLOWERS, LINK, 100)
    second = panel.create_order(SERVICE_FOLLOWERS, f"{LINK}/2", 100)
    await call(hass, "track_orders", {"orders": [first, second]})
    assert order_entity_id(hass, first) is not None
    panel.reset_stats()

    response = await call(hass, "untrack_orders", {"orders": f"{first}\n999"})

    assert response == {"untracked": [first]}
    assert sum(panel.counts.values()) == 0
    assert order_entity_id(hass, first) is None
    assert order_entity_id(hass, second) is not None
    assert list(runtime(setup_integration).tracker.orders) == [second]
    stored = hass_storage[STORAGE_KEY]["data"]["orders"]
    assert [order["order_id"] for order in stored] == [second]


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "params", "times", "key"),
    [
        (Fault.HTTP_503, {}, 2, "cannot_connect"),
        (Fault.HTML_PAGE, {}, 1, "invalid_response"),
        (Fault.RATE_LIMITED, {"retry_after": 30}, 1, "rate_limited"),
        (Fault.WRONG_SHAPE, {"body": {"error": "Incorrect request"}}, 1, "panel_error"),
        (Fault.WRONG_SHAPE, {"body": {"error": f"Bad order for {API_KEY}"}}, 1, "panel_error"),
    ],
)
async def test_panel_errors_are_translated(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    fault: Fault,
    params: dict[str, Any],
    times: int,
    key: str,
) -> None:
    """Transport failures are HomeAssistantErrors; the panel's refusals are validation errors."""
    panel.inject(fault, times=times, **params)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "get_order_status", {"orders": "1"})
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert isinstance(err.value, ServiceValidationError) is (key == "panel_error")
    assert API_KEY not in str(err.value)
    assert API_KEY not in repr(err.value.translation_placeholders)
    if "body" in params and API_KEY in params["body"]["error"]:
        assert err.value.translation_placeholders == {"message": "Bad order for **REDACTED**"}


@pytest.mark.parametrize("action", [action for action in ENTRY_ACTIONS if PANEL_ACTION[action]])
async def test_every_action_maps_errors(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel, action: str
) -> None:
    """Every action that talks to the panel turns a failure into a translated error."""
    panel.inject(Fault.HTTP_503, times=2)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, action, MINIMAL_DATA[action])
    key = "order_outcome_unknown" if action == "add_order" else "cannot_connect"
    assert err.value.translation_key == key
    assert not isinstance(err.value, ServiceValidationError)


async def test_rejected_key_starts_reauth(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """A key the panel rejects during an action starts reauth and says so."""
    panel.key = "a-new-key"
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "get_services", {"refresh": True})
    assert err.value.translation_key == "invalid_auth"
    assert err.value.translation_placeholders == {"host": "127.0.0.1"}
    assert not isinstance(err.value, ServiceValidationError)
    await hass.async_block_till_done()
    flows = setup_integration.async_get_active_flows(hass, {SOURCE_REAUTH})
    assert len(list(flows)) == 1


async def test_suspended_account_is_reported_in_the_panels_words(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """An account-level refusal: the panel's text, and reauth (another key may be the fix)."""
    panel.inject(Fault.WRONG_SHAPE, body={"error": "Account suspended"}, times=2)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "get_order_status", {"orders": "1"})
    assert err.value.translation_key == "account_refused"
    assert err.value.translation_placeholders == {
        "host": "127.0.0.1",
        "message": "Account suspended",
    }
    assert not isinstance(err.value, ServiceValidationError)
    await hass.async_block_till_done()
    assert len(list(setup_integration.async_get_active_flows(hass, {SOURCE_REAUTH}))) == 1


async def test_an_unforeseen_failure_is_still_translated(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No raw Python exception reaches the caller, even from a bug: logged, then translated.

    A bug cannot be provoked through the panel, so the client's method is made to raise one.
    """
    client = runtime(setup_integration).client
    with (
        patch.object(client, "status_many", side_effect=KeyError("surprise")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await call(hass, "get_order_status", {"orders": "1"})
    assert type(err.value) is HomeAssistantError
    assert err.value.translation_key == "unexpected_error"
    assert err.value.translation_placeholders == {"error": "KeyError"}
    assert "Unexpected error in smm_panel.get_order_status" in caplog.text


# -- descriptions and translations ----------------------------------------------------------


def _yaml_fields(action: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An action's fields from services.yaml, section fields included."""
    fields: dict[str, dict[str, Any]] = {}
    for name, spec in action["fields"].items():
        if "fields" in spec:
            fields.update(spec["fields"])
        else:
            fields[name] = spec
    return fields


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_every_action_text_is_translated(language: str) -> None:
    """Every action, field and section has a name and a description in both languages."""
    services = load_yaml_dict(str(COMPONENT / "services.yaml"))
    strings = json.loads((COMPONENT / "translations" / f"{language}.json").read_text("utf-8"))
    texts = strings["services"]
    assert set(texts) == set(ACTIONS) == {name for name in services if not name.startswith(".")}
    for action in ACTIONS:
        assert texts[action]["name"]
        assert texts[action]["description"]
        yaml_fields = _yaml_fields(services[action])
        assert set(texts[action]["fields"]) == set(yaml_fields)
        for field, spec in yaml_fields.items():
            assert texts[action]["fields"][field]["name"]
            assert texts[action]["fields"][field]["description"]
            assert "name" not in spec
            assert "description" not in spec
            assert "selector" in spec
            assert "example" in spec
        sections = {name for name, spec in services[action]["fields"].items() if "fields" in spec}
        assert set(texts[action].get("sections", {})) == sections
        for section in sections:
            assert texts[action]["sections"][section]["name"]
            assert texts[action]["sections"][section]["description"]
            assert services[action]["fields"][section]["collapsed"] is True
    used = {
        "entry_not_found",
        "entry_not_loaded",
        "no_ids",
        "unknown_service",
        "duplicate_order",
        "panel_error",
        "invalid_auth",
        "order_outcome_unknown",
        "rate_limited",
        "invalid_response",
        "cannot_connect",
        *ORDER_RULE_KEYS,
    }
    assert used <= set(strings["exceptions"])


async def test_descriptions_load(
    hass: HomeAssistant, config_entry: MockConfigEntry, panel: FakePanel
) -> None:
    """Home Assistant reads services.yaml (newer versions leave the names to the frontend).

    No platform is set up: the description of every loaded domain is read, and newer
    versions' `todo` descriptions need an AI-task dependency (hassil) this test lane lacks.
    """
    with patch("custom_components.smm_panel.PLATFORMS", []):
        await setup_entry(hass, config_entry)
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert descriptions["add_order"].get("name", "Add order") == "Add order"
    assert descriptions["add_order"]["response"] == {"optional": True}
    assert descriptions["get_services"]["response"] == {"optional": False}
    assert descriptions["add_order"]["fields"]["drip_feed"]["collapsed"] is True
    assert descriptions["track_orders"]["fields"]["config_entry_id"]["selector"] == {
        "config_entry": {"integration": DOMAIN}
    }
