"""SmmPanelClient: one method per action of the SMM panel API v2; the only I/O of the package."""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import json
import logging
from urllib.parse import urlsplit

import aiohttp

from . import answers, parsing, replies
from .exceptions import (
    SmmAuthError,
    SmmConnectionError,
    SmmError,
    SmmInvalidResponseError,
    SmmOrderOutcomeUnknownError,
    SmmPanelError,
    SmmRateLimitedError,
    most_telling,
)
from .models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    OrderStatusResult,
    PlacedOrder,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    Service,
)
from .scrub import Scrubber

__all__ = ["DEFAULT_TIMEOUT", "MAX_BATCH", "MAX_IN_FLIGHT", "SmmPanelClient"]

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
MAX_BATCH = 100
MAX_IN_FLIGHT = 4

type FieldValue = str | int | Decimal


class _NotSentError(SmmConnectionError):
    """The request certainly did not reach the panel (the connection was never made)."""


@dataclass(frozen=True, slots=True)
class _Answer:
    """A decoded, scrubbed JSON answer and the panel's error text in it, if any."""

    data: object
    error: str | None
    status: int
    retry_after: float | None


class SmmPanelClient:
    """Talks to one panel with one API key over an injected aiohttp session.

    The session belongs to the caller and is never closed here. At most `max_in_flight`
    requests of this client are on the wire at once; bulk methods split their ids into
    batches of 100. Reads are retried once on a connection error; `add` never is.

    Everything the panel sends is scrubbed of the key (plain and URL-encoded) before it is
    parsed, so no returned value, error text or exception can show it.

    Library API: besides the bulk forms, the single-id methods `status`, `refill` and
    `refill_status` and the `url` property are kept for scripts and other callers. A single-id
    method raises SmmPanelError with the panel's refusal ("Incorrect order ID", "Refill not
    found") and SmmInvalidResponseError for an answer without what it asked for.
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
        self._scrub = Scrubber(api_key)
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
        """The account balance and its currency (None when the panel leaves it out)."""
        return answers.balance(await self._read("balance"))

    async def services(self) -> list[Service]:
        """The service catalogue; unreadable entries are skipped, not fatal."""
        return answers.services(await self._read("services"))

    async def add(self, service_id: str, fields: Mapping[str, FieldValue]) -> PlacedOrder:
        """Place an order. Sent exactly once, never retried.

        An answer with an order id is a placed order, even beside an error text (then the
        PlacedOrder's `warning`). An error without an id is a refusal: SmmPanelError,
        SmmAuthError or SmmRateLimitedError, nothing placed; so is HTTP 429, or a
        connection that was never made (SmmConnectionError). Raises
        SmmOrderOutcomeUnknownError when the request may have reached the panel but no
        usable answer came back: the order may or may not exist.
        """
        form = {name: str(value) for name, value in fields.items()}
        form["service"] = service_id
        try:
            answer = await self._post("add", form)
        except (_NotSentError, SmmRateLimitedError):
            raise
        except (SmmConnectionError, SmmInvalidResponseError) as err:
            raise SmmOrderOutcomeUnknownError(
                f"No usable answer from {self.host} after sending the order ({err}); "
                "check the panel before ordering again"
            ) from err
        placed = answers.placed_order(answer.data, answer.error)
        if placed is not None:
            return placed
        if answer.error is not None:
            raise self._refusal(answer.error, answer)
        raise SmmOrderOutcomeUnknownError(
            f"{self.host} answered the order without a usable order id; "
            "check the panel before ordering again"
        )

    async def status(self, order_id: str) -> OrderStatus:
        """The status of one order."""
        data = await self._read("status", {"order": order_id})
        return answers.single_order_status(order_id, data)

    async def status_many(self, order_ids: Iterable[str]) -> dict[str, OrderStatusResult]:
        """Statuses of any number of orders, 100 per request; per-order errors kept as items."""
        return await self._bulk(order_ids, self._status_batch)

    async def refill(self, order_id: str) -> str:
        """Request a refill of one order and return the refill id (never retried)."""
        data = await self._read("refill", {"order": order_id}, retry=False)
        return answers.single_refill(order_id, data)

    async def refill_many(self, order_ids: Iterable[str]) -> dict[str, RefillResult]:
        """Request refills of any number of orders; keyed by order id.

        A batch the panel refused as a whole ("This action is Invalid") gives each of its
        orders an ItemError with the panel's text. Once any batch got an answer, a batch that
        failed otherwise gives its orders an ItemError saying what happened instead of
        raising, so the refills already requested are reported, not lost.
        """
        return await self._bulk(order_ids, self._refill_batch, keep_partial=True)

    async def refill_status(self, refill_id: str) -> RefillStatus:
        """The status of one refill."""
        data = await self._read("refill_status", {"refill": refill_id})
        return answers.single_refill_status(refill_id, data)

    async def refill_status_many(self, refill_ids: Iterable[str]) -> dict[str, RefillStatusResult]:
        """Statuses of any number of refills, 100 per request; keyed by refill id."""
        return await self._bulk(refill_ids, self._refill_status_batch)

    async def cancel_many(self, order_ids: Iterable[str]) -> dict[str, CancelResult]:
        """Request cancellation of any number of orders; keyed by order id.

        Refusals and failures are reported per order, as for `refill_many`.
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
        unless `keep_partial` and some batch was answered — a batch the panel refused with
        its own text counts as answered: then the failed batches' ids get an ItemError
        saying what happened to their request.
        """
        unique = list(dict.fromkeys(i for raw in ids if (i := raw.strip())))
        batches = [unique[start : start + MAX_BATCH] for start in range(0, len(unique), MAX_BATCH)]
        parts = await asyncio.gather(*(fetch(batch) for batch in batches), return_exceptions=True)
        errors = [part for part in parts if isinstance(part, BaseException)]
        if errors:
            telling = most_telling(errors)
            answered = any(
                isinstance(part, SmmPanelError) or not isinstance(part, BaseException)
                for part in parts
            )
            # A rejected key or a bug is never an item error; with no batch answered, raise.
            if (
                not (keep_partial and answered)
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
        found = answers.keyed(data, "order", ids)
        return {i: answers.order_status(i, found.get(i)) for i in ids}

    async def _refill_status_batch(self, ids: list[str]) -> dict[str, RefillStatusResult]:
        data = await self._read("refill_status", {"refills": ",".join(ids)})
        found = answers.keyed(data, "refill", ids)
        return {i: answers.refill_status(i, found.get(i)) for i in ids}

    async def _refill_batch(self, ids: list[str]) -> dict[str, RefillResult]:
        data = await self._read("refill", {"orders": ",".join(ids)}, retry=False)
        found = answers.keyed(data, "order", ids)
        return {i: answers.refill_created(i, found.get(i)) for i in ids}

    async def _cancel_batch(self, ids: list[str]) -> dict[str, CancelResult]:
        data = await self._read("cancel", {"orders": ",".join(ids)}, retry=False)
        found = answers.keyed(data, "order", ids)
        return {i: answers.cancel_requested(i, found.get(i)) for i in ids}

    # -- transport ----------------------------------------------------------------------

    async def _read(
        self, action: str, fields: Mapping[str, str] | None = None, *, retry: bool = True
    ) -> object:
        """The data of an answer that is not an error; reads are repeated once after a
        connection error (unless `retry` is False, for refill and cancel).
        """
        try:
            answer = await self._post(action, fields or {})
        except SmmRateLimitedError:
            raise
        except SmmConnectionError as err:
            if not retry:
                raise
            _LOGGER.debug("Retrying %s on %s once after: %s", action, self.host, err)
            answer = await self._post(action, fields or {})
        if answer.error is not None:
            raise self._refusal(answer.error, answer)
        return answer.data

    def _refusal(self, message: str, answer: _Answer) -> SmmError:
        """The exception the error text `message` of `answer` stands for."""
        return parsing.panel_exception(
            message, status=answer.status, retry_after=answer.retry_after, host=self.host
        )

    async def _post(self, action: str, fields: Mapping[str, str]) -> _Answer:
        """Send one form POST and decode the answer.

        No aiohttp exception is chained to the client's: their texts can quote the reply.
        """
        body = {**fields, "key": self._api_key, "action": action}
        failure: SmmConnectionError | None = None
        async with self._slots:
            _LOGGER.debug("POST action=%s to %s", action, self.host)
            try:
                async with self._session.post(
                    self._url, data=body, timeout=self._timeout, allow_redirects=False
                ) as response:
                    status = response.status
                    headers = {name.casefold(): value for name, value in response.headers.items()}
                    raw = await response.read()
            except aiohttp.ClientConnectorError:
                failure = _NotSentError(f"Cannot connect to {self.host}")
            except TimeoutError:
                failure = SmmConnectionError(f"Timeout talking to {self.host}")
            except aiohttp.ClientError as err:
                failure = SmmConnectionError(
                    f"Connection to {self.host} failed ({type(err).__name__})"
                )
        if failure is not None:
            raise failure
        return self._decode(action, status, headers, raw)

    def _decode(self, action: str, status: int, headers: Mapping[str, str], raw: bytes) -> _Answer:
        """Read the body before the status code: panels send JSON errors with any status.

        Raises for what is no answer at all (429, 5xx, pages, JSON with a 3xx/4xx and no
        error text); the panel's error text is left for the caller to weigh.
        """
        data = self._scrub.tree(_json(raw))
        retry_after = replies.retry_after(headers)
        if status == 429:
            raise SmmRateLimitedError(f"{self.host} is rate limiting requests", retry_after)
        page = replies.cloudflare(headers, raw) if data is _NOT_JSON else None
        if status >= 500:
            suffix = f" {page}" if page else ""
            raise SmmConnectionError(f"{self.host} answered HTTP {status}{suffix}")
        if page is not None:
            raise SmmInvalidResponseError(f"{self.host} answered {action} (HTTP {status}) {page}")
        if data is _NOT_JSON:
            raise SmmInvalidResponseError(
                f"{self.host} answered {action} with HTTP {status} and a non-JSON body"
            )
        error = parsing.error_text(data)
        if error is None and status >= 300:
            raise SmmInvalidResponseError(f"{self.host} answered {action} with HTTP {status}")
        # str() of a non-text error value re-escapes it: scrub the final text once more.
        error = None if error is None else self._scrub.text(error)
        return _Answer(data=data, error=error, status=status, retry_after=retry_after)


_NOT_JSON = object()


def _number(literal: str) -> Decimal:
    """A JSON number with a fraction or exponent, exactly; NaN when Decimal cannot hold it."""
    try:
        return Decimal(literal)
    except InvalidOperation:
        return Decimal("NaN")


def _json(raw: bytes) -> object:
    """The decoded body (money as Decimal), or _NOT_JSON."""
    try:
        return json.loads(raw.removeprefix(codecs.BOM_UTF8), parse_float=_number)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _batch_error(err: BaseException) -> str:
    """The per-order error of an order whose batch failed as a whole."""
    if isinstance(err, SmmPanelError):
        return err.panel_message
    if isinstance(err, _NotSentError | SmmRateLimitedError):
        return f"Not sent: {err}"
    return f"No usable answer, the outcome is unknown: {err}"
