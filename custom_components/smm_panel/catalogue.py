"""The cached service catalogue: the services the panel listed, when, and its stored shape.

The tracker keeps one per config entry, stored with the tracked orders; the coordinator
fetches a new one when it is 24 h old, or when an order names a service it does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .api import Service
from .storage import format_time, parse_records, parse_time


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The panel's service catalogue and when it was fetched."""

    fetched_at: datetime
    services: Mapping[str, Service]

    @classmethod
    def of(cls, services: Iterable[Service], fetched_at: datetime) -> Catalogue:
        """A catalogue of fetched services, by service id."""
        return cls(fetched_at=fetched_at, services={s.service_id: s for s in services})

    def as_stored(self) -> dict[str, Any]:
        """The stored shape (see `storage`)."""
        return {
            "fetched_at": format_time(self.fetched_at),
            "services": [service.as_stored() for service in self.services.values()],
        }

    @classmethod
    def from_stored(cls, raw: object) -> Catalogue | None:
        """The stored catalogue; None when there is none or its time cannot be read (it is
        fetched again). Damaged services are skipped: one without a price to trust is
        fetched again when an order needs it."""
        if not isinstance(raw, dict) or (fetched_at := parse_time(raw.get("fetched_at"))) is None:
            return None
        return cls.of(parse_records(raw.get("services"), Service.from_stored), fetched_at)
