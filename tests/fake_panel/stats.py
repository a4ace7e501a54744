"""What the panel was asked: a request log, per-action counts and peak concurrency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .faults import Fault

ID_FIELDS = ("order", "orders", "refill", "refills")


def split_ids(text: str) -> list[str]:
    """The ids of a comma-separated list field, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as received: the form without the key, the ids it names, when, any fault."""

    action: str
    fields: Mapping[str, str]
    ids: tuple[str, ...]
    time: float
    method: str
    fault: Fault | None = None


class Stats:
    """The log and counters tests and benchmarks read after driving a client."""

    __slots__ = ("counts", "in_flight", "max_in_flight", "requests")

    def __init__(self) -> None:
        """Start with nothing observed."""
        self.requests: list[RequestRecord] = []
        self.counts: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    def record(
        self, fields: Mapping[str, str], now: float, method: str, fault: Fault | None
    ) -> RequestRecord:
        """Log one request (the key is left out) and count it under its action."""
        kept = {name: value for name, value in fields.items() if name != "key"}
        ids: list[str] = []
        for name in ID_FIELDS:
            ids.extend(split_ids(kept.get(name, "")))
        action = kept.get("action", "")
        record = RequestRecord(action, kept, tuple(ids), now, method, fault)
        self.requests.append(record)
        self.counts[action] += 1
        return record

    def enter(self) -> None:
        """A request started; remember the highest concurrency seen."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        """A request finished (answered, failed or dropped)."""
        self.in_flight -= 1

    def reset(self) -> None:
        """Forget the log, the counts and the peak (requests in flight stay counted)."""
        self.requests.clear()
        self.counts.clear()
        self.max_in_flight = self.in_flight
