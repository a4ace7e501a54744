"""The tracked-order and tracked-refill records, and the shapes each gives of itself.

Records are immutable: a change replaces the record, so an entity can tell with an identity
check whether its order changed. Each record writes and reads its stored shape (`as_stored` /
`from_stored`, see `storage`) and builds the views others show: the `get_order_status`
answer, the order sensor's attributes, the status-changed events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType

from .api import OrderState, OrderStatus, RefillState, Service
from .storage import format_time, opt_decimal, opt_int, opt_str, parse_time


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
    estimated_cost: Decimal | None = None  # only orders placed through Home Assistant

    @classmethod
    def placed(
        cls,
        order_id: str,
        service: Service,
        *,
        link: str | None,
        quantity: int | None,
        at: datetime,
        currency: str | None,
        estimated_cost: Decimal,
    ) -> TrackedOrder:
        """An order just placed through Home Assistant, tracked from that moment."""
        return cls(
            order_id=order_id,
            tracked_at=at,
            placed_at=at,
            service_id=service.service_id,
            service_name=service.name,
            link=link,
            quantity=quantity,
            currency=currency,
            estimated_cost=estimated_cost,
        )

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
    def spent(self) -> Decimal:
        """What this order counts in the entry's spend: the panel's charge once reported,
        the estimate until then; nothing for an order placed elsewhere (CONTRACT §10)."""
        if self.estimated_cost is None:
            return Decimal(0)
        return self.charge if self.charge is not None else self.estimated_cost

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

    def as_stored(self) -> dict[str, Any]:
        """The stored shape (see `storage`); diagnostics show it too."""
        return {
            "order_id": self.order_id,
            "tracked_at": format_time(self.tracked_at),
            "service_id": self.service_id,
            "service_name": self.service_name,
            "link": self.link,
            "quantity": self.quantity,
            "placed_at": format_time(self.placed_at),
            "state": self.state,
            "raw_status": self.raw_status,
            "charge": _text(self.charge),
            "start_count": self.start_count,
            "remains": self.remains,
            "currency": self.currency,
            "error": self.error,
            "error_count": self.error_count,
            "finished_at": format_time(self.finished_at),
            "refill_id": self.refill_id,
            "estimated_cost": _text(self.estimated_cost),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> TrackedOrder:
        """A stored order; values of the wrong type read as unknown, a record without an
        order id, or with an unknown state or charge, raises (it is skipped)."""
        state = data.get("state")
        order_id = data["order_id"]
        if not isinstance(order_id, str) or not order_id:
            raise ValueError("order_id")
        return cls(
            order_id=order_id,
            tracked_at=parse_time(data.get("tracked_at")) or dt_util.utcnow(),
            service_id=opt_str(data.get("service_id")),
            service_name=opt_str(data.get("service_name")),
            link=opt_str(data.get("link")),
            quantity=opt_int(data.get("quantity")),
            placed_at=parse_time(data.get("placed_at")),
            state=OrderState(state) if state is not None else None,
            raw_status=opt_str(data.get("raw_status")),
            charge=opt_decimal(data.get("charge")),
            start_count=opt_int(data.get("start_count")),
            remains=opt_int(data.get("remains")),
            currency=opt_str(data.get("currency")),
            error=opt_str(data.get("error")),
            error_count=opt_int(data.get("error_count")) or 0,
            finished_at=parse_time(data.get("finished_at")),
            refill_id=opt_str(data.get("refill_id")),
            estimated_cost=opt_decimal(data.get("estimated_cost")),
        )

    def as_status(self, fallback_currency: str | None) -> JsonObjectType:
        """As `get_order_status` reports it: as last polled (`status` None until then)."""
        status: JsonObjectType = {
            "status": self.state.value if self.state is not None else None,
            "raw_status": self.raw_status,
            "charge": _money(self.charge),
            "start_count": self.start_count,
            "remains": self.remains,
            "currency": self.currency or fallback_currency,
        }
        if self.error is not None:
            status["error"] = self.error
        return status

    def as_attributes(
        self, refill: TrackedRefill | None, fallback_currency: str | None
    ) -> dict[str, Any]:
        """The attributes of its sensor, with its latest refill (CONTRACT §3)."""
        return {
            "order_id": self.order_id,
            "service_id": self.service_id,
            "service_name": self.service_name,
            "link": self.link,
            "quantity": self.quantity,
            "start_count": self.start_count,
            "remains": self.remains,
            "delivered": self.delivered,
            "progress": self.progress,
            "charge": _money(self.charge),
            "currency": self.currency or fallback_currency,
            "raw_status": self.raw_status,
            "placed_at": self.placed_at.isoformat() if self.placed_at else None,
            "refill_id": self.refill_id,
            "refill_status": refill.state.value if refill and refill.state else None,
            "error": self.error,
        }

    def as_event(self, before: TrackedOrder, fallback_currency: str | None) -> dict[str, Any]:
        """The status-changed event data since `before` (the entry id aside)."""
        return {
            "order": self.order_id,
            "old_status": before.state,
            "new_status": self.state,
            "raw_status": self.raw_status,
            "remains": self.remains,
            "start_count": self.start_count,
            "charge": _money(self.charge),
            "currency": self.currency or fallback_currency,
            "service": self.service_id,
            "link": self.link,
        }


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

    def as_stored(self) -> dict[str, Any]:
        """The stored shape (see `storage`); diagnostics show it too."""
        return {
            "refill_id": self.refill_id,
            "order_id": self.order_id,
            "requested_at": format_time(self.requested_at),
            "state": self.state,
            "raw_status": self.raw_status,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> TrackedRefill:
        """A stored refill; one without both ids, or with an unknown state, raises."""
        state = data.get("state")
        refill_id, order_id = data["refill_id"], data["order_id"]
        if not isinstance(refill_id, str) or not isinstance(order_id, str):
            raise TypeError("ids")
        return cls(
            refill_id=refill_id,
            order_id=order_id,
            requested_at=parse_time(data.get("requested_at")) or dt_util.utcnow(),
            state=RefillState(state) if state is not None else None,
            raw_status=opt_str(data.get("raw_status")),
        )

    def as_event(self, before: TrackedRefill) -> dict[str, Any]:
        """The status-changed event data since `before` (the entry id aside)."""
        return {
            "refill": self.refill_id,
            "order": self.order_id,
            "old_status": before.state,
            "new_status": self.state,
            "raw_status": self.raw_status,
        }


def _text(value: Decimal | None) -> str | None:
    """Money as stored: exact text."""
    return str(value) if value is not None else None


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
