"""Secrets canary, config flows (CONTRACT §8): user, reauth, reconfigure against a panel that
echoes every key it receives, the wrong ones too, in every dialect.

Each step's form as the frontend gets it, the entry, diagnostics, states, stored files (but
core.config_entries, where the key belongs) and every DEBUG log record are searched for every
key typed (plain and URL-encoded). The faults of the first step are the ones whose pages and
bodies quote the request; each maps to the form error of CONTRACT §2. The flow logs a panel's
refusal with its text: one quotes the key by hand, to show it arrives, scrubbed.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
import pytest

from custom_components.smm_panel.api import REDACTED
from tests.fake_panel import FakePanel, Fault, RunningFakePanel, dialect
from tests.reliability.conftest import ECHO_KEY, FlowSteps, assert_no_leaks, produced_texts

NEW_KEY = "canary/second+key=9c&0e 7b%ff"
"""The key the account changes to (reauth), URL-unsafe like ECHO_KEY."""
WRONG_KEY = "typo'd/key+echoed=back&1 2"
"""A key the user mistypes: the panel refuses it, quoting it."""

FLOW_ERRORS: dict[Fault, str] = {
    Fault.HTTP_500: "cannot_connect",
    Fault.HTTP_502: "cannot_connect",
    Fault.HTTP_503: "cannot_connect",
    Fault.HTML_PAGE: "invalid_response",
    Fault.MALFORMED_JSON: "invalid_response",
    Fault.WRONG_SHAPE: "invalid_response",
    Fault.RATE_LIMITED: "cannot_connect",
    Fault.DROP_BEFORE: "cannot_connect",
    Fault.DROP_AFTER: "cannot_connect",
}
"""Fault during the user step's balance check -> the form's error (CONTRACT §2)."""


@pytest.fixture
def panel(dialect_name: str) -> FakePanel:
    """Each dialect's panel, echoing the key it receives."""
    return FakePanel(ECHO_KEY, quirks=dialect(dialect_name, echo_key=True))


async def test_echoed_keys_leak_from_no_config_flow(
    hass: HomeAssistant,
    running_panel: RunningFakePanel,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every key typed, right or wrong, stays out of everything the flows produced."""
    caplog.set_level(logging.DEBUG)
    url = running_panel.url
    steps = FlowSteps(hass)

    # user: a wrong key, every fault, then the right key
    flow_id = (await steps.start(SOURCE_USER))["flow_id"]
    await steps.refused(flow_id, {CONF_URL: url, CONF_API_KEY: WRONG_KEY}, "invalid_auth")
    seen: dict[Fault, str] = {}
    for fault in FLOW_ERRORS:
        panel.inject(fault, action="balance", times=2)
        result = await steps.step(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY})
        panel.clear_faults()
        seen[fault] = (result.get("errors") or {}).get("base", str(result["type"]))
    assert seen == FLOW_ERRORS
    # A refusal the flow logs with the panel's text: quoting the key, by hand (no fault does).
    echoed = {"error": f"Incorrect request: key={ECHO_KEY}&action=balance"}
    panel.inject(Fault.WRONG_SHAPE, action="balance", body=echoed)
    await steps.refused(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY}, "invalid_response")
    assert f"Incorrect request: key={REDACTED}" in caplog.text  # it arrived, scrubbed
    entry = await steps.create_entry(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY})

    # reauth: the account's key changed; the setup's refusal starts the flow
    panel.key = NEW_KEY
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    (reauth,) = entry.async_get_active_flows(hass, {"reauth"})
    await steps.refused(reauth["flow_id"], {CONF_API_KEY: WRONG_KEY}, "invalid_auth")
    await steps.finish(reauth["flow_id"], {CONF_API_KEY: NEW_KEY}, "reauth_successful")

    # reconfigure: a wrong key, then the account's key
    flow_id = (await steps.start(SOURCE_RECONFIGURE, entry))["flow_id"]
    await steps.refused(flow_id, {CONF_URL: url, CONF_API_KEY: WRONG_KEY}, "invalid_auth")
    await steps.finish(flow_id, {CONF_URL: url, CONF_API_KEY: NEW_KEY}, "reconfigure_successful")

    texts = {"flows": steps.texts, **await produced_texts(hass, entry, hass_storage, caplog)}
    assert_no_leaks(texts, ECHO_KEY, NEW_KEY, WRONG_KEY)
    assert entry.data[CONF_API_KEY] == NEW_KEY
    assert panel.counts["balance"] >= len(FLOW_ERRORS) + 5  # the flows talked to the panel
