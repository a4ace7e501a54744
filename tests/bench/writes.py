"""The entry's entities by kind, and the state writes each kind makes.

A state write is an ``async_write_ha_state`` that reached the state machine: Home Assistant
fires ``state_changed`` when the state or an attribute moved (what the recorder keeps) and
``state_reported`` when nothing did. Both are counted, per kind of entity of the entry:

- ``order``: the order sensors; ``summary``: the other sensors (balance, spent, active orders);
- ``event``, ``todo``, ``binary_sensor``: the entities of those platforms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

KINDS = ("order", "summary", "event", "todo", "binary_sensor")
"""The kinds of entity, in the order the report shows them."""
DOMAINS = ("sensor", "event", "todo", "binary_sensor")
"""The entry's platforms, in the order the report shows them."""
ORDER_KEY = "order_"
"""Order sensors' unique ids are `<entry id>_order_<order id>` (CONTRACT §3)."""


@dataclass(slots=True)
class Writes:
    """The state writes of one poll, per kind: `changed` (state_changed), `reported`."""

    changed: Counter[str] = field(default_factory=Counter)
    reported: Counter[str] = field(default_factory=Counter)

    def of(self, kind: str) -> int:
        """Writes of one kind, changed or not."""
        return self.changed[kind] + self.reported[kind]

    @property
    def total(self) -> int:
        """Every write of the entry's entities."""
        return self.changed.total() + self.reported.total()

    @property
    def changes(self) -> Writes:
        """The writes that changed a state (what the recorder keeps)."""
        return Writes(Counter(self.changed))

    @property
    def unknown(self) -> int:
        """Writes of entities of no known kind (another platform)."""
        return sum(self.of(kind) for kind in {*self.changed, *self.reported} - set(KINDS))


def _kind(entry: er.RegistryEntry, entry_id: str) -> str:
    if entry.domain == "sensor":
        return "order" if entry.unique_id.startswith(f"{entry_id}_{ORDER_KEY}") else "summary"
    return entry.domain


def entity_kinds(hass: HomeAssistant, entry_id: str) -> dict[str, str]:
    """Entity id → kind, for every registered entity of the entry."""
    registry = er.async_get(hass)
    return {
        entry.entity_id: _kind(entry, entry_id)
        for entry in er.async_entries_for_config_entry(registry, entry_id)
    }


def entity_counts(hass: HomeAssistant, entry_id: str) -> dict[str, int]:
    """Registered entities of the entry per platform (each of DOMAINS, 0 when none)."""
    registry = er.async_get(hass)
    counts = Counter(
        entry.domain for entry in er.async_entries_for_config_entry(registry, entry_id)
    )
    return {domain: counts[domain] for domain in (*DOMAINS, *sorted(counts.keys() - DOMAINS))}


class WriteCounter:
    """Counts the state writes of the entry's entities (as registered when it starts)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._kinds = entity_kinds(hass, entry_id)
        self._writes = Writes()
        self._unlisten: list[Callable[[], None]] = []
        ours = self._of_entry
        for event_type, counts in (
            (EVENT_STATE_CHANGED, self._writes.changed),
            (EVENT_STATE_REPORTED, self._writes.reported),
        ):
            self._unlisten.append(
                hass.bus.async_listen(event_type, self._counter(counts), event_filter=ours)
            )

    @callback
    def _of_entry(self, data: Mapping[str, Any]) -> bool:
        return data["entity_id"] in self._kinds

    def _counter(self, counts: Counter[str]) -> Callable[[Event[Any]], None]:
        kinds = self._kinds

        @callback
        def count(event: Event[Any]) -> None:
            counts[kinds[event.data["entity_id"]]] += 1

        return count

    def take(self) -> Writes:
        """The writes since the last take (or the start), and start again from zero."""
        taken = Writes(Counter(self._writes.changed), Counter(self._writes.reported))
        self._writes.changed.clear()
        self._writes.reported.clear()
        return taken

    def stop(self) -> None:
        """Stop listening."""
        for unlisten in self._unlisten:
            unlisten()
        self._unlisten.clear()
