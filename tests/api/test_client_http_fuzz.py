"""Arbitrary answers over real HTTP: every public method raises only SmmError subclasses."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.smm_panel.api import SmmPanelClient

from .conftest import CANARY_KEY, RawReply, RawServer
from .test_fuzz_parsing import CURATED_BODIES, METHODS, bodies, call_and_check, statuses

header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


async def call_every_method_over_http(api: SmmPanelClient, server: RawServer) -> None:
    """Each method once: a well-formed result or an SmmError, and the key only in the body."""
    for method in METHODS:
        before = len(server.forms)
        await call_and_check(api, method)
        assert len(server.forms) > before
    assert {form["key"] for form in server.forms} == {CANARY_KEY}
    assert set(server.queries) == {""}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, status=statuses, retry_after=st.none() | header_values)
async def test_arbitrary_bodies_over_http(
    raw_client: SmmPanelClient,
    raw_server: RawServer,
    body: bytes,
    status: int,
    retry_after: str | None,
) -> None:
    """Generated bodies, statuses and Retry-After headers, served by a real aiohttp server."""
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    raw_server.reply(RawReply(body, status, headers))
    await call_every_method_over_http(raw_client, raw_server)


@pytest.mark.parametrize("content_type", ["application/json", "text/html"])
@pytest.mark.parametrize("body", CURATED_BODIES, ids=range(len(CURATED_BODIES)))
async def test_curated_bodies_over_http(
    raw_client: SmmPanelClient, raw_server: RawServer, body: bytes, content_type: str
) -> None:
    """Empty, truncated, HTML, BOM, UTF-16/32 noise, NaN, 100 000-deep, 5000-digit bodies."""
    raw_server.reply(RawReply(body, 200, {}, content_type))
    await call_every_method_over_http(raw_client, raw_server)
