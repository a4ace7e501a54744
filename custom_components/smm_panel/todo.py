"""The orders to-do list: every tracked order as an item (CONTRACT §10).

One list per entry. Its items are the tracked orders, in tracking order, read from the
coordinator's snapshot; adding an item tracks an order, deleting one untracks it, and the
status of an item comes from the panel, so other edits are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import reduce
import operator
from operator import or_
from typing import Final

from homeassistant.components.todo import TodoItem, TodoListEntity
from homeassistant.components.todo.const import TodoItemStatus, TodoListEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.translation import async_get_translations

from .action_fields import ids
from .api import ItemError
from .const import DOMAIN
from .coordinator import SmmCoordinator
from .entity import SmmEntity
from .errors import invalid_field, validation_error
from .orders import OrderDesk
from .records import TrackedOrder
from .runtime import SmmConfigEntry

PARALLEL_UPDATES = 0
ITEM_OPERATIONS = frozenset({"create_todo_item", "delete_todo_item", "update_todo_item"})
"""The list's features, as the todo services name them: adding an item tracks its order,
deleting untracks it, editing is refused with a translated error."""

ITEM_FIELD: Final = "item"
"""The field of `todo.add_item` that holds the summary: named in errors about it."""
SEPARATOR: Final = " · "


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SmmConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the entry's orders list."""
    runtime = entry.runtime_data
    words = await ItemWords.of(hass)
    async_add_entities([SmmOrdersList(runtime.coordinator, runtime.desk, words)])


@dataclass(frozen=True, slots=True)
class ItemWords:
    """The words of the items' texts, in the server's language, as the entity names are.

    Kept as the list's attribute names in the translations
    (`entity.todo.orders.state_attributes.<word>.name`): Home Assistant has no place for a
    custom integration's free texts, and the list has no attributes that could clash.
    """

    service: str
    remains: str
    charge: str

    @classmethod
    async def of(cls, hass: HomeAssistant) -> ItemWords:
        """The words in `hass`'s language; Home Assistant fills a missing one from en.json."""
        texts = await async_get_translations(hass, hass.config.language, "entity", [DOMAIN])
        prefix = f"component.{DOMAIN}.entity.todo.orders.state_attributes"
        return cls(**{word.name: texts[f"{prefix}.{word.name}.name"] for word in fields(cls)})


def order_summary(order: TrackedOrder, words: ItemWords) -> str:
    """`"<order id> · <service> · <progress> %"`, each part left out while unknown.

    The service is its name, or `"service <id>"` while only its id is known. An order tracked
    with `track_orders` (placed elsewhere) has neither, since the panel's status answer names
    no service: the service part is then left out rather than shown as a placeholder, so such
    an item reads `"<order id>"` (with the progress once it is known). The progress is
    the whole percent delivered, rounded down from the units themselves, so an order is never
    shown at 100 % before every unit is delivered (the sensor's `progress` attribute keeps
    one decimal, rounded to nearest).
    """
    parts = [order.order_id]
    if order.service_name is not None:
        parts.append(order.service_name)
    elif order.service_id is not None:
        parts.append(words.service.format(service=order.service_id))
    delivered = order.delivered
    if delivered is not None and order.quantity:
        parts.append(f"{min(delivered * 100 // order.quantity, 100)} %")
    return SEPARATOR.join(parts)


def order_description(order: TrackedOrder, words: ItemWords) -> str | None:
    """The panel's own status, the remains and the charge: `"In progress · remains 750 ·
    charge 0.90 USD"`; unknown parts are left out (None when nothing is known yet)."""
    parts: list[str] = []
    if order.raw_status is not None:
        parts.append(order.raw_status)
    if order.remains is not None:
        parts.append(words.remains.format(remains=order.remains))
    if order.charge is not None:
        charge = words.charge.format(charge=_amount(order.charge))
        parts.append(charge if order.currency is None else f"{charge} {order.currency}")
    return SEPARATOR.join(parts) or None


