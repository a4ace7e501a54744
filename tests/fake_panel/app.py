"""The HTTP face of the fake panel: ``/api/v2`` with statistics, holds, latency and injected
faults, and ``/control/catalogue`` (see ``control``)."""

from __future__ import annotations

import asyncio
from functools import partial
import json
import math
import re
import time
from typing import TYPE_CHECKING

from aiohttp import web

from . import errors, render
from .actions import handle
from .control import CONTROL_PATH, serve_control
from .echo import Echo
from .faults import CLOUDFLARE_PAGE, ERROR_PAGES, Fault, InjectedFault
from .render import RAW_NUMBER

if TYPE_CHECKING:
    from .panel import FakePanel
    from .quirks import Quirks
    from .render import Json

API_PATH = "/api/v2"
JSON_TYPE = "application/json"
HTML_TYPE = "text/html"

_ANSWERS_INSTEAD = frozenset(
    {
        Fault.HTTP_500,
        Fault.HTTP_502,
        Fault.HTTP_503,
        Fault.HTML_PAGE,
        Fault.RATE_LIMITED,
        Fault.WRONG_SHAPE,
        Fault.MALFORMED_JSON,
    }
)
"""Faults that replace the panel's answer with their own."""

_RAW_MARK = json.dumps(RAW_NUMBER)[1:-1]
_RAW_PATTERN = re.compile('"' + re.escape(_RAW_MARK) + r'(-?[0-9]+(?:\.[0-9]+)?)"')
"""A ``render.raw_number`` string as ``json.dumps`` writes it, the number's text captured."""


def create_app(panel: FakePanel) -> web.Application:
    """An aiohttp application serving ``panel`` on POST (and GET) ``/api/v2``."""
    app = web.Application()
    handler = partial(_serve, panel)
    app.router.add_post(API_PATH, handler)
    app.router.add_get(API_PATH, handler)
    app.router.add_post(CONTROL_PATH, partial(serve_control, panel))
    return app


async def _read_fields(request: web.Request) -> dict[str, str]:
    """The form body of a POST, or the query of a GET (text fields only)."""
    if request.method == "POST":
        form = await request.post()
        return {name: value for name, value in form.items() if isinstance(value, str)}
    return dict(request.query)


async def _serve(panel: FakePanel, request: web.Request) -> web.StreamResponse:
    """Count the request, apply holds, latency and faults, and answer as the panel would."""
    panel.stats.enter()
    held = None
    try:
        fields = await _read_fields(request)
        action = fields.get("action", "").strip()
        slow, fault = panel.faults.take(action)
        panel.stats.record(fields, panel.now(), request.method, fault.fault if fault else None)
        held = panel.holds.take(action)
        if held is not None and not await held.wait():
            return _drop(request)
        delay = panel.latency + (slow.seconds if slow else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
        echo = Echo.of(fields) if panel.quirks.echo_key else None
        if fault is not None and (
            fault.fault is Fault.DROP_BEFORE
            or (fault.fault in _ANSWERS_INSTEAD and not fault.process)
        ):
            return _faulty(panel, request, fault, None, echo)
        payload, status = handle(panel, fields)
        body = encode(payload, panel.quirks)
        if fault is not None:
            return _faulty(panel, request, fault, body, echo)
        return _json(panel, body, status, echo)
    finally:
        if held is not None:
            panel.holds.finish(held)
        panel.stats.leave()


def encode(payload: Json, quirks: Quirks | None = None) -> str:
    """JSON as the panels' PHP writes it: compact, ASCII-only, slashes escaped (``\\/``).

    With ``quirks.pretty_json`` it is indented as ``JSON_PRETTY_PRINT`` does; strings made by
    ``render.raw_number`` become bare numbers written as their text.
    """
    if quirks is not None and quirks.pretty_json:
        text = json.dumps(payload, indent=4)
    else:
        text = json.dumps(payload, separators=(",", ":"))
    if _RAW_MARK in text:
        text = _RAW_PATTERN.sub(r"\1", text)
    return text.replace("/", "\\/")


def _json(panel: FakePanel, body: str, status: int = 200, echo: Echo | None = None) -> web.Response:
    """A JSON answer, labelled as HTML on panels with that quirk."""
    content_type = HTML_TYPE if panel.quirks.json_as_html else JSON_TYPE
    return web.Response(
        text=body, status=status, content_type=content_type, headers=_echoed({}, echo)
    )


def _echoed(headers: dict[str, str], echo: Echo | None) -> dict[str, str]:
    """``headers`` plus the quoted request on an echoing panel."""
    if echo is not None:
        headers["X-Request"] = echo.encoded
    return headers


def _faulty(
    panel: FakePanel,
    request: web.Request,
    fault: InjectedFault,
    body: str | None,
    echo: Echo | None,
) -> web.StreamResponse:
    """Carry out ``fault``; ``body`` is the real answer when the panel acted."""
    match fault.fault:
        case Fault.DROP_BEFORE | Fault.DROP_AFTER:
            return _drop(request)
        case Fault.HTML_PAGE:
            return web.Response(
                text=CLOUDFLARE_PAGE if echo is None else echo.page(CLOUDFLARE_PAGE),
                status=fault.status,
                content_type=HTML_TYPE,
                headers=_echoed({"Server": "cloudflare", "CF-RAY": "8f1d2c3b4a596870-FRA"}, echo),
            )
        case Fault.RATE_LIMITED:
            return _rate_limited(panel, fault, echo)
        case Fault.WRONG_SHAPE:
            return _json(panel, json.dumps(fault.body, separators=(",", ":")), echo=echo)
        case Fault.MALFORMED_JSON:
            if isinstance(fault.body, str):
                return _json(panel, fault.body, echo=echo)
            whole = body if body is not None else '{"error": "Incorrect request"}'
            return _json(panel, whole[: max(len(whole) // 2, 1)], echo=echo)
        case Fault.HTTP_500 | Fault.HTTP_502 | Fault.HTTP_503:
            status, page = ERROR_PAGES[fault.fault]
            return web.Response(
                text=page if echo is None else echo.page(page),
                status=status,
                content_type=HTML_TYPE,
                headers=_echoed({}, echo),
            )
        case Fault.LATENCY:
            raise AssertionError("latency is taken apart from the other faults")


def _rate_limited(panel: FakePanel, fault: InjectedFault, echo: Echo | None) -> web.Response:
    """429 with ``Retry-After`` or ``X-RateLimit-Reset``, or a 200 error on lax panels."""
    quirks = panel.quirks
    if quirks.rate_limit_as_200:
        text = encode(render.refusal(quirks, errors.RATE_LIMIT_EXCEEDED, echo=echo), quirks)
        return _json(panel, text, echo=echo)
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        if quirks.rate_limit_reset_header:
            headers["X-RateLimit-Reset"] = str(math.ceil(time.time() + fault.retry_after))
        else:
            headers["Retry-After"] = str(fault.retry_after)
    text = encode(render.refusal(quirks, errors.TOO_MANY_REQUESTS, echo=echo), quirks)
    return web.Response(
        text=text, status=429, content_type=JSON_TYPE, headers=_echoed(headers, echo)
    )


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without a byte of answer (the client sees a disconnect)."""
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)
