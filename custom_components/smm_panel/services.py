"""The actions of CONTRACT.md §4 and §11: schemas, entry resolution, admin rule, responses.

Schemas are deliberately permissive about value types: every value is read by `action_fields`,
so a bad value is answered with a translated `ServiceValidationError`, never a bare
`vol.Invalid`. Only unknown keys and a missing `config_entry_id` are refused by the schema.

Money-moving and tracking actions go through the entry's `OrderDesk`; reads go to the client
and answer from what it returns. Client errors are translated in one place (`errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from decimal import Decimal
from functools import partial
from typing import Any, Final, cast

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonObjectType, JsonValueType
import voluptuous as vol

from .action_fields import SECTIONS, filter_text, flag, ids, order_fields, service_id
from .api import CancelResult, ItemError, OrderStatus, RefillCreated, RefillResult
from .catalogue_search import FIELDS as FIND_FIELDS, ServiceQuery, find_services
from .const import DOMAIN, LOGGER
from .errors import translated_errors
from .ordering import ORDER_FIELDS, normalize_type
from .orders import OrderDesk, OrderRequest
from .runtime import SmmConfigEntry

SERVICE_ADD_ORDER: Final = "add_order"
SERVICE_REFILL_ORDERS: Final = "refill_orders"
SERVICE_CANCEL_ORDERS: Final = "cancel_orders"
SERVICE_GET_ORDER_STATUS: Final = "get_order_status"
SERVICE_GET_REFILL_STATUS: Final = "get_refill_status"
SERVICE_GET_SERVICES: Final = "get_services"
SERVICE_TRACK_ORDERS: Final = "track_orders"
SERVICE_UNTRACK_ORDERS: Final = "untrack_orders"
SERVICE_FIND_SERVICES: Final = "find_services"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_SERVICE: Final = "service"
ATTR_ALLOW_DUPLICATE: Final = "allow_duplicate"
ATTR_TRACK: Final = "track"
ATTR_ORDERS: Final = "orders"
ATTR_REFILLS: Final = "refills"
ATTR_CATEGORY: Final = "category"
ATTR_TYPE: Final = "type"
ATTR_SEARCH: Final = "search"
ATTR_REFRESH: Final = "refresh"


def _as_given(value: Any) -> Any:
    """Accept any value: the handler checks it and answers with a translated error."""
    return value


def _schema(*fields: str) -> vol.Schema:
    """An action schema: `config_entry_id` plus fields taken as given (checked by the handler)."""
    keys: dict[vol.Marker, Any] = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
    keys.update({vol.Optional(name): _as_given for name in fields})
    return vol.Schema(keys)


# `service`, `orders` and `refills` are required (services.yaml says so to the UI), but a
# missing one is reported by the handler, translated, like any other bad value.
ADD_ORDER_SCHEMA: Final = _schema(
    ATTR_SERVICE, ATTR_ALLOW_DUPLICATE, ATTR_TRACK, *ORDER_FIELDS, *SECTIONS
)
ORDER_IDS_SCHEMA: Final = _schema(ATTR_ORDERS)
REFILL_IDS_SCHEMA: Final = _schema(ATTR_REFILLS)
GET_SERVICES_SCHEMA: Final = _schema(ATTR_CATEGORY, ATTR_TYPE, ATTR_SEARCH, ATTR_REFRESH)
# The one action without `config_entry_id`: it searches every loaded entry.
FIND_SERVICES_SCHEMA: Final = vol.Schema({vol.Optional(name): _as_given for name in FIND_FIELDS})

type _Handler = Callable[[HomeAssistant, ServiceCall], Coroutine[Any, Any, ServiceResponse]]


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the nine actions (once, from `async_setup`)."""
    registrations: tuple[tuple[str, _Handler, vol.Schema, SupportsResponse], ...] = (
        (SERVICE_ADD_ORDER, _add_order, ADD_ORDER_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_REFILL_ORDERS, _refill_orders, ORDER_IDS_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_CANCEL_ORDERS, _cancel_orders, ORDER_IDS_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_GET_ORDER_STATUS, _get_order_status, ORDER_IDS_SCHEMA, SupportsResponse.ONLY),
        (SERVICE_GET_REFILL_STATUS, _get_refill_status, REFILL_IDS_SCHEMA, SupportsResponse.ONLY),
        (SERVICE_GET_SERVICES, _get_services, GET_SERVICES_SCHEMA, SupportsResponse.ONLY),
        (SERVICE_TRACK_ORDERS, _track_orders, ORDER_IDS_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_UNTRACK_ORDERS, _untrack_orders, ORDER_IDS_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_FIND_SERVICES, _find_services, FIND_SERVICES_SCHEMA, SupportsResponse.ONLY),
    )
    for name, handler, schema, supports_response in registrations:
        hass.services.async_register(
            DOMAIN,
            name,
            partial(_guarded, hass, handler),
            schema=schema,
            supports_response=supports_response,
        )


