"""Turning a panel's decoded (and already scrubbed) JSON into the models, action by action.

Top-level error answers never get here: the transport raised them. Per-item readers never
raise: whatever an item holds, they return a result or an ItemError for the id asked about.
"""

from __future__ import annotations

import logging

from . import parsing
from .exceptions import SmmError, SmmInvalidResponseError
from .models import (
    Balance,
    CancelRequested,
    CancelResult,
    ItemError,
    OrderStatus,
    OrderStatusResult,
    PlacedOrder,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
)
from .status import parse_order_state, parse_refill_state

_LOGGER = logging.getLogger(__name__)

MISSING_FROM_ANSWER = "Missing from the panel's answer"
UNREADABLE_STATUS = "Unreadable status"
NO_REFILL_ID = "No refill id in the panel's answer"
_OWN_ITEM_ERRORS = frozenset({MISSING_FROM_ANSWER, UNREADABLE_STATUS, NO_REFILL_ID})
"""Item errors the client wrote itself (the rest are the panel's texts)."""
_EMPTY_CATALOGUE = ("empty", "no data", "no service", "not found")


# -- single answers -------------------------------------------------------------------------


def balance(data: object) -> Balance:
    """`{"balance": "100.84292", "currency": "USD"}` (currency may be missing)."""
    amount = parsing.decimal(data.get("balance")) if isinstance(data, dict) else None
    if amount is None or not isinstance(data, dict):
        raise SmmInvalidResponseError("The balance answer has no readable balance")
    return Balance(amount=amount, currency=parsing.text(data.get("currency")))


def services(data: object) -> list[Service]:
    """The catalogue: a list, wrapped or not; unreadable entries are skipped, not fatal."""
    listed = _catalogue(data)
    found = [service for item in listed if (service := _service(item)) is not None]
    if len(found) < len(listed):
        _LOGGER.debug("Skipped %d unreadable catalogue entries", len(listed) - len(found))
    return found


def placed_order(data: object, warning: str | None) -> PlacedOrder | None:
    """The order an `add` answer placed, or None when it names no usable order id.

    `warning` is the panel's error text beside the id, if any: the order exists all the same.
    """
    order_id = parsing.placed_id(data.get("order")) if isinstance(data, dict) else None
    return None if order_id is None else PlacedOrder(order_id, warning)


def single_order_status(order_id: str, data: object) -> OrderStatus:
    """The answer to `status` with one `order`: a status object."""
    unreadable = f"Unreadable status for order {order_id}"
    if not isinstance(data, dict):
        raise SmmInvalidResponseError(unreadable)
    result = order_status(order_id, data)
    if isinstance(result, ItemError):
        raise _single_failure(result, unreadable)
    return result


def single_refill(order_id: str, data: object) -> str:
    """The refill id answering `refill` with one `order`; the bulk shape is read too."""
    result = refill_created(order_id, _only_item(data, "order", order_id))
    if isinstance(result, ItemError):
        raise _single_failure(result, "The refill answer has no refill id")
    return result.refill_id


def single_refill_status(refill_id: str, data: object) -> RefillStatus:
    """The answer to `refill_status` with one `refill`."""
    result = refill_status(refill_id, data)
    if isinstance(result, ItemError):
        raise _single_failure(result, f"Unreadable status for refill {refill_id}")
    return result


def _single_failure(result: ItemError, unreadable: str) -> SmmError:
    """A single form's item error: the panel's own text is its refusal, ours means invalid."""
    if result.error in _OWN_ITEM_ERRORS:
        return SmmInvalidResponseError(unreadable)
    return parsing.panel_exception(result.error)


def _only_item(data: object, id_field: str, wanted: str) -> object:
    """A single answer, also when given as a bulk list (the item for `wanted`, or the only one)."""
    if not isinstance(data, list):
        return data
    for item in data:
        if isinstance(item, dict) and parsing.item_id(item.get(id_field)) == wanted:
            return item
    return data[0] if len(data) == 1 else None


def _catalogue(data: object) -> list[object]:
    """The list of services: bare, as `{"services": […]}` / `{"data": […]}`, or none at all.

    `{"status": "success", "data": "Empty Data"}` is how some panels say the list is empty.
    """
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for name in ("services", "data"):
            if isinstance(listed := data.get(name), list):
                return listed
        if _says_success(data) and "data" in data and _says_empty(data["data"]):
            return []
    raise SmmInvalidResponseError("The services answer is not a list")


def _says_success(data: dict[str, object]) -> bool:
    status = data.get("status")
    return status is True or (isinstance(status, str) and status.strip().casefold() == "success")


def _says_empty(value: object) -> bool:
    if value is None or value in ("", {}):
        return True
    return isinstance(value, str) and any(word in value.casefold() for word in _EMPTY_CATALOGUE)


