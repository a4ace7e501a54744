"""The poll: balance + bulk order status + bulk refill status, the fewest requests possible."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Balance,
    OrderStatusResult,
    RefillStatusResult,
    SmmAuthError,
    SmmError,
    SmmPanelClient,
    SmmRateLimitedError,
    most_telling,
)
from .catalogue import Catalogue
from .catalogue_watch import async_catalogue_fetched
from .const import (
    CATALOGUE_MAX_AGE,
    CONF_FINISHED_ORDER_RETENTION,
    CONF_SCAN_INTERVAL,
    DEFAULT_FINISHED_ORDER_RETENTION,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    EVENT_ORDER_STATUS_CHANGED,
    EVENT_REFILL_STATUS_CHANGED,
    LOGGER,
)
from .records import TrackedOrder, TrackedRefill
from .tracking import OrderTracker, PollChanges

CATALOGUE_RETRY = timedelta(hours=1)  # after a failed catalogue fetch; panels limit it hourly


@dataclass(frozen=True, slots=True)
class SmmData:
    """What the entities show: the balance and the tracked records, as of one moment.

    The mappings are read-only copies and the records are immutable, so an entity can tell
    with an identity check whether its order changed since it last wrote its state.
    """

    balance: Balance
    orders: Mapping[str, TrackedOrder]
    refills: Mapping[str, TrackedRefill]
    spent: Decimal

    @classmethod
    def of(cls, balance: Balance, tracker: OrderTracker) -> SmmData:
        """The snapshot of the tracker's records now, with this balance."""
        return cls(
            balance=balance,
            orders=MappingProxyType(dict(tracker.orders)),
            refills=MappingProxyType(dict(tracker.refills)),
            spent=tracker.spent,
        )

    def active_orders(self) -> int:
        """How many tracked orders are not finished."""
        return sum(1 for order in self.orders.values() if not order.finished)

    def refill_of(self, order: TrackedOrder) -> TrackedRefill | None:
        """The latest refill requested for an order."""
        return self.refills.get(order.refill_id) if order.refill_id else None


@dataclass(slots=True)
class PollStats:
    """Counters for diagnostics."""

    polls: int = 0
    failures: int = 0
    last_poll_at: datetime | None = None
    last_duration: float | None = None
    last_error: str | None = None
    catalogue_fetches: int = 0


class SmmCoordinator(DataUpdateCoordinator[SmmData]):
    """Polls one panel account and turns status changes into events."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: SmmPanelClient,
        tracker: OrderTracker,
    ) -> None:
        minutes = entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=timedelta(minutes=minutes),
            always_update=False,
        )
        self.client = client
        self.tracker = tracker
        self.stats = PollStats()
        self._retention = timedelta(
            hours=entry.options.get(CONF_FINISHED_ORDER_RETENTION, DEFAULT_FINISHED_ORDER_RETENTION)
        )
        self._catalogue_failed_at: datetime | None = None
        entry.async_on_unload(tracker.async_add_listener(self._async_tracking_changed))

    async def _async_setup(self) -> None:
        """Fetch the catalogue at setup unless the stored one is fresh."""
        await self._async_refresh_catalogue_if_due(dt_util.utcnow())

    async def _async_update_data(self) -> SmmData:
        started = dt_util.utcnow()
        await self._async_refresh_catalogue_if_due(started)
        tracker = self.tracker
        try:
            balance, statuses, refill_statuses = await _gather_all(
                self.client.balance(),
                self.client.status_many(tracker.unfinished_order_ids()),
                self.client.refill_status_many(tracker.unfinished_refill_ids()),
            )
        except SmmError as err:
            self.stats.failures += 1
            self.stats.last_error = str(err)
            raise _update_error(err, self.client.host) from err
        if balance.currency is None:
            balance = replace(balance, currency=tracker.currency)
        else:
            tracker.async_set_currency(balance.currency)
        now = dt_util.utcnow()
        changes = tracker.async_apply_poll(statuses, refill_statuses, now)
        tracker.async_expire(now, self._retention)
        self._fire_events(changes, balance)
        self.stats.polls += 1
        self.stats.last_poll_at = now
        self.stats.last_duration = (now - started).total_seconds()
        self.stats.last_error = None
        return SmmData.of(balance, tracker)

    @callback
    def _async_tracking_changed(self) -> None:
        """Show an action's tracking change at once; the poll timer is left alone."""
        self.data = SmmData.of(self.data.balance, self.tracker)
        self.async_update_listeners()

    async def async_refresh_catalogue(self) -> Catalogue:
        """Fetch the catalogue now (for `get_services` refresh and unknown service ids);
        announce what changed and settle the repairs of removed services in use."""
        services = await self.client.services()
        self.stats.catalogue_fetches += 1
        self._catalogue_failed_at = None
        return async_catalogue_fetched(
            self.hass, self.config_entry, self.tracker, services, dt_util.utcnow()
        )

    async def _async_refresh_catalogue_if_due(self, now: datetime) -> None:
        catalogue = self.tracker.catalogue
        if catalogue is not None and now - catalogue.fetched_at < CATALOGUE_MAX_AGE:
            return
        if self._catalogue_failed_at and now - self._catalogue_failed_at < CATALOGUE_RETRY:
            return
        try:
            await self.async_refresh_catalogue()
        except SmmAuthError as err:
            raise _update_error(err, self.client.host) from err
        except SmmError as err:
            self._catalogue_failed_at = now
            LOGGER.warning(
                "Could not fetch the service catalogue from %s: %s", self.client.host, err
            )

    def _fire_events(self, changes: PollChanges, balance: Balance) -> None:
        entry_id = self.config_entry.entry_id
        fire = self.hass.bus.async_fire
        for old, new in changes.orders:
            fire(
                EVENT_ORDER_STATUS_CHANGED,
                {"config_entry_id": entry_id, **new.as_event(old, balance.currency)},
            )
        for old_refill, new_refill in changes.refills:
            fire(
                EVENT_REFILL_STATUS_CHANGED,
                {"config_entry_id": entry_id, **new_refill.as_event(old_refill)},
            )


async def _gather_all(
    balance: Awaitable[Balance],
    statuses: Awaitable[dict[str, OrderStatusResult]],
    refills: Awaitable[dict[str, RefillStatusResult]],
) -> tuple[Balance, dict[str, OrderStatusResult], dict[str, RefillStatusResult]]:
    """Run the poll's requests together; wait for all, then raise the most telling error."""
    results = await asyncio.gather(balance, statuses, refills, return_exceptions=True)
    errors = [result for result in results if isinstance(result, BaseException)]
    if errors:
        raise most_telling(errors)
    return cast(
        tuple[Balance, dict[str, OrderStatusResult], dict[str, RefillStatusResult]], results
    )


def _update_error(err: SmmError, host: str) -> Exception:
    """The coordinator exception for a client error, translated."""
    if isinstance(err, SmmAuthError):
        if err.panel_message is not None:
            return ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="account_refused",
                translation_placeholders={"host": host, "message": err.panel_message},
            )
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="invalid_auth",
            translation_placeholders={"host": host},
        )
    return PollFailed(
        err.retry_after if isinstance(err, SmmRateLimitedError) else None,
        translation_domain=DOMAIN,
        translation_key="update_failed",
        translation_placeholders={"error": str(err)},
    )


class PollFailed(UpdateFailed):
    """A failed poll with the wait a panel asked for: Home Assistant 2025.12 and later
    defer the next poll by `retry_after`, older versions ignore it."""

    retry_after: float | None

    def __init__(self, retry_after: float | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after
