"""Secrets canary: the API key appears in no log, error, state, diagnostics or file.

The conftest key is a distinctive canary. One test drives the integration through the
canary's sweep (reliability/conftest.py): polling with every fault, every action (success and
failure, including every fault), answers quoting the key, a rejected key; then it looks at
every DEBUG log record, every exception text (with its chained causes), every response,
event, state attribute, the diagnostics and the stored files. Another drives the config flows
(user, reauth, reconfigure, options) with canary keys, typed also into URLs as credentials and
query strings, and looks at every form the frontend would get as well.

A panel that echoes the key it received, in every dialect: test_secrets_echo.py (polls,
actions, events, states, files, logs) and test_secrets_echo_flows.py (the config flows).
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.smm_panel.const import CONF_LOW_BALANCE_THRESHOLD
from tests.conftest import API_KEY
from tests.fake_panel import FakePanel, RunningFakePanel
from tests.flow_json import frontend_json
from tests.reliability.conftest import FlowSteps, Sweep, assert_no_leaks, produced_texts

SECOND_KEY = "canary-second-key-4f1d9a77c0e2b8"
"""The key the account changes to (reauth): a canary too."""


async def test_canary_key_leaks_nowhere(sweep: Sweep) -> None:
    """Drive everything, then look for the key in everything the integration produced."""
    assert len(API_KEY) > 20
    texts = await sweep(full=True)
    assert_no_leaks(texts, API_KEY)
    assert sum(len(collected) for collected in texts.values()) > 100  # it really collected


async def test_canary_keys_leak_from_no_config_flow(
    hass: HomeAssistant,
    running_panel: RunningFakePanel,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """User, reauth, reconfigure and options steps, with wrong keys and keys inside URLs."""
    caplog.set_level(logging.DEBUG)
    url = running_panel.url
    in_url = (
        url.replace("http://", f"http://user:{API_KEY}@"),
        f"{url}?key={API_KEY}",
        f"{url}#{API_KEY}",
    )
    steps = FlowSteps(hass)

    # user: a wrong key, the key inside URLs, then the right one
    flow_id = (await steps.start(SOURCE_USER))["flow_id"]
    await steps.refused(flow_id, {CONF_URL: url, CONF_API_KEY: SECOND_KEY}, "invalid_auth")
    for bad_url in in_url:
        await steps.refused(flow_id, {CONF_URL: bad_url, CONF_API_KEY: API_KEY}, "invalid_url")
    entry = await steps.create_entry(flow_id, {CONF_URL: url, CONF_API_KEY: API_KEY})

    # reauth: the account's key changed; the old key is refused, the new one accepted
    panel.key = SECOND_KEY
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    flow_id = (await steps.start(SOURCE_REAUTH, entry, entry.data))["flow_id"]
    await steps.refused(flow_id, {CONF_API_KEY: API_KEY}, "invalid_auth")
    await steps.finish(flow_id, {CONF_API_KEY: SECOND_KEY}, "reauth_successful")

    # reconfigure: URLs carrying a key are refused, then the same panel again
    flow_id = (await steps.start(SOURCE_RECONFIGURE, entry))["flow_id"]
    for bad_url in in_url:
        await steps.refused(flow_id, {CONF_URL: bad_url, CONF_API_KEY: SECOND_KEY}, "invalid_url")
    await steps.finish(flow_id, {CONF_URL: url, CONF_API_KEY: SECOND_KEY}, "reconfigure_successful")

    # options
    result = await hass.config_entries.options.async_init(entry.entry_id)
    steps.texts.append(frontend_json(hass, result, options=True))
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOW_BALANCE_THRESHOLD: 5}
    )
    steps.texts.append(frontend_json(hass, result, options=True))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    texts = {"flows": steps.texts, **await produced_texts(hass, entry, hass_storage, caplog)}
    assert_no_leaks(texts, API_KEY, SECOND_KEY)
    assert panel.counts["balance"] > 0  # the flows really talked to the panel
