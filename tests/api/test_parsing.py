"""The tolerant value readers of parsing.py (PROTOCOL.md §6), one quirk at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from custom_components.smm_panel.api import (
    SmmAuthError,
    SmmPanelError,
    SmmRateLimitedError,
    parsing,
)


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
        (Decimal("0.27819000001"), Decimal("0.27819000001")),
        (Decimal("-3"), Decimal("-3")),
        ("1,234.56", Decimal("1234.56")),
        (" 1,234 ", Decimal("1234")),
        ("-12,345,678.9", Decimal("-12345678.9")),
        ("999,999,999,999,999,999", Decimal("999999999999999999")),
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
        "1,23.4",
        "1234,567",
        ",123",
        "1,234,",
        "1,,234",
        "1.234,56",
        "1,234.5,6",
        "+1,234",
        "1,234e3",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("1e19"),
        Decimal("1E+999999"),
        "99,999,999,999,999,999,999",
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
        (Decimal("157.0"), 157),
        (Decimal("157.5"), None),
        (Decimal("NaN"), None),
        ("1,000", 1000),
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
        (Decimal("1.0"), True),
        (Decimal("0.0"), False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        (float("nan"), False),
        (float("inf"), False),
    ],
)
def test_boolean(value: object, expected: bool) -> None:
    """Flags arrive as true/false, 0/1, "0"/"1" or not at all (missing = False)."""
    assert parsing.boolean(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (False, True),
        (0, True),
        (0.0, True),
        (Decimal("0.0"), True),
        ("0", True),
        (" False ", True),
        ("no", True),
        ("off", True),
        (True, False),
        (1, False),
        (Decimal(1), False),
        ("1", False),
        ("", False),
        (None, False),
        ([], False),
    ],
)
def test_is_false(value: object, expected: bool) -> None:
    """Only an explicit no is false; a missing or unreadable flag is not."""
    assert parsing.is_false(value) is expected


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
        (Decimal("23501.0"), "23501"),
        (Decimal("2.35E+4"), "23500"),
        (Decimal("1.5"), None),
        (Decimal("NaN"), None),
        (Decimal("Infinity"), None),
        (Decimal("1E+999999"), None),
        (Decimal("1E+99"), "1" + "0" * 99),
    ],
)
def test_item_id(value: object, expected: str | None) -> None:
    """Ids are kept as strings: ints, numeric strings and opaque strings alike."""
    assert parsing.item_id(value) == expected


def test_item_id_of_huge_decimal_is_cheap() -> None:
    """A Decimal with a million-digit exponent is refused before it becomes an int."""
    assert parsing.item_id(Decimal("9E+999999999")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (23501, "23501"),
        ("23501", "23501"),
        (" 23501 ", "23501"),
        (Decimal("23501.0"), "23501"),
        (23501.0, "23501"),
        ("ord_5bd", "ord_5bd"),
        ("0005", "0005"),
        ("+5", "+5"),
        ("1e3", "1e3"),
        ("x" * 100, "x" * 100),
        ("0x1F", "0x1F"),
        (0, None),
        ("0", None),
        ("000", None),
        (" 0 ", None),
        ("-0", None),
        (Decimal("0.0"), None),
        (-5, None),
        ("-5", None),
        (Decimal("-5"), None),
        (1.5, None),
        (Decimal("1.5"), None),
        ("1.5", None),
        ("NaN", None),
        ("-Infinity", None),
        ("inf", None),
        ("1e99999999999999999999", None),
        (None, None),
        ("", None),
        (True, None),
        (False, None),
        ({"id": 5}, None),
        ([5], None),
        ("ord 5", None),
        ("5,6", None),
        ("5\t6", None),
        ("x" * 101, None),
        (10**101, None),
    ],
)
def test_placed_id(value: object, expected: str | None) -> None:
    """An order id a placed order can be tracked by: no zero, sign, fraction, blank or comma."""
    assert parsing.placed_id(value) == expected


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
        ({"status": "error", "message": " Not enough funds "}, "Not enough funds"),
        ({"status": "Error", "message": "Incorrect link"}, "Incorrect link"),
        ({"status": "fail", "message": "Incorrect link"}, "Incorrect link"),
        ({"status": "failed", "message": "Incorrect link"}, "Incorrect link"),
        ({"status": False, "message": "Incorrect link"}, "Incorrect link"),
        ({"status": "error", "message": ""}, "Unknown panel error"),
        ({"status": "error", "message": None}, "Unknown panel error"),
        ({"status": "error", "message": "a", "error": "b"}, "b"),
        ({"status": "error"}, None),
        ({"status": "success", "message": "Order placed"}, None),
        ({"status": "Error", "message": "Failed", "charge": "0.1"}, None),
        ({"status": "Fail", "message": "x", "remains": "5", "start_count": "1"}, None),
        ({"status": 0, "message": "x"}, None),
        ({"status": None, "message": "x"}, None),
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
    "   API is Disable for this user or User Not Found! Contact the Support   ",
    "API is disabled",
    "User not found",
    "user not found.",
    "invalid API key",
    "Unauthenticated.",
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
    "Service ID does not exists",
    "Quantity must to be greater than or equal to minimum amount 100",
    "Quantity less than maximum 5000",
    "Invalid Link",
    "This services does not support Dripfeed feature!",
    "Refill is disabled for this service",
    "The order is not completed",
    "The refill was requested less than 24 hours ago",
    "This action is Invalid",
    "Order not found",
    "Refill Request Not found",
    "Username not found",
    "Keyword is required",
    "Monkey business",
]
ACCOUNT_WORDINGS = [
    "Account suspended",
    "Your account has been suspended.",
    "This account is banned",
    "Your account is blocked. Contact support",
    "User is deactivated",
    "Account disabled",
    "Suspended account",
]
RATE_LIMIT_WORDINGS = [
    "Rate limit exceeded. Slow down.",
    "Too many requests",
    "Too many requests. Please try again later.",
    "rate limit",
    "RateLimit reached",
    "rate_limited",
    "Too many attempts, please wait",
    "Request throttled",
    "Slow down!",
]


@pytest.mark.parametrize("message", KEY_WORDINGS)
def test_key_wordings_are_auth_errors(message: str) -> None:
    """Every wording of a rejected key becomes SmmAuthError, with a generic message."""
    assert parsing.is_key_error(message)
    error = parsing.panel_exception(message)
    assert type(error) is SmmAuthError
    assert str(error) == "The panel rejected the API key"
    assert error.panel_message is None
    assert not parsing.is_account_refusal(message) or parsing.is_key_error(message)


@pytest.mark.parametrize("message", NOT_KEY_WORDINGS)
def test_other_errors_are_panel_errors(message: str) -> None:
    """Every other panel error keeps the panel's text verbatim."""
    assert not parsing.is_key_error(message)
    error = parsing.panel_exception(message)
    assert type(error) is SmmPanelError
    assert error.panel_message == message
    assert str(error) == message


