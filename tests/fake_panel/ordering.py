"""What ``add`` needs per service type (PROTOCOL.md §3): required fields, units, price.

Pure functions over a :class:`Service` and the form fields; refusals raise :class:`PanelError`
with the panel's own wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http import HTTPStatus
import re
from typing import TYPE_CHECKING

from . import errors
from .catalogue import ServiceType as T
from .orders import money

if TYPE_CHECKING:
    from .catalogue import Service

REQUIRED: dict[T, tuple[str, ...]] = {
    T.DEFAULT: ("link",),
    T.PACKAGE: ("link",),
    T.SEO: ("link", "keywords"),
    T.CUSTOM_COMMENTS: ("link", "comments"),
    T.CUSTOM_COMMENTS_PACKAGE: ("link", "comments"),
    T.MENTIONS: ("link", "usernames"),
    T.MENTIONS_WITH_HASHTAGS: ("link", "usernames", "hashtags"),
    T.MENTIONS_CUSTOM_LIST: ("link", "usernames"),
    T.MENTIONS_HASHTAG: ("link", "hashtag"),
    T.MENTIONS_USER_FOLLOWERS: ("link", "username"),
    T.MENTIONS_MEDIA_LIKERS: ("link", "media"),
    T.COMMENT_LIKES: ("link", "username"),
    T.COMMENT_REPLIES: ("link", "username", "comments"),
    T.POLL: ("link", "answer_number"),
    T.INVITES_FROM_GROUPS: ("link", "groups"),
    T.SUBSCRIPTIONS: ("username", "min", "max", "delay"),
    T.WEB_TRAFFIC: ("link", "country", "device", "type_of_traffic"),
}
"""Required fields besides ``quantity``, in the order the panel checks them."""

LINE_COUNTED: dict[T, str] = {
    T.CUSTOM_COMMENTS: "comments",
    T.CUSTOM_COMMENTS_PACKAGE: "comments",
    T.MENTIONS_CUSTOM_LIST: "usernames",
    T.COMMENT_REPLIES: "comments",
}
"""Types whose quantity is the number of lines of a list field."""

NO_QUANTITY = frozenset({T.PACKAGE, T.SUBSCRIPTIONS, *LINE_COUNTED})
"""Types that take no ``quantity`` field."""

PRICED_AS_PACKAGE = frozenset({T.PACKAGE, T.CUSTOM_COMMENTS_PACKAGE})
"""Types whose rate is the whole price."""

DRIPFEED_TYPES = frozenset({T.DEFAULT, T.WEB_TRAFFIC})
"""Types that accept ``runs`` + ``interval``."""

SUBSCRIPTION_DELAYS = frozenset(
    {0, 5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 420, 480, 540,
     600}
)  # fmt: skip

_EXPIRY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated ``add``: total units to deliver, drip-feed shape and price.

    ``posts`` and ``expiry`` are a subscription's fields as sent (None when absent).
    """

    link: str
    quantity: int
    runs: int
    interval: int
    charge: Decimal
    posts: int | None = None
    expiry: str | None = None


def label(field: str) -> str:
    """The panel's name for a form field (``type_of_traffic`` → ``Type of traffic``)."""
    return field.replace("_", " ").capitalize()


def lines(text: str) -> list[str]:
    """The non-empty lines of a list field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int(fields: Mapping[str, str], name: str) -> int | None:
    """An integer field, None when absent or not an integer."""
    try:
        return int(fields.get(name, "").strip())
    except ValueError:
        return None


def _require_int(fields: Mapping[str, str], name: str, lo: int, hi: int | None = None) -> int:
    """An integer field within ``lo``..``hi`` or the panel's "is invalid" refusal."""
    value = _int(fields, name)
    if value is None or value < lo or (hi is not None and value > hi):
        raise errors.PanelError(errors.invalid(label(name)))
    return value


def check_range(service: Service, quantity: int) -> None:
    """Refuse a quantity outside the service's limits, naming the limit."""
    if quantity < service.min:
        raise errors.PanelError(errors.QUANTITY_TOO_LOW.format(service.min))
    if quantity > service.max:
        raise errors.PanelError(errors.QUANTITY_TOO_HIGH.format(service.max))


