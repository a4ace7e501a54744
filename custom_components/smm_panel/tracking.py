"""Tracked orders and refills: the one place that changes tracking, so storage and entities agree.

The tracker owns what is known about each tracked order (service, link, quantity, when it was
placed, its last status) and each tracked refill, plus the cached service catalogue, and keeps
all of it in one `Store` per config entry. Records are immutable: a change replaces the record,
so an entity can tell with an identity check whether its order changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    ItemError,
    OrderState,
    OrderStatus,
    OrderStatusResult,
    RefillState,
    RefillStatusResult,
    Service,
)
from .const import DOMAIN, LOGGER, MAX_CONSECUTIVE_ITEM_ERRORS

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 2  # 2: the account currency
SAVE_DELAY = 10  # seconds; poll results are batched into one write, tracking changes are not


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedOrder:
    """An order being followed, with the last status the panel reported."""

    order_id: str
    tracked_at: datetime
    service_id: str | None = None
    service_name: str | None = None
    link: str | None = None
    quantity: int | None = None
    placed_at: datetime | None = None
    state: OrderState | None = None  # None until the first poll has seen it
    raw_status: str | None = None
    charge: Decimal | None = None
    start_count: int | None = None
    remains: int | None = None
    currency: str | None = None
    error: str | None = None
    error_count: int = 0
    finished_at: datetime | None = None
    refill_id: str | None = None

    @classmethod
    def from_status(
        cls, status: OrderStatus, *, tracked_at: datetime, fallback_currency: str | None
    ) -> TrackedOrder:
        """An order placed elsewhere, tracked with the status the panel just gave."""
        return cls(
            order_id=status.order_id,
            tracked_at=tracked_at,
            state=status.state,
            raw_status=status.raw_status,
            charge=status.charge,
            start_count=status.start_count,
            remains=status.remains,
            currency=status.currency or fallback_currency,
            finished_at=tracked_at if status.state.finished else None,
        )

    @property
    def finished(self) -> bool:
        """Finished orders are not polled again and leave after the retention time."""
        return self.finished_at is not None

    @property
    def delivered(self) -> int | None:
        """Units delivered so far, when the quantity and the remains are known."""
        if self.quantity is None or self.remains is None:
            return None
        return max(self.quantity - self.remains, 0)

    @property
    def progress(self) -> float | None:
        """Delivery progress in percent (0 to 100) when the quantity is known."""
        delivered = self.delivered
        if delivered is None or not self.quantity:
            return None
        return round(min(delivered / self.quantity, 1.0) * 100, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedRefill:
    """A refill requested for a tracked order."""

    refill_id: str
    order_id: str
    requested_at: datetime
    state: RefillState | None = None
    raw_status: str | None = None

    @property
    def finished(self) -> bool:
        """Finished refills are not polled again."""
        return self.state is not None and self.state.finished


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The panel's service catalogue and when it was fetched."""

    fetched_at: datetime
    services: Mapping[str, Service]


@dataclass(slots=True)
class PollChanges:
    """What one poll changed: (old, new) pairs for orders and refills seen before."""

    orders: list[tuple[TrackedOrder, TrackedOrder]] = field(default_factory=list)
    refills: list[tuple[TrackedRefill, TrackedRefill]] = field(default_factory=list)