def _amount(value: Decimal) -> str:
    """Money with at least two decimals, more only when the panel gave them: panels often
    answer "9.00000" for 9.00, and "0.04500" for 0.045."""
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def order_item(order: TrackedOrder, words: ItemWords) -> TodoItem:
    """The list item of a tracked order: needs action until it is finished."""
    return TodoItem(
        uid=order.order_id,
        summary=order_summary(order, words),
        status=TodoItemStatus.COMPLETED if order.finished else TodoItemStatus.NEEDS_ACTION,
        description=order_description(order, words),
    )


def _same_records(shown: Mapping[str, TrackedOrder], now: Mapping[str, TrackedOrder]) -> bool:
    """Whether two snapshots hold the very same records, in the same order.

    Records are immutable and keyed by their own order id, so comparing identities, in C,
    is enough: a few microseconds per thousand orders.
    """
    return shown is now or (
        len(shown) == len(now) and all(map(operator.is_, shown.values(), now.values()))
    )


class SmmOrdersList(SmmEntity, TodoListEntity):
    """The tracked orders of one entry as a to-do list; its state counts the unfinished.

    Like the order sensors, it shows the snapshot it last wrote and writes again only when
    the snapshot holds other records (or availability changed): a poll that changed only
    the balance or a refill's status writes nothing here. The items are built when asked
    for, once per written snapshot, and the item of a record that did not change is reused,
    so with 10 000 tracked orders a poll that moved one order builds one item.
    """

    _attr_translation_key = "orders"
    _attr_supported_features = reduce(
        or_,
        (f for f in TodoListEntityFeature if f.name and f.name.lower() in ITEM_OPERATIONS),
    )

    def __init__(self, coordinator: SmmCoordinator, desk: OrderDesk, words: ItemWords) -> None:
        super().__init__(coordinator, "orders")
        self._desk = desk
        self._words = words
        self._orders = coordinator.data.orders
        self._success = coordinator.last_update_success
        self._items: list[TodoItem] | None = None
        self._item_cache: dict[str, tuple[TrackedOrder, TodoItem]] = {}

    @property
    def available(self) -> bool:
        return self._success

    @property
    def state(self) -> int:
        """The number of items that need action, counted without building them."""
        return sum(not order.finished for order in self._orders.values())

    @property
    def todo_items(self) -> list[TodoItem]:
        if self._items is None:
            cache = self._item_cache
            fresh: dict[str, tuple[TrackedOrder, TodoItem]] = {}
            for order_id, order in self._orders.items():
                cached = cache.get(order_id)
                item = (
                    cached[1]
                    if cached is not None and cached[0] is order
                    else order_item(order, self._words)
                )
                fresh[order_id] = (order, item)
            self._item_cache = fresh
            self._items = [item for _, item in fresh.values()]
        return self._items

    async def async_create_todo_item(self, item: TodoItem) -> None:
        """Track the order whose id the summary is, checked with the panel first."""
        order_id = _one_order_id(item.summary)
        result = (await self._desk.async_track([order_id]))[order_id]
        if isinstance(result, ItemError):
            raise validation_error("order_not_tracked", order=order_id, error=result.error)

    async def async_delete_todo_items(self, uids: list[str]) -> None:
        """Stop tracking the orders; their sensors leave the entity registry."""
        await self._desk.async_untrack(uids)

    async def async_update_todo_item(self, item: TodoItem) -> None:
        """Refused: an item shows what the panel reports about its order."""
        raise validation_error("todo_edit_not_supported")

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._show()  # a poll may have landed since __init__

    @callback
    def _handle_coordinator_update(self) -> None:
        coordinator = self.coordinator
        if coordinator.last_update_success == self._success and _same_records(
            self._orders, coordinator.data.orders
        ):
            return
        self._show()
        self.async_write_ha_state()

    def _show(self) -> None:
        self._orders = self.coordinator.data.orders
        self._success = self.coordinator.last_update_success
        self._items = None


def _one_order_id(summary: str | None) -> str:
    """The summary of a new item as one order id, read as `track_orders` reads its ids."""
    order_ids = ids({ITEM_FIELD: summary}, ITEM_FIELD)
    if len(order_ids) > 1:
        raise invalid_field(ITEM_FIELD, "must be one order id")
    return order_ids[0]
