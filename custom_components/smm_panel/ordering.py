"""Pure rules for the `add_order` action: fields per service type, values, ranges, cost.

Nothing here does I/O or knows Home Assistant: every function takes plain values (a catalogue
`Service` and the action's fields) and either returns a result or raises `OrderRuleError`
carrying a translation key of CONTRACT.md §4 and its placeholders (all strings).

`prepare_order` checks, in this order, and stops at the first broken rule:

1. `missing_field` — every field the service's type requires (PROTOCOL.md §3) is present;
2. `field_not_applicable` — no field the type does not take is present;
3. `invalid_field` — every present value is well formed (first bad field, in `ORDER_FIELDS` order,
   then the cross-field rule min ≤ max);
4. `quantity_out_of_range` — the quantity (or the number of lines of a list-counted type, or
   Subscriptions' `min`/`max`) lies within the service's `min`-`max`;
5. `missing_field` — `runs` and `interval` come together or not at all.

A field counts as present when its key is in the mapping with a value other than None; keys that
are not order fields (`service`, `allow_duplicate`, …) are ignored. Types this module does not know
take any order field, require none, and still get their values checked.

Every check runs in time linear in the size of the input, and oversized input (a link longer than
`MAX_TEXT_LENGTH`, a list longer than `MAX_LIST_LINES` lines or `MAX_LIST_CHARS` characters,
numbers beyond `MAX_NUMBER`) is refused before any real work is done on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from enum import StrEnum
import math
import re
from typing import Final, Literal, get_args

from .api.models import Service

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

_NUMBER_TEXT = re.compile(r"[+-]?(\d{1,18})(?:\.0*)?")
_NUMBER_TEXT_MAX = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # a tab inside a line is fine
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TYPE_SEPARATORS = str.maketrans("_-", "  ")
_PER_UNITS = Decimal(1000)
_COST_CONTEXT = Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN)


class OrderRuleError(Exception):
    """An `add_order` rule is broken: `key` is the translation key, `placeholders` its values."""

    def __init__(self, key: OrderRuleKey, placeholders: Mapping[str, str]) -> None:
        """Keep the key and a copy of the placeholders."""
        self.key: OrderRuleKey = key
        self.placeholders: dict[str, str] = dict(placeholders)
        details = ", ".join(f"{name}={value}" for name, value in self.placeholders.items())
        super().__init__(f"{key}: {details}" if details else key)


class CostKind(StrEnum):
    """How a type's price is estimated from the service's `rate` (see `estimate_cost`)."""

    PER_UNIT = "per_unit"
    PACKAGE = "package"
    COMMENTS_PACKAGE = "comments_package"
    SUBSCRIPTION = "subscription"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRule:
    """The `add` fields of one service type (PROTOCOL.md §3)."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    conditional: tuple[tuple[int, str], ...] = ()
    """(type_of_traffic value, field): the field is required for that value, refused otherwise."""
    counted: str | None = None
    """The list field whose number of lines is the order's quantity."""
    cost: CostKind = CostKind.PER_UNIT

    @property
    def allowed(self) -> frozenset[str]:
        """Every field an order of this type may carry."""
        return frozenset((*self.required, *self.optional, *(name for _, name in self.conditional)))


SERVICE_TYPES: Final[tuple[TypeRule, ...]] = (
    TypeRule(name="Default", required=("link", "quantity"), optional=("runs", "interval")),
    TypeRule(name="Package", required=("link",), cost=CostKind.PACKAGE),
    TypeRule(name="SEO", required=("link", "quantity", "keywords")),
    TypeRule(name="Custom Comments", required=("link", "comments"), counted="comments"),
    TypeRule(
        name="Custom Comments Package",
        required=("link", "comments"),
        counted="comments",
        cost=CostKind.COMMENTS_PACKAGE,
    ),
    TypeRule(name="Mentions", required=("link", "quantity", "usernames")),
    TypeRule(name="Mentions with Hashtags", required=("link", "quantity", "usernames", "hashtags")),
    TypeRule(name="Mentions Custom List", required=("link", "usernames"), counted="usernames"),
    TypeRule(name="Mentions Hashtag", required=("link", "quantity", "hashtag")),
    TypeRule(name="Mentions User Followers", required=("link", "quantity", "username")),
    TypeRule(name="Mentions Media Likers", required=("link", "quantity", "media")),
    TypeRule(name="Comment Likes", required=("link", "quantity", "username")),
    TypeRule(name="Comment Replies", required=("link", "username", "comments"), counted="comments"),
    TypeRule(name="Poll", required=("link", "quantity", "answer_number")),
    TypeRule(name="Invites from Groups", required=("link", "quantity", "groups")),
    TypeRule(
        name="Subscriptions",
        required=("username", "min", "max", "delay"),
        optional=("posts", "old_posts", "expiry"),
        cost=CostKind.SUBSCRIPTION,
    ),
    TypeRule(
        name="Web Traffic",
        required=("link", "quantity", "country", "device", "type_of_traffic"),
        optional=("runs", "interval"),
        conditional=((1, "google_keyword"), (2, "referring_url")),
    ),
)
"""The service types of PROTOCOL.md §3, spelled as panels list them."""


