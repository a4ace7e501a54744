"""Orders and refills and their deterministic, clock-driven lifecycles.

An order's state is a pure function of the clock (computed when read, so 10 000 seeded orders
cost nothing until asked about); only terminal refunds need a scheduled event (see ``panel``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
import zlib

from .catalogue import ServiceType

if TYPE_CHECKING:
    from .catalogue import Service

PENDING = "Pending"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
PARTIAL = "Partial"
CANCELED = "Canceled"
REJECTED = "Rejected"

PENDING_SECONDS = 60.0
"""An order waits this long as Pending before it starts."""
DELIVERY_SECONDS = 240.0
"""Then it delivers linearly for this long (plus ``(runs - 1) x interval`` for drip-feed)."""
CANCEL_DELAY_SECONDS = 1.0
"""A cancel request is carried out this long after it was accepted."""
REFILL_PENDING_SECONDS = 60.0
"""A refill waits this long as Pending …"""
REFILL_WORK_SECONDS = 120.0
"""… then stays In progress this long before it is Completed (or Rejected)."""

MONEY_STEP = Decimal("0.00001")
"""Panels keep money to five decimals (``"100.84292"``)."""

_FINISHED_ORDER = frozenset(
    {"completed", "partial", "canceled", "cancelled", "refunded", "fail", "failed", "error"}
)
_FINISHED_REFILL = frozenset({"completed", "rejected", "canceled", "cancelled", "failed", "error"})
_FULL_REFUND = frozenset({"canceled", "cancelled", "refunded", "fail", "failed", "error"})


def normalise(status: str) -> str:
    """Fold a status text for comparison (case, spaces and underscores ignored)."""
    return status.lower().replace(" ", "").replace("_", "")


def order_finished(status: str) -> bool:
    """Whether an order in this status will not change any more."""
    return normalise(status) in _FINISHED_ORDER


def refill_finished(status: str) -> bool:
    """Whether a refill in this status will not change any more."""
    return normalise(status) in _FINISHED_REFILL


def money(value: Decimal) -> Decimal:
    """Round an amount the way the panel books it."""
    return value.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


class Outcome(StrEnum):
    """How an order ends if nobody intervenes; chosen from its link (see the package docs)."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    PRIVATE = "private"
    STUCK = "stuck"

    @classmethod
    def for_link(cls, link: str) -> Outcome:
        """Pick the outcome from a marker word in the link."""
        lowered = link.lower()
        for outcome in (cls.PARTIAL, cls.PRIVATE, cls.STUCK):
            if outcome.value in lowered:
                return outcome
        return cls.COMPLETE


def start_count_for(link: str) -> int:
    """A stable, link-derived counter value the panel reads when it starts an order."""
    return 100 + zlib.crc32(link.encode()) % 9900


@dataclass(frozen=True, slots=True)
class OrderView:
    """What ``status`` reports for an order at one moment.

    The fields after ``charge`` feed the dialects' extra status fields: the order's id, its
    drip-feed runs, a subscription's posts and expiry as asked, and the ids of the child orders
    a drip-feed run or a subscription post has started so far.
    """

    status: str
    start_count: int
    remains: int
    charge: Decimal
    order_id: str = ""
    runs: int = 1
    subscription: bool = False
    posts: int | None = None
    expiry: str | None = None
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _State:
    status: str
    start_count: int
    remains: int


