"""The fake panel's account: catalogue, balance, orders, refills, faults and statistics.

Everything here is plain Python (no HTTP): the protocol layer (``actions``) and tests call the
same methods, so a test can seed or force state and then watch a client read it over HTTP.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
import heapq
from http import HTTPStatus
import itertools
from typing import TYPE_CHECKING

from . import errors
from .catalogue import Service, ServiceType, default_catalogue
from .clock import FakeClock
from .faults import Fault, FaultQueue, make_fault
from .holds import Hold, HoldQueue
from .ordering import parse_add, price
from .orders import (
    CANCEL_DELAY_SECONDS,
    DELIVERY_SECONDS,
    Order,
    OrderView,
    Outcome,
    Refill,
    normalise,
    order_finished,
    refill_finished,
    start_count_for,
)
from .quirks import Quirks
from .stats import Stats

if TYPE_CHECKING:
    from .stats import RequestRecord

DEFAULT_KEY = "test-api-key"
DEFAULT_BALANCE = Decimal("100.84292")
FIRST_ORDER_ID = 23501
FIRST_REFILL_ID = 1

_REFILLABLE = frozenset({"completed", "partial"})
_EMPTIED = frozenset({"canceled", "cancelled", "refunded", "fail", "failed", "error"})


class FakePanel:
    """A simulated SMM panel account, driven by a :class:`FakeClock`."""

    def __init__(
        self,
        key: str = DEFAULT_KEY,
        *,
        balance: Decimal | str | int = DEFAULT_BALANCE,
        currency: str = "USD",
        clock: FakeClock | None = None,
        quirks: Quirks | None = None,
        catalogue: Mapping[str, Service] | None = None,
    ) -> None:
        """Open an account; every argument can also be changed later through its attribute."""
        self.key = key
        self.currency = currency
        self.clock = clock if clock is not None else FakeClock()
        self.quirks = quirks if quirks is not None else Quirks()
        self.catalogue: dict[str, Service] = (
            dict(catalogue) if catalogue is not None else default_catalogue()
        )
        self.latency = 0.0
        """Seconds added to every request (benchmarks, concurrency tests)."""
        self.orders: dict[str, Order] = {}
        self.refills: dict[str, Refill] = {}
        self.faults = FaultQueue()
        self.holds = HoldQueue()
        self.stats = Stats()
        self._balance = Decimal(balance)
        self._by_link: defaultdict[tuple[str, str], list[Order]] = defaultdict(list)
        self._events: list[tuple[float, int, Order]] = []
        self._seq = itertools.count()
        self._order_numbers = itertools.count(FIRST_ORDER_ID)
        self._refill_numbers = itertools.count(FIRST_REFILL_ID)

    def __repr__(self) -> str:
        """Summarise without the key."""
        return (
            f"FakePanel(orders={len(self.orders)}, refills={len(self.refills)}, "
            f"balance={self._balance}, clock={self.clock!r})"
        )

    # -- time and money ----------------------------------------------------------------------

    def now(self) -> float:
        """Simulated seconds since the panel opened."""
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move the clock forward and carry out what falls due (endings, cancels, refunds)."""
        self.clock.advance(seconds)
        self.settle()

    @property
    def balance(self) -> Decimal:
        """The account balance, refunds due so far included."""
        self.settle()
        return self._balance

    @balance.setter
    def balance(self, value: Decimal | str | int) -> None:
        self._balance = Decimal(value)

    def settle(self) -> None:
        """Apply every scheduled ending or cancel whose time has come, in time order."""
        now = self.now()
        while self._events and self._events[0][0] <= now:
            at, _, order = heapq.heappop(self._events)
            order.settle(at)
            self._refund(order)

    # -- statistics --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request received since the last reset, oldest first."""
        return self.stats.requests

    @property
    def counts(self) -> Counter[str]:
        """Requests received per action since the last reset."""
        return self.stats.counts

    @property
    def max_in_flight(self) -> int:
        """The most requests ever being handled at once since the last reset."""
        return self.stats.max_in_flight

    @property
    def in_flight(self) -> int:
        """Requests being handled right now."""
        return self.stats.in_flight

    def reset_stats(self) -> None:
        """Forget the request log, the counts and the concurrency peak."""
        self.stats.reset()

    # -- faults ------------------------------------------------------------------------------

    def inject(
        self, fault: Fault, *, action: str | None = None, times: int = 1, **params: object
    ) -> None:
        """Queue ``fault`` for the next ``times`` requests of ``action`` (any action if None)."""
        self.faults.add(make_fault(fault, action, times, params))

    def clear_faults(self) -> None:
        """Drop every fault still queued."""
        self.faults.clear()

    def hold(self, action: str | None = None) -> Hold:
        """Hold the next request of ``action`` (any if None), unacted, until released."""
        hold = Hold(action)
        self.holds.add(hold)
        return hold

    # -- the protocol's operations -----------------------------------------------------------

    def listed_services(self) -> list[Service]:
        """The services the ``services`` action lists (disabled ones are hidden)."""
        return [service for service in self.catalogue.values() if service.enabled]

    def place_order(self, service_id: str, fields: Mapping[str, str]) -> Order:
        """Validate, charge and create an order as ``add`` does, or raise the panel's refusal."""
        service = self.catalogue.get(service_id.strip())
        if service is None:
            raise errors.PanelError(errors.INCORRECT_SERVICE, HTTPStatus.BAD_REQUEST)
        if not service.enabled:
            raise errors.PanelError(errors.DISABLED_SERVICE, HTTPStatus.BAD_REQUEST)
        request = parse_add(service, fields)
        self.settle()
        now = self.now()
        for other in self._by_link.get((service.id, request.link), ()):
            if not order_finished(other.view(now).status):
                raise errors.PanelError(errors.DUPLICATE_LINK)
        if request.charge > self._balance:
            raise errors.PanelError(errors.NOT_ENOUGH_FUNDS, HTTPStatus.PAYMENT_REQUIRED)
        self._balance -= request.charge
        order = self._new_order(
            service,
            request.link,
            request.quantity,
            request.charge,
            now,
            request.runs,
            request.interval,
        )
        order.posts, order.expiry = request.posts, request.expiry
        return order

    def order_view(self, order_id: str) -> OrderView:
        """An order as ``status`` reports it now; unknown ids raise ``Incorrect order ID``."""
        self.settle()
        return self._order(order_id).view(self.now())

    def request_refill(self, order_id: str) -> Refill:
        """Open a refill as ``refill`` does, or raise the panel's refusal."""
        order = self._order(order_id)
        now = self.now()
        status = order.view(now).status
        previous = order.last_refill
        if not order.service.refill:
            reason = errors.REFILL_DISABLED
        elif normalise(status) not in _REFILLABLE:
            reason = errors.ORDER_NOT_COMPLETED
        elif previous is not None and not refill_finished(previous.status(now)):
            reason = errors.REFILL_TOO_SOON
        else:
            return self._new_refill(order, now)
        raise errors.PanelError(errors.NOT_REFILLABLE, reason=reason)

    def refill_status(self, refill_id: str) -> str:
        """A refill's status now; unknown ids raise ``Refill not found``."""
        refill = self.refills.get(refill_id.strip())
        if refill is None:
            raise errors.not_found(errors.REFILL_NOT_FOUND)
        return refill.status(self.now())

    def request_cancel(self, order_id: str) -> None:
        """Accept a cancel request (carried out a moment later), or raise ``Cannot cancel``."""
        order = self._order(order_id)
        now = self.now()
        if (
            not order.service.cancel
            or order.cancel_at is not None
            or order_finished(order.view(now).status)
        ):
            raise errors.PanelError(errors.CANNOT_CANCEL)
        order.cancel_at = now + CANCEL_DELAY_SECONDS
        self._schedule(order.cancel_at, order)

    # -- test helpers ------------------------------------------------------------------------

    def create_order(
        self,
        service_id: str,
        link: str,
        quantity: int | None = None,
        *,
        status: str | None = None,
        remains: int | None = None,
        start_count: int | None = None,
        charge: Decimal | str | None = None,
        runs: int = 1,
        interval: int = 0,
        age: float = 0.0,
    ) -> str:
        """Seed an order without HTTP, validation or touching the balance; return its id.

        ``quantity`` is per run (default: the service minimum); ``age`` backdates it so the
        lifecycle is already under way; ``status`` pins it like :meth:`set_order_status`
        (its refund lowers the reported charge; later endings credit the balance as usual).
        """
        service = self.catalogue[service_id]
        per_run = quantity if quantity is not None else service.min
        units = 1 if service.type is ServiceType.PACKAGE else per_run * runs
        booked = Decimal(charge) if charge is not None else price(service, units)
        order = self._new_order(service, link, units, booked, self.now() - age, runs, interval)
        if status is not None:
            self._pin(order, status, remains, start_count, credit=False)
        return order.id

    def number_next(self, *, order: int | None = None, refill: int | None = None) -> None:
        """Give the next order (refill) the number ``order`` (``refill``), then count on.

        For a test that needs the ids a document names (a README example's order "1"); the
        numbers must not be in use already, or an older order (refill) would be replaced.
        """
        if order is not None:
            self._order_numbers = itertools.count(order)
        if refill is not None:
            self._refill_numbers = itertools.count(refill)

    def create_refill(self, order_id: str, *, status: str | None = None, age: float = 0.0) -> str:
        """Seed a refill of an existing order without eligibility checks; return its id."""
        refill = self._new_refill(self._seeded(order_id), self.now() - age)
        refill.pinned = status
        return refill.id

    def set_order_status(
        self,
        order_id: str,
        status: str,
        *,
        remains: int | None = None,
        start_count: int | None = None,
    ) -> None:
        """Force an order into ``status`` for good, refunding as a panel would.

        Canceled / Refunded / Fail refund the whole charge; Partial refunds the undelivered
        share (``remains`` defaults to what is undelivered now, or half the quantity).
        """
        self.settle()
        order = self._seeded(order_id)
        order.cancel_at = None
        self._pin(order, status, remains, start_count)

    def set_refill_status(self, refill_id: str, status: str) -> None:
        """Force a refill into ``status`` for good."""
        refill = self.refills.get(refill_id)
        if refill is None:
            raise KeyError(refill_id)
        refill.pinned = status

    # -- internals ---------------------------------------------------------------------------

    def _order(self, order_id: str) -> Order:
        """Look an order up by its id as sent, or raise ``Incorrect order ID``."""
        order = self.orders.get(order_id.strip())
        if order is None:
            raise errors.not_found(errors.INCORRECT_ORDER)
        return order

    def _seeded(self, order_id: str) -> Order:
        """Look an order up for a test helper (a plain ``KeyError`` when unknown)."""
        return self.orders[order_id]

    def _new_order(
        self,
        service: Service,
        link: str,
        quantity: int,
        charge: Decimal,
        created_at: float,
        runs: int,
        interval: int,
    ) -> Order:
        """Store a new order under a fresh id and schedule its money-moving ending, if any."""
        number = next(self._order_numbers)
        order_id = f"ord_{number:x}" if self.quirks.string_ids else str(number)
        order = Order(
            id=order_id,
            service=service,
            link=link,
            quantity=quantity,
            charge=charge,
            created_at=created_at,
            duration=DELIVERY_SECONDS + max(runs - 1, 0) * interval * 60,
            outcome=Outcome.for_link(link),
            start_count=start_count_for(link),
            runs=max(runs, 1),
        )
        self.orders[order_id] = order
        self._by_link[service.id, link].append(order)
        ends_at = order.ends_at()
        if ends_at is not None:
            self._schedule(ends_at, order)
        return order

    def _new_refill(self, order: Order, created_at: float) -> Refill:
        """Store a new refill of ``order`` under a fresh id."""
        number = next(self._refill_numbers)
        refill_id = f"ref_{number:x}" if self.quirks.string_ids else str(number)
        refill = Refill(refill_id, order.id, created_at, rejected="reject" in order.link.lower())
        self.refills[refill_id] = refill
        order.last_refill = refill
        return refill

    def _pin(
        self,
        order: Order,
        status: str,
        remains: int | None,
        start_count: int | None,
        *,
        credit: bool = True,
    ) -> None:
        """Freeze ``order`` in ``status`` with sensible defaults, then refund what is owed.

        A seeded order was never charged: its refund lowers its charge but is not credited.
        """
        current = order.view(self.now())
        folded = normalise(status)
        if remains is None:
            if folded == "completed":
                remains = 0
            elif folded in _EMPTIED:
                remains = order.quantity
            elif folded == "partial" and not 0 < current.remains < order.quantity:
                remains = order.quantity - order.quantity // 2
            else:
                remains = current.remains
        if start_count is None:
            start_count = current.start_count or (0 if folded == "pending" else order.start_count)
        order.pin(status, start_count, remains)
        self._refund(order, credit=credit)

    def _refund(self, order: Order, *, credit: bool = True) -> None:
        """Credit back what the order's ending owes and has not been credited yet."""
        due = order.refund_due()
        if due:
            order.refunded += due
            if credit:
                self._balance += due

    def _schedule(self, at: float, order: Order) -> None:
        """Have :meth:`settle` look at ``order`` again at time ``at``."""
        heapq.heappush(self._events, (at, next(self._seq), order))