class OrderTracker:
    """Tracked orders, tracked refills and the catalogue of one config entry."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._store: Store[dict[str, Any]] = _TrackingStore(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", minor_version=STORAGE_MINOR_VERSION
        )
        self.orders: dict[str, TrackedOrder] = {}
        self.refills: dict[str, TrackedRefill] = {}
        self.catalogue: Catalogue | None = None
        self.currency: str | None = None
        """The account currency last reported, for balance answers that leave it out."""
        self.revision = 0
        self._listeners: list[Callable[[], None]] = []
        self._closed = False

    # -- storage ------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Load what was stored; a corrupt or unreadable file is logged and replaced."""
        try:
            stored = await self._store.async_load()
        except (HomeAssistantError, ValueError, TypeError) as err:
            LOGGER.warning("Tracked orders storage was unreadable and is reset: %s", err)
            stored = None
            await self._store.async_save(self._as_dict())
        if not isinstance(stored, dict):
            return
        self.orders = {o.order_id: o for o in _records(stored.get("orders"), _order_from_dict)}
        self.refills = {
            r.refill_id: r
            for r in _records(stored.get("refills"), _refill_from_dict)
            if r.order_id in self.orders
        }
        self.catalogue = _catalogue_from_dict(stored.get("catalogue"))
        self.currency = _opt_str(stored.get("currency"))

    async def async_remove(self) -> None:
        """Delete the storage file (the entry is being removed)."""
        await self._store.async_remove()

    async def async_save(self) -> None:
        """Write now: used when tracking changes, so nothing is lost to a restart."""
        if not self._closed:
            await self._store.async_save(self._as_dict())

    async def async_close(self) -> None:
        """Write a last time (the entry unloads); later changes, such as a poll that was in
        flight, are not written: the next entry reads the file, or it is being removed."""
        await self.async_save()
        self._closed = True

    @callback
    def _schedule_save(self) -> None:
        if not self._closed:
            self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    def _as_dict(self) -> dict[str, Any]:
        return {
            "orders": [order_to_dict(order) for order in self.orders.values()],
            "refills": [refill_to_dict(refill) for refill in self.refills.values()],
            "catalogue": _catalogue_to_dict(self.catalogue),
            "currency": self.currency,
        }

    # -- listeners ----------------------------------------------------------------------

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the set of tracked orders changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _membership_changed(self) -> None:
        self.revision += 1
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
            self._membership_changed()
        return [order.order_id for order in added]

    async def async_untrack(self, order_ids: Iterable[str]) -> list[str]:
        """Stop tracking orders and their refills; saved at once."""
        removed = self._drop(order_ids)
        if removed:
            await self.async_save()
            self._membership_changed()
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
            self.revision += 1
            await self.async_save()

    @callback
    def async_set_currency(self, currency: str) -> None:
        """Remember the account currency (stored with the next write)."""
        if currency != self.currency:
            self.currency = currency
            self._schedule_save()

    @callback
    def async_set_catalogue(self, services: Iterable[Service], fetched_at: datetime) -> Catalogue:
        """Replace the cached catalogue."""
        self.catalogue = Catalogue(
            fetched_at=fetched_at, services={s.service_id: s for s in services}
        )
        self._schedule_save()
        return self.catalogue

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
            self.revision += 1
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
            self._membership_changed()
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


class _TrackingStore(Store[dict[str, Any]]):
    """The tracker's Store: older minor versions are read by the tolerant loaders as they are."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        if old_major_version > STORAGE_VERSION:
            LOGGER.warning("Tracked orders were stored by a newer version and are reset")
            return {}
        return old_data


# -- (de)serialisation ------------------------------------------------------------------


def _records[T](raw: object, parse: Callable[[Mapping[str, Any]], T]) -> list[T]:
    """Parse a stored list, skipping damaged records instead of failing the whole load."""
    if not isinstance(raw, list):
        return []
    records = []
    for item in raw:
        try:
            if not isinstance(item, Mapping):
                raise TypeError("not an object")
            records.append(parse(item))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            LOGGER.warning("Skipped a damaged record in the tracked orders storage")
    return records


def _time(value: object) -> datetime | None:
    """A stored time; impossible dates read as unknown, times without a zone as UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt_util.parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt_util.UTC)
    return parsed


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _opt_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def order_to_dict(order: TrackedOrder) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "tracked_at": _iso(order.tracked_at),
        "service_id": order.service_id,
        "service_name": order.service_name,
        "link": order.link,
        "quantity": order.quantity,
        "placed_at": _iso(order.placed_at),
        "state": order.state,
        "raw_status": order.raw_status,
        "charge": str(order.charge) if order.charge is not None else None,
        "start_count": order.start_count,
        "remains": order.remains,
        "currency": order.currency,
        "error": order.error,
        "error_count": order.error_count,
        "finished_at": _iso(order.finished_at),
        "refill_id": order.refill_id,
    }


