"""Tolerant readers for the values panels send (PROTOCOL.md §6).

Every reader takes an arbitrary decoded-JSON value and either returns a clean Python value
or None / raises SmmInvalidResponseError — nothing else may escape from answer parsing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
import re

from .exceptions import SmmAuthError, SmmError, SmmPanelError

_KEY_ERROR = re.compile(
    r"api[\s_.-]*key|apikey|(invalid|incorrect|wrong|bad|unknown|missing)[\s_.-]*key\b",
    re.IGNORECASE,
)
_MAX_MAGNITUDE = 18  # digits before the point; larger "numbers" are garbage, not money
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
    return text(value)


def decimal(value: object) -> Decimal | None:
    """Money from text or a JSON number, without float arithmetic; None when unreadable."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        result = Decimal(str(value).strip())
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
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().casefold() in _TRUE_TEXTS
    return False


def is_false(value: object) -> bool:
    """Whether a flag explicitly says no (false, 0, "0", "false", …), unlike a missing one."""
    if isinstance(value, str):
        return value.strip().casefold() in _FALSE_TEXTS
    return value is False or (isinstance(value, int | float) and value == 0)


def error_text(value: object) -> str | None:
    """The panel's error text from `{"error": ...}` (None when there is no error)."""
    if not isinstance(value, dict) or "error" not in value:
        return None
    error = value["error"]
    if isinstance(error, dict):
        error = error.get("message", error.get("error", ""))
    message = str(error).strip() if error is not None else ""
    return message or "Unknown panel error"


def is_key_error(message: str) -> bool:
    """Whether a panel error text means the API key was rejected, in any wording seen."""
    return _KEY_ERROR.search(message) is not None


def panel_exception(message: str) -> SmmError:
    """The exception a top-level `{"error": message}` answer stands for."""
    if is_key_error(message):
        return SmmAuthError("The panel rejected the API key")
    return SmmPanelError(message)