@dataclass(slots=True, eq=False)
class Order:
    """One placed order; ``charge`` is what was booked, ``refunded`` what came back since."""

    id: str
    service: Service
    link: str
    quantity: int
    charge: Decimal
    created_at: float
    duration: float
    outcome: Outcome
    start_count: int
    refunded: Decimal = Decimal(0)
    cancel_at: float | None = None
    pinned: _State | None = None
    last_refill: Refill | None = None
    runs: int = 1
    posts: int | None = None
    expiry: str | None = None

    def view(self, now: float) -> OrderView:
        """The order as a status request at ``now`` sees it."""
        state = self.pinned or self._unpinned(now)
        return OrderView(
            state.status,
            state.start_count,
            state.remains,
            self.charge - self.refunded,
            order_id=self.id,
            runs=self.runs,
            subscription=self.service.type is ServiceType.SUBSCRIPTIONS,
            posts=self.posts,
            expiry=self.expiry,
            children=self._children(state),
        )

    def _children(self, state: _State) -> tuple[str, ...]:
        """Child order ids: one per drip-feed run or subscription post started so far."""
        if self.runs > 1:
            parts = self.runs
        elif self.service.type is ServiceType.SUBSCRIPTIONS:
            parts = self.posts or 1
        else:
            return ()
        delivered = self.quantity - state.remains
        if state.status == PENDING or (delivered <= 0 and order_finished(state.status)):
            return ()
        started = min(parts, parts * max(delivered, 0) // max(self.quantity, 1) + 1)
        return tuple(f"{self.id}{number:02d}" for number in range(1, started + 1))

    def settle(self, at: float) -> None:
        """Freeze a finished ending (or carry out a due cancel) at a scheduled moment."""
        if self.pinned is None:
            state = self._unpinned(at)
            if order_finished(state.status):
                self.pinned = state
        elif self.cancel_at is not None and at >= self.cancel_at:
            self.pinned = self._cancelled(self.pinned)

    def _unpinned(self, now: float) -> _State:
        """The clock-driven lifecycle, including an accepted cancel request."""
        if self.cancel_at is not None and now >= self.cancel_at:
            return self._cancelled(self._natural(self.cancel_at))
        return self._natural(now)

    def _cancelled(self, before: _State) -> _State:
        """Canceled when nothing was delivered yet, Partial otherwise; a finished order stays."""
        if order_finished(before.status):
            return before
        if before.remains >= self.quantity:
            return _State(CANCELED, before.start_count, self.quantity)
        return _State(PARTIAL, before.start_count, before.remains)

    def _natural(self, now: float) -> _State:
        """Pending, then linear delivery, then the link-chosen ending."""
        elapsed = now - self.created_at
        if elapsed < PENDING_SECONDS:
            return _State(PENDING, 0, self.quantity)
        if self.outcome is Outcome.PRIVATE:
            return _State(CANCELED, 0, self.quantity)
        work = elapsed - PENDING_SECONDS
        target = self._target()
        if self.outcome is Outcome.STUCK:
            delivered = min(int(self.quantity * work / self.duration), target)
            return _State(IN_PROGRESS, self.start_count, self.quantity - delivered)
        if work < self.duration:
            delivered = int(target * work / self.duration)
            return _State(IN_PROGRESS, self.start_count, self.quantity - delivered)
        final = PARTIAL if self.outcome is Outcome.PARTIAL else COMPLETED
        return _State(final, self.start_count, self.quantity - target)

    def _target(self) -> int:
        """Units this order will deliver: all, three quarters (partial) or half (stuck)."""
        if self.outcome is Outcome.PARTIAL:
            return self.quantity * 3 // 4
        if self.outcome is Outcome.STUCK:
            return self.quantity // 2
        return self.quantity

    def ends_at(self) -> float | None:
        """When an unattended order reaches an ending that moves money (None: it never does)."""
        if self.outcome is Outcome.PRIVATE:
            return self.created_at + PENDING_SECONDS
        if self.outcome is Outcome.PARTIAL:
            return self.created_at + PENDING_SECONDS + self.duration
        return None

    def pin(self, status: str, start_count: int, remains: int) -> None:
        """Freeze the order in a state; only another pin changes it afterwards."""
        self.pinned = _State(status, start_count, remains)

    def refund_due(self) -> Decimal:
        """What the current pinned state owes back beyond what was already refunded."""
        if self.pinned is None:
            return Decimal(0)
        folded = normalise(self.pinned.status)
        if folded in _FULL_REFUND:
            owed = self.charge
        elif folded == "partial" and self.quantity > 0:
            owed = money(self.charge * min(self.pinned.remains, self.quantity) / self.quantity)
        else:
            owed = Decimal(0)
        return max(owed - self.refunded, Decimal(0))


@dataclass(slots=True, eq=False)
class Refill:
    """One refill request of an order."""

    id: str
    order_id: str
    created_at: float
    rejected: bool
    pinned: str | None = None

    def status(self, now: float) -> str:
        """Pending, then In progress, then Completed (Rejected for a rejecting link)."""
        if self.pinned is not None:
            return self.pinned
        elapsed = now - self.created_at
        if elapsed < REFILL_PENDING_SECONDS:
            return PENDING
        if elapsed < REFILL_PENDING_SECONDS + REFILL_WORK_SECONDS:
            return IN_PROGRESS
        return REJECTED if self.rejected else COMPLETED