def _subscription_units(service: Service, fields: Mapping[str, str]) -> int:
    """Validate a subscription; its units are ``max`` per post x ``posts`` (default 1)."""
    low = _require_int(fields, "min", 0)
    high = _require_int(fields, "max", 0)
    check_range(service, low)
    check_range(service, high)
    if low > high:
        raise errors.PanelError(errors.invalid("Max"))
    if _int(fields, "delay") not in SUBSCRIPTION_DELAYS:
        raise errors.PanelError(errors.invalid("Delay"))
    posts = _require_int(fields, "posts", 1) if fields.get("posts", "").strip() else 1
    if fields.get("old_posts", "").strip():
        _require_int(fields, "old_posts", 0)
    expiry = fields.get("expiry", "").strip()
    if expiry:
        match = _EXPIRY.fullmatch(expiry)
        try:
            if match is None:
                raise ValueError(expiry)
            date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise errors.PanelError(errors.invalid("Expiry")) from None
    return high * posts


def _check_type_values(service: Service, fields: Mapping[str, str]) -> None:
    """Type-specific value checks (poll answer, traffic device and kind)."""
    if service.type is T.POLL:
        _require_int(fields, "answer_number", 1)
    elif service.type is T.WEB_TRAFFIC:
        _require_int(fields, "device", 1, 5)
        kind = _require_int(fields, "type_of_traffic", 1, 3)
        needed = {1: "google_keyword", 2: "referring_url"}.get(kind)
        if needed and not fields.get(needed, "").strip():
            raise errors.PanelError(errors.blank(label(needed)))


def _dripfeed(service: Service, fields: Mapping[str, str]) -> tuple[int, int]:
    """Runs and interval (1, 0 without drip-feed); both or neither, on drip-feed services."""
    has_runs = bool(fields.get("runs", "").strip())
    has_interval = bool(fields.get("interval", "").strip())
    if not has_runs and not has_interval:
        return 1, 0
    if not (service.dripfeed and service.type in DRIPFEED_TYPES):
        raise errors.PanelError(
            errors.INCORRECT_REQUEST, HTTPStatus.BAD_REQUEST, reason=errors.NO_DRIPFEED
        )
    if not has_runs:
        raise errors.PanelError(errors.blank("Runs"))
    if not has_interval:
        raise errors.PanelError(errors.blank("Interval"))
    return _require_int(fields, "runs", 2), _require_int(fields, "interval", 1)


def parse_add(service: Service, fields: Mapping[str, str]) -> OrderRequest:
    """Validate an ``add`` for ``service`` and price it, or raise the panel's refusal."""
    for name in REQUIRED[service.type]:
        if not fields.get(name, "").strip():
            raise errors.PanelError(errors.blank(label(name)))
    link = fields.get("link", "").strip() or fields.get("username", "").strip()
    if any(char.isspace() for char in link):
        raise errors.PanelError(errors.INCORRECT_LINK)
    _check_type_values(service, fields)
    runs, interval = _dripfeed(service, fields)
    if service.type is T.SUBSCRIPTIONS:
        units = _subscription_units(service, fields)
    elif service.type is T.PACKAGE:
        units = 1
    else:
        listed = LINE_COUNTED.get(service.type)
        per_run = len(lines(fields[listed])) if listed else (_int(fields, "quantity") or 0)
        check_range(service, per_run)
        units = per_run * runs
    posts: int | None = None
    expiry: str | None = None
    if service.type is T.SUBSCRIPTIONS:
        posts = _int(fields, "posts")
        expiry = fields.get("expiry", "").strip() or None
    return OrderRequest(
        link=link,
        quantity=units,
        runs=runs,
        interval=interval,
        charge=price(service, units),
        posts=posts,
        expiry=expiry,
    )


def price(service: Service, units: int) -> Decimal:
    """What ``units`` of ``service`` cost: the rate per 1000, or the whole rate for a package."""
    return service.rate if service.type in PRICED_AS_PACKAGE else money(service.rate * units / 1000)