async def _guarded(hass: HomeAssistant, handler: _Handler, call: ServiceCall) -> ServiceResponse:
    """Run a handler; a failure nobody foresaw still reaches the caller translated."""
    try:
        return await handler(hass, call)
    except HomeAssistantError:
        raise
    except Exception as err:
        LOGGER.exception("Unexpected error in %s.%s", DOMAIN, call.service)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="unexpected_error",
            translation_placeholders={"error": type(err).__name__},
        ) from err


# -- money-moving actions (admin) ------------------------------------------------------


async def _add_order(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Place an order through the entry's desk."""
    await _require_admin(hass, call)
    entry = _loaded_entry(hass, call)
    request = OrderRequest(
        service_id=service_id(call.data.get(ATTR_SERVICE)),
        fields=order_fields(call.data),
        allow_duplicate=flag(call.data, ATTR_ALLOW_DUPLICATE, default=False),
        track=flag(call.data, ATTR_TRACK, default=True),
    )
    placement = await entry.runtime_data.desk.async_add(request, call.context)
    return placement.as_response()


async def _refill_orders(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Request refills; created refills of tracked orders become tracked too."""
    desk, order_ids = await _order_action(hass, call)
    results = await desk.async_refill(order_ids)
    return {"refills": [_order_row(results[order_id]) for order_id in order_ids]}


async def _cancel_orders(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Request cancellations; the orders change on a later poll."""
    desk, order_ids = await _order_action(hass, call)
    results = await desk.async_cancel(order_ids)
    return {"cancels": [_order_row(results[order_id]) for order_id in order_ids]}


async def _order_action(hass: HomeAssistant, call: ServiceCall) -> tuple[OrderDesk, list[str]]:
    """What a money-moving action on existing orders needs: an admin, the desk, the ids."""
    await _require_admin(hass, call)
    entry = _loaded_entry(hass, call)
    return entry.runtime_data.desk, ids(call.data, ATTR_ORDERS)


def _order_row(result: RefillResult | CancelResult) -> JsonValueType:
    """One order's line in a refill or cancel answer."""
    if isinstance(result, ItemError):
        return {"order": result.item_id, "error": result.error}
    if isinstance(result, RefillCreated):
        return {"order": result.order_id, "refill": result.refill_id}
    return {"order": result.order_id, "canceled": True}


# -- reads -----------------------------------------------------------------------------


async def _get_order_status(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Ask the panel about orders, or (without `orders`) report the tracked ones."""
    entry = _loaded_entry(hass, call)
    runtime = entry.runtime_data
    fallback = runtime.coordinator.data.balance.currency
    orders: dict[str, JsonValueType] = {}
    if call.data.get(ATTR_ORDERS) is None:
        for order in runtime.tracker.orders.values():
            orders[order.order_id] = order.as_status(fallback)
        return {"orders": orders}
    order_ids = ids(call.data, ATTR_ORDERS)
    with translated_errors(hass, entry, entry.runtime_data.client.host):
        results = await runtime.client.status_many(order_ids)
    for order_id in order_ids:
        result = results[order_id]
        orders[order_id] = (
            {"error": result.error} if isinstance(result, ItemError) else _status(result, fallback)
        )
    return {"orders": orders}


async def _get_refill_status(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Ask the panel about refills."""
    entry = _loaded_entry(hass, call)
    refill_ids = ids(call.data, ATTR_REFILLS)
    with translated_errors(hass, entry, entry.runtime_data.client.host):
        results = await entry.runtime_data.client.refill_status_many(refill_ids)
    refills: dict[str, JsonValueType] = {}
    for refill_id in refill_ids:
        result = results[refill_id]
        refills[refill_id] = (
            {"error": result.error}
            if isinstance(result, ItemError)
            else {"status": result.state.value, "raw_status": result.raw_status}
        )
    return {"refills": refills}


async def _get_services(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """The catalogue (cached unless `refresh`), filtered."""
    entry = _loaded_entry(hass, call)
    runtime = entry.runtime_data
    category = filter_text(call.data, ATTR_CATEGORY)
    service_type = filter_text(call.data, ATTR_TYPE)
    search = filter_text(call.data, ATTR_SEARCH)
    catalogue = runtime.tracker.catalogue
    if flag(call.data, ATTR_REFRESH, default=False) or catalogue is None:
        with translated_errors(hass, entry, entry.runtime_data.client.host):
            catalogue = await runtime.coordinator.async_refresh_catalogue()
    wanted_type = normalize_type(service_type) if service_type is not None else None
    services: list[JsonValueType] = [
        service.as_response()
        for service in catalogue.services.values()
        if (category is None or service.category.strip().casefold() == category.casefold())
        and (wanted_type is None or normalize_type(service.type) == wanted_type)
        and (search is None or search.casefold() in service.name.casefold())
    ]
    return {"services": services}


async def _find_services(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Search the cached catalogues of every loaded entry (`catalogue_search`); nothing is sent."""
    return {"services": await find_services(hass, ServiceQuery.of_call(call.data))}


# -- tracking --------------------------------------------------------------------------


async def _track_orders(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Track orders placed elsewhere; each is checked with the panel first."""
    entry = _loaded_entry(hass, call)
    order_ids = ids(call.data, ATTR_ORDERS)
    results = await entry.runtime_data.desk.async_track(order_ids)
    tracked: list[JsonValueType] = []
    errors: dict[str, JsonValueType] = {}
    for order_id in order_ids:
        result = results[order_id]
        if isinstance(result, ItemError):
            errors[order_id] = result.error
        else:
            tracked.append(order_id)
    return {"tracked": tracked, "errors": errors}


async def _untrack_orders(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    """Stop tracking orders; their entities leave the entity registry."""
    entry = _loaded_entry(hass, call)
    removed = await entry.runtime_data.desk.async_untrack(ids(call.data, ATTR_ORDERS))
    untracked: list[JsonValueType] = list(removed)
    return {"untracked": untracked}


# -- the rules every action shares -----------------------------------------------------


async def _require_admin(hass: HomeAssistant, call: ServiceCall) -> None:
    """Refuse a call by a user who is not an admin, as `async_register_admin_service` does.

    Calls without a user (automations, scripts) are allowed. Checked in the handler because
    `async_register_admin_service` takes no `supports_response` in Home Assistant 2025.4.
    """
    if not call.context.user_id:
        return
    user = await hass.auth.async_get_user(call.context.user_id)
    if user is None:
        raise UnknownUser(context=call.context, permission=POLICY_CONTROL)
    if not user.is_admin:
        raise Unauthorized(context=call.context, permission=POLICY_CONTROL)


def _loaded_entry(hass: HomeAssistant, call: ServiceCall) -> SmmConfigEntry:
    """The loaded SMM Panel entry a call names, or a translated ServiceValidationError."""
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_found",
            translation_placeholders={"entry_id": entry_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"entry_id": entry_id},
        )
    return cast(SmmConfigEntry, entry)


# -- building responses ----------------------------------------------------------------


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _status(status: OrderStatus, fallback_currency: str | None) -> JsonObjectType:
    """An order status as `get_order_status` reports it."""
    return {
        "status": status.state.value,
        "raw_status": status.raw_status,
        "charge": _money(status.charge),
        "start_count": status.start_count,
        "remains": status.remains,
        "currency": status.currency or fallback_currency,
    }
