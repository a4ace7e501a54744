"""The shapes of the actions' responses and of the events (CONTRACT.md §4, §6, §11).

Checked against what a real Home Assistant sends over the websocket, so these are JSON types:
ids are strings, amounts are numbers.
"""

from __future__ import annotations

from typing import Any

SERVICE_KEYS = frozenset(
    {"service", "name", "type", "category", "rate", "min", "max", "refill", "cancel", "dripfeed"}
)
FOUND_KEYS = frozenset(
    {"config_entry_id", "panel", "service", "name", "type", "category", "rate", "currency"}
    | {"min", "max", "refill", "cancel"}
)
STATUS_KEYS = frozenset({"status", "raw_status", "charge", "start_count", "remains", "currency"})
PLACED_KEYS = frozenset(
    {"config_entry_id", "order", "service", "link", "quantity", "estimated_cost", "currency"}
)
CHANGED_KEYS = frozenset(
    {"config_entry_id", "order", "old_status", "new_status", "raw_status", "remains"}
    | {"start_count", "charge", "currency", "service", "link"}
)
ORDER_UPDATE_KEYS = frozenset(
    {"order", "service", "service_name", "raw_status", "remains", "charge", "currency"}
)
ORDER_STATUSES = frozenset(
    {"pending", "processing", "in_progress", "completed", "partial", "canceled", "refunded"}
    | {"failed", "unknown"}
)
REFILL_STATUSES = frozenset(
    {"pending", "in_progress", "completed", "rejected", "canceled", "failed", "unknown"}
)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_services(response: Any) -> list[dict[str, Any]]:
    """`get_services`: `{"services": [...]}`, each row with the catalogue's fields."""
    services = response["services"]
    assert services, "get_services returned no service"
    for row in services:
        assert row.keys() >= SERVICE_KEYS, row
        assert isinstance(row["service"], str), row
        assert _number(row["rate"]), row
    return list(services)


def check_found(response: Any, entry_id: str, quantity: int) -> list[dict[str, Any]]:
    """`find_services`: rows of every loaded entry, sorted by currency then rate, with `cost`."""
    found = response["services"]
    assert found, "find_services found nothing"
    for row in found:
        assert row.keys() >= FOUND_KEYS, row
        assert row["config_entry_id"] == entry_id, row
        assert row["min"] <= quantity <= row["max"], row
    keys = [(row["currency"], row["rate"]) for row in found]
    assert keys == sorted(keys), f"find_services is not sorted by currency, rate: {keys}"
    assert any(_number(row.get("cost")) for row in found), found
    return list(found)


def check_placed(response: Any) -> str:
    """`add_order`: `{"order": "<id>", "estimated_cost": number, "currency": "..."}`."""
    assert isinstance(response["order"], str), response
    assert response["order"], response
    assert _number(response["estimated_cost"]), response
    assert isinstance(response["currency"], str), response
    return str(response["order"])


def check_statuses(response: Any, known: str, unknown: str) -> dict[str, Any]:
    """`get_order_status`: a status for the known id, an error for the unknown one."""
    orders = response["orders"]
    assert orders[known].keys() >= STATUS_KEYS, orders
    assert orders[known]["status"] in ORDER_STATUSES, orders
    assert isinstance(orders[unknown]["error"], str), orders
    return dict(orders[known])


def check_rows(response: Any, key: str, ok_field: str, ids: list[str]) -> list[dict[str, Any]]:
    """`refill_orders` / `cancel_orders`: one row per id, in order, a result or an error."""
    rows = response[key]
    assert [row["order"] for row in rows] == ids, rows
    for row in rows:
        assert (ok_field in row) != ("error" in row), row
    return list(rows)


def check_refill_statuses(response: Any, ids: list[str]) -> dict[str, Any]:
    """`get_refill_status`: `{"refills": {"<id>": {status, raw_status} or {error}}}`."""
    refills = response["refills"]
    assert sorted(refills) == sorted(ids), refills
    for value in refills.values():
        if "error" in value:
            assert isinstance(value["error"], str), refills
        else:
            assert value["status"] in REFILL_STATUSES, refills
            assert isinstance(value["raw_status"], str), refills
    return dict(refills)


def check_tracked(response: Any, tracked: list[str], unknown: str) -> None:
    """`track_orders`: the tracked ids, and an error for the unknown one."""
    assert response["tracked"] == tracked, response
    assert isinstance(response["errors"][unknown], str), response


def check_placed_event(data: dict[str, Any], entry_id: str, order: str) -> None:
    """`smm_panel_order_placed` carries CONTRACT.md §6's data."""
    assert data.keys() >= PLACED_KEYS, data
    assert data["config_entry_id"] == entry_id, data
    assert data["order"] == order, data


def check_changed_event(data: dict[str, Any], entry_id: str, order: str) -> None:
    """`smm_panel_order_status_changed` carries CONTRACT.md §6's data."""
    assert data.keys() >= CHANGED_KEYS, data
    assert data["config_entry_id"] == entry_id, data
    assert data["order"] == order, data
    assert data["old_status"] != data["new_status"], data
    assert data["new_status"] in ORDER_STATUSES, data


def check_order_update(state: dict[str, Any], event_type: str, order: str) -> None:
    """The `order_update` event entity after an event of `event_type` for `order`."""
    attributes = state["attributes"]
    assert attributes.get("event_type") == event_type, state
    assert attributes.get("order") == order, state
    assert attributes.keys() >= ORDER_UPDATE_KEYS, state
    assert "link" not in attributes, state
