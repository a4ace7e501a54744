"""Fixtures for the fake panel's own tests: a served panel and a plain aiohttp client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
import json
from typing import Any

import aiohttp
import pytest

from tests.fake_panel import FakePanel, RunningFakePanel, start_fake_panel

KEY = "fake-panel-test-key"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant instance: override the repository-wide autouse."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer as a client sees it."""

    status: int
    content_type: str
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        """The body decoded as JSON whatever the content type says."""
        return json.loads(self.text)


class Api:
    """A real HTTP client for the served panel; fills in the key unless told otherwise."""

    def __init__(self, session: aiohttp.ClientSession, url: str, key: str) -> None:
        """Remember where and as whom to post."""
        self.session = session
        self.url = url
        self.key = key

    async def post(self, action: str, **fields: str) -> Reply:
        """POST a form with the key and ``action``; a ``key`` field overrides the key."""
        form = {"key": self.key, "action": action, **fields}
        async with self.session.post(self.url, data=form) as response:
            return Reply(
                response.status,
                response.content_type,
                dict(response.headers),
                await response.text(),
            )

    async def call(self, action: str, **fields: str) -> Any:
        """POST and decode the JSON answer, asserting a 200."""
        reply = await self.post(action, **fields)
        assert reply.status == 200, reply
        return reply.json


@pytest.fixture
def fake() -> FakePanel:
    """A fresh panel with a manual clock."""
    return FakePanel(KEY)


@pytest.fixture
async def served(fake: FakePanel, socket_enabled: None) -> AsyncIterator[RunningFakePanel]:
    """The panel served on 127.0.0.1."""
    async with start_fake_panel(fake) as running:
        yield running


@pytest.fixture
def api(served: RunningFakePanel, session: aiohttp.ClientSession) -> Api:
    """The client bound to the served panel."""
    return Api(session, served.url, KEY)
