"""The panels' free-text statuses, normalised to the states of the product contract."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["OrderState", "RefillState", "parse_order_state", "parse_refill_state"]


class OrderState(StrEnum):
    """Normalised order status (CONTRACT §5)."""

    PENDING = "pending"
    PROCESSING = "processing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PARTIAL = "partial"
    CANCELED = "canceled"
    REFUNDED = "refunded"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def finished(self) -> bool:
        """Whether the panel will not change this order any more."""
        return self in _FINISHED_ORDER_STATES


class RefillState(StrEnum):
    """Normalised refill status (CONTRACT §5)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELED = "canceled"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def finished(self) -> bool:
        """Whether the panel will not change this refill any more."""
        return self in _FINISHED_REFILL_STATES


_FINISHED_ORDER_STATES = frozenset(
    {
        OrderState.COMPLETED,
        OrderState.PARTIAL,
        OrderState.CANCELED,
        OrderState.REFUNDED,
        OrderState.FAILED,
    }
)
_FINISHED_REFILL_STATES = frozenset(
    {RefillState.COMPLETED, RefillState.REJECTED, RefillState.CANCELED, RefillState.FAILED}
)

_ORDER_ALIASES: dict[str, OrderState] = {
    "pending": OrderState.PENDING,
    "awaiting": OrderState.PENDING,
    "inqueue": OrderState.PENDING,
    "processing": OrderState.PROCESSING,
    "inprogress": OrderState.IN_PROGRESS,
    "active": OrderState.IN_PROGRESS,  # a subscription still watching for posts
    "completed": OrderState.COMPLETED,
    "partial": OrderState.PARTIAL,
    "canceled": OrderState.CANCELED,
    "cancelled": OrderState.CANCELED,
    "refunded": OrderState.REFUNDED,
    "fail": OrderState.FAILED,
    "failed": OrderState.FAILED,
    "error": OrderState.FAILED,
}
_REFILL_ALIASES: dict[str, RefillState] = {
    "pending": RefillState.PENDING,
    "awaiting": RefillState.PENDING,
    "inprogress": RefillState.IN_PROGRESS,
    "processing": RefillState.IN_PROGRESS,
    "completed": RefillState.COMPLETED,
    "rejected": RefillState.REJECTED,
    "canceled": RefillState.CANCELED,
    "cancelled": RefillState.CANCELED,
    "failed": RefillState.FAILED,
    "fail": RefillState.FAILED,
    "error": RefillState.FAILED,
}


def _fold(raw: str) -> str:
    """Case-insensitive, spaces and underscores ignored."""
    return "".join(raw.split()).replace("_", "").replace("-", "").casefold()


def parse_order_state(raw: str) -> OrderState:
    """Map a panel's order status text to an OrderState (UNKNOWN when unrecognised)."""
    return _ORDER_ALIASES.get(_fold(raw), OrderState.UNKNOWN)


def parse_refill_state(raw: str) -> RefillState:
    """Map a panel's refill status text to a RefillState (UNKNOWN when unrecognised)."""
    return _REFILL_ALIASES.get(_fold(raw), RefillState.UNKNOWN)
