"""Changing a running fake panel's catalogue: ``POST /control/catalogue`` and its command line.

So a demo (``scripts/develop``) and the tests can make the panel drop a service, bring it
back, or change its price, as real panels do, and watch the integration's catalogue event
and its repair:

    python -m tests.fake_panel.control --port 8099 remove 1
    python -m tests.fake_panel.control --port 8099 restore 1
    python -m tests.fake_panel.control --port 8099 set 1 rate=1.25 min=100

The body is JSON ``{"remove": [ids], "restore": [ids], "set": {id: {field: value}}}``;
``restore`` brings back the default catalogue's entry; ``set`` takes ``name``, ``rate``,
``min``, ``max``, ``refill``, ``cancel`` and ``category``. The answer lists the service ids now
offered, or ``{"error": ...}`` with HTTP 400 for an unknown id or field.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from decimal import Decimal
import json
from typing import TYPE_CHECKING, Any
import urllib.request

from aiohttp import web

from .catalogue import default_catalogue

if TYPE_CHECKING:
    from .panel import FakePanel

CONTROL_PATH = "/control/catalogue"
_FIELDS: dict[str, type] = {
    "name": str,
    "category": str,
    "rate": Decimal,
    "min": int,
    "max": int,
    "refill": bool,
    "cancel": bool,
}


def change_catalogue(panel: FakePanel, change: dict[str, Any]) -> list[str]:
    """Apply a change (the body's shape); the ids offered after it. Raises KeyError/ValueError."""
    defaults = default_catalogue()
    for service_id in change.get("remove", []):
        del panel.catalogue[str(service_id)]
    for service_id in change.get("restore", []):
        panel.catalogue[str(service_id)] = defaults[str(service_id)]
    for service_id, values in change.get("set", {}).items():
        service = panel.catalogue[str(service_id)]
        changed: dict[str, Any] = {name: _value(name, value) for name, value in values.items()}
        panel.catalogue[str(service_id)] = replace(service, **changed)
    return list(panel.catalogue)


def _value(name: str, value: object) -> object:
    kind = _FIELDS[name]  # KeyError: not a field one may change
    if kind is bool:
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    return kind(str(value))


async def serve_control(panel: FakePanel, request: web.Request) -> web.Response:
    """``POST /control/catalogue``."""
    try:
        offered = change_catalogue(panel, await request.json())
    except (KeyError, ValueError, ArithmeticError, TypeError, AttributeError) as err:
        return web.json_response({"error": f"{type(err).__name__}: {err}"}, status=400)
    return web.json_response({"services": offered})


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_panel.control", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("command", choices=["remove", "restore", "set"])
    parser.add_argument("service", help="the service id")
    parser.add_argument("values", nargs="*", help="for set: FIELD=VALUE ...")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    """Send one change to a running panel; print and return its answer."""
    args = _parse(argv)
    if args.command == "set":
        change: dict[str, Any] = {"set": {args.service: dict(v.split("=", 1) for v in args.values)}}
    else:
        change = {args.command: [args.service]}
    request = urllib.request.Request(
        f"http://{args.host}:{args.port}{CONTROL_PATH}",
        data=json.dumps(change).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            text = str(answer.read().decode())
    except urllib.error.HTTPError as err:
        text = str(err.read().decode())
    print(text)
    return text


if __name__ == "__main__":
    main()