@pytest.mark.parametrize("message", NOT_KEY_WORDINGS)
@pytest.mark.parametrize("status", [200, 400, 404, 422])
def test_refusals_are_panel_errors_with_any_status(message: str, status: int) -> None:
    """Refusal texts are the panel's, never a key, account or rate-limit error."""
    assert not parsing.is_account_refusal(message)
    assert not parsing.is_rate_limit(message)
    error = parsing.panel_exception(message, status=status)
    assert type(error) is SmmPanelError
    assert error.panel_message == message


@pytest.mark.parametrize("message", ACCOUNT_WORDINGS)
@pytest.mark.parametrize("status", [200, 401, 403])
def test_account_refusals_keep_the_panel_text(message: str, status: int) -> None:
    """An account-level refusal is SmmAuthError carrying the panel's text."""
    assert parsing.is_account_refusal(message)
    assert not parsing.is_key_error(message)
    error = parsing.panel_exception(message, status=status)
    assert type(error) is SmmAuthError
    assert error.panel_message == message
    assert str(error) == f"The panel refused the account: {message}"


@pytest.mark.parametrize("message", ["Incorrect request", "Forbidden", "Order not found"])
@pytest.mark.parametrize("status", [401, 403])
def test_other_texts_with_401_or_403_refuse_the_account(message: str, status: int) -> None:
    """HTTP 401/403 with a text that is no key text: the account is refused, text kept."""
    error = parsing.panel_exception(message, status=status)
    assert type(error) is SmmAuthError
    assert error.panel_message == message


@pytest.mark.parametrize("message", RATE_LIMIT_WORDINGS)
@pytest.mark.parametrize("status", [200, 400, 403])
def test_rate_limit_texts(message: str, status: int) -> None:
    """A rate-limit text is SmmRateLimitedError (whatever the status), with the given delay."""
    assert parsing.is_rate_limit(message)
    assert not parsing.is_key_error(message)
    error = parsing.panel_exception(message, status=status, retry_after=7.0, host="panel.test")
    assert type(error) is SmmRateLimitedError
    assert error.retry_after == 7.0
    assert str(error) == "panel.test is rate limiting requests"


def test_key_text_wins_over_everything() -> None:
    """A text naming the key is a key rejection even beside rate-limit or account words."""
    for message in ("Too many requests with an invalid API key", "Account of this key: bad key"):
        error = parsing.panel_exception(message, status=403)
        assert type(error) is SmmAuthError
        assert error.panel_message is None
