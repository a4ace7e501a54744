"""The "Lean history" section of docs/benchmarks.md, from a ``history.LeanHistory``."""

from __future__ import annotations

import datetime as dt

from tests.bench.day import EVERY, QUANTITY, STEP
from tests.bench.doc import HISTORY_HEADING
from tests.bench.history import Figures, LeanHistory


def _ratio(after: int, before: int) -> str:
    return f"{after / before:.2f}" if before else "N/A"


def _row(label: str, growth: Figures) -> str:
    return (
        f"| {label} | {growth.file_bytes:,} B | {growth.states:,} / {growth.order_states:,} "
        f"| {growth.attributes:,} / {growth.order_attributes:,} "
        f"| {growth.attributes_bytes:,} B / {growth.order_attributes_bytes:,} B "
        f"| {growth.linked:,} |"
    )


def _per_state(growth: Figures) -> str:
    """Attribute bytes per recorded order-sensor state."""
    return f"{growth.order_attributes_bytes / max(growth.order_states, 1):,.0f} B"


def _ratios(after: Figures, before: Figures) -> str:
    return (
        f"| after / before | {_ratio(after.file_bytes, before.file_bytes)} "
        f"| {_ratio(after.states, before.states)} / "
        f"{_ratio(after.order_states, before.order_states)} "
        f"| {_ratio(after.attributes, before.attributes)} / "
        f"{_ratio(after.order_attributes, before.order_attributes)} "
        f"| {_ratio(after.attributes_bytes, before.attributes_bytes)} / "
        f"{_ratio(after.order_attributes_bytes, before.order_attributes_bytes)} | |"
    )


def render_history(history: LeanHistory, command: str) -> str:
    """The section, heading included, in Markdown."""
    before, after = history.before.growth, history.after.growth
    polls = history.polls
    lines = [
        HISTORY_HEADING,
        "",
        "What Home Assistant's recorder keeps of a day of polls (`scripts/bench --recorder`; the "
        "full run measures it too): the real recorder on a temporary SQLite file "
        "(`commit_interval` 0; statistics compiling and the nightly purge off, as in the test "
        f"plugin), A = {history.orders:,} tracked orders, {polls} polls one after the other "
        "against the fake panel without latency "
        f"(a day at 5 min{'' if polls == 288 else ', cut short'}). Before each poll the fake "
        f"panel moves every {EVERY}th order (≈ {history.orders / EVERY:,.0f}) by {STEP} of its "
        f"{QUANTITY:,} units: {history.moves:,} order changes over the day, "
        f"{history.status_changes:,} of them status changes (Pending → In progress → Completed, "
        "each an `order_update` event). The growth is from after set-up (first poll included) "
        "to the end of the day; file size after a WAL checkpoint; attributes bytes = "
        "`shared_attrs` summed over the new `state_attributes` rows. Before: the order "
        "sensors' `_unrecorded_attributes` emptied for the run; after: as shipped (`order_id`, "
        "`service_id`, `service_name`, `link`, `quantity`, `placed_at`, `currency`, "
        "`refill_id` left out, CONTRACT §10).",
        "",
        "| order sensors record | file growth | `states` rows, all / order sensors' "
        "| `state_attributes` rows, all / order sensors' | attributes bytes, all / order "
        "sensors' | attribute rows with `link` |",
        "|---|---:|---:|---:|---:|---:|",
        _row("before: every attribute", before),
        _row("after: static attributes left out (as shipped)", after),
        _ratios(after, before),
        "",
        f"- Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `{command}`; the "
        f"{polls} polls and the recorder's catching up took {history.before.seconds:.0f} s "
        f"(before) and {history.after.seconds:.0f} s (after).",
        "- The same states are recorded either way (the `states` rows match); what shrinks is "
        f"the attribute row of each order-sensor state: {_per_state(before)} before, "
        f"{_per_state(after)} after. The row count stays: what an order sensor still records "
        "(its friendly name, which names the order, start count, progress, …) differs from "
        "order to order, so no two orders share a row. The other rows (the `order_update` "
        "events' states, the to-do list's and the summaries') are the same in both runs.",
    ]
    return "\n".join(lines) + "\n"
