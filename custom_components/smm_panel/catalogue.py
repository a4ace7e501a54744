"""The cached service catalogue: the services the panel listed, when, its stored shape, and
what changed from one fetch to the next (CONTRACT §11).

The tracker keeps one per config entry, stored with the tracked orders; the coordinator
fetches a new one when it is 24 h old, or when an order names a service it does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .api import Service
from .storage import format_time, parse_records, parse_time

COMPARED_FIELDS = ("name", "rate", "min", "max", "refill", "cancel", "type")
"""What a change of a service is; other fields (category, description) are not compared."""


@dataclass(frozen=True, slots=True)
class CatalogueDiff:
    """Services added, removed and changed (one entry per changed field) between fetches."""

    added: list[str]
    removed: list[str]
    changed: list[dict[str, Any]]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def as_event(self) -> dict[str, Any]:
        """The `smm_panel_catalogue_changed` data (the entry id aside): values as read, the
        rate as a number."""
        return {"added": self.added, "removed": self.removed, "changed": self.changed}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The panel's service catalogue and when it was fetched."""

    fetched_at: datetime
    services: Mapping[str, Service]

    @classmethod
    def of(cls, services: Iterable[Service], fetched_at: datetime) -> Catalogue:
        """A catalogue of fetched services, by service id."""
        return cls(fetched_at=fetched_at, services={s.service_id: s for s in services})

    def diff(self, newer: Catalogue) -> CatalogueDiff:
        """What `newer` added, removed and changed, in the panels' order of services."""
        old, new = self.services, newer.services
        changed: list[dict[str, Any]] = []
        for service_id, after in new.items():
            before = old.get(service_id)
            if before is None or before == after:
                continue
            for field in COMPARED_FIELDS:
                was, now = getattr(before, field), getattr(after, field)
                if was != now:
                    changed.append(
                        {
                            "service": service_id,
                            "field": field,
                            "old": _read(was),
                            "new": _read(now),
                        }
                    )
        return CatalogueDiff(
            added=[service_id for service_id in new if service_id not in old],
            removed=[service_id for service_id in old if service_id not in new],
            changed=changed,
        )

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


def _read(value: object) -> object:
    """A compared value as the event carries it: the exact rate as a number."""
    return float(value) if isinstance(value, Decimal) else value
