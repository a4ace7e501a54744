"""The two ways people poll a panel today, as baselines for ours.

Baseline 1 sends one request per order and per refill with urllib; baseline 2 is babismm's bulk
calls, babismm installed on demand into ``.bench/``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import importlib
import json
import subprocess
import sys
from typing import Any
import urllib.parse
import urllib.request

from tests.bench.panel import KEY, ROOT, Panel

BABISMM = "babismm==1.0.1"
BABISMM_DIR = ROOT / ".bench" / "babismm-1.0.1"


def baseline_per_order(panel: Panel, orders: Sequence[str], refills: Sequence[str]) -> None:
    """Baseline 1: balance, then one `status` per order and one `refill_status` per refill."""

    def call(fields: dict[str, str]) -> object:
        body = urllib.parse.urlencode({"key": KEY, **fields}).encode()
        with urllib.request.urlopen(panel.api_url, body, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read())

    call({"action": "balance"})
    for order_id in orders:
        call({"action": "status", "order": order_id})
    for refill_id in refills:
        call({"action": "refill_status", "refill": refill_id})


def load_babismm() -> Any:
    """Import babismm's `smm` module, installing the pinned wheel into .bench/ on first use."""
    if not BABISMM_DIR.exists():
        print(f"bench: installing {BABISMM} into {BABISMM_DIR} (benchmark only)", file=sys.stderr)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--target",
                str(BABISMM_DIR),
                BABISMM,
            ],
            check=False,
        )
        if done.returncode != 0:
            return None
    sys.path.append(str(BABISMM_DIR))
    try:
        return importlib.import_module("smm")
    except ImportError as err:
        print(f"bench: babismm unusable: {err}", file=sys.stderr)
        return None


def baseline_babismm(smm: Any, panel: Panel, orders: Sequence[str], refills: Sequence[str]) -> None:
    """Baseline 2: babismm's balance, then its bulk calls fed 100 ids at a time."""
    with smm.SMM(panel.api_url, KEY) as client:
        client.get_balance()
        for batch in _chunks(orders):
            client.get_multi_status(batch)
        for batch in _chunks(refills):
            client.get_multi_refill_status(batch)


def _chunks(ids: Sequence[str], size: int = 100) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])
