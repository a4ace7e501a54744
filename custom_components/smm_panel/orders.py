"""The order desk of one entry: the only caller of the client's money-moving methods.

It places, refills and cancels orders and changes what is tracked, with the rules of
CONTRACT.md §4: checks before sending, one order of an entry at a time, the duplicate guard,
`add` sent once. It is safe across reload, unload, restart and removal: once the entry starts
to unload (or Home Assistant to stop) no new request is sent, and the unload waits for the
ones in flight, so their answers are tracked and stored before the next entry loads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType

from .api import (
    DEFAULT_TIMEOUT,
    CancelResult,
    ItemError,
    OrderStatus,
    OrderStatusResult,
    RefillCreated,
    RefillResult,
    Service,
)
from .const import (
    CONF_MAX_ORDER_COST,
    DEFAULT_MAX_ORDER_COST,
    EVENT_ORDER_PLACED,
    LOGGER,
    SIGNAL_REFILLS_REQUESTED,
)
from .coordinator import SmmCoordinator
from .errors import translated_errors, validation_error
from .ordering import OrderRuleError, check_cost, prepare_order
from .records import TrackedOrder, TrackedRefill

CLOSE_TIMEOUT = DEFAULT_TIMEOUT + 10
"""How long an unload waits for requests in flight: their own timeout, plus room to store."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRequest:
    """What an `add_order` call asks for, its values read but not yet checked."""

    service_id: str
    fields: Mapping[str, object]
    allow_duplicate: bool = False
    track: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """A placed order, as `add_order` answers it."""

    order_id: str
    estimated_cost: Decimal
    currency: str | None
    warning: str | None
    open_ended: bool

    def as_response(self) -> JsonObjectType:
        """The action response (CONTRACT.md §4)."""
        response: JsonObjectType = {
            "order": self.order_id,
            "estimated_cost": float(self.estimated_cost),
            "currency": self.currency,
        }
        if self.warning is not None:
            response["warning"] = self.warning
        if self.open_ended:
            response["open_ended"] = True
        return response


