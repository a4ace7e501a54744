"""The eight actions of CONTRACT.md §4: schemas, entry resolution, admin rule, responses, errors.

Schemas are deliberately permissive about value types: every value is checked in the handler,
so a bad value is answered with a translated `ServiceValidationError`, never a bare
`vol.Invalid`. Only unknown keys and a missing `config_entry_id` are refused by the schema.

Actions send through the entry's client, change tracking only through the entry's
`OrderTracker`, and then ask the coordinator to refresh (ARCHITECTURE.md): one owner for each
piece of state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
import math
import re
from typing import Any, Final, cast

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY
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
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType, JsonValueType
import voluptuous as vol

from .api import (
    ItemError,
    OrderStatus,
    RefillCreated,
    Service,
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmPanelError,
    SmmRateLimitedError,
)
from .const import CONF_MAX_ORDER_COST, DEFAULT_MAX_ORDER_COST, DOMAIN, EVENT_ORDER_PLACED
from .coordinator import SmmConfigEntry
from .ordering import ORDER_FIELDS, OrderRuleError, check_cost, normalize_type, prepare_order
from .tracking import TrackedOrder, TrackedRefill

SERVICE_ADD_ORDER: Final = "add_order"
SERVICE_REFILL_ORDERS: Final = "refill_orders"
SERVICE_CANCEL_ORDERS: Final = "cancel_orders"
SERVICE_GET_ORDER_STATUS: Final = "get_order_status"
SERVICE_GET_REFILL_STATUS: Final = "get_refill_status"
SERVICE_GET_SERVICES: Final = "get_services"
SERVICE_TRACK_ORDERS: Final = "track_orders"
SERVICE_UNTRACK_ORDERS: Final = "untrack_orders"

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

SECTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "drip_feed": ("runs", "interval"),
    "lists": ("comments", "usernames", "hashtags", "groups", "keywords"),
    "targets": ("username", "hashtag", "media", "answer_number"),
    "subscriptions": ("min", "max", "posts", "old_posts", "delay", "expiry"),
    "web_traffic": ("country", "device", "type_of_traffic", "google_keyword", "referring_url"),
}
"""The collapsible sections of `add_order` in services.yaml and the order fields each holds.

The UI may send a section's fields nested under the section's key; YAML callers write them
flat. Both are accepted (`_order_fields`).
"""

MAX_IDS: Final = 10_000
"""The most ids one action call takes (100 requests of 100): beyond that it is a mistake."""
MAX_ID_LENGTH: Final = 100
"""The longest order, refill or service id, in characters: a longer one is not an id, and a
huge one would only make the panel's web server refuse the request."""
_ID_NUMBER_LIMIT: Final = 10**MAX_ID_LENGTH

_ID_SEPARATORS = re.compile(r"[\s,]+")


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

