"""Secrets canary (issue 7): the API key appears in no log, error, state, diagnostics or file.

The conftest key is a distinctive canary. One test drives the integration through polling with
every fault, every action (success and failure, including every fault), a rejected key and the
diagnostics, collecting every DEBUG log record, every exception text (with its chained causes),
every state attribute, the diagnostics and the stored files. Another drives the config flows
(user, reauth, reconfigure, options) with canary keys, typed also into URLs as credentials and
query strings, and looks at every form the frontend would get as well.

A panel that echoes the key it received, in every dialect: test_secrets_echo.py (polls,
actions, events, states, files, logs) and test_secrets_echo_flows.py (the config flows).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.smm_panel.const import CONF_LOW_BALANCE_THRESHOLD, DOMAIN
from custom_components.smm_panel.diagnostics import async_get_config_entry_diagnostics
from tests.conftest import API_KEY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel, Fault, RunningFakePanel
from tests.flow_json import frontend_json
from tests.leaks import exception_texts
from tests.polling_helpers import fire_poll, seed_storage, setup_entry, tracked_order
from tests.services_common import LINK, PANEL_ACTION, call

FAULTS = [f for f in Fault if f is not Fault.LATENCY]  # latency: see test_fault_latency
SECOND_KEY = "canary-second-key-4f1d9a77c0e2b8"
"""The key the account changes to (reauth): a canary too."""


async def test_canary_key_leaks_nowhere(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Drive everything, then look for the key in everything the integration produced."""
    caplog.set_level(logging.DEBUG)
    assert len(API_KEY) > 20
    active = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/a", 100)
    done = panel.create_order(SERVICE_FOLLOWERS, "https://a.example/d", 100, status="Completed")
    refill = panel.create_refill(done)
    seed_storage(hass_storage, [tracked_order(active), tracked_order(done)])
    await setup_entry(hass, config_entry)

    texts: list[str] = []
    actions: dict[str, dict[str, Any]] = {
        "add_order": {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100},
        "refill_orders": {"orders": [done]},
        "cancel_orders": {"orders": [active]},
        "get_order_status": {"orders": [active, done, "404"]},
        "get_refill_status": {"refills": [refill, "404"]},
        "get_services": {"refresh": True},
        "track_orders": {"orders": [active, "404"]},
        "untrack_orders": {"orders": ["404"]},
    }
    assert set(actions) == set(PANEL_ACTION)  # every action

    async def run_all(fault: Fault | None) -> None:
        for action, data in actions.items():
            if fault is not None and (sent := PANEL_ACTION[action]) is not None:
                panel.inject(fault, action=sent, times=2)
            try:
                response = await call(
                    hass,
                    action,
                    {**data, "link": f"{LINK}/{fault}"} if action == "add_order" else data,
                )
                texts.append(json.dumps(response, default=str))
            except HomeAssistantError as err:
                texts.extend(exception_texts(err))
            panel.clear_faults()
            await hass.async_block_till_done()

    await run_all(None)
    for fault in FAULTS:
        panel.inject(fault, action="balance", times=2)
        await fire_poll(hass, freezer)
        panel.clear_faults()
        await run_all(fault)
    await fire_poll(hass, freezer)

    panel.key = "another-key"  # rejected mid-life: poll and action both start reauth
    await fire_poll(hass, freezer)
    await run_all(None)

    texts.append(
        json.dumps(await async_get_config_entry_diagnostics(hass, config_entry), default=str)
    )
    for state in hass.states.async_all():
        texts.append(repr(state.attributes))
        texts.append(state.state)
    for key, value in hass_storage.items():
        if key.startswith("smm_panel"):
            texts.append(json.dumps(value, default=str))
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            texts.extend(exception_texts(record.exc_info[1]))
    texts.append(caplog.text)

    leaks = [text for text in texts if API_KEY in text]
    assert not leaks, leaks[:3]
    assert len(texts) > 100  # the collection really collected


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
    texts: list[str] = []
    flow = hass.config_entries.flow

    async def step(flow_id: str, data: dict[str, Any]) -> ConfigFlowResult:
        result = await flow.async_configure(flow_id, data)
        texts.append(frontend_json(hass, result))
        return result

    # user: a wrong key, the key inside URLs, then the right one
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    flow_id = result["flow_id"]
    result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: SECOND_KEY})
    assert result["errors"] == {"base": "invalid_auth"}
    for bad_url in in_url:
        result = await step(flow_id, {CONF_URL: bad_url, CONF_API_KEY: API_KEY})
        assert result["errors"] == {"base": "invalid_url"}
    result = await step(flow_id, {CONF_URL: url, CONF_API_KEY: API_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    texts += [entry.title, str(entry.unique_id)]

    # reauth: the account's key changed; the old key is refused, the new one accepted
    panel.key = SECOND_KEY
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    result = await flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    texts.append(frontend_json(hass, result))
    result = await step(result["flow_id"], {CONF_API_KEY: API_KEY})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await step(result["flow_id"], {CONF_API_KEY: SECOND_KEY})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    # reconfigure: URLs carrying a key are refused, then the same panel again
    result = await flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    texts.append(frontend_json(hass, result))
    for bad_url in in_url:
        result = await step(result["flow_id"], {CONF_URL: bad_url, CONF_API_KEY: SECOND_KEY})
        assert result["errors"] == {"base": "invalid_url"}
    result = await step(result["flow_id"], {CONF_URL: url, CONF_API_KEY: SECOND_KEY})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    # options
    result = await hass.config_entries.options.async_init(entry.entry_id)
    texts.append(frontend_json(hass, result, options=True))
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LOW_BALANCE_THRESHOLD: 5}
    )
    texts.append(frontend_json(hass, result, options=True))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    texts.append(json.dumps(await async_get_config_entry_diagnostics(hass, entry), default=str))
    texts += [repr(state.attributes) for state in hass.states.async_all()]
    texts += [
        json.dumps(value, default=str)
        for key, value in hass_storage.items()
        if key != "core.config_entries"  # where the key belongs
    ]
    texts += [record.getMessage() for record in caplog.records]
    texts.append(caplog.text)

    for key in (API_KEY, SECOND_KEY):
        leaks = [text for text in texts if key in text]
        assert not leaks, leaks[:3]
    assert panel.counts["balance"] > 0  # the flows really talked to the panel