def _service(item: object) -> Service | None:
    if not isinstance(item, dict):
        return None
    service_id = parsing.item_id(item.get("service"))
    rate = parsing.decimal(item.get("rate"))
    minimum = parsing.integer(item.get("min"))
    maximum = parsing.integer(item.get("max"))
    if service_id is None or rate is None or minimum is None or maximum is None:
        return None
    return Service(
        service_id=service_id,
        name=parsing.text(item.get("name")) or f"Service {service_id}",
        type=parsing.text(item.get("type")) or "Default",
        category=parsing.text(item.get("category")) or "",
        rate=rate,
        min=minimum,
        max=maximum,
        refill=parsing.boolean(item.get("refill")),
        cancel=parsing.boolean(item.get("cancel")),
        dripfeed=parsing.boolean(item.get("dripfeed")),
        description=parsing.text(item.get("description")),
    )


# -- bulk answers ---------------------------------------------------------------------------


def keyed(data: object, id_field: str, ids: list[str]) -> dict[str, object]:
    """Bulk answers come keyed by id, as a list of objects carrying their id, or as a list of
    objects without ids in the order asked (matched by position when exactly as long).

    An answer naming none of the ids asked about is not an answer about them (a maintenance
    page's JSON, say): it fails as a whole rather than as an error for every id, which would
    count towards finishing every tracked order.
    """
    found: dict[str, object] = {}
    if isinstance(data, dict):
        found = {name: value for raw, value in data.items() if (name := str(raw).strip())}
    elif isinstance(data, list):
        named = [
            (parsing.item_id(item.get(id_field)), item) for item in data if isinstance(item, dict)
        ]
        if data and len(named) == len(data) and not any(name for name, _ in named):
            if len(data) != len(ids):
                raise SmmInvalidResponseError(
                    "The bulk answer names none of the ids asked about "
                    f"({len(data)} items without ids for {len(ids)} ids)"
                )
            return dict(zip(ids, data, strict=True))
        found = {name: item for name, item in named if name}
    else:
        raise SmmInvalidResponseError("The bulk answer is neither an object nor a list")
    if not found.keys() & set(ids):
        raise SmmInvalidResponseError("The bulk answer names none of the ids asked about")
    return found


def order_status(order_id: str, item: object) -> OrderStatusResult:
    """One order's status object; a bare string in its place is the panel's error for it."""
    if item is None:
        return ItemError(item_id=order_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item) or parsing.text(item)) is not None:
        return ItemError(item_id=order_id, error=message)
    raw = parsing.text(item.get("status")) if isinstance(item, dict) else None
    if raw is None or not isinstance(item, dict):
        return ItemError(item_id=order_id, error=UNREADABLE_STATUS)
    return OrderStatus(
        order_id=order_id,
        state=parse_order_state(raw),
        raw_status=raw,
        charge=parsing.decimal(item.get("charge")),
        start_count=parsing.integer(item.get("start_count")),
        remains=parsing.integer(item.get("remains")),
        currency=parsing.text(item.get("currency")),
    )


def refill_status(refill_id: str, item: object) -> RefillStatusResult:
    """One refill's status; the status may be nested one level (`{"status": {"status": …}}`)."""
    if item is None:
        return ItemError(item_id=refill_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item)) is not None:
        return ItemError(item_id=refill_id, error=message)
    status = item.get("status") if isinstance(item, dict) else None
    if isinstance(status, dict) and parsing.error_text(status) is None:
        status = status.get("status")
    if (message := parsing.error_text(status)) is not None:
        return ItemError(item_id=refill_id, error=message)
    raw = parsing.text(status)
    if raw is None:
        return ItemError(item_id=refill_id, error=UNREADABLE_STATUS)
    return RefillStatus(refill_id=refill_id, state=parse_refill_state(raw), raw_status=raw)


def refill_created(order_id: str, item: object) -> RefillResult:
    """One order's refill: an id, or an error at row or value level."""
    refill, refused = _row_value(order_id, item, "refill")
    if refused is not None:
        return refused
    refill_id = parsing.item_id(refill)
    if refill_id is None:
        return ItemError(item_id=order_id, error=NO_REFILL_ID)
    return RefillCreated(order_id=order_id, refill_id=refill_id)


def cancel_requested(order_id: str, item: object) -> CancelResult:
    """One order's cancel request: 1/true/an id means accepted; 0/false/blank, refused."""
    accepted, refused = _row_value(order_id, item, "cancel")
    if refused is not None:
        return refused
    if parsing.is_false(accepted) or (
        not parsing.boolean(accepted) and parsing.item_id(accepted) is None
    ):
        return ItemError(item_id=order_id, error="Cannot cancel")
    return CancelRequested(order_id=order_id)


def _row_value(item_id: str, item: object, key: str) -> tuple[object, ItemError | None]:
    """A bulk row's value under `key` (a bare value stands for itself), or the panel's error
    for the row: missing, or an error text at row or at value level."""
    if item is None:
        return None, ItemError(item_id=item_id, error=MISSING_FROM_ANSWER)
    value = item.get(key) if isinstance(item, dict) else item
    for part in (item, value):
        if (message := parsing.error_text(part)) is not None:
            return None, ItemError(item_id=item_id, error=message)
    return value, None