type _Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the eight actions (once, from `async_setup`)."""
    actions = _Actions(hass)
    registrations: tuple[tuple[str, _Handler, vol.Schema, SupportsResponse], ...] = (
        (SERVICE_ADD_ORDER, actions.add_order, ADD_ORDER_SCHEMA, SupportsResponse.OPTIONAL),
        (
            SERVICE_REFILL_ORDERS,
            actions.refill_orders,
            ORDER_IDS_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_CANCEL_ORDERS,
            actions.cancel_orders,
            ORDER_IDS_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_GET_ORDER_STATUS,
            actions.get_order_status,
            ORDER_IDS_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_GET_REFILL_STATUS,
            actions.get_refill_status,
            REFILL_IDS_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (SERVICE_GET_SERVICES, actions.get_services, GET_SERVICES_SCHEMA, SupportsResponse.ONLY),
        (
            SERVICE_TRACK_ORDERS,
            actions.track_orders,
            ORDER_IDS_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_UNTRACK_ORDERS,
            actions.untrack_orders,
            ORDER_IDS_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
    )
    for name, handler, schema, supports_response in registrations:
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports_response
        )


@dataclass(slots=True)
class _Actions:
    """The action handlers, sharing Home Assistant and the per-entry order locks."""

    hass: HomeAssistant
    _order_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    # -- add_order (admin) -------------------------------------------------------------

    async def add_order(self, call: ServiceCall) -> ServiceResponse:
        """Check an order completely, send it once, track it, announce it."""
        await _require_admin(self.hass, call)
        entry = _loaded_entry(self.hass, call)
        runtime = entry.runtime_data
        fields = _order_fields(call.data)
        service_id = _service_id(call.data.get(ATTR_SERVICE))
        allow_duplicate = _flag(call.data, ATTR_ALLOW_DUPLICATE, default=False)
        track = _flag(call.data, ATTR_TRACK, default=True)

        service = await self._catalogue_service(entry, service_id)
        try:
            prepared = prepare_order(service, fields)
        except OrderRuleError as err:
            raise _rule_error(err) from err
        balance = runtime.coordinator.data.balance
        limit = entry.options.get(CONF_MAX_ORDER_COST, DEFAULT_MAX_ORDER_COST)
        try:
            check_cost(
                prepared.estimated_cost,
                max_order_cost=Decimal(str(limit)),
                balance=balance.amount,
                currency=balance.currency,
            )
        except OrderRuleError as err:
            raise _rule_error(err) from err

        # One order of an entry at a time, from the duplicate check until the order is
        # tracked: two simultaneous calls for the same service and link cannot both pass the
        # duplicate guard and reach the panel. Orders of one account are placed one after
        # the other anyway (panels limit order requests), so serialising all of them keeps
        # the rule simple at no real cost.
        async with self._order_locks.setdefault(entry.entry_id, asyncio.Lock()):
            if not allow_duplicate and prepared.link is not None:
                for order in runtime.tracker.active_orders():
                    if order.service_id == service.service_id and order.link == prepared.link:
                        raise ServiceValidationError(
                            translation_domain=DOMAIN,
                            translation_key="duplicate_order",
                            translation_placeholders={
                                "order": order.order_id,
                                "service": service.service_id,
                            },
                        )
            with _translated_errors(self.hass, entry):
                order_id = await runtime.client.add(service.service_id, prepared.form)
            now = dt_util.utcnow()
            # The panel's quantity is per run; the order delivers quantity x runs units.
            units = (
                prepared.quantity * (prepared.runs or 1) if prepared.quantity is not None else None
            )
            if track:
                await runtime.tracker.async_track(
                    [
                        TrackedOrder(
                            order_id=order_id,
                            tracked_at=now,
                            service_id=service.service_id,
                            service_name=service.name,
                            link=prepared.link,
                            quantity=units,
                            placed_at=now,
                            currency=balance.currency,
                        )
                    ]
                )

        cost = float(prepared.estimated_cost)
        self.hass.bus.async_fire(
            EVENT_ORDER_PLACED,
            {
                "config_entry_id": entry.entry_id,
                "order": order_id,
                "service": service.service_id,
                "link": prepared.link,
                "quantity": units,
                "estimated_cost": cost,
                "currency": balance.currency,
            },
            context=call.context,
        )
        await runtime.coordinator.async_request_refresh()
        return {"order": order_id, "estimated_cost": cost, "currency": balance.currency}

    async def _catalogue_service(self, entry: SmmConfigEntry, service_id: str) -> Service:
        """The service from the cached catalogue, refetched once when it is not there."""
        runtime = entry.runtime_data
        catalogue = runtime.tracker.catalogue
        if catalogue is None or service_id not in catalogue.services:
            with _translated_errors(self.hass, entry):
                catalogue = await runtime.coordinator.async_refresh_catalogue()
        if (service := catalogue.services.get(service_id)) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_service",
                translation_placeholders={"service": service_id},
            )
        return service

    # -- refill_orders, cancel_orders (admin) ------------------------------------------

    async def refill_orders(self, call: ServiceCall) -> ServiceResponse:
        """Request refills; created refills of tracked orders become tracked too."""
        await _require_admin(self.hass, call)
        entry = _loaded_entry(self.hass, call)
        runtime = entry.runtime_data
        order_ids = _ids(call.data, ATTR_ORDERS)
        with _translated_errors(self.hass, entry):
            results = await runtime.client.refill_many(order_ids)
        items: list[JsonValueType] = []
        created: list[TrackedRefill] = []
        now = dt_util.utcnow()
        for order_id in order_ids:
            result = results[order_id]
            if isinstance(result, RefillCreated):
                items.append({"order": order_id, "refill": result.refill_id})
                created.append(
                    TrackedRefill(refill_id=result.refill_id, order_id=order_id, requested_at=now)
                )
            else:
                items.append({"order": order_id, "error": result.error})
        if created:
            await runtime.tracker.async_track_refills(created)
            await runtime.coordinator.async_request_refresh()
        return {"refills": items}

    async def cancel_orders(self, call: ServiceCall) -> ServiceResponse:
        """Request cancellations; the orders change on a later poll."""
        await _require_admin(self.hass, call)
        entry = _loaded_entry(self.hass, call)
        order_ids = _ids(call.data, ATTR_ORDERS)
        with _translated_errors(self.hass, entry):
            results = await entry.runtime_data.client.cancel_many(order_ids)
        items: list[JsonValueType] = []
        for order_id in order_ids:
            result = results[order_id]
            if isinstance(result, ItemError):
                items.append({"order": order_id, "error": result.error})
            else:
                items.append({"order": order_id, "canceled": True})
        if any(not isinstance(result, ItemError) for result in results.values()):
            await entry.runtime_data.coordinator.async_request_refresh()
        return {"cancels": items}

    # -- reads -------------------------------------------------------------------------

    async def get_order_status(self, call: ServiceCall) -> ServiceResponse:
        """Ask the panel about orders, or (without `orders`) report the tracked ones."""
        entry = _loaded_entry(self.hass, call)
        runtime = entry.runtime_data
        fallback = runtime.coordinator.data.balance.currency
        orders: dict[str, JsonValueType] = {}
        if call.data.get(ATTR_ORDERS) is None:
            for order in runtime.tracker.orders.values():
                orders[order.order_id] = _tracked_status(order, fallback)
            return {"orders": orders}
        order_ids = _ids(call.data, ATTR_ORDERS)
        with _translated_errors(self.hass, entry):
            results = await runtime.client.status_many(order_ids)
        for order_id in order_ids:
            result = results[order_id]
            orders[order_id] = (
                {"error": result.error}
                if isinstance(result, ItemError)
                else _status(result, fallback)
            )
        return {"orders": orders}

    async def get_refill_status(self, call: ServiceCall) -> ServiceResponse:
        """Ask the panel about refills."""
        entry = _loaded_entry(self.hass, call)
        refill_ids = _ids(call.data, ATTR_REFILLS)
        with _translated_errors(self.hass, entry):
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

    async def get_services(self, call: ServiceCall) -> ServiceResponse:
        """The catalogue (cached unless `refresh`), filtered."""
        entry = _loaded_entry(self.hass, call)
        runtime = entry.runtime_data
        category = _filter_text(call.data, ATTR_CATEGORY)
        service_type = _filter_text(call.data, ATTR_TYPE)
        search = _filter_text(call.data, ATTR_SEARCH)
        catalogue = runtime.tracker.catalogue
        if _flag(call.data, ATTR_REFRESH, default=False) or catalogue is None:
            with _translated_errors(self.hass, entry):
                catalogue = await runtime.coordinator.async_refresh_catalogue()
        wanted_type = normalize_type(service_type) if service_type is not None else None
        services: list[JsonValueType] = [
            _service(service)
            for service in catalogue.services.values()
            if (category is None or service.category.strip().casefold() == category.casefold())
            and (wanted_type is None or normalize_type(service.type) == wanted_type)
            and (search is None or search.casefold() in service.name.casefold())
        ]
        return {"services": services}

    # -- tracking ----------------------------------------------------------------------

    async def track_orders(self, call: ServiceCall) -> ServiceResponse:
        """Track orders placed elsewhere; each is checked with the panel first."""
        entry = _loaded_entry(self.hass, call)
        runtime = entry.runtime_data
        order_ids = _ids(call.data, ATTR_ORDERS)
        with _translated_errors(self.hass, entry):
            results = await runtime.client.status_many(order_ids)
        now = dt_util.utcnow()
        fallback = runtime.coordinator.data.balance.currency
        tracked: list[JsonValueType] = []
        errors: dict[str, JsonValueType] = {}
        new: list[TrackedOrder] = []
        for order_id in order_ids:
            result = results[order_id]
            if isinstance(result, ItemError):
                errors[order_id] = result.error
                continue
            tracked.append(order_id)
            # The status is applied at once, so the new entity shows it without a poll.
            new.append(
                TrackedOrder(
                    order_id=order_id,
                    tracked_at=now,
                    state=result.state,
                    raw_status=result.raw_status,
                    charge=result.charge,
                    start_count=result.start_count,
                    remains=result.remains,
                    currency=result.currency or fallback,
                    finished_at=now if result.state.finished else None,
                )
            )
        await runtime.tracker.async_track(new)
        return {"tracked": tracked, "errors": errors}

    async def untrack_orders(self, call: ServiceCall) -> ServiceResponse:
        """Stop tracking orders; their entities leave the entity registry."""
        entry = _loaded_entry(self.hass, call)
        order_ids = _ids(call.data, ATTR_ORDERS)
        removed = await entry.runtime_data.tracker.async_untrack(order_ids)
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


@contextmanager
def _translated_errors(hass: HomeAssistant, entry: SmmConfigEntry) -> Iterator[None]:
    """Turn the client's errors into translated Home Assistant errors (see `_translate`)."""
    try:
        yield
    except SmmError as err:
        raise _translate(hass, entry, err) from err