def normalize_type(service_type: str) -> str:
    """The comparable form of a type name: casefolded, `_`/`-` as spaces, whitespace collapsed."""
    return " ".join(service_type.translate(_TYPE_SEPARATORS).casefold().split())


_RULES: Final[dict[str, TypeRule]] = {normalize_type(rule.name): rule for rule in SERVICE_TYPES}


def type_rule(service_type: str) -> TypeRule | None:
    """The rule of a known type in any spelling, or None for a type this module does not know."""
    return _RULES.get(normalize_type(service_type))


def allowed_fields(service_type: str) -> frozenset[str]:
    """The order fields a type takes (every order field for an unknown type)."""
    rule = type_rule(service_type)
    return frozenset(ORDER_FIELDS) if rule is None else rule.allowed


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedOrder:
    """A checked order, ready for `SmmPanelClient.add(service_id, form)`.

    `form` holds only the fields present, as the panel wants them: list fields joined with
    "\\n", numbers as decimal strings, texts stripped, `expiry` as d/m/Y. `quantity` is the
    quantity the panel delivers per run: the `quantity` field, or the number of lines of a
    list-counted type; None for Package and Subscriptions (and unknown types without a
    `quantity`). `runs` is the drip-feed run count when given.
    """

    service_id: str
    form: dict[str, str] = field(hash=False)
    quantity: int | None
    runs: int | None
    link: str | None
    estimated_cost: Decimal
    open_ended: bool = False
    """A Subscriptions order without `posts`: it charges for every future post."""

    @property
    def units(self) -> int | None:
        """What the order delivers in all: the panel's quantity is per run."""
        return self.quantity * (self.runs or 1) if self.quantity is not None else None


def format_decimal(value: Decimal) -> str:
    """A Decimal written plainly, without exponent or trailing zeros ("0.09", "100")."""
    return format(value.normalize(), "f")


def prepare_order(service: Service, fields: Mapping[str, object]) -> PreparedOrder:
    """Check an order's fields against its service and prepare the form to send.

    Raises OrderRuleError (see the module docstring for the order of the checks).
    """
    rule = type_rule(service.type)
    present = [name for name in ORDER_FIELDS if fields.get(name) is not None]

    if rule is not None:
        _check_fields(service, rule, fields, present)

    values = {name: _parse_field(name, fields[name]) for name in present}
    low, high = values.get("min"), values.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        raise _invalid("min", "must not be greater than max")

    quantity = _effective_quantity(rule, values)
    if rule is not None and rule.cost is CostKind.SUBSCRIPTION:
        for name in ("min", "max"):
            _check_range(service, _as_int(values[name]))
    elif quantity is not None:
        _check_range(service, quantity)

    if ("runs" in values) != ("interval" in values):
        missing = "interval" if "runs" in values else "runs"
        raise _fields_error("missing_field", service, [missing])

    form = {name: _form_value(value) for name, value in values.items()}
    runs = values.get("runs")
    link = values.get("link")
    draft = PreparedOrder(
        service_id=service.service_id,
        form=form,
        quantity=quantity,
        runs=runs if isinstance(runs, int) else None,
        link=link if isinstance(link, str) else None,
        estimated_cost=Decimal(0),
        open_ended=rule is not None and rule.cost is CostKind.SUBSCRIPTION and "posts" not in form,
    )
    return replace(draft, estimated_cost=estimate_cost(service, draft))


