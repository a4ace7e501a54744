"""Shape answers the way the configured panel spells them (the value quirks of PROTOCOL.md §6)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .orders import CANCELED, IN_PROGRESS, money

if TYPE_CHECKING:
    from .catalogue import Service
    from .orders import OrderView
    from .quirks import Quirks

type Json = None | bool | int | float | str | list[Json] | dict[str, Json]


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


def status(quirks: Quirks, text: str) -> str:
    """A status in this panel's spelling and case."""
    if text == CANCELED and quirks.cancelled_spelling:
        text = "Cancelled"
    elif text == IN_PROGRESS:
        text = quirks.in_progress_text
    return text.lower() if quirks.lowercase_statuses else text


def error(quirks: Quirks, text: str) -> dict[str, Json]:
    """An error body in this panel's wording."""
    return {"error": quirks.error_texts.get(text, text)}


def service(quirks: Quirks, svc: Service) -> dict[str, Json]:
    """One entry of the ``services`` list."""
    rate: Json = f"{svc.rate:f}" if quirks.numbers_as_strings else float(svc.rate)
    entry: dict[str, Json] = {
        "service": identifier(quirks, svc.id, numeric=True),
        "name": svc.name,
        "type": svc.type.value.lower() if quirks.lowercase_types else svc.type.value,
        "category": svc.category,
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
        entry["description"] = svc.description
    return entry


def order_status(quirks: Quirks, view: OrderView, currency: str) -> dict[str, Json]:
    """The status object of one order."""
    pending = view.status == "Pending"
    remains: Json = "Unknown" if pending and quirks.remains_unknown else count(quirks, view.remains)
    answer: dict[str, Json] = {
        "charge": amount(quirks, view.charge),
        "start_count": count(quirks, view.start_count),
        "status": status(quirks, view.status),
        "remains": remains,
    }
    if not quirks.missing_currency:
        answer["currency"] = currency
    return answer


def balance(quirks: Quirks, value: Decimal, currency: str) -> dict[str, Json]:
    """The ``balance`` answer."""
    answer: dict[str, Json] = {"balance": amount(quirks, value)}
    if not quirks.missing_currency:
        answer["currency"] = currency
    return answer
