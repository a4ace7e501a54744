"""The API v2 actions: read the form fields, ask the panel, shape the answer (PROTOCOL.md §2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING

from . import errors, render
from .stats import split_ids

if TYPE_CHECKING:
    from .panel import FakePanel
    from .render import Json

MAX_IDS = 100
"""Bulk forms take at most this many comma-separated ids."""

type Fields = Mapping[str, str]
type Answer = Callable[[str], Json]


def handle(panel: FakePanel, fields: Fields) -> tuple[Json, HTTPStatus]:
    """Answer one request: the JSON body and the HTTP status this panel would send."""
    try:
        if fields.get("key", "") != panel.key:
            raise errors.key_error()
        action = _ACTIONS.get(fields.get("action", "").strip())
        if action is None:
            raise errors.bad_request()
        panel.settle()
        return action(panel, fields), HTTPStatus.OK
    except errors.PanelError as refusal:
        status = refusal.status if panel.quirks.error_status_codes else HTTPStatus.OK
        return render.error(panel.quirks, refusal.text), status


def _bulk_ids(text: str) -> list[str]:
    """The ids of a bulk form; empty or more than 100 is refused as a whole."""
    ids = split_ids(text)
    if not ids or len(ids) > MAX_IDS:
        raise errors.bad_request()
    return ids


def _services(panel: FakePanel, _fields: Fields) -> Json:
    listed: list[Json] = [render.service(panel.quirks, s) for s in panel.listed_services()]
    return {"services": listed} if panel.quirks.wrapped_services else listed


def _add(panel: FakePanel, fields: Fields) -> Json:
    order = panel.place_order(fields.get("service", ""), fields)
    return {"order": render.identifier(panel.quirks, order.id, numeric=True)}


def _status(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "orders" in fields:
        answer: dict[str, Json] = {}
        for order_id in _bulk_ids(fields["orders"]):
            try:
                view = panel.order_view(order_id)
            except errors.PanelError as refusal:
                answer[order_id] = render.error(quirks, refusal.text)
            else:
                answer[order_id] = render.order_status(quirks, view, panel.currency)
        return answer
    if "order" in fields:
        return render.order_status(quirks, panel.order_view(fields["order"]), panel.currency)
    raise errors.bad_request()


def _each(panel: FakePanel, text: str, id_name: str, name: str, answer: Answer) -> list[Json]:
    """A bulk list answer: per id, ``{id_name: id, name: answer}``, a refusal as that id's error."""
    items: list[Json] = []
    for item_id in _bulk_ids(text):
        item: Json
        try:
            item = answer(item_id)
        except errors.PanelError as refusal:
            item = render.error(panel.quirks, refusal.text)
        items.append({id_name: render.identifier(panel.quirks, item_id, numeric=True), name: item})
    return items


def _refill(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "orders" in fields:
        return _each(
            panel,
            fields["orders"],
            "order",
            "refill",
            lambda order_id: render.identifier(
                quirks, panel.request_refill(order_id).id, numeric=True
            ),
        )
    if "order" in fields:
        refill = panel.request_refill(fields["order"])
        return {"refill": render.identifier(quirks, refill.id, numeric=False)}
    raise errors.bad_request()


def _refill_status(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "refills" in fields:
        return _each(
            panel,
            fields["refills"],
            "refill",
            "status",
            lambda refill_id: render.status(quirks, panel.refill_status(refill_id)),
        )
    if "refill" in fields:
        return {"status": render.status(quirks, panel.refill_status(fields["refill"]))}
    raise errors.bad_request()


def _cancel(panel: FakePanel, fields: Fields) -> Json:
    if "orders" not in fields:
        raise errors.bad_request()

    def accept(order_id: str) -> Json:
        panel.request_cancel(order_id)
        return 1

    return _each(panel, fields["orders"], "order", "cancel", accept)


def _balance(panel: FakePanel, _fields: Fields) -> Json:
    return render.balance(panel.quirks, panel.balance, panel.currency)


_ACTIONS: dict[str, Callable[[FakePanel, Fields], Json]] = {
    "services": _services,
    "add": _add,
    "status": _status,
    "refill": _refill,
    "refill_status": _refill_status,
    "cancel": _cancel,
    "balance": _balance,
}