class OrderDesk:
    """Places, refills, cancels and tracks the orders of one loaded entry."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, coordinator: SmmCoordinator
    ) -> None:
        # Its own references, not the entry's runtime data: a call that started before a
        # reload finishes with the objects it started with, which the unload waits for.
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._client = coordinator.client
        self._tracker = coordinator.tracker
        self._order_lock = asyncio.Lock()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the desk has stopped sending (the entry unloads or Home Assistant stops)."""
        return self._closed

    async def async_close(self, *_: object) -> None:
        """Send nothing new, and wait for the requests in flight to be answered and stored.

        Called when the entry unloads (reload, removal) and when Home Assistant stops.
        """
        self._closed = True
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await self._idle.wait()
        except TimeoutError:
            LOGGER.warning(
                "%s: %d request(s) to the panel still unanswered after %d s",
                self._entry.title,
                self._in_flight,
                CLOSE_TIMEOUT,
            )

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise validation_error("entry_not_loaded", entry_id=self._entry.entry_id)

    @asynccontextmanager
    async def _sending(self) -> AsyncIterator[None]:
        """Around a request and the tracking of its answer, which an unload waits for."""
        self._refuse_if_closed()
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    # -- add ----------------------------------------------------------------------------

    async def async_add(self, request: OrderRequest, context: Context) -> Placement:
        """Check an order completely, send it once, track it, announce it."""
        self._refuse_if_closed()  # at once, rather than after waiting for the order lock
        service = await self._catalogue_service(request.service_id)
        balance = self._coordinator.data.balance
        limit = self._entry.options.get(CONF_MAX_ORDER_COST, DEFAULT_MAX_ORDER_COST)
        try:
            prepared = prepare_order(service, request.fields)
            check_cost(
                prepared.estimated_cost,
                max_order_cost=Decimal(str(limit)),
                balance=balance.amount,
                currency=balance.currency,
                open_ended=prepared.open_ended,
            )
        except OrderRuleError as err:
            raise validation_error(err.key, **err.placeholders) from err

        # One order of an entry at a time, from the duplicate check until the order is
        # tracked: two simultaneous calls for the same service and link cannot both pass
        # the guard. Panels limit order requests anyway, so this costs nothing real.
        async with self._order_lock:
            if not request.allow_duplicate and prepared.link is not None:
                for order in self._tracker.active_orders():
                    if order.service_id == service.service_id and order.link == prepared.link:
                        raise validation_error(
                            "duplicate_order", order=order.order_id, service=service.service_id
                        )
            async with self._sending():
                with translated_errors(self._hass, self._entry, self._client.host):
                    placed = await self._client.add(service.service_id, prepared.form)
                tracked = TrackedOrder.placed(
                    placed.order_id,
                    service,
                    link=prepared.link,
                    quantity=prepared.units,
                    at=dt_util.utcnow(),
                    currency=balance.currency,
                    estimated_cost=prepared.estimated_cost,
                )
                await self._tracker.async_placed(tracked, track=request.track)
        if placed.warning is not None:
            LOGGER.warning(
                "%s placed order %s with a warning: %s",
                self._client.host,
                placed.order_id,
                placed.warning,
            )
        placement = Placement(
            order_id=placed.order_id,
            estimated_cost=prepared.estimated_cost,
            currency=balance.currency,
            warning=placed.warning,
            open_ended=prepared.open_ended,
        )
        self._hass.bus.async_fire(
            EVENT_ORDER_PLACED,
            {
                "config_entry_id": self._entry.entry_id,
                "order": placed.order_id,
                "service": service.service_id,
                "link": prepared.link,
                "quantity": prepared.units,
                "estimated_cost": float(prepared.estimated_cost),
                "currency": balance.currency,
            },
            context=context,
        )
        await self._async_refresh()
        return placement

    async def _async_refresh(self) -> None:
        """Poll soon to show what changed, unless the entry is going away."""
        if not self._closed:
            await self._coordinator.async_request_refresh()

    async def _catalogue_service(self, service_id: str) -> Service:
        """The service from the cached catalogue, refetched once when it is not there."""
        catalogue = self._tracker.catalogue
        if catalogue is None or service_id not in catalogue.services:
            with translated_errors(self._hass, self._entry, self._client.host):
                catalogue = await self._coordinator.async_refresh_catalogue()
        if (service := catalogue.services.get(service_id)) is None:
            raise validation_error("unknown_service", service=service_id)
        return service

    # -- refill, cancel -----------------------------------------------------------------

    async def async_refill(self, order_ids: list[str]) -> dict[str, RefillResult]:
        """Request refills; created refills of tracked orders become tracked too."""
        async with self._sending():
            with translated_errors(self._hass, self._entry, self._client.host):
                results = await self._client.refill_many(order_ids)
            now = dt_util.utcnow()
            created = [  # in the order asked for, whatever order the panel answered in
                TrackedRefill(refill_id=result.refill_id, order_id=order_id, requested_at=now)
                for order_id in dict.fromkeys(order_ids)
                if isinstance(result := results[order_id], RefillCreated)
            ]
            if created:
                await self._tracker.async_track_refills(created)
                async_dispatcher_send(
                    self._hass,
                    SIGNAL_REFILLS_REQUESTED.format(self._entry.entry_id),
                    [(refill.refill_id, refill.order_id) for refill in created],
                )
        if created:
            await self._async_refresh()
        return results

    async def async_cancel(self, order_ids: list[str]) -> dict[str, CancelResult]:
        """Request cancellations; the orders change on a later poll."""
        async with self._sending():
            with translated_errors(self._hass, self._entry, self._client.host):
                results = await self._client.cancel_many(order_ids)
        if any(not isinstance(result, ItemError) for result in results.values()):
            await self._async_refresh()
        return results

    # -- tracking -----------------------------------------------------------------------

    async def async_track(self, order_ids: list[str]) -> dict[str, OrderStatusResult]:
        """Track orders placed elsewhere, each checked with the panel first."""
        fallback = self._coordinator.data.balance.currency
        async with self._sending():
            with translated_errors(self._hass, self._entry, self._client.host):
                results = await self._client.status_many(order_ids)
            now = dt_util.utcnow()
            await self._tracker.async_track(
                TrackedOrder.from_status(result, tracked_at=now, fallback_currency=fallback)
                for result in results.values()
                if isinstance(result, OrderStatus)
            )
        return results

    async def async_untrack(self, order_ids: list[str]) -> list[str]:
        """Stop tracking orders; their entities leave the entity registry."""
        async with self._sending():
            return await self._tracker.async_untrack(order_ids)
