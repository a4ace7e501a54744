"""Tests for api/models.py: the client's result models.

`PlacedOrder`: built positionally or by keyword, frozen, without a warning by default.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from custom_components.smm_panel.api import PlacedOrder


def test_placed_order() -> None:
    """Positional or keyword, frozen; no warning by default."""
    assert PlacedOrder("1") == PlacedOrder(order_id="1", warning=None)
    placed = PlacedOrder("1", "Link is private")
    assert placed.warning == "Link is private"
    with pytest.raises(FrozenInstanceError):
        placed.order_id = "2"  # type: ignore[misc]
