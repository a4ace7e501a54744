"""docs/benchmarks.md: its fixed text, and writing it whole or only its "Lean history" section.

The file is ``DOC_HEAD``, the measured report (machine, tables, targets), the lean-history
section (``report_history``) and ``DOC_TAIL``. A run that measured no lean history keeps the
section the file already has; ``--recorder`` alone rewrites that section only.
"""

from __future__ import annotations

from pathlib import Path

HISTORY_HEADING = "## Lean history"
CATALOGUE_HEADING = "## Catalogue watching and find_services"

DOC_HEAD = """# Benchmarks

The poll of one entry (issue 6, CONTRACT §7) against the fake panel on 127.0.0.1, produced by
`scripts/bench` (see `tests/bench/` for what is measured and how). A = tracked unfinished
orders, R = A/10 tracked unfinished refills; floor = 1 + ⌈A/100⌉ + ⌈R/100⌉ requests. The fake
panel runs in its own process, so CPU time is the client's alone. "ours" is
`coordinator.async_refresh()` (plus the state writes it causes) of the integration set up in a
test Home Assistant from this repository, tracked orders seeded through its storage.

"""

DOC_TAIL = """
## Notes

- How it is measured: requests are counted by the panel; wall and CPU (`time.process_time`, the
  panel is another process) around `await coordinator.async_refresh()` plus
  `hass.async_block_till_done()`; the longest synchronous stretch is the worst overshoot of a
  task sleeping 1 ms in a loop during a refresh (nothing changed, and 10 changed orders); set-up
  is `async_setup` of the entry (storage load, first poll with the catalogue fetch, all entities
  added). Memory: tracemalloc (40 frames) from just before set-up to after one more poll, each
  allocation still held charged to the innermost frame in this integration (ours) or in Home
  Assistant's `core.py`/`read_only_dict.py` (state objects) or entity/device registry, else
  "other".
- Entities: those of the entry in the entity registry, per platform (the low-balance binary
  sensor exists only while a threshold is set; the bench sets none). State writes: every
  `async_write_ha_state` of the entry's entities that reached the state machine during the
  refresh, i.e. its `state_changed` events (state or attributes moved; what the recorder keeps)
  plus its `state_reported` events (written, nothing moved; not recorded). By kind: order =
  the order sensors, summary = balance, spent and active orders, event = the three event
  entities (each order status change fires `order_update` once, CONTRACT §10: one write per
  changed order, by design), to-do = the orders list, other = anything else (binary sensor).
- The "10 changed" polls flip 10 orders between Pending and In progress. The summary sensors
  (balance, spent, active orders) and the to-do list are written on every poll that changed
  something, but their states (for the list: the number of unfinished orders) and attributes
  stay, so Home Assistant reports those writes (`state_reported`, not recorded) instead of
  changing a state; the list's item subscribers hear of the new items either way. The column
  "of those, state changes" is what the recorder keeps.
- Baseline 1 above `--baseline1-max` (default 1 000) would take 1 + A + R round trips (≈ 10 min
  per run at A = 10 000); its figures there are extrapolated per request and marked `~`.
- babismm is installed only for the benchmark, pinned (`babismm==1.0.1`, `--no-deps`, its one
  dependency `requests` is already in the venv) into `.bench/` (git-ignored).
- Profiling (issue 6 target missed on the first run): at A = 10 000 the longest synchronous
  stretch was 79 ms. Timing the poll's synchronous steps in isolation showed
  `OrderTracker.async_apply_poll` taking 43 ms for 10 000 unchanged answers: it built a new
  record with `dataclasses.replace` for every order and then compared it field by field with
  the old one. `_order_after` (tracking.py) now returns the old record when no field moved, and
  the comparison is skipped on identity: 2.5 ms. Still on the loop after a poll that changed
  something: the deferred storage write serialises every record (`_as_dict`, ≈ 21 ms at
  A = 10 000, once per 10 s at most) — under the limit, left as is.
"""


def history_section(doc: str, heading: str = HISTORY_HEADING) -> str | None:
    """A section of a doc (its heading to the next `## ` heading), if it has one."""
    start = doc.find(f"\n{heading}\n")
    if start < 0:
        return None
    end = doc.find("\n## ", start + 1)
    return doc[start + 1 : end + 1 if end >= 0 else len(doc)]


def write_doc(path: Path, report: str, history: str | None) -> None:
    """Write the whole doc; without a new lean-history section, keep the file's own, and
    keep its catalogue section (`--catalogue` measures that one)."""
    old = path.read_text() if path.exists() else ""
    if history is None:
        history = history_section(old)
    catalogue = history_section(old, CATALOGUE_HEADING)
    sections = "".join(f"\n{part.rstrip()}\n" for part in (history, catalogue) if part)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC_HEAD + report + "\n" + sections + DOC_TAIL)


def write_history(path: Path, history: str, heading: str = HISTORY_HEADING) -> None:
    """Replace (or add, before the notes) a section of an existing doc."""
    doc = path.read_text()
    old = history_section(doc, heading)
    new = history.rstrip() + "\n"
    if old is not None:
        doc = doc.replace(old, new + ("\n" if old.endswith("\n\n") else ""), 1)
    elif "\n## Notes\n" in doc:
        doc = doc.replace("\n## Notes\n", f"\n{new}\n## Notes\n", 1)
    else:
        doc = doc.rstrip() + f"\n\n{new}"
    path.write_text(doc)
