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


def _refill(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "orders" in fields:
        answer: list[Json] = []
        for order_id in _bulk_ids(fields["orders"]):
            item: Json
            try:
                refill = panel.request_refill(order_id)
            except errors.PanelError as refusal:
                item = render.error(quirks, refusal.text)
            else:
                item = render.identifier(quirks, refill.id, numeric=True)
            answer.append(
                {"order": render.identifier(quirks, order_id, numeric=True), "refill": item}
            )
        return answer
    if "order" in fields:
        refill = panel.request_refill(fields["order"])
        return {"refill": render.identifier(quirks, refill.id, numeric=False)}
    raise errors.bad_request()


def _refill_status(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "refills" in fields:
        answer: list[Json] = []
        for refill_id in _bulk_ids(fields["refills"]):
            item: Json
            try:
                item = render.status(quirks, panel.refill_status(refill_id))
            except errors.PanelError as refusal:
                item = render.error(quirks, refusal.text)
            answer.append(
                {"refill": render.identifier(quirks, refill_id, numeric=True), "status": item}
            )
        return answer
    if "refill" in fields:
        return {"status": render.status(quirks, panel.refill_status(fields["refill"]))}
    raise errors.bad_request()


def _cancel(panel: FakePanel, fields: Fields) -> Json:
    quirks = panel.quirks
    if "orders" not in fields:
        raise errors.bad_request()
    answer: list[Json] = []
    for order_id in _bulk_ids(fields["orders"]):
        item: Json = 1
        try:
            panel.request_cancel(order_id)
        except errors.PanelError as refusal:
            item = render.error(quirks, refusal.text)
        answer.append({"order": render.identifier(quirks, order_id, numeric=True), "cancel": item})
    return answer


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
