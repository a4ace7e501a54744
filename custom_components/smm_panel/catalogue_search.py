"""The `find_services` action: search the cached catalogues of every loaded entry, no request."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
import heapq
from itertools import chain
from typing import Any, Final, cast

from homeassistant.core import HomeAssistant
from homeassistant.util.json import JsonObjectType, JsonValueType

from .action_fields import filter_text, flag, whole_number_in
from .api import Service
from .const import DOMAIN
from .order_fields import MAX_LIST_LINES, MAX_NUMBER, OrderFields
from .ordering import CostKind, estimate_cost, normalize_type, type_rule
from .runtime import SmmConfigEntry

ATTR_SEARCH: Final = "search"
ATTR_CATEGORY: Final = "category"
ATTR_TYPE: Final = "type"
ATTR_QUANTITY: Final = "quantity"
ATTR_REFILL: Final = "refill"
ATTR_LIMIT: Final = "limit"
FIELDS: Final = (ATTR_SEARCH, ATTR_CATEGORY, ATTR_TYPE, ATTR_QUANTITY, ATTR_REFILL, ATTR_LIMIT)
"""The fields of `find_services`, all optional."""

DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 500

type _SortKey = tuple[bool, str, Decimal, str, str, tuple[int, int, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceQuery:
    """What a `find_services` call asks for, read and checked.

    The filters of `get_services` (`search` part of the name, `category` and `type` whole
    values, any case; types compared through `normalize_type`), plus `quantity` (within the
    service's min-max) and `refill` (true: only services that offer refill; false: no filter).
    """

    search: str | None = None
    category: str | None = None
    service_type: str | None = None
    """Already in `normalize_type` form."""
    quantity: int | None = None
    refill: bool = False
    limit: int = DEFAULT_LIMIT

    @classmethod
    def of_call(cls, data: Mapping[str, Any]) -> ServiceQuery:
        """Read a call's fields; a bad value raises a translated `invalid_field` error."""
        service_type = filter_text(data, ATTR_TYPE)
        limit = whole_number_in(data, ATTR_LIMIT, 1, MAX_LIMIT)
        return cls(
            search=filter_text(data, ATTR_SEARCH),
            category=filter_text(data, ATTR_CATEGORY),
            service_type=normalize_type(service_type) if service_type is not None else None,
            quantity=whole_number_in(data, ATTR_QUANTITY, 1, MAX_NUMBER),
            refill=flag(data, ATTR_REFILL, default=False),
            limit=DEFAULT_LIMIT if limit is None else limit,
        )

    def matches(self, service: Service) -> bool:
        """Whether the service passes every filter given."""
        quantity = self.quantity
        return (
            (self.search is None or self.search.casefold() in service.name.casefold())
            and (
                self.category is None
                or service.category.strip().casefold() == self.category.casefold()
            )
            and (self.service_type is None or normalize_type(service.type) == self.service_type)
            and (quantity is None or service.min <= quantity <= service.max)
            and (not self.refill or service.refill)
        )


@dataclass(frozen=True, slots=True)
class _Offer:
    """One matching service of one entry."""

    entry: SmmConfigEntry
    currency: str | None
    service: Service

    def sort_key(self) -> _SortKey:
        return (
            self.currency is None,
            self.currency or "",
            self.service.rate,
            self.entry.title,
            self.entry.entry_id,
            _id_key(self.service.service_id),
        )


async def find_services(hass: HomeAssistant, query: ServiceQuery) -> list[JsonValueType]:
    """The matching services of every loaded entry, sorted, at most `query.limit` of them.

    An entry that is not loaded, or holds no catalogue yet, is skipped; nothing is sent.
    Sorted by currency (as the panel names it; entries whose currency is not known yet last),
    then rate ascending, then the entry's title, its entry id and the service id (numeric ids
    by number, before other ids, which sort as text). Money is computed with `Decimal` and
    answered as numbers, as `get_services` answers the rate. One entry's catalogue at a time,
    keeping only the best `limit` so far: ten panels of 5 000 services never hold the event
    loop for all of them at once.
    """
    best: list[_Offer] = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        runtime = cast(SmmConfigEntry, entry).runtime_data
        catalogue = runtime.tracker.catalogue
        if catalogue is None:
            continue
        currency = runtime.coordinator.data.balance.currency
        offers = (
            _Offer(cast(SmmConfigEntry, entry), currency, service)
            for service in catalogue.services.values()
            if query.matches(service)
        )
        best = heapq.nsmallest(query.limit, chain(best, offers), key=_Offer.sort_key)
        await asyncio.sleep(0)  # let the loop run between two entries' catalogues
    return [_row(offer, query.quantity) for offer in best]


def _row(offer: _Offer, quantity: int | None) -> JsonObjectType:
    """One service of the answer."""
    service = offer.service
    row: JsonObjectType = {
        "config_entry_id": offer.entry.entry_id,
        "panel": offer.entry.title,
        "service": service.service_id,
        "name": service.name,
        "type": service.type,
        "category": service.category,
        "rate": float(service.rate),
        "currency": offer.currency,
        "min": service.min,
        "max": service.max,
        "refill": service.refill,
        "cancel": service.cancel,
    }
    cost = _cost(service, quantity)
    if cost is not None:
        row["cost"] = float(cost)
    return row


def _cost(service: Service, quantity: int | None) -> Decimal | None:
    """What `add_order` would estimate for `quantity` units of the service, or None.

    None without a quantity, for Subscriptions (priced per post, not per quantity), and for a
    list-counted type beyond `MAX_LIST_LINES` (`add_order` takes no list that long). A
    list-counted type (Custom Comments, …) counts `quantity` lines; a Package costs its rate.
    """
    if quantity is None:
        return None
    rule = type_rule(service.type)
    if rule is not None and rule.cost is CostKind.SUBSCRIPTION:
        return None
    if rule is None or rule.counted is None:
        return estimate_cost(service, OrderFields(quantity=quantity))
    if quantity > MAX_LIST_LINES:
        return None
    return estimate_cost(service, OrderFields(lines={rule.counted: _lines(quantity)}))


@lru_cache(maxsize=8)
def _lines(count: int) -> tuple[str, ...]:
    """`count` list lines, built once per search rather than once per service: only their
    number counts, and 5 000 services x 10 000 lines would hold the loop for seconds."""
    return ("",) * count


def _id_key(service_id: str) -> tuple[int, int, str]:
    """Numeric ids by their number (without converting: ids may be long), then other ids."""
    if service_id.isascii() and service_id.isdigit():
        digits = service_id.lstrip("0")
        return (0, len(digits), digits)
    return (1, 0, service_id)
