"""The tracker: the one place that changes tracking, so storage and entities agree.

It keeps the tracked orders and refills of one config entry (`records`): what is tracked,
what is finished and no longer polled, what is due for removal, and what a poll changed. It
also holds the entry's cached service catalogue (`catalogue`) and the account currency, and
writes all of it to the entry's file (`storage`): tracking changes at once, poll results
batched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from .api import ItemError, OrderStatusResult, RefillStatusResult, Service
from .catalogue import Catalogue, CatalogueDiff
from .const import LOGGER, MAX_CONSECUTIVE_ITEM_ERRORS
from .records import TrackedOrder, TrackedRefill
from .storage import TrackingStore, format_time, opt_decimal, opt_str, parse_records, parse_time

SAVE_DELAY = 10  # seconds; poll results are batched into one write, tracking changes are not
USED_FOR = timedelta(days=30)  # a service ordered this recently still matters (CONTRACT §11)


@dataclass(slots=True)
class PollChanges:
    """What one poll changed: (old, new) pairs for orders and refills seen before."""

    orders: list[tuple[TrackedOrder, TrackedOrder]] = field(default_factory=list)
    refills: list[tuple[TrackedRefill, TrackedRefill]] = field(default_factory=list)


class OrderTracker:
    """Tracked orders, tracked refills and the catalogue of one config entry."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._store = TrackingStore(hass, entry_id)
        self.orders: dict[str, TrackedOrder] = {}
        self.refills: dict[str, TrackedRefill] = {}
        self.catalogue: Catalogue | None = None
        self.currency: str | None = None
        """The account currency last reported, for balance answers that leave it out."""
        self.spent = Decimal(0)
        """Money spent through this entry (CONTRACT §10); kept when orders are untracked."""
        self.placed_services: dict[str, datetime] = {}
        """When an order was last placed through Home Assistant, by service id."""
        self._listeners: list[Callable[[], None]] = []
        self._closed = False

    # -- storage ------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Load what was stored; a corrupt or unreadable file is logged and replaced."""
        stored = await self._store.async_read(self._as_stored)
        if stored is None:
            return
        orders = parse_records(stored.get("orders"), TrackedOrder.from_stored)
        self.orders = {order.order_id: order for order in orders}
        self.refills = {
            refill.refill_id: refill
            for refill in parse_records(stored.get("refills"), TrackedRefill.from_stored)
            if refill.order_id in self.orders
        }
        self.catalogue = Catalogue.from_stored(stored.get("catalogue"))
        self.currency = opt_str(stored.get("currency"))
        self.spent = _stored_spend(stored.get("spent"))
        self.placed_services = _stored_placements(stored.get("placed_services"))

    async def async_remove(self) -> None:
        """Delete the storage file (the entry is being removed)."""
        await self._store.async_remove()

    async def async_save(self) -> None:
        """Write now: used when tracking changes, so nothing is lost to a restart."""
        if not self._closed:
            await self._store.async_save(self._as_stored())

    async def async_close(self) -> None:
        """Write a last time (the entry unloads); later changes, such as a poll that was in
        flight, are not written: the next entry reads the file, or it is being removed."""
        await self.async_save()
        self._closed = True

    @callback
    def _schedule_save(self) -> None:
        if not self._closed:
            self._store.async_delay_save(self._as_stored, SAVE_DELAY)

    def _as_stored(self) -> dict[str, Any]:
        """The whole file's data (its shape: see `storage`)."""
        return {
            "orders": [order.as_stored() for order in self.orders.values()],
            "refills": [refill.as_stored() for refill in self.refills.values()],
            "catalogue": self.catalogue.as_stored() if self.catalogue else None,
            "currency": self.currency,
            "spent": str(self.spent),
            "placed_services": {sid: format_time(at) for sid, at in self.placed_services.items()},
        }

    # -- listeners ----------------------------------------------------------------------

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when an action changed tracking (a poll's changes are its own result)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- queries ------------------------------------------------------------------------

    def unfinished_order_ids(self) -> list[str]:
        """The orders a poll asks about."""
        return [order_id for order_id, order in self.orders.items() if not order.finished]

    def unfinished_refill_ids(self) -> list[str]:
        """The refills a poll asks about."""
        return [refill_id for refill_id, refill in self.refills.items() if not refill.finished]

    def active_orders(self) -> list[TrackedOrder]:
        """Tracked orders that are not finished."""
        return [order for order in self.orders.values() if not order.finished]

    def refill_of(self, order: TrackedOrder) -> TrackedRefill | None:
        """The latest refill requested for an order."""
        return self.refills.get(order.refill_id) if order.refill_id else None

    # -- changes ------------------------------------------------------------------------

    async def async_track(self, orders: Iterable[TrackedOrder]) -> list[str]:
        """Start tracking orders (already tracked ones keep their record); saved at once."""
        added = [order for order in orders if order.order_id not in self.orders]
        for order in added:
            self.orders[order.order_id] = order
        if added:
            await self.async_save()
            self._changed()
        return [order.order_id for order in added]

    async def async_placed(self, order: TrackedOrder, *, track: bool) -> None:
        """An order just placed through Home Assistant: its estimated cost is spent, its
        service counts as used for `USED_FOR` (see `used_services`), and it is tracked
        unless `track` is False (an id tracked already keeps its record); saved at once."""
        self.spent += order.spent  # the estimate: no charge is known yet
        if order.service_id is not None:
            self.placed_services[order.service_id] = order.tracked_at
        if track and order.order_id not in self.orders:
            self.orders[order.order_id] = order
        await self.async_save()
        self._changed()

    def used_services(self, now: datetime) -> set[str]:
        """Services a tracked order uses, or that an order placed through Home Assistant
        used within `USED_FOR`: their disappearance from the catalogue is worth a repair."""
        recent = {sid for sid, at in self.placed_services.items() if now - at < USED_FOR}
        return recent | {o.service_id for o in self.orders.values() if o.service_id is not None}

    async def async_untrack(self, order_ids: Iterable[str]) -> list[str]:
        """Stop tracking orders and their refills; saved at once."""
        removed = self._drop(order_ids)
        if removed:
            await self.async_save()
            self._changed()
        return removed

    async def async_track_refills(self, refills: Iterable[TrackedRefill]) -> None:
        """Track refills of tracked orders (each becomes its order's latest refill)."""
        changed = False
        for refill in refills:
            order = self.orders.get(refill.order_id)
            if order is None:
                continue
            self.refills[refill.refill_id] = refill
            self.orders[order.order_id] = replace(order, refill_id=refill.refill_id)
            changed = True
        if changed:
            await self.async_save()
            self._changed()

    @callback
    def async_set_currency(self, currency: str) -> None:
        """Remember the account currency (stored with the next write)."""
        if currency != self.currency:
            self.currency = currency
            self._schedule_save()

    @callback
    def async_set_catalogue(
        self, services: Iterable[Service], fetched_at: datetime
    ) -> tuple[Catalogue, CatalogueDiff | None]:
        """Replace the cached catalogue; what changed since the last one (None at the first)."""
        previous = self.catalogue
        self.catalogue = Catalogue.of(services, fetched_at)
        self._schedule_save()
        return self.catalogue, previous.diff(self.catalogue) if previous else None

    @callback
    def async_apply_poll(
        self,
        statuses: Mapping[str, OrderStatusResult],
        refill_statuses: Mapping[str, RefillStatusResult],
        now: datetime,
    ) -> PollChanges:
        """Record a poll's answers; return the status changes of records seen before."""
        changes = PollChanges()
        changed = False
        for order_id, result in statuses.items():
            old = self.orders.get(order_id)
            if old is None:
                continue  # untracked while the poll was in flight
            new = _order_after(old, result, now)
            if new is not old and new != old:
                self.orders[order_id] = new
                self.spent += new.spent - old.spent  # the charge replaces the estimate
                changed = True
                if old.state is not None and new.state != old.state:
                    changes.orders.append((old, new))
        for refill_id, refill_result in refill_statuses.items():
            old_refill = self.refills.get(refill_id)
            if old_refill is None or isinstance(refill_result, ItemError):
                continue
            new_refill = replace(
                old_refill, state=refill_result.state, raw_status=refill_result.raw_status
            )
            if new_refill != old_refill:
                self.refills[refill_id] = new_refill
                changed = True
                if old_refill.state is not None and new_refill.state != old_refill.state:
                    changes.refills.append((old_refill, new_refill))
        if changed:
            self._schedule_save()
        return changes

    @callback
    def async_expire(self, now: datetime, retention: timedelta) -> list[str]:
        """Untrack finished orders older than the retention time."""
        expired = [
            order_id
            for order_id, order in self.orders.items()
            if order.finished_at is not None and now - order.finished_at >= retention
        ]
        if expired:
            self._drop(expired)
            self._schedule_save()
        return expired

    def _drop(self, order_ids: Iterable[str]) -> list[str]:
        removed = [order_id for order_id in dict.fromkeys(order_ids) if order_id in self.orders]
        gone = set(removed)
        for order_id in removed:
            del self.orders[order_id]
        for refill_id in [r for r, refill in self.refills.items() if refill.order_id in gone]:
            del self.refills[refill_id]
        return removed


def _order_after(old: TrackedOrder, result: OrderStatusResult, now: datetime) -> TrackedOrder:
    """The record after one poll answer: a status, or a per-order error."""
    if isinstance(result, ItemError):
        errors = old.error_count + 1
        gave_up = errors >= MAX_CONSECUTIVE_ITEM_ERRORS and old.finished_at is None
        return replace(
            old,
            error=result.error,
            error_count=errors,
            finished_at=now if gave_up else old.finished_at,
        )
    currency = result.currency or old.currency
    finished_at = (old.finished_at or now) if result.state.finished else None
    if (
        old.state is result.state
        and old.remains == result.remains
        and old.raw_status == result.raw_status
        and old.start_count == result.start_count
        and old.charge == result.charge
        and old.currency == currency
        and old.finished_at == finished_at
        and old.error is None
        and old.error_count == 0
    ):
        return old  # nothing moved (the usual case): no copy, so 10 000 orders stay cheap
    return replace(
        old,
        state=result.state,
        raw_status=result.raw_status,
        charge=result.charge,
        start_count=result.start_count,
        remains=result.remains,
        currency=currency,
        error=None,
        error_count=0,
        finished_at=finished_at,
    )


def _stored_spend(value: object) -> Decimal:
    """The stored spend; a damaged one is logged and starts again from nothing."""
    try:
        spent = opt_decimal(value)
    except ArithmeticError:
        spent = None
    if value is not None and (spent is None or not spent.is_finite()):
        LOGGER.warning("The stored spend %r was damaged and starts again from 0", value)
        return Decimal(0)
    return spent if spent is not None else Decimal(0)


def _stored_placements(value: object) -> dict[str, datetime]:
    """The stored last placement per service; unreadable entries are left out."""
    if not isinstance(value, dict):
        return {}
    placed = {sid: parse_time(at) for sid, at in value.items() if isinstance(sid, str)}
    return {sid: at for sid, at in placed.items() if at is not None}
