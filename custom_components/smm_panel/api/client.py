"""SmmPanelClient: one method per action of the SMM panel API v2; the only I/O of the package."""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
import json
import logging
from urllib.parse import urlsplit

import aiohttp

from . import parsing
from .exceptions import (
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmRateLimitedError,
    most_telling,
)
from .models import (
    Balance,
    CancelRequested,
    CancelResult,
    ItemError,
    OrderStatus,
    OrderStatusResult,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
)
from .status import parse_order_state, parse_refill_state

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
MAX_BATCH = 100
MAX_IN_FLIGHT = 4
MISSING_FROM_ANSWER = "Missing from the panel's answer"

type FieldValue = str | int | Decimal


class _NotSentError(SmmConnectionError):
    """The request certainly did not reach the panel (the connection was never made)."""


class SmmPanelClient:
    """Talks to one panel with one API key over an injected aiohttp session.

    The session belongs to the caller and is never closed here. At most `max_in_flight`
    requests of this client are on the wire at once; bulk methods split their ids into
    batches of 100. Reads are retried once on a connection error; `add` never is.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        session: aiohttp.ClientSession,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self._url = url
        self._api_key = api_key
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._slots = asyncio.Semaphore(max_in_flight)
        self.host = urlsplit(url).hostname or url

    def __repr__(self) -> str:
        return f"SmmPanelClient(host={self.host!r})"

    @property
    def url(self) -> str:
        """The API endpoint this client posts to."""
        return self._url

    # -- actions ------------------------------------------------------------------------

    async def balance(self) -> Balance:
        """The account balance and its currency."""
        data = await self._read("balance")
        amount = parsing.decimal(data.get("balance")) if isinstance(data, dict) else None
        if amount is None or not isinstance(data, dict):
            raise SmmInvalidResponseError("The balance answer has no readable balance")
        return Balance(amount=amount, currency=parsing.text(data.get("currency")))

    async def services(self) -> list[Service]:
        """The service catalogue; unreadable entries are skipped, not fatal."""
        data = await self._read("services")
        if isinstance(data, dict) and isinstance(data.get("services"), list):
            data = data["services"]
        if not isinstance(data, list):
            raise SmmInvalidResponseError("The services answer is not a list")
        services = [service for item in data if (service := _service(item)) is not None]
        if len(services) < len(data):
            _LOGGER.debug("Skipped %d unreadable catalogue entries", len(data) - len(services))
        return services

    async def add(self, service_id: str, fields: Mapping[str, FieldValue]) -> str:
        """Place an order and return its id. Sent exactly once, never retried.

        Raises SmmOrderOutcomeUnknownError when the request may have reached the panel
        but no usable answer came back: the order may or may not exist.
        """
        form = {name: str(value) for name, value in fields.items()}
        form["service"] = service_id
        try:
            data = await self._post("add", form)
        except _NotSentError:
            raise
        except SmmRateLimitedError:
            raise
        except (SmmConnectionError, SmmInvalidResponseError) as err:
            raise SmmOrderOutcomeUnknownError(
                f"No usable answer from {self.host} after sending the order ({err}); "
                "check the panel before ordering again"
            ) from err
        order_id = parsing.item_id(data.get("order")) if isinstance(data, dict) else None
        if order_id is None:
            raise SmmOrderOutcomeUnknownError(
                f"{self.host} answered the order without an order id; "
                "check the panel before ordering again"
            )
        return order_id

    async def status(self, order_id: str) -> OrderStatus:
        """The status of one order; a per-order error is raised as SmmPanelError."""
        data = await self._read("status", {"order": order_id})
        result = _order_status(order_id, data)
        if isinstance(result, ItemError):
            raise SmmInvalidResponseError(f"Unreadable status for order {order_id}")
        return result

    async def status_many(self, order_ids: Iterable[str]) -> dict[str, OrderStatusResult]:
        """Statuses of any number of orders, 100 per request; per-order errors kept as items."""
        return await self._bulk(order_ids, self._status_batch)

    async def refill(self, order_id: str) -> str:
        """Request a refill of one order and return the refill id."""
        data = await self._read("refill", {"order": order_id}, retry=False)
        refill_id = parsing.item_id(data.get("refill")) if isinstance(data, dict) else None
        if refill_id is None:
            raise SmmInvalidResponseError("The refill answer has no refill id")
        return refill_id

    async def refill_many(self, order_ids: Iterable[str]) -> dict[str, RefillResult]:
        """Request refills of any number of orders; keyed by order id.

        Once any batch got through, a failed batch gives its orders an ItemError instead of
        raising, so the refills already requested are reported, not lost.
        """
        return await self._bulk(order_ids, self._refill_batch, keep_partial=True)

    async def refill_status(self, refill_id: str) -> RefillStatus:
        """The status of one refill."""
        data = await self._read("refill_status", {"refill": refill_id})
        result = _refill_status(refill_id, data)
        if isinstance(result, ItemError):
            raise SmmInvalidResponseError(f"Unreadable status for refill {refill_id}")
        return result

    async def refill_status_many(self, refill_ids: Iterable[str]) -> dict[str, RefillStatusResult]:
        """Statuses of any number of refills, 100 per request; keyed by refill id."""
        return await self._bulk(refill_ids, self._refill_status_batch)

    async def cancel_many(self, order_ids: Iterable[str]) -> dict[str, CancelResult]:
        """Request cancellation of any number of orders; keyed by order id.

        Partial failures are reported per order, as for `refill_many`.
        """
        return await self._bulk(order_ids, self._cancel_batch, keep_partial=True)

    # -- bulk forms ---------------------------------------------------------------------

    async def _bulk[T](
        self,
        ids: Iterable[str],
        fetch: Callable[[list[str]], Awaitable[dict[str, T]]],
        *,
        keep_partial: bool = False,
    ) -> dict[str, T | ItemError]:
        """Send the ids in batches of 100 (at most four requests in flight).

        Every batch runs to its end. If one fails, the call raises (a rejected key first),
        unless `keep_partial` and another batch got through: then the failed batches' ids
        get an ItemError saying what happened to their request.
        """
        unique = list(dict.fromkeys(i for raw in ids if (i := raw.strip())))
        batches = [unique[start : start + MAX_BATCH] for start in range(0, len(unique), MAX_BATCH)]
        parts = await asyncio.gather(*(fetch(batch) for batch in batches), return_exceptions=True)
        errors = [part for part in parts if isinstance(part, BaseException)]
        if errors:
            telling = most_telling(errors)
            # A rejected key or a bug is never an item error; without a batch through, raise.
            partial = keep_partial and len(errors) < len(parts)
            if (
                not partial
                or isinstance(telling, SmmAuthError)
                or not isinstance(telling, SmmError)
            ):
                raise telling
        results: dict[str, T | ItemError] = {}
        for batch, part in zip(batches, parts, strict=True):
            if isinstance(part, BaseException):
                results.update({i: ItemError(item_id=i, error=_batch_error(part)) for i in batch})
            else:
                results.update(part)
        return results

    async def _status_batch(self, ids: list[str]) -> dict[str, OrderStatusResult]:
        data = await self._read("status", {"orders": ",".join(ids)})
        answers = _keyed(data, "order", ids)
        return {i: _order_status(i, answers.get(i)) for i in ids}

    async def _refill_status_batch(self, ids: list[str]) -> dict[str, RefillStatusResult]:
        data = await self._read("refill_status", {"refills": ",".join(ids)})
        answers = _keyed(data, "refill", ids)
        return {i: _refill_status(i, answers.get(i)) for i in ids}

    async def _refill_batch(self, ids: list[str]) -> dict[str, RefillResult]:
        data = await self._read("refill", {"orders": ",".join(ids)}, retry=False)
        answers = _keyed(data, "order", ids)
        return {i: _refill_created(i, answers.get(i)) for i in ids}

    async def _cancel_batch(self, ids: list[str]) -> dict[str, CancelResult]:
        data = await self._read("cancel", {"orders": ",".join(ids)}, retry=False)
        answers = _keyed(data, "order", ids)
        return {i: _cancel_requested(i, answers.get(i)) for i in ids}

    # -- transport ----------------------------------------------------------------------

    async def _read(
        self, action: str, fields: Mapping[str, str] | None = None, *, retry: bool = True
    ) -> object:
        """A request that is safe to repeat once after a connection error."""
        try:
            return await self._post(action, fields or {})
        except SmmRateLimitedError:
            raise
        except SmmConnectionError as err:
            if not retry:
                raise
            _LOGGER.debug("Retrying %s on %s once after: %s", action, self.host, err)
            return await self._post(action, fields or {})

    async def _post(self, action: str, fields: Mapping[str, str]) -> object:
        """Send one form POST and decode the answer; raise on any error answer."""
        body = {**fields, "key": self._api_key, "action": action}
        async with self._slots:
            _LOGGER.debug("POST action=%s to %s", action, self.host)
            try:
                async with self._session.post(
                    self._url, data=body, timeout=self._timeout, allow_redirects=False
                ) as response:
                    status = response.status
                    retry_after = response.headers.get("Retry-After")
                    raw = await response.read()
            except aiohttp.ClientConnectorError as err:
                raise _NotSentError(f"Cannot connect to {self.host}") from err
            except TimeoutError:
                raise SmmConnectionError(f"Timeout talking to {self.host}") from None
            except aiohttp.ClientError as err:
                raise SmmConnectionError(
                    f"Connection to {self.host} failed ({type(err).__name__})"
                ) from None
        return self._decode(action, status, retry_after, raw)

    def _decode(self, action: str, status: int, retry_after: str | None, raw: bytes) -> object:
        """Read the body before the status code: panels send JSON errors with any status."""
        try:
            data: object = json.loads(raw.removeprefix(codecs.BOM_UTF8))
        except (ValueError, RecursionError):
            data = _NOT_JSON
        if status == 429:
            raise SmmRateLimitedError(
                f"{self.host} is rate limiting requests", _retry_after(retry_after)
            )
        if status >= 500:
            raise SmmConnectionError(f"{self.host} answered HTTP {status}")
        if (message := parsing.error_text(data)) is not None:
            raise parsing.panel_exception(message)
        if data is _NOT_JSON:
            raise SmmInvalidResponseError(
                f"{self.host} answered {action} with HTTP {status} and a non-JSON body"
            )
        if status >= 300:
            raise SmmInvalidResponseError(f"{self.host} answered {action} with HTTP {status}")
        return data


_NOT_JSON = object()


def _retry_after(header: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if header is None:
        return None
    seconds = parsing.decimal(header)
    if seconds is not None:
        return max(float(seconds), 0.0)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _batch_error(err: BaseException) -> str:
    """The per-order error of an order whose batch failed while others got through."""
    if isinstance(err, _NotSentError | SmmRateLimitedError):
        return f"Not sent: {err}"
    if isinstance(err, SmmConnectionError | SmmInvalidResponseError):
        return f"No usable answer, the outcome is unknown: {err}"
    return f"Refused by the panel: {err}"


def _keyed(data: object, id_field: str, ids: list[str]) -> dict[str, object]:
    """Bulk answers come keyed by id, or as a list of objects carrying their id.

    An answer naming none of the ids asked about is not an answer about them (a maintenance
    page's JSON, say): it fails as a whole rather than as an error for every id, which would
    count towards finishing every tracked order. A top-level `{"error": ...}` never gets here:
    `_decode` raised it already.
    """
    keyed: dict[str, object] = {}
    if isinstance(data, dict):
        keyed = {name: value for raw, value in data.items() if (name := str(raw).strip())}
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and (item_key := parsing.item_id(item.get(id_field))):
                keyed[item_key] = item
    else:
        raise SmmInvalidResponseError("The bulk answer is neither an object nor a list")
    if not keyed.keys() & set(ids):
        raise SmmInvalidResponseError("The bulk answer names none of the ids asked about")
    return keyed


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


def _order_status(order_id: str, item: object) -> OrderStatusResult:
    if item is None:
        return ItemError(item_id=order_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item)) is not None:
        return ItemError(item_id=order_id, error=message)
    raw = parsing.text(item.get("status")) if isinstance(item, dict) else None
    if raw is None or not isinstance(item, dict):
        return ItemError(item_id=order_id, error="Unreadable status")
    return OrderStatus(
        order_id=order_id,
        state=parse_order_state(raw),
        raw_status=raw,
        charge=parsing.decimal(item.get("charge")),
        start_count=parsing.integer(item.get("start_count")),
        remains=parsing.integer(item.get("remains")),
        currency=parsing.text(item.get("currency")),
    )


def _refill_status(refill_id: str, item: object) -> RefillStatusResult:
    if item is None:
        return ItemError(item_id=refill_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item)) is not None:
        return ItemError(item_id=refill_id, error=message)
    status = item.get("status") if isinstance(item, dict) else None
    if (message := parsing.error_text(status)) is not None:
        return ItemError(item_id=refill_id, error=message)
    raw = parsing.text(status)
    if raw is None:
        return ItemError(item_id=refill_id, error="Unreadable status")
    return RefillStatus(refill_id=refill_id, state=parse_refill_state(raw), raw_status=raw)


def _refill_created(order_id: str, item: object) -> RefillResult:
    if item is None:
        return ItemError(item_id=order_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item)) is not None:
        return ItemError(item_id=order_id, error=message)
    refill = item.get("refill") if isinstance(item, dict) else item
    if (message := parsing.error_text(refill)) is not None:
        return ItemError(item_id=order_id, error=message)
    refill_id = parsing.item_id(refill)
    if refill_id is None:
        return ItemError(item_id=order_id, error="No refill id in the panel's answer")
    return RefillCreated(order_id=order_id, refill_id=refill_id)


def _cancel_requested(order_id: str, item: object) -> CancelResult:
    if item is None:
        return ItemError(item_id=order_id, error=MISSING_FROM_ANSWER)
    if (message := parsing.error_text(item)) is not None:
        return ItemError(item_id=order_id, error=message)
    accepted = item.get("cancel") if isinstance(item, dict) else item
    if (message := parsing.error_text(accepted)) is not None:
        return ItemError(item_id=order_id, error=message)
    if parsing.is_false(accepted) or (
        not parsing.boolean(accepted) and parsing.item_id(accepted) is None
    ):
        return ItemError(item_id=order_id, error="Cannot cancel")
    return CancelRequested(order_id=order_id)
