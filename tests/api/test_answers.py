"""The answer readers of answers.py, on decoded JSON directly (no HTTP)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from custom_components.smm_panel.api import (
    Balance,
    ItemError,
    OrderState,
    PlacedOrder,
    RefillState,
    RefillStatus,
    SmmAuthError,
    SmmInvalidResponseError,
    SmmPanelError,
    answers,
)


def test_balance() -> None:
    """Amount exact, currency optional; anything else is invalid."""
    assert answers.balance({"balance": Decimal("1.50")}) == Balance(
        amount=Decimal("1.50"), currency=None
    )
    unreadable: list[object] = [{}, [], "1.5", {"balance": "x"}]
    for data in unreadable:
        with pytest.raises(SmmInvalidResponseError):
            answers.balance(data)


@pytest.mark.parametrize(
    ("data", "warning", "expected"),
    [
        ({"order": 5}, None, PlacedOrder("5")),
        ({"order": "5"}, "Slow start", PlacedOrder("5", "Slow start")),
        ({"order": 0}, "Refused", None),
        ({"order": "a b"}, None, None),
        ([{"order": 5}], None, None),
        ("5", None, None),
    ],
)
def test_placed_order(data: object, warning: str | None, expected: PlacedOrder | None) -> None:
    """Only an object with a usable `order` is a placed order; the warning rides along."""
    assert answers.placed_order(data, warning) == expected


@pytest.mark.parametrize(
    ("data", "ids", "expected"),
    [
        ({" 1 ": "a", "": "b", "2": "c"}, ["1"], {"1": "a", "2": "c"}),
        ([{"order": 1, "x": 1}, {"order": "2"}], ["2"], {"1": {"order": 1, "x": 1},
                                                        "2": {"order": "2"}}),
        ([{"x": 1}, {"x": 2}], ["7", "8"], {"7": {"x": 1}, "8": {"x": 2}}),
        ([{"order": 1}, {"x": 2}], ["1", "2"], {"1": {"order": 1}}),
    ],
)  # fmt: skip
def test_keyed(data: object, ids: list[str], expected: dict[str, object]) -> None:
    """Keyed by id, listed with ids, or listed without ids in the order asked."""
    assert answers.keyed(data, "order", ids) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"x": 1}], "1 items without ids for 2 ids"),
        ([], "none of the ids"),
        ([{"x": 1}, "junk"], "none of the ids"),
        ({"3": {}}, "none of the ids"),
        ("text", "neither an object nor a list"),
    ],
)
def test_keyed_rejects(data: object, message: str) -> None:
    """An answer that cannot be matched to the ids asked fails as a whole."""
    with pytest.raises(SmmInvalidResponseError, match=message):
        answers.keyed(data, "order", ["1", "2"])


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"status": {"status": "Completed"}}, RefillState.COMPLETED),
        ({"status": " rejected "}, RefillState.REJECTED),
    ],
)
def test_refill_status_nesting(item: object, expected: RefillState) -> None:
    """A status nested one level is read; deeper is not."""
    result = answers.refill_status("3", item)
    assert isinstance(result, RefillStatus)
    assert result.state is expected
    deeper = answers.refill_status("3", {"status": {"status": {"status": "Completed"}}})
    assert deeper == ItemError(item_id="3", error=answers.UNREADABLE_STATUS)


def test_order_status_bare_string_is_an_error() -> None:
    """A bare string for an order is the panel's error text for it."""
    assert answers.order_status("4", " Incorrect order ID ") == ItemError(
        item_id="4", error="Incorrect order ID"
    )
    assert answers.order_status("4", None) == ItemError(
        item_id="4", error=answers.MISSING_FROM_ANSWER
    )


def test_single_forms() -> None:
    """Single answers: the panel's texts are refusals, the client's own mean invalid."""
    status = answers.single_order_status("1", {"status": "Active"})
    assert status.state is OrderState.IN_PROGRESS
    for data in ("Completed", ["Completed"], {"charge": "1"}):
        with pytest.raises(SmmInvalidResponseError, match="Unreadable status for order 1"):
            answers.single_order_status("1", data)
    assert answers.single_refill("1", [{"order": 2, "refill": 8}, {"order": 1, "refill": 9}]) == "9"
    assert answers.single_refill("1", {"refill": "9"}) == "9"
    with pytest.raises(SmmPanelError, match=r"^Order not eligible$"):
        answers.single_refill("1", {"refill": {"error": "Order not eligible"}})
    with pytest.raises(SmmAuthError):
        answers.single_refill("1", [{"order": 1, "error": "Invalid API key"}])
    with pytest.raises(SmmInvalidResponseError, match="no refill id"):
        answers.single_refill("1", [{"order": 2}, {"order": 3}])
    with pytest.raises(SmmPanelError, match=r"^Refill not found$"):
        answers.single_refill_status("1", {"status": {"error": "Refill not found"}})
    with pytest.raises(SmmInvalidResponseError, match="Unreadable status for refill 1"):
        answers.single_refill_status("1", {"status": 5})
