"""Fixtures of the newest lane: none of the suite's in-process Home Assistant.

scripts/test-newest keeps tests/conftest.py out (--confcutdir); in the other lanes, which load
it, this override keeps its autouse fixture from starting a test Home Assistant here.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """No in-process Home Assistant here: the one under test is a separate process."""
