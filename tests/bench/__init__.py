"""The poll benchmark of issue 6: our coordinator vs. the ways people poll a panel today.

Run through ``scripts/bench`` (``--help`` for the options). The fake panel runs in a separate
process (``python -m tests.bench --serve-panel``) with a per-request latency, so the CPU time
measured here is only the client side. For each A (tracked unfinished orders, R = A/10 tracked
refills):

- ours: ``coordinator.async_refresh()`` of the integration set up in a test Home Assistant
  (the harness of the test suite: ``async_test_home_assistant`` + mocked storage);
- baseline 1: one ``status`` request per order (and per refill), sequentially, with urllib and
  a new connection per request, like the panels' example client;
- baseline 2: ``babismm`` (PyPI, synchronous, requests.Session), ``get_multi_status`` fed 100 ids
  at a time, installed on demand into ``.bench/`` (never a runtime or test dependency).

Every figure is the median of ``--runs`` runs. Per A it also counts the entry's entities per
platform and the state writes of a poll per kind of entity (order sensors, summaries, events,
to-do list), with nothing changed and with 10 orders changed.

Lean history (part of the full run, or alone with ``--recorder``, never with ``--quick``):
Home Assistant's real recorder on a temporary SQLite file, ``--recorder-orders`` tracked orders
(1000) and a day of ``--recorder-polls`` polls (288) as the fake panel moves the orders along,
once with every attribute of the order sensors recorded ("before") and once as shipped
("after"); the database growth goes to the "Lean history" section of docs/benchmarks.md.
"""
