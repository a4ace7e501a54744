"""Secrets canary, config flows (CONTRACT §8): user, reauth, reconfigure against a panel that
echoes every key it receives, the wrong ones too, in every dialect.

Each step's form as the frontend gets it, the entry, diagnostics, states, stored files (but
core.config_entries, where the key belongs) and every DEBUG log record are searched for every
key typed (plain and URL-encoded). The faults of the first step are the ones whose pages and
bodies quote the request; each maps to the form error of CONTRACT §2. The flow logs a panel's
refusal with its text: one quotes the key by hand, to show it arrives, scrubbed.
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigFlowResult
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.smm_panel.api import REDACTED
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.diagnostics import async_get_config_entry_diagnostics
from tests.fake_panel import DIALECT_NAMES, FakePanel, Fault, RunningFakePanel, dialect
from tests.flow_json import frontend_json
from tests.reliability.conftest import ECHO_KEY, leaks, log_texts

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


@pytest.fixture(params=DIALECT_NAMES)
def panel(request: pytest.FixtureRequest) -> FakePanel:
    """Each dialect's panel, echoing the key it receives."""
    return FakePanel(ECHO_KEY, quirks=dialect(cast(str, request.param), echo_key=True))


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
    flow = hass.config_entries.flow
    texts: list[str] = []

    async def step(flow_id: str, data: dict[str, Any]) -> ConfigFlowResult:
        result = await flow.async_configure(flow_id, data)
        texts.append(frontend_json(hass, result))
        return result

    # user: a wrong key, every fault, then the right key
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    flow_id = result["flow_id"]
    result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: WRONG_KEY})
    assert result["errors"] == {"base": "invalid_auth"}
    seen: dict[Fault, str] = {}
    for fault in FLOW_ERRORS:
        panel.inject(fault, action="balance", times=2)
        result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY})
        panel.clear_faults()
        seen[fault] = (result.get("errors") or {}).get("base", str(result["type"]))
    assert seen == FLOW_ERRORS
    # A refusal the flow logs with the panel's text: quoting the key, by hand (no fault does).
    echoed = {"error": f"Incorrect request: key={ECHO_KEY}&action=balance"}
    panel.inject(Fault.WRONG_SHAPE, action="balance", body=echoed)
    result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY})
    assert result["errors"] == {"base": "invalid_response"}
    assert f"Incorrect request: key={REDACTED}" in caplog.text  # it arrived, scrubbed
    result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: ECHO_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    texts += [entry.title, str(entry.unique_id), repr(entry.runtime_data)]

    # reauth: the account's key changed; the setup's refusal starts the flow
    panel.key = NEW_KEY
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    (reauth,) = entry.async_get_active_flows(hass, {"reauth"})
    result = await step(reauth["flow_id"], {CONF_API_KEY: WRONG_KEY})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await step(result["flow_id"], {CONF_API_KEY: NEW_KEY})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    # reconfigure: a wrong key, then the account's key
    result = await flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    texts.append(frontend_json(hass, result))
    result = await step(result["flow_id"], {CONF_URL: url, CONF_API_KEY: WRONG_KEY})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await step(result["flow_id"], {CONF_URL: url, CONF_API_KEY: NEW_KEY})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    texts.append(json.dumps(await async_get_config_entry_diagnostics(hass, entry), default=str))
    texts += [repr(state.attributes) for state in hass.states.async_all()]
    texts += [
        json.dumps(value, default=str)
        for key, value in hass_storage.items()
        if key != "core.config_entries"  # where the key belongs
    ]
    texts += [*log_texts(caplog.records), caplog.text]

    found = leaks(texts, ECHO_KEY, NEW_KEY, WRONG_KEY)
    assert not found, found[:3]
    assert entry.data[CONF_API_KEY] == NEW_KEY
    assert panel.counts["balance"] >= len(FLOW_ERRORS) + 5  # the flows talked to the panel
