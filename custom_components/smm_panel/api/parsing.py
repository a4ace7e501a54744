"""Tolerant readers for the values panels send (PROTOCOL.md §6, §8), error texts included.

Every reader takes an arbitrary decoded-JSON value (numbers come as `Decimal`, `int` or,
for NaN/Infinity, `float`) and either returns a clean Python value or None — nothing else
may escape from answer parsing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
import math
import re

from .exceptions import SmmAuthError, SmmError, SmmPanelError, SmmRateLimitedError

_KEY_ERROR = re.compile(
    r"api[\s_.-]*key|apikey|(invalid|incorrect|wrong|bad|unknown|missing)[\s_.-]*key\b"
    r"|\buser\s+not\s+found\b|\bapi\s+is\s+disabled?\b|\bunauthenticated\b",
    re.IGNORECASE,
)
_ACCOUNT_REFUSED = re.compile(
    r"\b(account|user)\b[^.!?\n]{0,40}?"
    r"\b(suspended|banned|blocked|deactivated|disabled|locked|closed|inactive)\b"
    r"|\b(suspended|banned|blocked|deactivated)\b[^.!?\n]{0,40}?\baccount\b",
    re.IGNORECASE,
)
_RATE_LIMITED = re.compile(
    r"rate[\s_.-]*limit|too\s+many\s+(requests|attempts)|slow\s+down|throttl", re.IGNORECASE
)
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
"""A number as PHP's number_format writes it: comma thousands, dot decimals."""
_NUMBERISH = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|[+-]?(s?nan|inf(inity)?)", re.I)
_UNFIT_IN_ID = re.compile(r"[\s,]")
"""Ids travel comma-separated in bulk forms; blanks and commas cannot be in one."""
_ERROR_STATUSES = frozenset({"error", "fail", "failed"})
_ORDER_FIELDS = frozenset({"charge", "start_count", "remains"})
_MAX_MAGNITUDE = 18  # digits before the point; larger "numbers" are garbage, not money
MAX_ID_LENGTH = 100
_TRUE_TEXTS = frozenset({"1", "true", "yes", "on"})
_FALSE_TEXTS = frozenset({"0", "false", "no", "off"})


def text(value: object) -> str | None:
    """A stripped non-empty string, or None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def item_id(value: object) -> str | None:
    """An order/refill/service id as a string: ints, numeric or opaque strings; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        integral = value.is_finite() and value == value.to_integral_value()
        return str(int(value)) if integral and value.adjusted() < MAX_ID_LENGTH else None
    return text(value)


def placed_id(value: object) -> str | None:
    """The id of a newly placed order, or None when it is not one a panel could mean.

    Beyond `item_id`: not zero or negative, not a fraction, no blanks or commas, at most
    100 characters — an answer holding anything else did not say which order it placed.
    """
    found = item_id(value)
    if found is None or len(found) > MAX_ID_LENGTH or _UNFIT_IN_ID.search(found):
        return None
    if not _NUMBERISH.fullmatch(found):
        return found
    try:
        number = Decimal(found)
    except InvalidOperation:
        return None
    integral = number.is_finite() and number == number.to_integral_value()
    return found if integral and number > 0 else None


def decimal(value: object) -> Decimal | None:
    """Money from text or a JSON number, without float arithmetic; None when unreadable.

    Text may group thousands the way PHP's number_format does ("1,234.56"); any other
    comma makes it unreadable.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    if isinstance(value, Decimal):
        result = value
    else:
        written = str(value).strip()
        if _GROUPED.fullmatch(written):
            written = written.replace(",", "")
        try:
            result = Decimal(written)
        except InvalidOperation:
            return None
    if not result.is_finite() or result.adjusted() > _MAX_MAGNITUDE:
        return None
    return result


def integer(value: object) -> int | None:
    """A count such as `remains` or `start_count`; "Unknown" and fractions give None."""
    number = decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def boolean(value: object) -> bool:
    """Panels send true/false, 0/1, "0"/"1" or nothing at all."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, float):
        return math.isfinite(value) and value != 0
    if isinstance(value, Decimal):
        return value.is_finite() and value != 0
    if isinstance(value, str):
        return value.strip().casefold() in _TRUE_TEXTS
    return False


def is_false(value: object) -> bool:
    """Whether a flag explicitly says no (false, 0, "0", "false", …), unlike a missing one."""
    if isinstance(value, str):
        return value.strip().casefold() in _FALSE_TEXTS
    return value is False or (isinstance(value, int | float | Decimal) and value == 0)


def error_text(value: object) -> str | None:
    """The panel's error text (None when there is no error).

    `{"error": text}` (text possibly nested as `{"message": …}`), or the dialect
    `{"status": "error", "message": text}` — which an order status of "Error" with its
    charge and counts is not.
    """
    if not isinstance(value, dict):
        return None
    if "error" in value:
        error = value["error"]
        if isinstance(error, dict):
            error = error.get("message", error.get("error", ""))
        message = str(error).strip() if error is not None else ""
        return message or "Unknown panel error"
    status = value.get("status")
    said_error = status is False or (
        isinstance(status, str) and status.strip().casefold() in _ERROR_STATUSES
    )
    if said_error and "message" in value and not _ORDER_FIELDS & value.keys():
        return text(value["message"]) or "Unknown panel error"
    return None


def is_key_error(message: str) -> bool:
    """Whether a panel error text means the API key was rejected, in any wording seen."""
    return _KEY_ERROR.search(message) is not None


def is_account_refusal(message: str) -> bool:
    """Whether a panel error text refuses the account itself ("Account suspended", …)."""
    return _ACCOUNT_REFUSED.search(message) is not None


def is_rate_limit(message: str) -> bool:
    """Whether a panel error text says it is rate limiting ("Too many requests", …)."""
    return _RATE_LIMITED.search(message) is not None


def panel_exception(
    message: str,
    *,
    status: int = 200,
    retry_after: float | None = None,
    host: str = "The panel",
) -> SmmError:
    """The exception a top-level error answer with `message` (and HTTP `status`) stands for.

    A key text is a plain key rejection; an account-level text refuses the account (with the
    panel's text); a rate-limit text is SmmRateLimitedError; any other text refuses the
    account when sent with HTTP 401/403, else it is the panel's own refusal.
    """
    if is_key_error(message):
        return SmmAuthError("The panel rejected the API key")
    if is_account_refusal(message):
        return _account_refused(message)
    if is_rate_limit(message):
        return SmmRateLimitedError(f"{host} is rate limiting requests", retry_after)
    if status in (401, 403):
        return _account_refused(message)
    return SmmPanelError(message)


def _account_refused(message: str) -> SmmAuthError:
    return SmmAuthError(f"The panel refused the account: {message}", panel_message=message)
