"""The tolerant value readers of parsing.py (PROTOCOL.md §6), one quirk at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from custom_components.smm_panel.api import SmmAuthError, SmmPanelError, parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.27819", Decimal("0.27819")),
        (" 100.84292 ", Decimal("100.84292")),
        ("0.90", Decimal("0.90")),
        (0.9, Decimal("0.9")),
        (0.1, Decimal("0.1")),
        (157, Decimal(157)),
        ("157", Decimal(157)),
        ("-1.5", Decimal("-1.5")),
        ("1e3", Decimal("1e3")),
        ("999999999999999999", Decimal("999999999999999999")),
    ],
)
def test_decimal_reads_money_exactly(value: object, expected: Decimal) -> None:
    """Money stays exact: the text's own digits, never a float's binary approximation."""
    result = parsing.decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        "",
        "  ",
        "Unknown",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "sNaN",
        float("nan"),
        float("inf"),
        "1e19",
        "99999999999999999999",
        10**19,
        "1e-9999999999999999999",
        "1e9999999999999999999",
        [],
        {},
        ["1"],
        {"value": "1"},
        "1,5",
    ],
)
def test_decimal_rejects_garbage(value: object) -> None:
    """Anything that is not a finite, plausible number reads as None."""
    assert parsing.decimal(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("157", 157),
        (157, 157),
        (" 3572 ", 3572),
        ("0", 0),
        (0, 0),
        ("157.0", 157),
        (157.0, 157),
        ("Unknown", None),
        ("", None),
        (None, None),
        ("157.5", None),
        (157.5, None),
        (True, None),
        ("abc", None),
    ],
)
def test_integer(value: object, expected: int | None) -> None:
    """Counts from strings or numbers; "Unknown", fractions and booleans give None."""
    result = parsing.integer(value)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("True", True),
        (" TRUE ", True),
        ("false", False),
        ("yes", True),
        ("on", True),
        ("no", False),
        ("", False),
        (None, False),
        ([], False),
        ({}, False),
        ([1], False),
    ],
)
def test_boolean(value: object, expected: bool) -> None:
    """Flags arrive as true/false, 0/1, "0"/"1" or not at all (missing = False)."""
    assert parsing.boolean(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (23501, "23501"),
        ("23501", "23501"),
        (" 23501 ", "23501"),
        (23501.0, "23501"),
        ("ord_5bd", "ord_5bd"),
        ("0005", "0005"),
        (0, "0"),
        (True, None),
        (False, None),
        (None, None),
        ("", None),
        ("  ", None),
        (1.5, None),
        (float("nan"), None),
        (float("inf"), None),
        ([1], None),
        ({"id": 1}, None),
    ],
)
def test_item_id(value: object, expected: str | None) -> None:
    """Ids are kept as strings: ints, numeric strings and opaque strings alike."""
    assert parsing.item_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("USD", "USD"),
        ("  USD\n", "USD"),
        ("", None),
        ("   ", None),
        (None, None),
        (1, None),
        (["USD"], None),
    ],
)
def test_text(value: object, expected: str | None) -> None:
    """Text is stripped; empty and non-strings are None."""
    assert parsing.text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"error": "Incorrect order ID"}, "Incorrect order ID"),
        ({"error": "  Incorrect request  "}, "Incorrect request"),
        ({"error": {"message": "Refill not found"}}, "Refill not found"),
        ({"error": {"error": "Cannot cancel"}}, "Cannot cancel"),
        ({"error": {}}, "Unknown panel error"),
        ({"error": ""}, "Unknown panel error"),
        ({"error": None}, "Unknown panel error"),
        ({"error": {"message": None}}, "Unknown panel error"),
        ({"error": 404}, "404"),
        ({"error": True}, "True"),
        ({"status": "Completed"}, None),
        ({}, None),
        ("error", None),
        (["error"], None),
        (None, None),
    ],
)
def test_error_text(value: object, expected: str | None) -> None:
    """The panel's own error text, whatever shape the error value takes."""
    assert parsing.error_text(value) == expected


KEY_WORDINGS = [
    "Invalid API key",
    "Incorrect API key",
    "Invalid api key.",
    "invalid api key",
    "INVALID API KEY",
    "Wrong API key",
    "API key is not valid",
    "Invalid API-key",
    "Invalid api_key",
    "Invalid apikey",
    "Incorrect key",
    "Invalid key.",
    "Wrong key",
    "Bad key",
    "Unknown key",
    "Missing key",
    "Missing API key",
    "error.invalid_key",
]
NOT_KEY_WORDINGS = [
    "Incorrect request",
    "Incorrect order ID",
    "Incorrect service ID",
    "Disabled service ID",
    "Not enough funds on balance",
    "neworder.error.not_enough_funds",
    "Quantity less than minimal 200",
    "Incorrect link",
    "You have active order with this link. Please wait until order being completed.",
    "Order not eligible for refill.",
    "Refill not found",
    "Cannot cancel",
    "Invalid keywords",
    "Incorrect keywords list",
]


@pytest.mark.parametrize("message", KEY_WORDINGS)
def test_key_wordings_are_auth_errors(message: str) -> None:
    """Every wording of a rejected key becomes SmmAuthError, with a generic message."""
    assert parsing.is_key_error(message)
    error = parsing.panel_exception(message)
    assert type(error) is SmmAuthError
    assert str(error) == "The panel rejected the API key"


@pytest.mark.parametrize("message", NOT_KEY_WORDINGS)
def test_other_errors_are_panel_errors(message: str) -> None:
    """Every other panel error keeps the panel's text verbatim."""
    assert not parsing.is_key_error(message)
    error = parsing.panel_exception(message)
    assert type(error) is SmmPanelError
    assert error.panel_message == message
    assert str(error) == message