def _order_from_dict(data: Mapping[str, Any]) -> TrackedOrder:
    state = data.get("state")
    charge = data.get("charge")
    order_id = data["order_id"]
    if not isinstance(order_id, str) or not order_id:
        raise ValueError("order_id")
    return TrackedOrder(
        order_id=order_id,
        tracked_at=_time(data.get("tracked_at")) or dt_util.utcnow(),
        service_id=_opt_str(data.get("service_id")),
        service_name=_opt_str(data.get("service_name")),
        link=_opt_str(data.get("link")),
        quantity=_opt_int(data.get("quantity")),
        placed_at=_time(data.get("placed_at")),
        state=OrderState(state) if state is not None else None,
        raw_status=_opt_str(data.get("raw_status")),
        charge=Decimal(charge) if isinstance(charge, str) else None,
        start_count=_opt_int(data.get("start_count")),
        remains=_opt_int(data.get("remains")),
        currency=_opt_str(data.get("currency")),
        error=_opt_str(data.get("error")),
        error_count=_opt_int(data.get("error_count")) or 0,
        finished_at=_time(data.get("finished_at")),
        refill_id=_opt_str(data.get("refill_id")),
    )


def refill_to_dict(refill: TrackedRefill) -> dict[str, Any]:
    return {
        "refill_id": refill.refill_id,
        "order_id": refill.order_id,
        "requested_at": _iso(refill.requested_at),
        "state": refill.state,
        "raw_status": refill.raw_status,
    }


def _refill_from_dict(data: Mapping[str, Any]) -> TrackedRefill:
    state = data.get("state")
    refill_id, order_id = data["refill_id"], data["order_id"]
    if not isinstance(refill_id, str) or not isinstance(order_id, str):
        raise TypeError("ids")
    return TrackedRefill(
        refill_id=refill_id,
        order_id=order_id,
        requested_at=_time(data.get("requested_at")) or dt_util.utcnow(),
        state=RefillState(state) if state is not None else None,
        raw_status=_opt_str(data.get("raw_status")),
    )


def _service_to_dict(service: Service) -> dict[str, Any]:
    return {
        "service": service.service_id,
        "name": service.name,
        "type": service.type,
        "category": service.category,
        "rate": str(service.rate),
        "min": service.min,
        "max": service.max,
        "refill": service.refill,
        "cancel": service.cancel,
        "dripfeed": service.dripfeed,
        "description": service.description,
    }


def _service_from_dict(data: Mapping[str, Any]) -> Service:
    rate = Decimal(str(data["rate"]))
    if not rate.is_finite():
        raise ValueError("rate")  # a damaged file: no price to trust, the service is skipped
    return Service(
        service_id=str(data["service"]),
        name=str(data["name"]),
        type=str(data["type"]),
        category=str(data["category"]),
        rate=rate,
        min=int(data["min"]),
        max=int(data["max"]),
        refill=bool(data["refill"]),
        cancel=bool(data["cancel"]),
        dripfeed=bool(data["dripfeed"]),
        description=_opt_str(data.get("description")),
    )


def _catalogue_to_dict(catalogue: Catalogue | None) -> dict[str, Any] | None:
    if catalogue is None:
        return None
    return {
        "fetched_at": _iso(catalogue.fetched_at),
        "services": [_service_to_dict(s) for s in catalogue.services.values()],
    }


def _catalogue_from_dict(raw: object) -> Catalogue | None:
    if not isinstance(raw, dict) or (fetched_at := _time(raw.get("fetched_at"))) is None:
        return None
    services = _records(raw.get("services"), _service_from_dict)
    return Catalogue(fetched_at=fetched_at, services={s.service_id: s for s in services})
