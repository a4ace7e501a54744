"""Reading the values of an action call: ids, flags, filters and the order's fields.

Every value is checked here, so a bad one is answered with a translated
`ServiceValidationError` naming the field, never a bare `vol.Invalid`.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
import re
from typing import Any, Final

from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .errors import invalid_field, validation_error
from .order_fields import MAX_NUMBER, OrderRuleError, whole_number
from .ordering import ORDER_FIELDS

SECTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "drip_feed": ("runs", "interval"),
    "lists": ("comments", "usernames", "hashtags", "groups", "keywords"),
    "targets": ("username", "hashtag", "media", "answer_number"),
    "subscriptions": ("min", "max", "posts", "old_posts", "delay", "expiry"),
    "web_traffic": ("country", "device", "type_of_traffic", "google_keyword", "referring_url"),
}
"""The collapsible sections of `add_order` in services.yaml and the order fields each holds.

The UI may send a section's fields nested under the section's key; YAML callers write them
flat. Both are accepted (`order_fields`).
"""

MAX_IDS: Final = 10_000
"""The most ids one action call takes (100 requests of 100): beyond that it is a mistake."""
MAX_ID_LENGTH: Final = 100
"""The longest order, refill or service id, in characters: a longer one is not an id, and a
huge one would only make the panel's web server refuse the request."""
_ID_NUMBER_LIMIT: Final = 10**MAX_ID_LENGTH

_ID_SEPARATORS = re.compile(r"[\s,]+")


def order_fields(data: Mapping[str, Any]) -> dict[str, object]:
    """The order fields of an `add_order` call: flat, plus those nested under a section."""
    fields: dict[str, object] = {
        name: data[name] for name in ORDER_FIELDS if data.get(name) is not None
    }
    for section, names in SECTIONS.items():
        nested = data.get(section)
        if nested is None:
            continue
        if not isinstance(nested, Mapping):
            raise invalid_field(section, "must be a mapping of its fields")
        for raw_name, value in nested.items():
            name = str(raw_name)
            if name not in names:
                raise invalid_field(f"{section}.{name}", "is not a field of this section")
            if value is None:
                continue
            if name in fields and fields[name] != value:
                raise invalid_field(name, f"is given twice, in {section} and at the top level")
            fields[name] = value
    return fields


def service_id(value: object) -> str:
    """The `service` id as text, from text or a whole number."""
    if value is None:
        raise invalid_field("service", "is required")
    service_id = _one_id(value)
    if service_id is None or len(service_id) > MAX_ID_LENGTH or "," in service_id:
        raise invalid_field("service", "must be a service id from the panel's catalogue")
    return service_id


def _one_id(value: object) -> str | None:
    """An id as text from an int, an integral float or a non-blank text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Beyond the limit it is no id (and beyond 4300 digits `str` itself raises).
        return str(value) if abs(value) < _ID_NUMBER_LIMIT else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.strip() or None
    return None


def flag(data: Mapping[str, Any], name: str, *, default: bool) -> bool:
    """A yes/no field (true/false, on/off, 1/0, …)."""
    value = data.get(name)
    if value is None:
        return default
    try:
        return cv.boolean(value)
    except (vol.Invalid, ArithmeticError):  # a Decimal signalling NaN cannot even be compared
        raise invalid_field(name, "must be true or false") from None


def filter_text(data: Mapping[str, Any], name: str) -> str | None:
    """An optional text filter of `get_services` (blank = no filter)."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise invalid_field(name, "must be text")
    return value.strip() or None


def whole_number_in(data: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    """An optional whole-number field within low..high (both included); None when absent."""
    value = data.get(name)
    if value is None:
        return None
    try:
        number = whole_number(name, value)
    except OrderRuleError as err:
        raise invalid_field(name, err.placeholders["reason"]) from None
    if not low <= number <= high:
        reason = (
            f"must be at least {low}" if high >= MAX_NUMBER else f"must be between {low} and {high}"
        )
        raise invalid_field(name, reason)
    return number


def ids(data: Mapping[str, Any], name: str) -> list[str]:
    """Order or refill ids: a list or comma/whitespace-separated text, deduplicated in order."""
    value = data.get(name)
    items = value if isinstance(value, list | tuple) else [] if value is None else [value]
    ids: list[str] = []
    for item in items:
        if isinstance(item, str):
            ids.extend(part for part in _ID_SEPARATORS.split(item) if part)
        elif (single := _one_id(item)) is not None:
            ids.append(single)
        else:
            raise invalid_field(name, "must be a list of ids or a comma-separated text")
        if len(ids) > MAX_IDS:
            raise invalid_field(name, f"has more than {MAX_IDS} ids")
    if any(len(one) > MAX_ID_LENGTH for one in ids):
        raise invalid_field(name, f"has an id longer than {MAX_ID_LENGTH} characters")
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise validation_error("no_ids", field=name)
    return unique