def _translate(hass: HomeAssistant, entry: SmmConfigEntry, err: SmmError) -> HomeAssistantError:
    """The one mapping of client errors to action errors; a rejected key starts reauth.

    The client's own messages never contain the API key; the panel's error text is the
    panel's, so the key is blotted out of it in case a panel echoes the request.
    """
    host = entry.runtime_data.client.host
    if isinstance(err, SmmPanelError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="panel_error",
            translation_placeholders={"message": _redact(entry, err.panel_message)},
        )
    if isinstance(err, SmmAuthError):
        entry.async_start_reauth(hass)
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="invalid_auth",
            translation_placeholders={"host": host},
        )
    if isinstance(err, SmmOrderOutcomeUnknownError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="order_outcome_unknown",
            translation_placeholders={"host": host},
        )
    if isinstance(err, SmmRateLimitedError):
        return HomeAssistantError(translation_domain=DOMAIN, translation_key="rate_limited")
    if isinstance(err, SmmInvalidResponseError):
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="invalid_response",
            translation_placeholders={"error": _redact(entry, str(err))},
        )
    if not isinstance(err, SmmConnectionError):
        raise AssertionError(err)  # every SmmError subclass is handled above
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="cannot_connect",
        translation_placeholders={"error": _redact(entry, str(err))},
    )


