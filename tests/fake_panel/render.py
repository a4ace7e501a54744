"""Shape answers the way the configured panel spells them (the value quirks of PROTOCOL.md §6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .orders import CANCELED, IN_PROGRESS, money

if TYPE_CHECKING:
    from .catalogue import Service
    from .echo import Echo
    from .orders import OrderView
    from .quirks import Quirks

type Json = None | bool | int | float | str | list[Json] | dict[str, Json]

RAW_NUMBER = "\x00raw\x00"
"""Marks a string the encoder writes as a bare JSON number (see :func:`raw_number`)."""

ACTIVE = "Active"
CENT = Decimal("0.01")


def raw_number(text: str) -> str:
    """A JSON number written exactly as ``text`` (``0.27819000000``), not as Python would."""
    return RAW_NUMBER + text


def amount(quirks: Quirks, value: Decimal) -> Json:
    """Money with five decimals: ``"0.27819"`` or ``0.27819``."""
    booked = money(value)
    return f"{booked:f}" if quirks.numbers_as_strings else float(booked)


def count(quirks: Quirks, value: int) -> Json:
    """A whole number: ``"157"`` or ``157``."""
    return str(value) if quirks.numbers_as_strings else value


def identifier(quirks: Quirks, value: str, *, numeric: bool) -> Json:
    """An id; numeric ids are JSON numbers where the docs show numbers (``numeric``)."""
    if numeric and value.isdigit() and not quirks.ids_as_strings:
        return int(value)
    return value


def status(quirks: Quirks, text: str, *, subscription: bool = False) -> str:
    """A status in this panel's spelling and case (a running subscription may be Active)."""
    if text == CANCELED and quirks.cancelled_spelling:
        text = "Cancelled"
    elif text == IN_PROGRESS:
        text = ACTIVE if subscription and quirks.subscription_active else quirks.in_progress_text
    return text.lower() if quirks.lowercase_statuses else text


def wording(quirks: Quirks, text: str, reason: str | None = None) -> str:
    """An error text in this panel's wording: by reason, by text, then by ``{}`` template."""
    variants = quirks.error_texts
    if reason is not None and reason in variants:
        return variants[reason]
    if text in variants:
        return variants[text]
    for template, variant in variants.items():
        head, placeholder, tail = template.partition("{}")
        if (
            placeholder
            and len(text) > len(head) + len(tail)
            and text.startswith(head)
            and text.endswith(tail)
        ):
            return variant.replace("{}", text[len(head) : len(text) - len(tail)])
    return text


def error_text(
    quirks: Quirks,
    text: str,
    *,
    reason: str | None = None,
    echo: Echo | None = None,
    nested: bool = False,
) -> str:
    """An error text, quoting the request on an echoing panel (URL-encoded when ``nested``)."""
    worded = wording(quirks, text, reason)
    if echo is None:
        return worded
    return f"{worded}: {echo.encoded if nested else echo.plain}"


def error(
    quirks: Quirks, text: str, *, reason: str | None = None, echo: Echo | None = None
) -> dict[str, Json]:
    """A per-item error object: ``{"error": text}``."""
    return {"error": error_text(quirks, text, reason=reason, echo=echo, nested=True)}


def refusal(
    quirks: Quirks, text: str, *, reason: str | None = None, echo: Echo | None = None
) -> dict[str, Json]:
    """An error as the whole answer: ``{"error": …}`` or ``{"status": "error", "message": …}``."""
    worded = error_text(quirks, text, reason=reason, echo=echo)
    if quirks.status_message_errors:
        return {"status": "error", "message": worded}
    return {"error": worded}


def service(quirks: Quirks, svc: Service, echo: Echo | None = None) -> dict[str, Json]:
    """One entry of the ``services`` list (an echoing panel quotes the key in its texts)."""
    rate: Json = f"{svc.rate:f}" if quirks.numbers_as_strings else float(svc.rate)
    name, category, description = svc.name, svc.category, svc.description
    if echo is not None:
        name = f"{name} [{echo.key}]"
        category = f"{category} ({echo.encoded_key})"
        description = f"{description} Asked with {echo.encoded}"
    entry: dict[str, Json] = {
        "service": identifier(quirks, svc.id, numeric=True),
        "name": name,
        "type": svc.type.value.lower() if quirks.lowercase_types else svc.type.value,
        "category": category,
        "rate": rate,
        "min": count(quirks, svc.min),
        "max": count(quirks, svc.max),
    }
    flags = {"refill": svc.refill, "cancel": svc.cancel}
    if quirks.service_extras:
        flags["dripfeed"] = svc.dripfeed
    for name, value in flags.items():
        if value or not quirks.omit_false_flags:
            entry[name] = int(value) if quirks.booleans_as_ints else value
    if quirks.service_extras:
        entry["description"] = description
    return entry


def order_status(quirks: Quirks, view: OrderView, currency: str) -> dict[str, Json]:
    """The status object of one order."""
    pending = view.status == "Pending"
    remains: Json = "Unknown" if pending and quirks.remains_unknown else count(quirks, view.remains)
    answer: dict[str, Json] = {}
    if quirks.status_extras:
        answer["order"] = identifier(quirks, view.order_id, numeric=True)
        charge: Json = raw_number(f"{money(view.charge):.11f}")
    else:
        charge = amount(quirks, view.charge)
    answer |= {
        "charge": charge,
        "start_count": count(quirks, view.start_count),
        "status": status(quirks, view.status, subscription=view.subscription),
        "remains": remains,
    }
    if not (quirks.missing_currency or quirks.status_without_currency):
        answer["currency"] = currency
    if quirks.subscription_active:
        children: list[Json] = [identifier(quirks, c, numeric=True) for c in view.children]
        if view.subscription:
            posts = None if view.posts is None else count(quirks, view.posts)
            answer |= {"expiry": view.expiry, "posts": posts, "orders": children}
        elif view.runs > 1:
            answer |= {"runs": count(quirks, view.runs), "orders": children}
    return answer


def balance(quirks: Quirks, value: Decimal, currency: str) -> dict[str, Json]:
    """The ``balance`` answer (``"1,234.56"`` on a panel using PHP's ``number_format``)."""
    shown: Json
    if quirks.thousands_separators:
        shown = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,f}"
    else:
        shown = amount(quirks, value)
    answer: dict[str, Json] = {"balance": shown}
    if not quirks.missing_currency:
        answer["currency"] = currency
    return answer