def estimate_cost(service: Service, prepared: PreparedOrder) -> Decimal:
    """The price the panel will charge at most, in the account currency; exact, never below 0.

    - per-unit types: rate / 1000 * quantity * runs (runs defaults to 1); for the list-counted
      types (Custom Comments, Mentions Custom List, Comment Replies) the quantity is the number
      of lines;
    - Package: the rate (a package's rate is its price);
    - Custom Comments Package: a package whose size is its number of comments; panels differ on
      whether its rate is the package price or a price per 1000 comments, so this takes the
      larger of the two readings, max(rate, rate / 1000 * lines) — the guard errs high;
    - Subscriptions: rate / 1000 * `max` * (posts + old_posts), with `posts` counted as 1 when
      absent. Every post is assumed to get the full `max`, so a bounded subscription (with
      `posts`) is over-estimated, never under. A subscription without `posts` runs until it
      expires or is stopped, so no finite bound exists: the estimate is then that of a single
      new post plus the old posts — what the first delivery will cost, not the total;
    - unknown types: the rate cannot be read with certainty either, so the larger of
      rate / 1000 * quantity * runs and the rate itself; without a `quantity`, the longest
      list field's number of lines stands in for it (and without one, the rate alone).

    A negative rate counts as 0.
    """
    rate = max(service.rate, Decimal(0))
    rule = type_rule(service.type)
    kind = CostKind.UNKNOWN if rule is None else rule.cost
    runs = prepared.runs or 1
    with localcontext(_COST_CONTEXT):
        if kind is CostKind.PACKAGE:
            return rate
        if kind is CostKind.SUBSCRIPTION:
            per_post = _form_int(prepared.form, "max", service.max)
            posts = _form_int(prepared.form, "posts", 1) + _form_int(prepared.form, "old_posts", 0)
            return rate * per_post * posts / _PER_UNITS
        if prepared.quantity is None and kind is CostKind.UNKNOWN:
            listed = LIST_FIELDS & prepared.form.keys()
            lines = max((prepared.form[name].count("\n") + 1 for name in listed), default=0)
            return max(rate, rate * lines / _PER_UNITS)
        # A known type always has a quantity once prepared; a hand-made order without one
        # is priced at the service's maximum.
        quantity = service.max if prepared.quantity is None else prepared.quantity
        per_unit = rate * quantity * runs / _PER_UNITS
        if kind is CostKind.PER_UNIT:
            return per_unit
        return max(rate, per_unit)


