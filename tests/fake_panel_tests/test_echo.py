"""``echo_key``: the hostile panel quotes the API key in every text, and its answers stay valid.

The secrets canary points a client at this panel: whatever text the client passes on (an error,
a service name, a status note, an HTML page), the key is in it unless the client scrubbed it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus

import pytest

from tests.fake_panel import DIALECT_NAMES, FakePanel, Fault, dialect, start_fake_panel

from .conftest import Api
from .scene import answers, run_scene, shortened

ECHO_KEY = "s3cr/t+k=y&1 ok"
"""A key whose URL-encoded form differs from the plain one."""
ENCODED_KEY = quote_plus(ECHO_KEY)

_DECORATIONS = re.compile(
    rf": key=.*$| \[{re.escape(ECHO_KEY)}\]$| \({re.escape(ENCODED_KEY)}\)$| Asked with key=.*$"
)


def strings(body: Any) -> list[str]:
    """Every string value in a decoded body."""
    if isinstance(body, dict):
        return [text for value in body.values() for text in strings(value)]
    if isinstance(body, list):
        return [text for value in body for text in strings(value)]
    return [body] if isinstance(body, str) else []


def scrubbed(body: Any) -> Any:
    """The body without the echo: no ``note``, no quoted request, key or form in texts."""
    if isinstance(body, dict):
        return {name: scrubbed(value) for name, value in body.items() if name != "note"}
    if isinstance(body, list):
        return [scrubbed(value) for value in body]
    return _DECORATIONS.sub("", body) if isinstance(body, str) else body


def error_texts(label: str, body: Any) -> list[str]:
    """The error texts of an answer: top-level, per item, per row and bare per-item strings."""
    bare = list(body.values()) if label == "status_bulk" and isinstance(body, dict) else []
    return [text for text in bare if isinstance(text, str)] + _errors(body)


def _errors(body: Any) -> list[str]:
    """The texts of every error object in ``body``."""
    found: list[str] = []
    if isinstance(body, dict):
        if isinstance(body.get("error"), str):
            found.append(body["error"])
        if body.get("status") == "error":
            found.append(body["message"])
        body = list(body.values())
    if isinstance(body, list):
        for value in body:
            found.extend(_errors(value))
    return found


def answer_objects(label: str, body: Any) -> list[dict[str, Any]]:
    """The objects that answer a request or an item of it (not errors, not services)."""
    if label == "services":
        return []
    if label == "status_bulk" and isinstance(body, dict):
        items = list(body.values())
    elif isinstance(body, list):
        items = body
    else:
        items = [body]
    return [
        item
        for item in items
        if isinstance(item, dict) and "error" not in item and item.get("status") != "error"
    ]


def status_values(body: Any) -> list[str]:
    """Every ``status`` value that is a text (order and refill statuses)."""
    if isinstance(body, dict):
        own = [body["status"]] if isinstance(body.get("status"), str) else []
        return own + [text for value in body.values() for text in status_values(value)]
    if isinstance(body, list):
        return [text for value in body for text in status_values(value)]
    return []


@pytest.fixture
def echoing(api: Api, fake: FakePanel) -> Api:
    """The client and panel with the special key."""
    fake.key = ECHO_KEY
    api.key = ECHO_KEY
    return api


@pytest.mark.parametrize("name", list(DIALECT_NAMES))
async def test_every_text_holds_the_key(echoing: Api, fake: FakePanel, name: str) -> None:
    """Errors, items, rows, notes and services quote the key received; statuses do not."""
    fake.quirks = dialect(name, echo_key=True)
    replies = await run_scene(echoing, fake)
    for label, reply in replies.items():
        body = reply.json
        key, encoded = ("wrong", "wrong") if label == "wrong_key" else (ECHO_KEY, ENCODED_KEY)
        texts = error_texts(label, body)
        assert texts or answer_objects(label, body) or label == "services", label
        for text in texts:
            assert key in text or encoded in text, (label, text)
        for item in answer_objects(label, body):
            assert key in item["note"] or encoded in item["note"], (label, item)
        for status in status_values(body):
            assert ECHO_KEY not in status
            assert ENCODED_KEY not in status
        assert reply.headers["X-Request"].startswith(f"key={quote_plus(key)}&action=")
    entries = shortened("services", replies["services"].json)
    entry = entries["services"][0] if isinstance(entries, dict) else entries[0]
    assert entry["name"].endswith(f"[{ECHO_KEY}]")
    assert entry["category"].endswith(f"({ENCODED_KEY})")
    if "description" in entry:
        assert f"Asked with key={ENCODED_KEY}&action=services" in entry["description"]


@pytest.mark.parametrize("name", list(DIALECT_NAMES))
async def test_answers_stay_valid(echoing: Api, fake: FakePanel, name: str) -> None:
    """Without the echo's additions the answers are the dialect's own (a twin panel's)."""
    fake.quirks = dialect(name, echo_key=True)
    echoed = await answers(echoing, fake)
    twin = FakePanel(ECHO_KEY, quirks=dialect(name))
    async with start_fake_panel(twin) as running:
        expected = await answers(Api(echoing.session, running.url, ECHO_KEY), twin)
    assert {label: (status, scrubbed(body)) for label, (status, body) in echoed.items()} == expected


async def test_both_forms_of_the_key(echoing: Api, fake: FakePanel) -> None:
    """Top-level texts quote the request plainly, items URL-encoded."""
    fake.quirks.echo_key = True
    assert await echoing.call("status", order="9") == {
        "error": f"Incorrect order ID: key={ECHO_KEY}&action=status&order=9"
    }
    assert await echoing.call("status", orders="9") == {
        "9": {"error": f"Incorrect order ID: key={ENCODED_KEY}&action=status&orders=9"}
    }
    balance = await echoing.call("balance")
    assert balance["note"] == f"Answer to key={ECHO_KEY}&action=balance"


@pytest.mark.parametrize(
    ("fault", "params", "status"),
    [
        (Fault.HTTP_500, {}, 500),
        (Fault.HTTP_502, {}, 502),
        (Fault.HTTP_503, {}, 503),
        (Fault.HTML_PAGE, {}, 403),
        (Fault.HTML_PAGE, {"status": 503}, 503),
    ],
)
async def test_html_pages_quote_the_request(
    echoing: Api, fake: FakePanel, fault: Fault, params: dict[str, Any], status: int
) -> None:
    """Error and challenge pages show the request, plain and URL-encoded, title and body."""
    fake.quirks.echo_key = True
    fake.inject(fault, **params)
    reply = await echoing.post("balance")
    assert (reply.status, reply.content_type) == (status, "text/html")
    title = reply.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert f"(key={ECHO_KEY}&action=balance)" in title
    assert f"<p>Request: key={ECHO_KEY}&action=balance</p>" in reply.text
    assert f"<!-- key={ENCODED_KEY}&action=balance -->" in reply.text


@pytest.mark.parametrize("as_200", [False, True])
async def test_rate_limits_quote_the_request(
    echoing: Api, fake: FakePanel, *, as_200: bool
) -> None:
    """The 429 body (and the lax 200 one) quote the key."""
    fake.quirks.echo_key = True
    fake.quirks.rate_limit_as_200 = as_200
    fake.inject(Fault.RATE_LIMITED, retry_after=5)
    reply = await echoing.post("status", order="1")
    assert reply.status == (200 if as_200 else 429)
    assert f"key={ECHO_KEY}&action=status&order=1" in reply.json["error"]


async def test_wrong_and_missing_keys_are_echoed(echoing: Api, fake: FakePanel) -> None:
    """The key received is quoted, not the panel's own; a missing key quotes as empty."""
    fake.quirks.echo_key = True
    reply = await echoing.post("balance", key="not/the+key")
    assert reply.json == {"error": "Invalid API key: key=not/the+key&action=balance"}
    assert ECHO_KEY not in reply.text
    async with echoing.session.post(echoing.url, data={"action": "balance"}) as response:
        assert await response.json() == {"error": "Invalid API key: key=&action=balance"}


async def test_other_faults_with_echo(echoing: Api, fake: FakePanel) -> None:
    """Shapes and truncations still carry the request header; the empty catalogue a note."""
    fake.quirks.echo_key = True
    fake.quirks.empty_catalogue_as_text = True
    fake.catalogue = {}
    services = await echoing.call("services")
    assert services["data"] == "Empty Data"
    assert ECHO_KEY in services["note"]
    fake.inject(Fault.WRONG_SHAPE)
    fake.inject(Fault.MALFORMED_JSON, action="balance")
    assert (await echoing.post("status", order="1")).headers["X-Request"].startswith("key=")
    truncated = await echoing.post("balance")
    assert truncated.headers["X-Request"] == f"key={ENCODED_KEY}&action=balance"
