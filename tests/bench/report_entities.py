"""The entity table: the entry's entities, set-up time, state writes and loop stretches per A.

``entity_table`` renders it in Markdown, ``entity_checks`` the targets of one A on writes and
on the longest synchronous stretch; ``check`` formats one target line (shared with ``report``).
A poll's writes are shown twice: all of them, and the state changes among them (what the
recorder keeps; the rest are ``state_reported``, see ``writes``).
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.bench.ours import CHANGED, Ours
from tests.bench.writes import KINDS, Writes

SHOWN_KINDS = ("order", "summary", "event", "todo")
"""The kinds a write column shows one by one; any other write is added as "other"."""


def check(ok: bool, text: str) -> str:
    """One target line: ticked and "met", or open and "MISSED"."""
    return f"- [{'x' if ok else ' '}] {'met' if ok else 'MISSED'}: {text}"


def entities_text(counts: dict[str, int]) -> str:
    """`10,006 (sensor 10,003, event 3, todo 1, binary_sensor 0)`."""
    parts = ", ".join(f"{domain} {count:,}" for domain, count in counts.items())
    return f"{sum(counts.values()):,} ({parts})"


def _other(writes: Writes) -> int:
    """Writes of kinds no column shows (binary sensor, unknown platforms)."""
    return writes.total - sum(writes.of(kind) for kind in SHOWN_KINDS)


def writes_text(writes: Writes) -> str:
    """`10 + 3 + 10 + 1` (order + summary + event + to-do), `+ n other` when there are."""
    text = " + ".join(str(writes.of(kind)) for kind in SHOWN_KINDS)
    other = _other(writes)
    return f"{text} + {other} other" if other else text


def _breakdown(writes: Writes) -> str:
    """`0`, or `3 (summary 3)`: a total with the kinds that wrote."""
    if not writes.total:
        return "0"
    kinds = [kind for kind in KINDS if writes.of(kind)] + (["other"] if writes.unknown else [])
    parts = ", ".join(
        f"{kind} {writes.unknown if kind == 'other' else writes.of(kind)}" for kind in kinds
    )
    return f"{writes.total} ({parts})"


def _summaries(ours: Ours, orders: int) -> int:
    """The summary sensors of the entry: its sensors that are not order sensors."""
    return ours.entities.get("sensor", 0) - orders


def _all_ok(writes: Writes, k: int, summaries: int) -> bool:
    """k order sensors, k order_update events, the to-do list once, each summary at most
    once, nothing else."""
    return (
        writes.of("order") == k
        and writes.of("event") == k
        and writes.of("todo") == 1
        and writes.of("summary") <= summaries
        and _other(writes) == 0
    )


def _changes_ok(writes: Writes, k: int) -> bool:
    """Of those, state changes: every order write and event, ≤ 1 to-do, ≤ 2 summaries."""
    changes = writes.changes
    return (
        changes.of("order") == k
        and changes.of("event") == k
        and changes.of("todo") <= 1
        and changes.of("summary") <= 2
    )


def _worst(ours: Ours, orders: int) -> tuple[Writes, Writes]:
    """The poll with the most writes when nothing changed; the first off-target (else the
    busiest) poll with k changed."""
    k, summaries = min(CHANGED, orders), _summaries(ours, orders)
    unchanged = max(ours.writes_unchanged, key=lambda writes: writes.total)
    changed = max(
        ours.writes_changed,
        key=lambda w: (not (_all_ok(w, k, summaries) and _changes_ok(w, k)), w.total),
    )
    return unchanged, changed


def entity_table(rows: Sequence[tuple[int, Ours]]) -> list[str]:
    """The table's lines, one row per A."""
    lines = [
        "| A | entities of the entry | set-up s (incl. first poll) | writes, nothing changed "
        f"| writes, {CHANGED} changed: order + summary + event + to-do | of those, state "
        "changes (recorded) | longest synchronous stretch ms, nothing changed "
        f"/ {CHANGED} changed |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for orders, ours in rows:
        unchanged, changed = _worst(ours, orders)
        lines.append(
            f"| {orders:,} | {entities_text(ours.entities)} | {ours.setup:.2f} "
            f"| {_breakdown(unchanged)} | {writes_text(changed)} "
            f"| {writes_text(changed.changes)} "
            f"| {ours.worst_block * 1000:.1f} / {ours.worst_block_changed * 1000:.1f} |"
        )
    return lines


def entity_checks(orders: int, ours: Ours) -> list[str]:
    """The targets of one A on state writes and the longest synchronous stretch."""
    k, summaries = min(CHANGED, orders), _summaries(ours, orders)
    unchanged, changed = _worst(ours, orders)
    changes = changed.changes
    other = _other(changed)
    block = max(ours.worst_block, ours.worst_block_changed)
    return [
        check(
            unchanged.total == 0,
            f"A={orders}: state writes with nothing changed: {_breakdown(unchanged)} (= 0)",
        ),
        check(
            _all_ok(changed, k, summaries),
            f"A={orders}: writes with {k} changed: {changed.of('order')} order + "
            f"{changed.of('event')} event + {changed.of('todo')} to-do + "
            f"{changed.of('summary')} summary"
            + (f" + {other} other" if other else "")
            + f" (= {k} order + {k} order_update + 1 to-do + ≤ {summaries} summary, "
            "one per summary sensor)",
        ),
        check(
            _changes_ok(changed, k),
            f"A={orders}: of those, state changes (recorded): {changes.of('order')} order + "
            f"{changes.of('event')} event + {changes.of('todo')} to-do + "
            f"{changes.of('summary')} summary (= {k} + {k} + ≤ 1 + ≤ 2)",
        ),
        check(
            block < 0.05,
            f"A={orders}: longest synchronous stretch {block * 1000:.1f} ms (< 50 ms)",
        ),
    ]