def check_cost(
    cost: Decimal,
    *,
    max_order_cost: Decimal,
    balance: Decimal | None,
    currency: str | None,
    open_ended: bool = False,
) -> None:
    """Refuse a cost above the configured limit (when > 0) or above the known balance.

    Raises OrderRuleError `cost_limit_exceeded` (cost, limit, currency) first, then
    `insufficient_balance` (cost, balance, currency); a missing currency is "". An
    open-ended order has no bound to hold against a limit: any limit refuses it (its cost
    reads "∞"); without one, its first delivery must fit the balance.
    """
    unit = currency or ""
    if max_order_cost > 0 and (open_ended or cost > max_order_cost):
        raise OrderRuleError(
            "cost_limit_exceeded",
            {
                "cost": "∞" if open_ended else format_decimal(cost),
                "limit": format_decimal(max_order_cost),
                "currency": unit,
            },
        )
    if balance is not None and cost > balance:
        raise OrderRuleError(
            "insufficient_balance",
            {"cost": format_decimal(cost), "balance": format_decimal(balance), "currency": unit},
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


def _check_fields(
    service: Service, rule: TypeRule, fields: Mapping[str, object], present: list[str]
) -> None:
    """Raise missing_field, then field_not_applicable, for a known type."""
    required = set(rule.required)
    allowed = set(rule.required) | set(rule.optional)
    if rule.conditional:
        # Which of them applies depends on type_of_traffic; while that is absent or invalid
        # (reported as missing_field / invalid_field), none is required and none refused.
        traffic = _lenient_int(fields.get("type_of_traffic"))
        decided = traffic is not None and 1 <= traffic <= 3
        for value, name in rule.conditional:
            if value == traffic:
                required.add(name)
            if value == traffic or not decided:
                allowed.add(name)
    allowed |= required
    missing = [name for name in ORDER_FIELDS if name in required and name not in present]
    if missing:
        raise _fields_error("missing_field", service, missing)
    refused = [name for name in present if name not in allowed]
    if refused:
        raise _fields_error("field_not_applicable", service, refused)


def _lenient_int(value: object) -> int | None:
    """A whole number when the value reads as one, else None (no error)."""
    try:
        return _whole_number("type_of_traffic", value)
    except OrderRuleError:
        return None


def _parse_field(name: str, value: object) -> int | str | list[str]:
    """The clean value of one present field, or OrderRuleError invalid_field."""
    if name in LIST_FIELDS:
        return normalize_lines(name, value)
    match name:
        case "old_posts":
            return _bounded(name, value, 0, MAX_NUMBER)
        case "device":
            return _bounded(name, value, 1, 5)
        case "type_of_traffic":
            return _bounded(name, value, 1, 3)
        case "delay":
            delay = _whole_number(name, value)
            if delay not in SUBSCRIPTION_DELAYS:
                allowed = ", ".join(str(minutes) for minutes in SUBSCRIPTION_DELAYS)
                raise _invalid(name, f"must be one of {allowed} (minutes)")
            return delay
        case "expiry":
            return _expiry(value)
        case "quantity" | "runs" | "interval" | "answer_number" | "min" | "max" | "posts":
            return _bounded(name, value, 1, MAX_NUMBER)
        case _:  # link and the single-line texts
            return _single_line(name, value)


def _whole_number(name: str, value: object) -> int:
    """An int from an int, an integral float/Decimal or a numeric text; never from a bool."""
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
    number = _whole_number(name, value)
    if not low <= number <= high:
        if high == MAX_NUMBER:
            raise _invalid(name, f"must be at least {low}")
        raise _invalid(name, f"must be between {low} and {high}")
    return number


def _expiry(value: object) -> str:
    """An expiry date as d/m/Y, from d/m/Y or ISO (YYYY-MM-DD) text or a date."""
    if isinstance(value, date):
        day = value
    else:
        text = value.strip() if isinstance(value, str) and len(value) <= _NUMBER_TEXT_MAX else ""
        try:
            if match := _DMY.fullmatch(text):
                day = date(int(match[3]), int(match[2]), int(match[1]))
            elif match := _ISO_DATE.fullmatch(text):
                day = date(int(match[1]), int(match[2]), int(match[3]))
            else:
                raise ValueError(text)
        except ValueError:
            raise _invalid("expiry", "must be a date written d/m/Y, e.g. 31/12/2025") from None
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


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


def _effective_quantity(rule: TypeRule | None, values: Mapping[str, object]) -> int | None:
    """The quantity per run: lines of a counted list, else the quantity field."""
    if rule is not None and rule.counted is not None:
        return len(_as_lines(values[rule.counted]))
    quantity = values.get("quantity")
    return quantity if isinstance(quantity, int) else None


def _check_range(service: Service, quantity: int) -> None:
    """Raise quantity_out_of_range unless service.min <= quantity <= service.max."""
    if not service.min <= quantity <= service.max:
        raise OrderRuleError(
            "quantity_out_of_range",
            {
                "quantity": str(quantity),
                "service": service.service_id,
                "min": str(service.min),
                "max": str(service.max),
            },
        )


def _form_value(value: int | str | list[str]) -> str:
    """A clean value as the panel wants it."""
    if isinstance(value, list):
        return "\n".join(value)
    return str(value)


def _form_int(form: Mapping[str, str], name: str, default: int) -> int:
    """A count of a prepared form, or the default when absent, unreadable or negative."""
    try:
        number = _whole_number(name, form.get(name))
    except OrderRuleError:
        return default
    return number if number >= 0 else default


def _as_int(value: object) -> int:
    """A parsed whole number (the parsers guarantee the type)."""
    if not isinstance(value, int):
        raise AssertionError(value)
    return value


def _as_lines(value: object) -> list[str]:
    """A parsed list field (the parsers guarantee the type)."""
    if not isinstance(value, list):
        raise AssertionError(value)
    return value


def _invalid(name: str, reason: str) -> OrderRuleError:
    """invalid_field for one field."""
    return OrderRuleError("invalid_field", {"field": name, "reason": reason})


def _fields_error(
    key: Literal["missing_field", "field_not_applicable"], service: Service, names: list[str]
) -> OrderRuleError:
    """missing_field / field_not_applicable naming the service, its type and the fields."""
    return OrderRuleError(
        key,
        {"service": service.service_id, "service_type": service.type, "fields": ", ".join(names)},
    )
