"""Secrets canary on a hostile panel (CONTRACT §8): the panel echoes the key in all it sends.

The fake panel's ``echo_key`` quirk quotes the request, key included, in every error text
(plain and URL-encoded), per-item error, ``note`` field, service text, HTML fault page, 429
body and an ``X-Request`` header. The client scrubs its key from what it received; these tests
look for the key (plain, ``quote_plus`` and ``quote(safe="")``: ``ECHO_KEY`` makes them differ)
in everything the integration produced from it, for every dialect:

- the sweep (``canary_sweep`` in conftest.py; test_secrets.py runs it on a plain panel):
  setup and the catalogue, polls (an order and a refill driven through status changes, so
  every event fires - but the refill's on ``minimal``, which has no refills; a tracked order
  the panel does not know, so its echoed error is stored), all eight actions (success,
  per-item refusals, a refusal of the whole action), hand-made answers quoting the key in an
  order's status and in an add warning, a rejected key; then every response, exception,
  event, state, diagnostics, stored file, repr and DEBUG log record.
- on ``FULL_SWEEP`` dialects every fault (but latency: test_fault_latency.py) is injected
  into the poll and into each action too. The fault pages and bodies are the same in every
  dialect and the fault matrix already checks every dialect's errors and log for the key
  under every fault, so the other dialects get the lighter sweep (about 1 s less each).
- proof that the canary can fail: the panel's raw answers hold the key
  (``test_echoing_panel_sends_the_key``) and, with the scrubber switched off, the sweep's
  collection finds it in every channel (``test_unscrubbed_echo_is_caught``).

The config flows against the echoing panel are in test_secrets_echo_flows.py.
"""

from __future__ import annotations

import json

import aiohttp
from homeassistant.const import CONF_API_KEY, CONF_URL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.api import REDACTED
from custom_components.smm_panel.const import DOMAIN
from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    FakePanel,
    Fault,
    RunningFakePanel,
    dialect,
)
from tests.polling_helpers import (
    ENTRY_ID,
)
from tests.reliability.conftest import (
    CHANNELS,
    ECHO_KEY,
    GHOST,
    Sweep,
    assert_no_leaks,
    key_forms,
    leaks,
)
from tests.services_common import LINK

FULL_SWEEP = ("template", "smartpanel")
"""Dialects swept with every fault in the poll and in each action."""


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """The dialect's panel, echoing the key it receives."""
    return FakePanel(ECHO_KEY, quirks=dialect(dialect_name, echo_key=True))


@pytest.fixture
def config_entry(running_panel: RunningFakePanel) -> MockConfigEntry:
    """The test entry, with the canary key."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="127.0.0.1",
        data={CONF_URL: running_panel.url, CONF_API_KEY: ECHO_KEY},
        entry_id=ENTRY_ID,
    )


async def test_echoing_panel_sends_the_key(
    panel: FakePanel, running_panel: RunningFakePanel, session: aiohttp.ClientSession
) -> None:
    """Raw answers quote the key: what the integration shows of them is the scrubber's work."""
    refill = panel.create_refill(panel.create_order(SERVICE_FOLLOWERS, LINK, status="Completed"))

    async def ask(key: str, **fields: str) -> tuple[str, str]:
        form = {"key": key, **fields}
        async with session.post(running_panel.url, data=form) as response:
            text = await response.text()
            header = response.headers.get("X-Request", "")
        if text.lstrip().startswith(("{", "[")):
            text = json.dumps(json.loads(text), ensure_ascii=False)  # undo PHP's "\/"
        return text, header

    plain, encoded = key_forms(ECHO_KEY)[:2]
    wrong = "wrong+key/echoed back"
    answers = {
        "balance": await ask(ECHO_KEY, action="balance"),
        "services": await ask(ECHO_KEY, action="services"),
        "status": await ask(ECHO_KEY, action="status", orders=f"{GHOST},1"),
        "refill_status": await ask(ECHO_KEY, action="refill_status", refills=f"{refill},9"),
        "wrong key": await ask(wrong, action="balance"),
    }
    for fault in (Fault.HTTP_500, Fault.HTML_PAGE, Fault.RATE_LIMITED):
        panel.inject(fault, action="balance")
        answers[fault.value] = await ask(ECHO_KEY, action="balance")

    assert wrong in answers.pop("wrong key")[0]
    for name, (text, header) in answers.items():
        assert plain in text or encoded in text, (name, text)
        assert encoded in header, name
    assert plain in answers["balance"][0]  # a note quoting the request
    assert encoded in answers["status"][0]  # the per-item errors, URL-encoded
    for name in ("services", "http_500"):  # names, categories; a page's text and comment
        assert plain in answers[name][0], name
        assert encoded in answers[name][0], name


async def test_echoed_key_leaks_nowhere(sweep: Sweep, dialect_name: str) -> None:
    """Everything the integration produced from the echoing panel is free of the key."""
    texts = await sweep(full=dialect_name in FULL_SWEEP)
    assert_no_leaks(texts, ECHO_KEY)
    # The echoes did arrive, scrubbed, in every channel (diagnostics: the stored item error).
    scrubbed = [c for c in CHANNELS if any(REDACTED in text for text in texts[c])]
    assert scrubbed == list(CHANNELS)
    assert f"Incorrect order ID: key={REDACTED}" in texts["diagnostics"][0]


class _NoScrubber:
    """A scrubber that scrubs nothing: the sabotage that the canary must catch."""

    def __init__(self, secret: str) -> None:
        del secret

    def text(self, value: str) -> str:
        return value

    def tree(self, value: object) -> object:
        return value


@pytest.mark.parametrize("dialect_name", ["template"])
async def test_unscrubbed_echo_is_caught(sweep: Sweep, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the client's scrubber switched off, the same sweep finds the key everywhere."""
    monkeypatch.setattr("custom_components.smm_panel.api.client.Scrubber", _NoScrubber)
    texts = await sweep(full=False)

    leaky = [channel for channel in CHANNELS if leaks(texts[channel], ECHO_KEY)]
    assert leaky == list(CHANNELS)