def _redact(entry: SmmConfigEntry, text: str) -> str:
    """The text without the entry's API key."""
    api_key: str = entry.data[CONF_API_KEY]
    return text.replace(api_key, "**REDACTED**") if api_key else text


def _rule_error(err: OrderRuleError) -> ServiceValidationError:
    """An `ordering` rule broken, as a translated ServiceValidationError."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.key,
        translation_placeholders=err.placeholders,
    )


def _invalid_field(name: str, reason: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_field",
        translation_placeholders={"field": name, "reason": reason},
    )


# -- reading the call's values ---------------------------------------------------------


def _order_fields(data: Mapping[str, Any]) -> dict[str, object]:
    """The order fields of an `add_order` call: flat, plus those nested under a section."""
    fields: dict[str, object] = {
        name: data[name] for name in ORDER_FIELDS if data.get(name) is not None
    }
    for section, names in SECTIONS.items():
        nested = data.get(section)
        if nested is None:
            continue
        if not isinstance(nested, Mapping):
            raise _invalid_field(section, "must be a mapping of its fields")
        for raw_name, value in nested.items():
            name = str(raw_name)
            if name not in names:
                raise _invalid_field(f"{section}.{name}", "is not a field of this section")
            if value is None:
                continue
            if name in fields and fields[name] != value:
                raise _invalid_field(name, f"is given twice, in {section} and at the top level")
            fields[name] = value
    return fields


def _service_id(value: object) -> str:
    """The `service` id as text, from text or a whole number."""
    if value is None:
        raise _invalid_field(ATTR_SERVICE, "is required")
    service_id = _one_id(value)
    if service_id is None or len(service_id) > MAX_ID_LENGTH or "," in service_id:
        raise _invalid_field(ATTR_SERVICE, "must be a service id from the panel's catalogue")
    return service_id


def _one_id(value: object) -> str | None:
    """An id as text from an int, an integral float or a non-blank text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Beyond the limit it is no id (and beyond 4300 digits `str` itself raises).
        return str(value) if abs(value) < _ID_NUMBER_LIMIT else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.strip() or None
    return None


