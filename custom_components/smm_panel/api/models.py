"""Typed, immutable views of the panel's answers.

Ids are always strings (panels send ints, numeric strings or opaque strings); money is
`Decimal` parsed from the panel's text, never through a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .status import OrderState, RefillState

__all__ = [
    "Balance",
    "CancelRequested",
    "CancelResult",
    "ItemError",
    "OrderStatus",
    "OrderStatusResult",
    "PlacedOrder",
    "RefillCreated",
    "RefillResult",
    "RefillStatus",
    "RefillStatusResult",
    "Service",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Balance:
    """The account balance in the account currency (None when the panel omits it)."""

    amount: Decimal
    currency: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """One entry of the panel's service catalogue."""

    service_id: str
    name: str
    type: str
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    dripfeed: bool
    description: str | None = None

    def as_stored(self) -> dict[str, Any]:
        """The shape kept on disk: the panel's own keys, the rate as text (exact)."""
        return {
            "service": self.service_id,
            "name": self.name,
            "type": self.type,
            "category": self.category,
            "rate": str(self.rate),
            "min": self.min,
            "max": self.max,
            "refill": self.refill,
            "cancel": self.cancel,
            "dripfeed": self.dripfeed,
            "description": self.description,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Service:
        """A service as `as_stored` wrote it.

        A damaged one raises (KeyError, TypeError, ValueError or ArithmeticError), and so
        does a rate that is no finite number: there is no price to trust.
        """
        rate = Decimal(str(data["rate"]))
        if not rate.is_finite():
            raise ValueError("rate")
        description = data.get("description")
        return cls(
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
            description=description if isinstance(description, str) else None,
        )

    def as_response(self) -> dict[str, Any]:
        """The shape of a `get_services` answer: the stored one, with the rate as a number
        and no description."""
        shape = self.as_stored()
        del shape["description"]
        shape["rate"] = float(self.rate)
        return shape


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """An order the panel placed (and charged).

    `warning` is the panel's error text when it answered with an order id *and* an error:
    the order exists all the same, and the text is for the user to read.
    """

    order_id: str
    warning: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatus:
    """What the panel says about one order."""

    order_id: str
    state: OrderState
    raw_status: str
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RefillStatus:
    """What the panel says about one refill."""

    refill_id: str
    state: RefillState
    raw_status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefillCreated:
    """A refill the panel accepted for an order."""

    order_id: str
    refill_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelRequested:
    """A cancel request the panel accepted for an order (the order changes later)."""

    order_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemError:
    """A per-item error inside a bulk answer (e.g. "Incorrect order ID"); never raised."""

    item_id: str
    error: str


type OrderStatusResult = OrderStatus | ItemError
type RefillStatusResult = RefillStatus | ItemError
type RefillResult = RefillCreated | ItemError
type CancelResult = CancelRequested | ItemError
