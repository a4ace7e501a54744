"""Read the raw values of an `add_order` action into one typed, checked `OrderFields` record.

`read_fields` reads every order field present (a key of `ORDER_FIELDS` whose value is not None;
other keys are ignored) in `ORDER_FIELDS` order and raises `OrderRuleError` `invalid_field` for
the first bad one, then for the cross-field rule min ≤ max. The record it returns holds whole
numbers within their ranges, texts stripped, list fields as their lines and `expiry` as a date;
`OrderFields.form` writes it as the panel wants it. Which fields a service type takes, and the
ranges and cost of an order, are `ordering`'s business; so that both raise the same error,
`OrderRuleError` and its keys live here.

Every read runs in time linear in the size of the input, and oversized input (a text longer than
`MAX_TEXT_LENGTH`, a list longer than `MAX_LIST_LINES` lines or `MAX_LIST_CHARS` characters,
numbers beyond `MAX_NUMBER`) is refused before any real work is done on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
import math
import re
from typing import Final, Literal, get_args

type OrderRuleKey = Literal[
    "missing_field",
    "field_not_applicable",
    "invalid_field",
    "quantity_out_of_range",
    "cost_limit_exceeded",
    "insufficient_balance",
]

ORDER_RULE_KEYS: Final[frozenset[str]] = frozenset(get_args(OrderRuleKey.__value__))
"""The same keys as a set, for the translation checks."""

ORDER_FIELDS: Final[tuple[str, ...]] = (
    "link",
    "quantity",
    "runs",
    "interval",
    "comments",
    "usernames",
    "hashtags",
    "hashtag",
    "username",
    "media",
    "answer_number",
    "groups",
    "keywords",
    "min",
    "max",
    "posts",
    "old_posts",
    "delay",
    "expiry",
    "country",
    "device",
    "type_of_traffic",
    "google_keyword",
    "referring_url",
)
"""Every type-specific field `add_order` accepts (CONTRACT.md §4), in the order errors name them."""

LIST_FIELDS: Final[frozenset[str]] = frozenset(
    {"comments", "usernames", "hashtags", "groups", "keywords"}
)
"""Fields sent one item per line: a list of texts or multi-line text."""

SUBSCRIPTION_DELAYS: Final[tuple[int, ...]] = (
    0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300,
    360, 420, 480, 540, 600,
)  # fmt: skip
"""The minutes a Subscriptions order may wait before delivering (PROTOCOL.md §3)."""

MAX_TEXT_LENGTH: Final = 2_000
"""The longest link or single-line text field, in characters."""
MAX_LIST_LINES: Final = 10_000
"""The most items (lines) a list field may hold."""
MAX_LIST_CHARS: Final = 2_000_000
"""The most characters a list field may hold in total, blank lines included."""
MAX_NUMBER: Final = 10**15
"""Whole numbers beyond this are refused as garbage before any comparison or formatting."""

_BOUNDS: Final[Mapping[str, tuple[int, int]]] = {
    "quantity": (1, MAX_NUMBER),
    "runs": (1, MAX_NUMBER),
    "interval": (1, MAX_NUMBER),
    "answer_number": (1, MAX_NUMBER),
    "min": (1, MAX_NUMBER),
    "max": (1, MAX_NUMBER),
    "posts": (1, MAX_NUMBER),
    "old_posts": (0, MAX_NUMBER),
    "device": (1, 5),
    "type_of_traffic": (1, 3),
}
"""The whole-number fields but `delay`, with their ranges (both ends included)."""

_NUMBER_TEXT = re.compile(r"[+-]?(\d{1,18})(?:\.0*)?")
_NUMBER_TEXT_MAX = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # a tab inside a line is fine
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class OrderRuleError(Exception):
    """An `add_order` rule is broken: `key` is the translation key, `placeholders` its values."""

    def __init__(self, key: OrderRuleKey, placeholders: Mapping[str, str]) -> None:
        """Keep the key and a copy of the placeholders."""
        self.key: OrderRuleKey = key
        self.placeholders: dict[str, str] = dict(placeholders)
        details = ", ".join(f"{name}={value}" for name, value in self.placeholders.items())
        super().__init__(f"{key}: {details}" if details else key)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFields:
    """An action's order fields, read and checked; an absent field is None or not in the maps.

    `texts` holds the link and the other single-line texts, stripped; `lines` each list field's
    non-empty stripped lines. `read_fields` makes one; a record built by hand is taken on trust.
    """

    quantity: int | None = None
    runs: int | None = None
    interval: int | None = None
    answer_number: int | None = None
    min: int | None = None
    max: int | None = None
    posts: int | None = None
    old_posts: int | None = None
    delay: int | None = None
    device: int | None = None
    type_of_traffic: int | None = None
    expiry: date | None = None
    texts: Mapping[str, str] = field(default_factory=dict, hash=False)
    lines: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def link(self) -> str | None:
        """The link, when given."""
        return self.texts.get("link")

    def form(self) -> dict[str, str]:
        """The fields present as the panel wants them, in `ORDER_FIELDS` order.

        List fields are joined with "\\n", numbers written as decimal strings, `expiry` as d/m/Y.
        """
        numbers = {
            "quantity": self.quantity,
            "runs": self.runs,
            "interval": self.interval,
            "answer_number": self.answer_number,
            "min": self.min,
            "max": self.max,
            "posts": self.posts,
            "old_posts": self.old_posts,
            "delay": self.delay,
            "device": self.device,
            "type_of_traffic": self.type_of_traffic,
        }
        form: dict[str, str] = {}
        for name in ORDER_FIELDS:
            if (items := self.lines.get(name)) is not None:
                form[name] = "\n".join(items)
            elif (text := self.texts.get(name)) is not None:
                form[name] = text
            elif (number := numbers.get(name)) is not None:
                form[name] = str(number)
            elif name == "expiry" and (day := self.expiry) is not None:
                form[name] = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        return form


def present_fields(fields: Mapping[str, object]) -> list[str]:
    """The order fields present (value not None), in `ORDER_FIELDS` order."""
    return [name for name in ORDER_FIELDS if fields.get(name) is not None]


def read_fields(fields: Mapping[str, object]) -> OrderFields:
    """Read and check every order field present; raise OrderRuleError `invalid_field`."""
    numbers: dict[str, int] = {}
    texts: dict[str, str] = {}
    lines: dict[str, tuple[str, ...]] = {}
    expiry: date | None = None
    for name in present_fields(fields):
        value = fields[name]
        if name in LIST_FIELDS:
            lines[name] = tuple(normalize_lines(name, value))
        elif (bounds := _BOUNDS.get(name)) is not None:
            numbers[name] = _bounded(name, value, *bounds)
        elif name == "delay":
            numbers[name] = _delay(value)
        elif name == "expiry":
            expiry = _expiry(value)
        else:  # link and the single-line texts
            texts[name] = _single_line(name, value)
    low, high = numbers.get("min"), numbers.get("max")
    if low is not None and high is not None and low > high:
        raise _invalid("min", "must not be greater than max")
    return OrderFields(
        quantity=numbers.get("quantity"),
        runs=numbers.get("runs"),
        interval=numbers.get("interval"),
        answer_number=numbers.get("answer_number"),
        min=low,
        max=high,
        posts=numbers.get("posts"),
        old_posts=numbers.get("old_posts"),
        delay=numbers.get("delay"),
        device=numbers.get("device"),
        type_of_traffic=numbers.get("type_of_traffic"),
        expiry=expiry,
        texts=texts,
        lines=lines,
    )


def normalize_lines(name: str, value: object) -> list[str]:
    """A list field as its non-empty stripped lines.

    Takes a list (or tuple) of texts, each possibly multi-line, or one multi-line text.
    Raises OrderRuleError `invalid_field` for anything else, for an empty result, for more than
    `MAX_LIST_LINES` items or lines or `MAX_LIST_CHARS` characters, and for control characters
    inside a line.
    """
    if isinstance(value, str):
        if len(value) > MAX_LIST_CHARS:
            raise _invalid(name, f"is longer than {MAX_LIST_CHARS} characters")
        raw = value.splitlines()
    elif isinstance(value, list | tuple):
        raw = _lines_of_items(name, value)
    else:
        raise _invalid(name, "must be a list of texts or a multi-line text")
    lines = [stripped for line in raw if (stripped := line.strip())]
    if not lines:
        raise _invalid(name, "is empty")
    if len(lines) > MAX_LIST_LINES:
        raise _invalid(name, f"has more than {MAX_LIST_LINES} lines")
    if any(_CONTROL_IN_LINE.search(line) for line in lines):
        raise _invalid(name, "contains control characters")
    return lines


def _lines_of_items(name: str, items: Sequence[object]) -> list[str]:
    """The raw lines of a list of texts, refusing oversized lists before reading them."""
    if len(items) > MAX_LIST_LINES:
        raise _invalid(name, f"has more than {MAX_LIST_LINES} items")
    raw: list[str] = []
    total = 0
    for item in items:
        if not isinstance(item, str):
            raise _invalid(name, "must be a list of texts or a multi-line text")
        total += len(item)
        if total > MAX_LIST_CHARS:
            raise _invalid(name, f"is longer than {MAX_LIST_CHARS} characters")
        raw.extend(item.splitlines())
    return raw


def whole_number(name: str, value: object) -> int:
    """An int from an int, an integral float/Decimal or a numeric text; never from a bool.

    Raises OrderRuleError `invalid_field` naming `name` for anything else or beyond `MAX_NUMBER`.
    """
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            number = int(value)
    elif isinstance(value, Decimal):
        if value.is_finite() and value.adjusted() <= 18 and value == value.to_integral_value():
            number = int(value)
    elif isinstance(value, str) and len(value) <= _NUMBER_TEXT_MAX:
        text = value.strip()
        if (match := _NUMBER_TEXT.fullmatch(text)) is not None:
            number = -int(match[1]) if text.startswith("-") else int(match[1])
    if number is None:
        raise _invalid(name, "must be a whole number")
    if abs(number) > MAX_NUMBER:
        raise _invalid(name, f"must not exceed {MAX_NUMBER}")
    return number


def _bounded(name: str, value: object, low: int, high: int) -> int:
    """A whole number within low..high."""
    number = whole_number(name, value)
    if not low <= number <= high:
        if high == MAX_NUMBER:
            raise _invalid(name, f"must be at least {low}")
        raise _invalid(name, f"must be between {low} and {high}")
    return number


def _delay(value: object) -> int:
    """A Subscriptions delay: one of `SUBSCRIPTION_DELAYS` (minutes)."""
    delay = whole_number("delay", value)
    if delay not in SUBSCRIPTION_DELAYS:
        allowed = ", ".join(str(minutes) for minutes in SUBSCRIPTION_DELAYS)
        raise _invalid("delay", f"must be one of {allowed} (minutes)")
    return delay


def _expiry(value: object) -> date:
    """An expiry date, from d/m/Y or ISO (YYYY-MM-DD) text or a date."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) and len(value) <= _NUMBER_TEXT_MAX else ""
    try:
        if match := _DMY.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        raise ValueError(text)
    except ValueError:
        raise _invalid("expiry", "must be a date written d/m/Y, e.g. 31/12/2025") from None


def _single_line(name: str, value: object) -> str:
    """A link or a single-line text: stripped, non-empty, bounded, without control characters."""
    if not isinstance(value, str):
        raise _invalid(name, "must be text")
    if len(value) > MAX_TEXT_LENGTH:
        raise _invalid(name, f"is longer than {MAX_TEXT_LENGTH} characters")
    text = value.strip()
    if not text:
        raise _invalid(name, "is empty")
    if _CONTROL.search(text):
        raise _invalid(name, "must be a single line without control characters")
    return text


def _invalid(name: str, reason: str) -> OrderRuleError:
    """OrderRuleError `invalid_field` for one field."""
    return OrderRuleError("invalid_field", {"field": name, "reason": reason})
