"""The API v2 actions: read the form fields, ask the panel, shape the answer (PROTOCOL.md §2).

The shapes follow ``panel.quirks``; the dialects' shapes of PROTOCOL.md §8 are switched there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

from . import errors, render
from .echo import Echo
from .stats import split_ids

if TYPE_CHECKING:
    from .panel import FakePanel
    from .quirks import Quirks
    from .render import Json

MAX_IDS = 100
"""Bulk forms take at most this many comma-separated ids."""

MINIMAL_ACTIONS = frozenset({"add", "status", "services", "balance"})
"""The actions a panel with ``Quirks.minimal_actions`` implements."""

EMPTY_CATALOGUE: dict[str, Json] = {"status": "success", "data": "Empty Data"}
"""An empty service list on panels with ``Quirks.empty_catalogue_as_text``."""

type Fields = Mapping[str, str]
type Answer = Callable[[str], Json]


@dataclass(frozen=True, slots=True)
class _Ask:
    """One request being answered: the panel, the form and the echo of an echoing panel."""

    panel: FakePanel
    fields: Fields
    echo: Echo | None

    @property
    def quirks(self) -> Quirks:
        """The panel's quirks."""
        return self.panel.quirks

    def noted(self, answer: dict[str, Json], *, nested: bool = False) -> dict[str, Json]:
        """``answer`` with a ``note`` quoting the request on an echoing panel."""
        if self.echo is not None:
            answer["note"] = f"Answer to {self.echo.encoded if nested else self.echo.plain}"
        return answer

    def success(self, answer: dict[str, Json]) -> dict[str, Json]:
        """A top-level success answer: ``"status": "success"`` first where the panel says so."""
        if self.quirks.status_success:
            answer = {"status": "success", **answer}
        return self.noted(answer)

    def error(self, refusal: errors.PanelError) -> dict[str, Json]:
        """A per-item error object."""
        return render.error(self.quirks, refusal.text, reason=refusal.reason, echo=self.echo)


def handle(panel: FakePanel, fields: Fields) -> tuple[Json, HTTPStatus]:
    """Answer one request: the JSON body and the HTTP status this panel would send."""
    quirks = panel.quirks
    echo = Echo.of(fields) if quirks.echo_key else None
    name = fields.get("action", "").strip()
    placing = False
    try:
        if fields.get("key", "") != panel.key:
            raise errors.key_error()
        if quirks.minimal_actions and name not in MINIMAL_ACTIONS:
            raise errors.PanelError(errors.ACTION_INVALID, HTTPStatus.BAD_REQUEST)
        action = _ACTIONS.get(name)
        if action is None:
            raise errors.bad_request()
        panel.settle()
        placing = name == "add" and quirks.created_status
        answer = action(_Ask(panel, fields, echo))
    except errors.PanelError as refusal:
        if placing:
            status = HTTPStatus.UNPROCESSABLE_ENTITY
        elif quirks.error_status_codes:
            status = refusal.status
        else:
            status = HTTPStatus.OK
        return render.refusal(quirks, refusal.text, reason=refusal.reason, echo=echo), status
    return answer, HTTPStatus.CREATED if placing else HTTPStatus.OK


def _bulk_ids(text: str) -> list[str]:
    """The ids of a bulk form; empty or more than 100 is refused as a whole."""
    ids = split_ids(text)
    if not ids or len(ids) > MAX_IDS:
        raise errors.bad_request()
    return ids


def _services(ask: _Ask) -> Json:
    quirks = ask.quirks
    listed: list[Json] = [render.service(quirks, s, ask.echo) for s in ask.panel.listed_services()]
    if not listed and quirks.empty_catalogue_as_text:
        return ask.noted(dict(EMPTY_CATALOGUE))
    return {"services": listed} if quirks.wrapped_services else listed


def _add(ask: _Ask) -> Json:
    order = ask.panel.place_order(ask.fields.get("service", ""), ask.fields)
    return ask.success({"order": render.identifier(ask.quirks, order.id, numeric=True)})


def _status(ask: _Ask) -> Json:
    panel, quirks, fields = ask.panel, ask.quirks, ask.fields
    if "orders" in fields:
        items: list[tuple[str, Json]] = []
        for order_id in _bulk_ids(fields["orders"]):
            item: Json
            try:
                view = panel.order_view(order_id)
            except errors.PanelError as refusal:
                failed = ask.error(refusal)
                item = failed["error"] if quirks.bare_item_errors else failed
            else:
                item = ask.noted(render.order_status(quirks, view, panel.currency), nested=True)
            items.append((order_id, item))
        if quirks.status_list_without_ids:
            return [item for _, item in items]
        return dict(items)
    if "order" in fields:
        view = panel.order_view(fields["order"])
        return ask.noted(render.order_status(quirks, view, panel.currency))
    raise errors.bad_request()


def _each(
    ask: _Ask, ids: list[str], id_name: str, name: str, answer: Answer, *, row_errors: bool = False
) -> list[Json]:
    """A bulk list answer: per id, ``{id_name: id, name: answer}``, a refusal as that id's error.

    With ``row_errors`` a refusal is the row's own ``error`` instead of ``name``'s value.
    """
    rows: list[Json] = []
    for item_id in ids:
        row: dict[str, Json] = {id_name: render.identifier(ask.quirks, item_id, numeric=True)}
        try:
            row[name] = answer(item_id)
        except errors.PanelError as refusal:
            if row_errors:
                row |= ask.error(refusal)
            else:
                row[name] = ask.error(refusal)
        rows.append(ask.noted(row, nested=True))
    return rows


def _refill(ask: _Ask) -> Json:
    panel, quirks, fields = ask.panel, ask.quirks, ask.fields

    def open_refill(order_id: str) -> Json:
        return render.identifier(quirks, panel.request_refill(order_id).id, numeric=True)

    if "orders" in fields:
        return _each(ask, _bulk_ids(fields["orders"]), "order", "refill", open_refill)
    if "order" in fields:
        if quirks.single_refill_bulk_shape:
            return _each(ask, [fields["order"].strip()], "order", "refill", open_refill)
        refill = panel.request_refill(fields["order"])
        return ask.success({"refill": render.identifier(quirks, refill.id, numeric=False)})
    raise errors.bad_request()


def _refill_status(ask: _Ask) -> Json:
    panel, quirks, fields = ask.panel, ask.quirks, ask.fields

    def shown(refill_id: str) -> Json:
        text = render.status(quirks, panel.refill_status(refill_id))
        return {"status": text} if quirks.nested_refill_status else text

    if "refills" in fields:
        return _each(ask, _bulk_ids(fields["refills"]), "refill", "status", shown)
    if "refill" in fields:
        return ask.noted({"status": shown(fields["refill"])})
    raise errors.bad_request()


def _cancel(ask: _Ask) -> Json:
    if "orders" not in ask.fields:
        raise errors.bad_request()

    def accept(order_id: str) -> Json:
        ask.panel.request_cancel(order_id)
        return 1

    ids = _bulk_ids(ask.fields["orders"])
    return _each(ask, ids, "order", "cancel", accept, row_errors=ask.quirks.cancel_row_errors)


def _balance(ask: _Ask) -> Json:
    panel = ask.panel
    return ask.success(render.balance(ask.quirks, panel.balance, panel.currency))


_ACTIONS: dict[str, Callable[[_Ask], Json]] = {
    "services": _services,
    "add": _add,
    "status": _status,
    "refill": _refill,
    "refill_status": _refill_status,
    "cancel": _cancel,
    "balance": _balance,
}
