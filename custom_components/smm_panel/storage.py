"""The tracker's file on disk: the Store, its versions, and the tolerant reading of it.

One file per config entry (`.storage/smm_panel.<entry_id>`). Its data holds six sections,
each record in the shape it writes and reads itself (`as_stored` / `from_stored`):

    {"orders": [TrackedOrder, ...], "refills": [TrackedRefill, ...],
     "catalogue": Catalogue | None, "currency": str | None, "spent": str,
     "placed_services": {service id: time}}

Minor version 2 added `currency`; 3 added `spent` (the entry's spend, exact text), each
order's `estimated_cost`, and `placed_services` (when each service was last ordered through
Home Assistant, for the repairs of §11): a file from before reads as nothing spent yet.
Older minor versions are read as they are (a missing section reads as empty); a file of a
newer major version is not guessed at but reset. A file that cannot be read at all is logged
and replaced, and a damaged record is skipped with a warning while the others load: a restart
never fails on what an earlier one wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 3  # 2: the account currency; 3: the spend


class TrackingStore(Store[dict[str, Any]]):
    """The Store of one entry's tracking; older minor versions are read as they are."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        super().__init__(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", minor_version=STORAGE_MINOR_VERSION
        )

    async def async_read(self, empty: Callable[[], dict[str, Any]]) -> Mapping[str, Any] | None:
        """The stored data, or None when there is none (or it is no mapping).

        A file that cannot be read is logged and replaced at once by `empty()`.
        """
        try:
            stored = await self.async_load()
        except (HomeAssistantError, ValueError, TypeError) as err:
            LOGGER.warning("Tracked orders storage was unreadable and is reset: %s", err)
            await self.async_save(empty())
            return None
        return stored if isinstance(stored, dict) else None

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        if old_major_version > STORAGE_VERSION:
            LOGGER.warning("Tracked orders were stored by a newer version and are reset")
            return {}
        return old_data


# -- reading stored values: what the records' `from_stored` share ---------------------


def parse_records[T](raw: object, parse: Callable[[Mapping[str, Any]], T]) -> list[T]:
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


def parse_time(value: object) -> datetime | None:
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


def format_time(value: datetime | None) -> str | None:
    """A time as stored (ISO 8601), None for none."""
    return value.isoformat() if value else None


def opt_int(value: object) -> int | None:
    """A stored count: a whole number (not a bool), else unknown."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def opt_decimal(value: object) -> Decimal | None:
    """Stored money (exact text); text that is no number raises, anything else is unknown."""
    return Decimal(value) if isinstance(value, str) else None


def opt_str(value: object) -> str | None:
    """A stored text, else unknown."""
    return value if isinstance(value, str) else None
