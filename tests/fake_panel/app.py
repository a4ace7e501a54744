"""The HTTP face of the fake panel: ``/api/v2``, statistics, latency and injected faults."""

from __future__ import annotations

import asyncio
from functools import partial
import json
from typing import TYPE_CHECKING

from aiohttp import web

from . import errors, render
from .actions import handle
from .faults import CLOUDFLARE_PAGE, ERROR_PAGES, Fault, InjectedFault

if TYPE_CHECKING:
    from .panel import FakePanel
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


def create_app(panel: FakePanel) -> web.Application:
    """An aiohttp application serving ``panel`` on POST (and GET) ``/api/v2``."""
    app = web.Application()
    handler = partial(_serve, panel)
    app.router.add_post(API_PATH, handler)
    app.router.add_get(API_PATH, handler)
    return app


async def _read_fields(request: web.Request) -> dict[str, str]:
    """The form body of a POST, or the query of a GET (text fields only)."""
    if request.method == "POST":
        form = await request.post()
        return {name: value for name, value in form.items() if isinstance(value, str)}
    return dict(request.query)


async def _serve(panel: FakePanel, request: web.Request) -> web.StreamResponse:
    """Count the request, apply latency and faults, and answer as the panel would."""
    panel.stats.enter()
    try:
        fields = await _read_fields(request)
        slow, fault = panel.faults.take(fields.get("action", "").strip())
        panel.stats.record(fields, panel.now(), request.method, fault.fault if fault else None)
        delay = panel.latency + (slow.seconds if slow else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
        if fault is not None and (
            fault.fault is Fault.DROP_BEFORE
            or (fault.fault in _ANSWERS_INSTEAD and not fault.process)
        ):
            return _faulty(panel, request, fault, None)
        payload, status = handle(panel, fields)
        body = encode(payload)
        if fault is not None:
            return _faulty(panel, request, fault, body)
        return _json(panel, body, status)
    finally:
        panel.stats.leave()


def encode(payload: Json) -> str:
    """JSON as the panels' PHP writes it: compact, ASCII-only, slashes escaped (``\\/``)."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/")


def _json(panel: FakePanel, body: str, status: int = 200) -> web.Response:
    """A JSON answer, labelled as HTML on panels with that quirk."""
    content_type = HTML_TYPE if panel.quirks.json_as_html else JSON_TYPE
    return web.Response(text=body, status=status, content_type=content_type)


def _faulty(
    panel: FakePanel, request: web.Request, fault: InjectedFault, body: str | None
) -> web.StreamResponse:
    """Carry out ``fault``; ``body`` is the real answer when the panel acted."""
    match fault.fault:
        case Fault.DROP_BEFORE | Fault.DROP_AFTER:
            return _drop(request)
        case Fault.HTML_PAGE:
            return web.Response(
                text=CLOUDFLARE_PAGE,
                status=fault.status,
                content_type=HTML_TYPE,
                headers={"Server": "cloudflare", "CF-RAY": "8f1d2c3b4a596870-FRA"},
            )
        case Fault.RATE_LIMITED:
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            text = encode(render.error(panel.quirks, errors.TOO_MANY_REQUESTS))
            return web.Response(text=text, status=429, content_type=JSON_TYPE, headers=headers)
        case Fault.WRONG_SHAPE:
            return _json(panel, json.dumps(fault.body, separators=(",", ":")))
        case Fault.MALFORMED_JSON:
            if isinstance(fault.body, str):
                return _json(panel, fault.body)
            whole = body if body is not None else '{"error": "Incorrect request"}'
            return _json(panel, whole[: max(len(whole) // 2, 1)])
        case Fault.HTTP_500 | Fault.HTTP_502 | Fault.HTTP_503:
            status, page = ERROR_PAGES[fault.fault]
            return web.Response(text=page, status=status, content_type=HTML_TYPE)
        case Fault.LATENCY:
            raise AssertionError("latency is taken apart from the other faults")


def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without a byte of answer (the client sees a disconnect)."""
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)