def _flag(data: Mapping[str, Any], name: str, *, default: bool) -> bool:
    """A yes/no field (true/false, on/off, 1/0, …)."""
    value = data.get(name)
    if value is None:
        return default
    try:
        return cv.boolean(value)
    except (vol.Invalid, ArithmeticError):  # a Decimal signalling NaN cannot even be compared
        raise _invalid_field(name, "must be true or false") from None


def _filter_text(data: Mapping[str, Any], name: str) -> str | None:
    """An optional text filter of `get_services` (blank = no filter)."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _invalid_field(name, "must be text")
    return value.strip() or None


def _ids(data: Mapping[str, Any], name: str) -> list[str]:
    """Order or refill ids: a list or comma/whitespace-separated text, deduplicated in order."""
    value = data.get(name)
    items = value if isinstance(value, list | tuple) else [] if value is None else [value]
    ids: list[str] = []
    for item in items:
        if isinstance(item, str):
            ids.extend(part for part in _ID_SEPARATORS.split(item) if part)
        elif (single := _one_id(item)) is not None:
            ids.append(single)
        else:
            raise _invalid_field(name, "must be a list of ids or a comma-separated text")
        if len(ids) > MAX_IDS:
            raise _invalid_field(name, f"has more than {MAX_IDS} ids")
    if any(len(one) > MAX_ID_LENGTH for one in ids):
        raise _invalid_field(name, f"has an id longer than {MAX_ID_LENGTH} characters")
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_ids",
            translation_placeholders={"field": name},
        )
    return unique


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


def _tracked_status(order: TrackedOrder, fallback_currency: str | None) -> JsonObjectType:
    """A tracked order as last polled; `status` is None until the first poll saw it."""
    status: JsonObjectType = {
        "status": order.state.value if order.state is not None else None,
        "raw_status": order.raw_status,
        "charge": _money(order.charge),
        "start_count": order.start_count,
        "remains": order.remains,
        "currency": order.currency or fallback_currency,
    }
    if order.error is not None:
        status["error"] = order.error
    return status


def _service(service: Service) -> JsonObjectType:
    """A catalogue entry as `get_services` reports it."""
    return {
        "service": service.service_id,
        "name": service.name,
        "type": service.type,
        "category": service.category,
        "rate": float(service.rate),
        "min": service.min,
        "max": service.max,
        "refill": service.refill,
        "cancel": service.cancel,
        "dripfeed": service.dripfeed,
    }
