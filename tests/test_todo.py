"""The orders to-do list (CONTRACT §10), through the `todo` actions and the entity's state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.todo.const import DATA_COMPONENT, TodoListEntityFeature
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.smm_panel.todo import SmmOrdersList
from tests.fake_panel import SERVICE_FOLLOWERS, SERVICE_VIEWS, FakePanel, Fault
from tests.polling_helpers import (
    BALANCE,
    DEVICE_SLUG,
    ENTRY_ID,
    PlatformSnapshot,
    fire_poll,
    seed_storage,
    setup_entry,
    state_of,
    tracked_order,
)
from tests.services_common import order_entity_id, order_state

ORDERS = f"todo.{DEVICE_SLUG}_orders"
FOLLOWERS_NAME = "Instagram Followers [Refill 30D]"


async def get_items(hass: HomeAssistant, **data: Any) -> list[dict[str, str]]:
    """The list's items as `todo.get_items` answers them."""
    response = await hass.services.async_call(
        "todo",
        "get_items",
        {"entity_id": ORDERS, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    answer: dict[str, Any] = response[ORDERS]  # type: ignore[assignment]
    items: list[dict[str, str]] = answer["items"]
    return items


async def todo_call(hass: HomeAssistant, action: str, **data: Any) -> None:
    """Call one of the `todo` actions on the orders list, blocking."""
    await hass.services.async_call("todo", action, {"entity_id": ORDERS, **data}, blocking=True)


def the_list(hass: HomeAssistant) -> SmmOrdersList:
    """The live list entity (to check which items it rebuilt)."""
    entity = hass.data[DATA_COMPONENT].get_entity(ORDERS)
    assert isinstance(entity, SmmOrdersList)
    return entity


def _seed_mixed(panel: FakePanel, hass_storage: dict[str, Any]) -> dict[str, str]:
    """An order in each shape a list item can take; returns name → order id."""
    placed = panel.create_order(SERVICE_FOLLOWERS, "https://insta.example/placed", 10000)
    panel.set_order_status(placed, "In progress", remains=7501)
    views = panel.create_order(SERVICE_VIEWS, "https://video.example/views", 1000)
    elsewhere = panel.create_order(SERVICE_FOLLOWERS, "https://insta.example/elsewhere")
    done = panel.create_order(SERVICE_VIEWS, "https://video.example/done", 1000, status="Completed")
    seed_storage(
        hass_storage,
        [
            tracked_order(
                placed,
                service_id=SERVICE_FOLLOWERS,
                service_name=FOLLOWERS_NAME,
                quantity=10000,
                currency="USD",
            ),
            tracked_order(views, service_id=SERVICE_VIEWS, quantity=1000),
            tracked_order(elsewhere),
            tracked_order(done, service_id=SERVICE_VIEWS, service_name="Views", quantity=1000),
        ],
    )
    return {"placed": placed, "views": views, "elsewhere": elsewhere, "done": done}


@pytest.fixture
async def mixed(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> dict[str, str]:
    """The orders of `_seed_mixed`, then the entry set up (frozen clock): name → order id."""
    ids = _seed_mixed(panel, hass_storage)
    await setup_entry(hass, config_entry)
    return ids


@pytest.mark.freeze_time("2025-05-01T12:00:00+00:00")
async def test_todo_snapshot(
    hass: HomeAssistant,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    snapshot: SnapshotAssertion,
    platform_snapshot: PlatformSnapshot,
) -> None:
    """The list: registry entry, state (unfinished orders) and items."""
    _seed_mixed(panel, hass_storage)
    await platform_snapshot(Platform.TODO)
    assert await get_items(hass) == snapshot(name="items")


async def test_items(hass: HomeAssistant, mixed: dict[str, str]) -> None:
    """One item per tracked order, in tracking order; the state counts the unfinished."""
    ids = mixed
    state = state_of(hass, ORDERS)
    assert state.state == "3"
    assert state.attributes["friendly_name"] == "127.0.0.1 Orders"
    assert await get_items(hass) == [
        {
            "uid": ids["placed"],
            # 2499 of 10000 delivered: 24.99 %, rounded down
            "summary": f"{ids['placed']} · {FOLLOWERS_NAME} · 24 %",
            "status": "needs_action",
            "description": "In progress · remains 7501 · charge 9.00 USD",
        },
        {
            "uid": ids["views"],
            "summary": f"{ids['views']} · service {SERVICE_VIEWS} · 0 %",
            "status": "needs_action",
            "description": "Pending · remains 1000 · charge 1.20 USD",
        },
        {
            # tracked with track_orders: no service, no quantity, so no progress either
            "uid": ids["elsewhere"],
            "summary": ids["elsewhere"],
            "status": "needs_action",
            "description": "Pending · remains 50 · charge 0.045 USD",
        },
        {
            "uid": ids["done"],
            "summary": f"{ids['done']} · Views · 100 %",
            "status": "completed",
            "description": "Completed · remains 0 · charge 1.20 USD",
        },
    ]
    assert [item["uid"] for item in await get_items(hass, status="completed")] == [ids["done"]]


async def test_items_speak_the_server_language(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """With Home Assistant in Arabic, the items' own words are Arabic, like the entity names;
    the panel's status text stays the panel's."""
    ids = _seed_mixed(panel, hass_storage)
    hass.config.language = "ar"
    await setup_entry(hass, config_entry)
    items = {item["uid"]: item for item in await get_items(hass)}
    assert items[ids["views"]]["summary"] == f"{ids['views']} · الخدمة {SERVICE_VIEWS} · 0 %"
    assert items[ids["views"]]["description"] == "Pending · المتبقي 1000 · التكلفة 1.20 USD"
    assert state_of(hass, ORDERS).attributes["friendly_name"] == "127.0.0.1 الطلبات"


async def test_item_before_the_first_poll(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """An order not yet polled: no status, remains or charge, so no description; a charge
    without a currency is shown alone."""
    tracker = setup_integration.runtime_data.tracker
    await tracker.async_track(
        [
            tracked_order("501", service_name="Likes"),
            tracked_order("502", charge=Decimal("2.50"), quantity=0),
        ]
    )
    await hass.async_block_till_done()
    assert await get_items(hass) == [
        {"uid": "501", "summary": "501 · Likes", "status": "needs_action"},
        {
            "uid": "502",  # a quantity of 0 gives no progress
            "summary": "502",
            "status": "needs_action",
            "description": "charge 2.50",
        },
    ]
    assert state_of(hass, ORDERS).state == "2"


async def test_items_follow_polls(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Summaries and statuses move with the panel's answers; finished orders are completed."""
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://insta.example/p", 10000)
    await setup_integration.runtime_data.tracker.async_track(
        [
            tracked_order(
                order_id,
                service_id=SERVICE_FOLLOWERS,
                service_name=FOLLOWERS_NAME,
                quantity=10000,
            )
        ]
    )
    await fire_poll(hass, freezer)  # its first status
    (item,) = await get_items(hass)
    assert item["summary"] == f"{order_id} · {FOLLOWERS_NAME} · 0 %"
    assert item["description"] == "Pending · remains 10000 · charge 9.00 USD"

    panel.set_order_status(order_id, "In progress", remains=1)
    await fire_poll(hass, freezer)
    (item,) = await get_items(hass)
    # 99.99 %: the sensor rounds it to 100.0, the list shows 99 % until every unit is in
    assert item["summary"] == f"{order_id} · {FOLLOWERS_NAME} · 99 %"
    assert item["status"] == "needs_action"
    assert order_state(hass, order_id).attributes["progress"] == 100.0
    assert state_of(hass, ORDERS).state == "1"

    panel.set_order_status(order_id, "Completed")
    await fire_poll(hass, freezer)
    (item,) = await get_items(hass)
    assert item == {
        "uid": order_id,
        "summary": f"{order_id} · {FOLLOWERS_NAME} · 100 %",
        "status": "completed",
        "description": "Completed · remains 0 · charge 9.00 USD",
    }
    assert state_of(hass, ORDERS).state == "0"


async def test_add_item_tracks_the_order(
    hass: HomeAssistant, setup_integration: MockConfigEntry, panel: FakePanel
) -> None:
    """An item added with an order id (blanks around it are fine) tracks that order."""
    assert state_of(hass, ORDERS).state == "0"
    assert await get_items(hass) == []
    order_id = panel.create_order(SERVICE_FOLLOWERS, "https://insta.example/elsewhere")

    await todo_call(hass, "add_item", item=f"  {order_id}\n")

    assert await get_items(hass) == [
        {
            "uid": order_id,
            "summary": order_id,
            "status": "needs_action",
            "description": "Pending · remains 50 · charge 0.045 USD",
        }
    ]
    assert state_of(hass, ORDERS).state == "1"
    assert order_state(hass, order_id).state == "pending"
    assert order_id in setup_integration.runtime_data.tracker.orders

    # Adding it again changes nothing.
    await todo_call(hass, "add_item", item=order_id)
    assert [item["uid"] for item in await get_items(hass)] == [order_id]


@pytest.mark.parametrize(
    ("summary", "reason"),
    [
        ("101 102", "must be one order id"),
        ("101,102", "must be one order id"),
        ("9" * 101, "has an id longer than 100 characters"),
    ],
)
@pytest.mark.usefixtures("setup_integration")
async def test_add_item_bad_id(
    hass: HomeAssistant, panel: FakePanel, summary: str, reason: str
) -> None:
    """A summary that is not one order id is refused as `track_orders` refuses ids, unsent."""
    panel.reset_stats()
    with pytest.raises(ServiceValidationError) as err:
        await todo_call(hass, "add_item", item=summary)
    assert err.value.translation_domain == "smm_panel"
    assert err.value.translation_key == "invalid_field"
    assert err.value.translation_placeholders == {"field": "item", "reason": reason}
    assert panel.counts["status"] == 0
    assert await get_items(hass) == []


@pytest.mark.usefixtures("setup_integration")
async def test_add_item_refused_by_the_panel(hass: HomeAssistant) -> None:
    """An order id the panel does not know is not tracked; the panel's answer is shown."""
    with pytest.raises(ServiceValidationError) as err:
        await todo_call(hass, "add_item", item="99999")
    assert err.value.translation_domain == "smm_panel"
    assert err.value.translation_key == "order_not_tracked"
    assert err.value.translation_placeholders == {
        "order": "99999",
        "error": "Incorrect order ID",
    }
    assert await get_items(hass) == []
    assert order_entity_id(hass, "99999") is None
    assert state_of(hass, ORDERS).state == "0"


async def test_remove_item_untracks_the_order(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    entity_registry: er.EntityRegistry,
    setup_order: str,
) -> None:
    """Removing an item (by uid or by summary) untracks its order; its sensor leaves."""
    first = setup_order
    second = panel.create_order(SERVICE_FOLLOWERS, "https://x.example/2")
    await todo_call(hass, "add_item", item=second)
    first_sensor = order_entity_id(hass, first)
    assert first_sensor is not None
    assert state_of(hass, ORDERS).state == "2"

    await todo_call(hass, "remove_item", item=first)

    assert [item["uid"] for item in await get_items(hass)] == [second]
    assert order_entity_id(hass, first) is None
    assert entity_registry.async_get(first_sensor) is None
    assert hass.states.get(first_sensor) is None
    assert first not in config_entry.runtime_data.tracker.orders
    assert state_of(hass, ORDERS).state == "1"

    await todo_call(hass, "remove_item", item=second)  # its summary is its id
    assert await get_items(hass) == []
    assert order_entity_id(hass, second) is None
    assert state_of(hass, ORDERS).state == "0"


async def test_remove_completed_items(hass: HomeAssistant, mixed: dict[str, str]) -> None:
    """`todo.remove_completed_items` untracks the finished orders only."""
    ids = mixed
    await todo_call(hass, "remove_completed_items")
    assert [item["uid"] for item in await get_items(hass)] == [
        ids["placed"],
        ids["views"],
        ids["elsewhere"],
    ]
    assert order_entity_id(hass, ids["done"]) is None


@pytest.mark.parametrize(
    "change", [{"status": "completed"}, {"rename": "123"}, {"description": "mine"}]
)
async def test_update_item_refused(
    hass: HomeAssistant, setup_order: str, change: dict[str, str]
) -> None:
    """An item's status and text come from the panel: editing one is refused."""
    order_id = setup_order
    before = await get_items(hass)
    with pytest.raises(ServiceValidationError) as err:
        await todo_call(hass, "update_item", item=order_id, **change)
    if "description" in change:  # the list has no description field to set
        assert err.value.translation_domain == "todo"
        assert err.value.translation_key == "update_field_not_supported"
    else:
        assert err.value.translation_domain == "smm_panel"
        assert err.value.translation_key == "todo_edit_not_supported"
    assert await get_items(hass) == before


async def test_writes_only_when_orders_change(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory, setup_order: str
) -> None:
    """A poll that changes no order writes no state for the list; one that does, does."""
    order_id = setup_order
    # A write of an unchanged state only moves `last_reported`, on the State object itself.
    reported = state_of(hass, ORDERS).last_reported
    changed = state_of(hass, ORDERS).last_changed

    await fire_poll(hass, freezer)  # nothing changed at all
    assert state_of(hass, ORDERS).last_reported == reported

    panel.balance = "12.5"
    await fire_poll(hass, freezer)  # the balance changed: the coordinator's listeners run
    assert state_of(hass, BALANCE).state == "12.50000"
    assert state_of(hass, ORDERS).last_reported == reported

    panel.set_order_status(order_id, "In progress", remains=25)
    await fire_poll(hass, freezer)  # the order moved: written, though the count is the same
    moved = state_of(hass, ORDERS)
    assert moved.state == "1"
    assert moved.last_reported > reported
    assert moved.last_changed == changed


async def test_unavailable_while_polls_fail(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory, setup_order: str
) -> None:
    """The list is unavailable while polls fail, and back (items kept) when one succeeds."""
    panel.inject(Fault.HTTP_503, action="balance", times=2)
    await fire_poll(hass, freezer)
    assert state_of(hass, ORDERS).state == STATE_UNAVAILABLE

    await fire_poll(hass, freezer)
    assert state_of(hass, ORDERS).state == "1"
    assert [item["uid"] for item in await get_items(hass)] == [setup_order]


async def test_items_rebuilt_only_for_changed_orders(
    hass: HomeAssistant, panel: FakePanel, freezer: FrozenDateTimeFactory, mixed: dict[str, str]
) -> None:
    """Items are built when asked for, once per written state, and an unchanged order's
    item is reused: many tracked orders stay cheap."""
    ids = mixed
    entity = the_list(hass)
    items = entity.todo_items
    assert entity.todo_items is items  # asked again: not rebuilt

    panel.set_order_status(ids["views"], "In progress", remains=500)
    await fire_poll(hass, freezer)
    rebuilt = entity.todo_items
    assert rebuilt is not items
    assert [new is old for new, old in zip(rebuilt, items, strict=True)] == [
        True,
        False,
        True,
        True,
    ]
    assert rebuilt[1].summary == f"{ids['views']} · service {SERVICE_VIEWS} · 50 %"


@pytest.mark.usefixtures("setup_integration")
async def test_unique_id(entity_registry: er.EntityRegistry) -> None:
    """One list per entry: `<entry id>_orders`, translation key `orders`."""
    entry = entity_registry.async_get(ORDERS)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_orders"
    assert entry.translation_key == "orders"
    assert entry.config_entry_id == ENTRY_ID


@pytest.mark.usefixtures("setup_integration")
async def test_supported_features_are_the_three_item_operations(hass: HomeAssistant) -> None:
    """Adding, deleting and updating items, and nothing else (no due dates, no moving)."""
    assert state_of(hass, "todo.127_0_0_1_orders").attributes["supported_features"] == (
        TodoListEntityFeature.CREATE_TODO_ITEM
        | TodoListEntityFeature.DELETE_TODO_ITEM
        | TodoListEntityFeature.UPDATE_TODO_ITEM
    )
