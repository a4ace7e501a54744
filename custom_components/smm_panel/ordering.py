"""The `add_order` rules: which fields each service type takes, the quantity range, the cost.

Nothing here does I/O or knows Home Assistant: every function takes plain values (a catalogue
`Service` and the action's fields) and either returns a result or raises `OrderRuleError`
carrying a translation key of CONTRACT.md §4 and its placeholders (all strings). Reading and
normalising each value is `order_fields`'s job; the names other modules use from there are
re-exported here.

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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from enum import StrEnum
from typing import Final, Literal

from .api.models import Service
from .order_fields import (
    LIST_FIELDS,
    MAX_LIST_CHARS,
    MAX_LIST_LINES,
    MAX_NUMBER,
    MAX_TEXT_LENGTH,
    ORDER_FIELDS,
    ORDER_RULE_KEYS,
    SUBSCRIPTION_DELAYS,
    OrderFields,
    OrderRuleError,
    OrderRuleKey,
    normalize_lines,
    present_fields,
    read_fields,
    whole_number,
)

__all__ = [
    "LIST_FIELDS",
    "MAX_LIST_CHARS",
    "MAX_LIST_LINES",
    "MAX_NUMBER",
    "MAX_TEXT_LENGTH",
    "ORDER_FIELDS",
    "ORDER_RULE_KEYS",
    "SERVICE_TYPES",
    "SUBSCRIPTION_DELAYS",
    "CostKind",
    "OrderFields",
    "OrderRuleError",
    "OrderRuleKey",
    "PreparedOrder",
    "TypeRule",
    "allowed_fields",
    "check_cost",
    "estimate_cost",
    "format_decimal",
    "normalize_lines",
    "normalize_type",
    "order_quantity",
    "prepare_order",
    "type_rule",
]

_TYPE_SEPARATORS = str.maketrans("_-", "  ")
_PER_UNITS = Decimal(1000)
_COST_CONTEXT = Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN)


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
    if rule is not None:
        _check_fields(service, rule, fields, present_fields(fields))
    order = read_fields(fields)

    quantity = order_quantity(rule, order)
    subscription = rule is not None and rule.cost is CostKind.SUBSCRIPTION
    for count in (order.min, order.max) if subscription else (quantity,):
        _check_range(service, count)

    if (order.runs is None) != (order.interval is None):
        missing = "runs" if order.runs is None else "interval"
        raise _fields_error("missing_field", service, [missing])

    cost = estimate_cost(service, order)
    return PreparedOrder(
        service_id=service.service_id,
        form=order.form(),
        quantity=quantity,
        runs=order.runs,
        link=order.link,
        estimated_cost=cost,
        open_ended=subscription and order.posts is None,
    )


def order_quantity(rule: TypeRule | None, order: OrderFields) -> int | None:
    """The quantity per run: the number of lines of a counted list, else the `quantity` field.

    None when the type counts neither (Package, Subscriptions), or the record lacks the field.
    """
    if rule is not None and rule.counted is not None:
        counted = order.lines.get(rule.counted)
        return None if counted is None else len(counted)
    return order.quantity


def estimate_cost(service: Service, order: OrderFields) -> Decimal:
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

    A negative rate counts as 0. A record made by hand, not by `read_fields`, may lack a count a
    known type needs or hold a negative one: the quantity and `max` then count as the service's
    maximum, `runs` and `posts` as 1, `old_posts` as 0 — the estimate errs high.
    """
    rate = max(service.rate, Decimal(0))
    rule = type_rule(service.type)
    kind = CostKind.UNKNOWN if rule is None else rule.cost
    with localcontext(_COST_CONTEXT):
        if kind is CostKind.PACKAGE:
            return rate
        if kind is CostKind.SUBSCRIPTION:
            per_post = _count(order.max, service.max)
            posts = _count(order.posts, 1) + _count(order.old_posts, 0)
            return rate * per_post * posts / _PER_UNITS
        quantity = order_quantity(rule, order)
        if quantity is None and kind is CostKind.UNKNOWN:
            lines = max(map(len, order.lines.values()), default=0)
            return max(rate, rate * lines / _PER_UNITS)
        per_unit = rate * _count(quantity, service.max) * _count(order.runs, 1) / _PER_UNITS
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
        return whole_number("type_of_traffic", value)
    except OrderRuleError:
        return None


def _check_range(service: Service, quantity: int | None) -> None:
    """Raise quantity_out_of_range unless service.min <= quantity <= service.max (or None)."""
    if quantity is not None and not service.min <= quantity <= service.max:
        raise OrderRuleError(
            "quantity_out_of_range",
            {
                "quantity": str(quantity),
                "service": service.service_id,
                "min": str(service.min),
                "max": str(service.max),
            },
        )


def _count(value: int | None, default: int) -> int:
    """A count of a record, or the default when it is absent or negative."""
    return default if value is None or value < 0 else value


def _fields_error(
    key: Literal["missing_field", "field_not_applicable"], service: Service, names: list[str]
) -> OrderRuleError:
    """missing_field / field_not_applicable naming the service, its type and the fields."""
    return OrderRuleError(
        key,
        {"service": service.service_id, "service_type": service.type, "fields": ", ".join(names)},
    )
