"""The config flow (config_flow.py): the user, reauth and reconfigure steps, the options flow.

The connection test runs the real client over real HTTP against the fake panel; only the
cases that cannot run here (an https panel, an unexpected exception) patch the client.

Then any input (Hypothesis, helpers in tests/property_helpers.py): every step and the options
form end in an entry created or updated, the form shown again with a translated error, an
abort of the contract, or Home Assistant's schema refusal (`InvalidData`); a refused URL
contacts nothing. And a megabyte API key, refused unsent without blocking the event loop
(tests/loop_watch.py). Every exception text produced there, and every form as the frontend
receives it, is checked for the API key (the conftest canary).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import contextlib
import json
import math
from pathlib import Path
import re
from typing import Any
from unittest.mock import AsyncMock, patch
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData, UnknownFlow
from homeassistant.exceptions import ConfigEntryAuthFailed
from hypothesis import example, given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smm_panel.api import Balance, SmmConnectionError, SmmPanelClient
from custom_components.smm_panel.config_flow import (
    MAX_API_KEY_LENGTH,
    OPTIONS_SCHEMA,
    REAUTH_SCHEMA,
    RECONFIGURE_SCHEMA,
    USER_SCHEMA,
    suggested_url,
)
from custom_components.smm_panel.const import (
    CONF_FINISHED_ORDER_RETENTION,
    CONF_LOW_BALANCE_THRESHOLD,
    CONF_MAX_ORDER_COST,
    CONF_SCAN_INTERVAL,
    DEFAULT_FINISHED_ORDER_RETENTION,
    DEFAULT_LOW_BALANCE_THRESHOLD,
    DEFAULT_MAX_ORDER_COST,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_URL,
    DOMAIN,
    MAX_FINISHED_ORDER_RETENTION,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from tests.conftest import API_KEY as KEY
from tests.fake_panel import FakePanel, Fault
from tests.flow_json import frontend_json
from tests.loop_watch import LoopWatch
from tests.property_helpers import (
    NUMBERS,
    SCALARS,
    assert_no_key,
    # Under the name the tests' decorators have always had: Hypothesis derives a
    # derandomized test's seed from its source, decorators included.
    derandomized as _examples,
    mostly,
    outcome,
    reseed_random,
)

OTHER_KEY = "another-account-key"


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncIterator[AsyncMock]:
    """Stand in for the integration's setup and unload: these tests are about the flow.

    Loaded entries are unloaded while the stand-in is still in place, so the real unload
    never meets an entry the real setup did not prepare.
    """
    with (
        patch("custom_components.smm_panel.async_setup_entry", return_value=True) as mock_setup,
        patch("custom_components.smm_panel.async_unload_entry", return_value=True),
    ):
        yield mock_setup
        for entry in hass.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                assert await hass.config_entries.async_unload(entry.entry_id)


def _suggested(result: ConfigFlowResult, key: str) -> Any:
    """The value a form prefills for `key` (suggested value, else the schema default)."""
    schema = result["data_schema"]
    assert schema is not None
    for marker in schema.schema:
        if marker == key:
            if marker.description and "suggested_value" in marker.description:
                return marker.description["suggested_value"]
            return marker.default()
    raise AssertionError(f"{key} is not in the form")


def _state(entry: ConfigEntry) -> ConfigEntryState:
    """The entry's state, read afresh (an assert on `entry.state` would narrow its type)."""
    return entry.state


async def _start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


def _add_entry(
    hass: HomeAssistant, url: str, key: str = "old-key", title: str = "127.0.0.1"
) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, title=title, data={CONF_URL: url, CONF_API_KEY: key})
    entry.add_to_hass(hass)
    return entry


async def _add_loaded_entry(
    hass: HomeAssistant, url: str, key: str = "old-key", title: str = "127.0.0.1"
) -> MockConfigEntry:
    entry = _add_entry(hass, url, key, title)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return entry


# -- forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", [USER_SCHEMA, REAUTH_SCHEMA, RECONFIGURE_SCHEMA, OPTIONS_SCHEMA])
def test_forms_serialize_for_the_frontend(hass: HomeAssistant, schema: vol.Schema) -> None:
    """Each form converts as the frontend's flow view converts it (else the dialog fails)."""
    result = ConfigFlowResult(
        type=FlowResultType.FORM, flow_id="f", handler=DOMAIN, step_id="s", data_schema=schema
    )
    fields = json.loads(frontend_json(hass, result, options=schema is OPTIONS_SCHEMA))[
        "data_schema"
    ]
    assert [field["name"] for field in fields] == [str(key) for key in schema.schema]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("https://smmpllus.com/api/v2", "https://smmpllus.com/api/v2"),
        (" http://smm.example:8080/api/v2 ", "http://smm.example:8080/api/v2"),
        (f"https://user:{KEY}@smmpllus.com/api/v2", "https://smmpllus.com/api/v2"),
        (f"https://{KEY}@smmpllus.com/api/v2", "https://smmpllus.com/api/v2"),
        (f"https://smmpllus.com/api/v2?key={KEY}", "https://smmpllus.com/api/v2"),
        (f"https://smmpllus.com/api/v2#{KEY}", "https://smmpllus.com/api/v2"),
        (f"user:{KEY}@smmpllus.com", ""),
        ("https://[::1/api/v2", ""),
        ("not a url", "not a url"),
        ("   ", ""),
    ],
)
def test_refused_url_offered_back_without_secrets(typed: str, offered: str) -> None:
    """Credentials, query and fragment may hold the key: never sent back to the form."""
    assert suggested_url(typed) == offered


# -- user step -------------------------------------------------------------------------------


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_creates_entry(
    hass: HomeAssistant, panel: FakePanel, panel_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A working URL and key create an entry titled by host, input normalized."""
    caplog.set_level("DEBUG")
    result = await _start_user_flow(hass)
    assert _suggested(result, CONF_URL) == DEFAULT_URL
    assert result["description_placeholders"] == {"example_url": DEFAULT_URL}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: f"  {panel_url}/ ", CONF_API_KEY: f" {KEY}\n"}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "127.0.0.1"
    assert result["data"] == {CONF_URL: panel_url, CONF_API_KEY: KEY}
    assert result["result"].unique_id is None
    assert panel.counts["balance"] == 1
    assert KEY not in caplog.text


@pytest.mark.parametrize(
    ("url", "stored", "title"),
    [
        (" HTTPS://SMMpllus.com/api/v2/ ", "https://smmpllus.com/api/v2", "smmpllus.com"),
        ("https://panel.example:8443/api/v2", "https://panel.example:8443/api/v2", "panel.example"),
        ("https://bücher.example/api/v2", "https://bücher.example/api/v2", "bücher.example"),
        ("https://203.0.113.5/api/v2", "https://203.0.113.5/api/v2", "203.0.113.5"),
        ("http://localhost:8080/api/v2", "http://localhost:8080/api/v2", "localhost"),
        ("http://[::1]:8080/api/v2", "http://[::1]:8080/api/v2", "::1"),
        ("http://127.0.0.1/api/v2", "http://127.0.0.1/api/v2", "127.0.0.1"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_accepted_urls(
    hass: HomeAssistant, url: str, stored: str, title: str
) -> None:
    """https anywhere and http on loopback are accepted (no such panel can be reached here)."""
    result = await _start_user_flow(hass)
    with patch.object(SmmPanelClient, "balance", autospec=True) as mock_balance:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: url, CONF_API_KEY: KEY}
        )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"] == {CONF_URL: stored, CONF_API_KEY: KEY}
    client = mock_balance.call_args.args[0]
    assert client.url == stored


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://smmpllus.com/api/v2", "insecure_url"),
        ("http://192.168.1.10/api/v2", "insecure_url"),
        ("http://localhost.example/api/v2", "insecure_url"),
        ("", "invalid_url"),
        ("   ", "invalid_url"),
        ("smmpllus.com/api/v2", "invalid_url"),
        ("ftp://smmpllus.com/api/v2", "invalid_url"),
        ("https://", "invalid_url"),
        ("https:///api/v2", "invalid_url"),
        ("https://smm pllus.com/api/v2", "invalid_url"),
        ("https://smmpllus.com/api v2", "invalid_url"),
        ("https://smmpllus.com/\x00api", "invalid_url"),
        ("https://user:secret@smmpllus.com/api/v2", "invalid_url"),
        ("https://user@smmpllus.com/api/v2", "invalid_url"),
        ("https://@smmpllus.com/api/v2", "invalid_url"),
        ("https://smmpllus.com/api/v2?key=secret", "invalid_url"),
        ("https://smmpllus.com/api/v2?", "invalid_url"),
        ("https://smmpllus.com/api/v2#top", "invalid_url"),
        ("https://smmpllus.com:99999/api/v2", "invalid_url"),
        ("https://smmpllus.com:port/api/v2", "invalid_url"),
        ("https://[::1/api/v2", "invalid_url"),
        ("https://smm<pllus>.com/api/v2", "invalid_url"),
        ("https://-smmpllus.com/api/v2", "invalid_url"),
        ("https://smmpllus-.com/api/v2", "invalid_url"),
        ("https://smm..pllus.com/api/v2", "invalid_url"),
        (f"https://{'a' * 64}.com/api/v2", "invalid_url"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_refused_url_then_retry(
    hass: HomeAssistant, panel: FakePanel, panel_url: str, url: str, error: str
) -> None:
    """A refused URL shows the form again without contacting anything; a fixed one works."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: url, CONF_API_KEY: KEY}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert _suggested(result, CONF_URL) == suggested_url(url)
    assert panel.counts["balance"] == 0

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_URL: panel_url, CONF_API_KEY: KEY}


@pytest.mark.parametrize(
    ("fault", "times", "params", "error"),
    [
        (Fault.HTTP_503, 2, {}, "cannot_connect"),
        (Fault.HTTP_500, 2, {}, "cannot_connect"),
        (Fault.DROP_BEFORE, 2, {}, "cannot_connect"),
        (Fault.RATE_LIMITED, 1, {"retry_after": 30}, "cannot_connect"),
        (Fault.HTML_PAGE, 1, {}, "invalid_response"),
        (Fault.MALFORMED_JSON, 1, {}, "invalid_response"),
        (Fault.WRONG_SHAPE, 1, {}, "invalid_response"),
        (Fault.WRONG_SHAPE, 1, {"body": {"error": "Incorrect request"}}, "invalid_response"),
        (Fault.WRONG_SHAPE, 1, {"body": {"error": f"Bad request key={KEY}"}}, "invalid_response"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_panel_fault_then_retry(
    hass: HomeAssistant,
    panel: FakePanel,
    panel_url: str,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    times: int,
    params: dict[str, object],
    error: str,
) -> None:
    """A panel that misbehaves gives the matching error; once it recovers, the retry works."""
    caplog.set_level("DEBUG")
    panel.inject(fault, action="balance", times=times, **params)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert _suggested(result, CONF_URL) == panel_url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert KEY not in caplog.text


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_wrong_key_then_retry(
    hass: HomeAssistant, panel_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The panel rejecting the key is invalid_auth; the right key then works."""
    caplog.set_level("DEBUG")
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: "wrong-key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "wrong-key" not in caplog.text


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_blank_key_then_retry(
    hass: HomeAssistant, panel: FakePanel, panel_url: str
) -> None:
    """A key of only whitespace is invalid_auth without asking the panel."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: "  "}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert panel.counts["balance"] == 0

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_closed_port_then_retry(
    hass: HomeAssistant, closed_url: str, panel_url: str
) -> None:
    """Nothing listening is cannot_connect; the right URL then works."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: closed_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_URL: panel_url, CONF_API_KEY: KEY}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_unexpected_error_then_retry(
    hass: HomeAssistant, panel_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception is `unknown` and logged with its traceback, but not the key."""
    result = await _start_user_flow(hass)

    with patch.object(SmmPanelClient, "balance", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error checking the panel at 127.0.0.1" in caplog.text
    assert "RuntimeError: boom" in caplog.text
    assert KEY not in caplog.text

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_duplicate_aborts(
    hass: HomeAssistant, panel: FakePanel, panel_url: str
) -> None:
    """The same URL (once normalized) and the same key abort before the panel is asked."""
    _add_entry(hass, panel_url, KEY)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: f"{panel_url}/", CONF_API_KEY: f" {KEY}"}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert panel.counts["balance"] == 0


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_flow_same_panel_other_account(
    hass: HomeAssistant, panel: FakePanel, panel_url: str
) -> None:
    """Another account on an already configured panel is a new entry."""
    _add_entry(hass, panel_url, OTHER_KEY)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# -- reauth ----------------------------------------------------------------------------------


async def test_reauth_flow(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, panel_url: str
) -> None:
    """A new valid key is stored; the entry's update listener reloads it (none here)."""
    entry = await _add_loaded_entry(hass, panel_url)

    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] is not None
    assert result["description_placeholders"]["host"] == "127.0.0.1"

    with patch.object(hass.config_entries, "async_schedule_reload") as mock_reload:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: f" {KEY} "}
        )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == {CONF_URL: panel_url, CONF_API_KEY: KEY}
    assert entry.title == "127.0.0.1"
    mock_reload.assert_not_called()


async def test_reauth_flow_unchanged_key_reloads(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, panel_url: str
) -> None:
    """Confirming the same key changes nothing, so the flow reloads the entry itself."""
    entry = await _add_loaded_entry(hass, panel_url, key=KEY)
    assert mock_setup_entry.call_count == 1

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_API_KEY: KEY})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_setup_entry.call_count == 2
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_after_failed_setup_loads_entry(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, panel_url: str
) -> None:
    """An entry whose setup failed on the key has no update listener: reauth reloads it."""
    entry = _add_entry(hass, panel_url)
    mock_setup_entry.side_effect = ConfigEntryAuthFailed("rejected")
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == "reauth"

    mock_setup_entry.side_effect = None
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_API_KEY: KEY}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_API_KEY] == KEY
    assert _state(entry) is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("key", "fault", "error"),
    [
        ("wrong-key", None, "invalid_auth"),
        ("   ", None, "invalid_auth"),
        (KEY, Fault.HTTP_503, "cannot_connect"),
        (KEY, Fault.HTML_PAGE, "invalid_response"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_reauth_flow_error_then_success(
    hass: HomeAssistant,
    panel: FakePanel,
    panel_url: str,
    key: str,
    fault: Fault | None,
    error: str,
) -> None:
    """A failed check keeps the old key and shows the error; a good key then succeeds."""
    entry = await _add_loaded_entry(hass, panel_url)
    if fault is not None:
        panel.inject(fault, action="balance", times=2)

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_API_KEY: key})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": error}
    assert entry.data[CONF_API_KEY] == "old-key"

    panel.clear_faults()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_API_KEY: KEY})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_API_KEY] == KEY


@pytest.mark.parametrize(
    ("source", "error"),
    [(SOURCE_REAUTH, ValueError("boom")), (SOURCE_RECONFIGURE, KeyError("boom"))],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_reauth_and_reconfigure_unexpected_error(
    hass: HomeAssistant, panel_url: str, source: str, error: Exception
) -> None:
    """An unexpected exception during reauth or reconfigure is `unknown`."""
    entry = await _add_loaded_entry(hass, panel_url)
    if source == SOURCE_REAUTH:
        result, step = await entry.start_reauth_flow(hass), "reauth_confirm"
        user_input = {CONF_API_KEY: KEY}
    else:
        result, step = await entry.start_reconfigure_flow(hass), "reconfigure"
        user_input = {CONF_URL: panel_url, CONF_API_KEY: KEY}

    with patch.object(SmmPanelClient, "balance", side_effect=error):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    assert result["errors"] == {"base": "unknown"}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reauth_flow_key_of_another_entry_aborts(
    hass: HomeAssistant, panel: FakePanel, panel_url: str
) -> None:
    """Reauthenticating into the account another entry already has is refused."""
    _add_entry(hass, panel_url, KEY)
    entry = await _add_loaded_entry(hass, panel_url)

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_API_KEY: KEY})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_API_KEY] == "old-key"
    assert panel.counts["balance"] == 0


# -- reconfigure -----------------------------------------------------------------------------


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_flow(hass: HomeAssistant, panel_url: str) -> None:
    """A new URL and key are checked and stored; the title follows the host."""
    entry = _add_entry(hass, DEFAULT_URL, title="smmpllus.com")

    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {
        "host": "smmpllus.com",
        "example_url": DEFAULT_URL,
    }
    assert _suggested(result, CONF_URL) == DEFAULT_URL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: f"{panel_url}/", CONF_API_KEY: KEY}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {CONF_URL: panel_url, CONF_API_KEY: KEY}
    assert entry.title == "127.0.0.1"
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_flow_keeps_custom_title(hass: HomeAssistant, panel_url: str) -> None:
    """A title the user chose is kept."""
    entry = await _add_loaded_entry(hass, panel_url, title="Main account")

    result = await entry.start_reconfigure_flow(hass)
    with patch.object(hass.config_entries, "async_schedule_reload") as mock_reload:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
        )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Main account"
    assert entry.data[CONF_API_KEY] == KEY
    mock_reload.assert_not_called()


async def test_reconfigure_flow_unchanged_reloads(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, panel_url: str
) -> None:
    """Submitting the entry's own URL and key is no collision; the entry is reloaded."""
    entry = await _add_loaded_entry(hass, panel_url, key=KEY)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_setup_entry.call_count == 2


@pytest.mark.parametrize(
    ("url", "key", "fault", "error"),
    [
        ("http://smmpllus.com/api/v2", KEY, None, "insecure_url"),
        (f"https://user:{KEY}@smmpllus.com/api/v2", KEY, None, "invalid_url"),
        (f"https://smmpllus.com/api/v2?key={KEY}", KEY, None, "invalid_url"),
        ("not a url", KEY, None, "invalid_url"),
        (None, "wrong-key", None, "invalid_auth"),
        (None, KEY, Fault.HTTP_503, "cannot_connect"),
        (None, KEY, Fault.MALFORMED_JSON, "invalid_response"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_flow_error_then_success(
    hass: HomeAssistant,
    panel: FakePanel,
    panel_url: str,
    url: str | None,
    key: str,
    fault: Fault | None,
    error: str,
) -> None:
    """Reconfigure validates like the user step; the entry is untouched until it passes."""
    entry = await _add_loaded_entry(hass, panel_url)
    if fault is not None:
        panel.inject(fault, action="balance", times=2)
    url = url or panel_url

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: url, CONF_API_KEY: key}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": error}
    assert _suggested(result, CONF_URL) == suggested_url(url)
    assert entry.data == {CONF_URL: panel_url, CONF_API_KEY: "old-key"}

    panel.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {CONF_URL: panel_url, CONF_API_KEY: KEY}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_flow_collision_aborts(
    hass: HomeAssistant, panel: FakePanel, panel_url: str
) -> None:
    """Reconfiguring into the URL and key of another entry is refused."""
    _add_entry(hass, panel_url, KEY)
    entry = await _add_loaded_entry(hass, DEFAULT_URL, title="smmpllus.com")

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: panel_url, CONF_API_KEY: KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_URL: DEFAULT_URL, CONF_API_KEY: "old-key"}
    assert entry.title == "smmpllus.com"
    assert panel.counts["balance"] == 0


# -- options ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_flow_defaults_and_save(hass: HomeAssistant) -> None:
    """The form shows the defaults; the saved options have the right types."""
    entry = await _add_loaded_entry(hass, DEFAULT_URL)

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert _suggested(result, CONF_SCAN_INTERVAL) == DEFAULT_SCAN_INTERVAL
    assert _suggested(result, CONF_LOW_BALANCE_THRESHOLD) == DEFAULT_LOW_BALANCE_THRESHOLD
    assert _suggested(result, CONF_MAX_ORDER_COST) == DEFAULT_MAX_ORDER_COST
    assert _suggested(result, CONF_FINISHED_ORDER_RETENTION) == DEFAULT_FINISHED_ORDER_RETENTION

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_SCAN_INTERVAL: 10.0,
            CONF_LOW_BALANCE_THRESHOLD: 2.5,
            CONF_MAX_ORDER_COST: 50,
            CONF_FINISHED_ORDER_RETENTION: 0,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_SCAN_INTERVAL: 10,
        CONF_LOW_BALANCE_THRESHOLD: 2.5,
        CONF_MAX_ORDER_COST: 50.0,
        CONF_FINISHED_ORDER_RETENTION: 0,
    }
    assert isinstance(entry.options[CONF_SCAN_INTERVAL], int)
    assert isinstance(entry.options[CONF_FINISHED_ORDER_RETENTION], int)


@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_flow_prefills_current_values(hass: HomeAssistant) -> None:
    """The form shows the entry's current options; omitted fields fall back to defaults."""
    current = {
        CONF_SCAN_INTERVAL: 30,
        CONF_LOW_BALANCE_THRESHOLD: 5.0,
        CONF_MAX_ORDER_COST: 12.5,
        CONF_FINISHED_ORDER_RETENTION: 72,
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="smmpllus.com",
        data={CONF_URL: DEFAULT_URL, CONF_API_KEY: KEY},
        options=current,
    )
    entry.add_to_hass(hass)

    result = await hass.config_entries.options.async_init(entry.entry_id)
    for key, value in current.items():
        assert _suggested(result, key) == value

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 1440}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_SCAN_INTERVAL: 1440,
        CONF_LOW_BALANCE_THRESHOLD: DEFAULT_LOW_BALANCE_THRESHOLD,
        CONF_MAX_ORDER_COST: DEFAULT_MAX_ORDER_COST,
        CONF_FINISHED_ORDER_RETENTION: DEFAULT_FINISHED_ORDER_RETENTION,
    }


@pytest.mark.parametrize(
    ("option", "value"),
    [
        (CONF_SCAN_INTERVAL, 0),
        (CONF_SCAN_INTERVAL, 1441),
        (CONF_SCAN_INTERVAL, "often"),
        (CONF_LOW_BALANCE_THRESHOLD, -0.01),
        (CONF_LOW_BALANCE_THRESHOLD, math.nan),
        (CONF_LOW_BALANCE_THRESHOLD, math.inf),
        (CONF_MAX_ORDER_COST, -1),
        (CONF_MAX_ORDER_COST, math.inf),
        (CONF_FINISHED_ORDER_RETENTION, -1),
        (CONF_FINISHED_ORDER_RETENTION, 721),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_flow_out_of_range(hass: HomeAssistant, option: str, value: Any) -> None:
    """Out-of-range values are refused and the options stay as they were."""
    entry = await _add_loaded_entry(hass, DEFAULT_URL)
    result = await hass.config_entries.options.async_init(entry.entry_id)

    with pytest.raises(InvalidData) as exc_info:
        await hass.config_entries.options.async_configure(result["flow_id"], {option: value})

    assert isinstance(exc_info.value, vol.Invalid)
    assert option in exc_info.value.schema_errors
    assert entry.options == {}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 1, CONF_FINISHED_ORDER_RETENTION: 720}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SCAN_INTERVAL] == 1
    assert entry.options[CONF_FINISHED_ORDER_RETENTION] == 720


# -- translations of the flows ---------------------------------------------------------------

TRANSLATIONS = Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations"
# hassfest's own URL pattern (script/hassfest/translations.py): a URL in a string fails CI.
HASSFEST_URL = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
# What the steps pass as description_placeholders (`name` is added by HA for reauth).
PLACEHOLDERS = {
    "user": {"example_url"},
    "reauth_confirm": {"host", "example_url", "name"},
    "reconfigure": {"host", "example_url"},
    "init": set(),
}


def _strings(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))


def _flow_strings(language: str) -> dict[tuple[str, ...], str]:
    data = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    return dict(_strings({"config": data["config"], "options": data["options"]}))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_flow_translations(language: str) -> None:
    """The flows' strings keep within hassfest's rules and use only the placeholders given.

    That every step, field, error and abort is translated alike in both languages is
    tests/test_translations.py's part (test_same_structure, test_placeholders_match,
    test_config_flow_errors_and_aborts, test_flow_forms).
    """
    for path, text in _flow_strings(language).items():
        assert text == text.strip(), path
        assert not HASSFEST_URL.search(text), path
        placeholders = set(re.findall(r"\{(\w*)\}", text))
        if path[1] == "step":
            assert placeholders <= PLACEHOLDERS[path[2]], path
        else:  # errors and aborts can be shown by any config step
            assert placeholders <= {"example_url"}, path


# -- any input -------------------------------------------------------------------------------

# Not covered: option values that are Python ints beyond a float's range (10**400). They cannot
# arrive from the frontend or the REST API (orjson reads such numbers as floats or refuses
# them); from Python code they crash Home Assistant's own NumberSelector with OverflowError,
# in every integration that uses it.

EN = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
CONFIG_ERRORS: frozenset[str] = frozenset(EN["config"]["error"])
CONFIG_ABORTS: frozenset[str] = frozenset(EN["config"]["abort"])

FLOW_FIELDS: dict[str, tuple[str, ...]] = {
    "user": (CONF_URL, CONF_API_KEY),
    "reauth_confirm": (CONF_API_KEY,),
    "reconfigure": (CONF_URL, CONF_API_KEY),
}
URL_ERRORS = frozenset({"invalid_url", "insecure_url"})
PANEL_ANSWERED = frozenset({"invalid_auth", "cannot_connect", "invalid_response"})
OLD_KEY = "old-key"
PORT = "{port}"
"""Replaced by the fake panel's port in every URL an example uses."""

NOT_TEXT = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    st.lists(st.text(max_size=4), max_size=2),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=1),
)
PADDING = st.sampled_from(["", "", " ", "\t", "\n", " \u00a0", "\u200b"])
SCHEMES = st.sampled_from(
    ["https", "http", "HTTPS", "Http", "ftp", "file", "javascript", "", "h ttps", "httpss"]
)
SEPARATORS = st.sampled_from(["://", "://", "://", ":/", ":", "//", ":///", ":\\\\"])
CREDENTIALS = st.sampled_from(["", "", "", "user@", "user:pw@", f"user:{KEY}@", "@", ":@", "a@b@"])
HOSTS = st.one_of(
    st.sampled_from(
        [
            "127.0.0.1",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "[::1",
            "::1",
            "smmpllus.com",
            "SMMPLLUS.com.",
            "bücher.example",
            "xn--bcher-kva.example",
            "exa mple.com",
            "-bad.com",
            "bad-.com",
            "a..b",
            f"{'a' * 64}.com",
            ".".join(["a" * 63] * 5),
            "192.168.1.10",
            "999.1.1.1",
            "[fe80::1%25eth0]",
            "[v1.x]",
            "ex_ample.com",
            "ex%41mple.com",
            "*.example",
            "\u0661\u0662\u0667.\u0660.\u0660.\u0661",  # 127.0.0.1 in Arabic-Indic digits
            "",
        ]
    ),
    st.text(max_size=10),
)
PORTS = st.sampled_from(
    ["", "", f":{PORT}", f":{PORT}", ":443", ":0", ":65535", ":65536", ":99999", ":abc", ":",
     ":-1", ":+80", ":\uff18\uff10", "::1"]
)  # fmt: skip
PATHS = st.one_of(
    st.sampled_from(["", "/", "/api/v2", "/api/v2", "/api/v2/", "/API/V2", "/api v2", "/ä", "//"]),
    st.text(max_size=10).map(lambda text: f"/{text}"),
)
TAILS = st.sampled_from(["", "", "", "?", f"?key={KEY}", "#top", "?a=b#c", "/#"])


@st.composite
def built_urls(draw: st.DrawFn) -> str:
    """A URL assembled from likely and unlikely parts."""
    parts = (PADDING, SCHEMES, SEPARATORS, CREDENTIALS, HOSTS, PORTS, PATHS, TAILS, PADDING)
    return "".join(draw(part) for part in parts)


PANEL_URLS = st.builds(
    "{}{}://127.0.0.1:{}/api/v2{}{}".format,
    PADDING,
    st.sampled_from(["http", "HTTP", "Http"]),
    st.just(PORT),
    st.sampled_from(["", "/", "//"]),
    PADDING,
)
LONG_URLS = st.sampled_from(
    [
        f"https://{'a' * 3000}.com/api/v2",
        f"https://{'a.' * 1500}com/api/v2",
        f"https://smmpllus.com/{'p' * 10_000}",
        f"http://127.0.0.1:{PORT}/api/v2/{'p' * 10_000}",
        f"http://127.0.0.1:{PORT}/api/v2?{'q' * 10_000}",
    ]
)
PLAUSIBLE_URLS = st.builds(
    "{}://{}{}{}{}".format,
    st.sampled_from(["https", "http"]),
    st.sampled_from(
        ["smmpllus.com", "localhost", "[::1]", "127.0.0.1", "192.168.1.10", "bücher.example"]
    ),
    st.sampled_from(["", ":8080", f":{PORT}"]),
    st.sampled_from(["/api/v2", "", "/"]),
    st.sampled_from(["", "", "", "?key=1", "#x"]),
)
URLS = mostly(
    st.one_of(PANEL_URLS, PLAUSIBLE_URLS),
    st.one_of(built_urls(), st.text(max_size=30), LONG_URLS, NOT_TEXT),
)
KEYS = mostly(
    st.sampled_from([KEY, KEY, f" {KEY}\n", KEY.upper(), OLD_KEY, OTHER_KEY, "", " \t"]),
    st.one_of(
        st.text(max_size=20),
        st.text(min_size=100, max_size=2_000),
        st.sampled_from(["k" * MAX_API_KEY_LENGTH, "ключ" * MAX_API_KEY_LENGTH]),
        NOT_TEXT,
    ),
)


@st.composite
def flow_inputs(draw: st.DrawFn, step: str) -> dict[str, Any]:
    """A form submission of `step`: its fields (any of them missing), rarely an extra one."""
    optional: dict[str, st.SearchStrategy[Any]] = {CONF_API_KEY: KEYS}
    if CONF_URL in FLOW_FIELDS[step]:
        optional[CONF_URL] = URLS
    if draw(st.sampled_from((False, False, False, False, False, True))):
        optional["extra"] = SCALARS
    user_input = draw(st.fixed_dictionaries({}, optional=optional))
    # Mostly complete: a missing field is one refusal, not the subject of every example.
    if draw(st.sampled_from((True, True, True, False))):
        for name in FLOW_FIELDS[step]:
            user_input.setdefault(name, draw(optional[name]))
    return user_input


_PANEL_URL = f"http://127.0.0.1:{PORT}/api/v2"
_URL_CASES: tuple[dict[str, Any], ...] = (
    # One of each outcome, whatever the search finds (Hypothesis versions differ).
    {CONF_URL: "http://smmpllus.com/api/v2", CONF_API_KEY: KEY},
    {CONF_URL: f"https://user:{KEY}@smmpllus.com/api/v2", CONF_API_KEY: KEY},
    {CONF_URL: "https://smmpllus.com/api/v2", CONF_API_KEY: KEY},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: OTHER_KEY},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: "wrong-key"},
    {CONF_URL: _PANEL_URL, CONF_API_KEY: f" {KEY} "},
    {CONF_URL: ["not", "text"], CONF_API_KEY: KEY},
)
FLOW_EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "user": _URL_CASES,
    "reconfigure": _URL_CASES,
    "reauth_confirm": (
        {CONF_API_KEY: KEY},
        {CONF_API_KEY: OTHER_KEY},
        {CONF_API_KEY: "wrong-key"},
        {CONF_API_KEY: None},
    ),
}


def _shown(hass: HomeAssistant, result: ConfigFlowResult, *, options: bool = False) -> None:
    """The form as Home Assistant's flow view sends it to the frontend: it converts (else
    the dialog fails to open), and nothing in it shows the API key (a refused URL is
    offered back without the credentials or query that may hold it)."""
    shown = frontend_json(hass, result, options=options)
    assert KEY not in shown


@pytest.fixture
async def flow_entries(hass: HomeAssistant, panel_url: str) -> AsyncIterator[MockConfigEntry]:
    """The entry reauth and reconfigure change, plus another account on the same panel.

    The integration's setup and unload are stood in for (the flows are the subject).
    """
    with (
        patch("custom_components.smm_panel.async_setup_entry", return_value=True),
        patch("custom_components.smm_panel.async_unload_entry", return_value=True),
    ):
        MockConfigEntry(
            domain=DOMAIN,
            title="127.0.0.1",
            data={CONF_URL: panel_url, CONF_API_KEY: OTHER_KEY},
        ).add_to_hass(hass)
        entry = MockConfigEntry(
            domain=DOMAIN, title="127.0.0.1", data={CONF_URL: panel_url, CONF_API_KEY: OLD_KEY}
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield entry
        for loaded in hass.config_entries.async_entries(DOMAIN):
            if loaded.state is ConfigEntryState.LOADED:
                assert await hass.config_entries.async_unload(loaded.entry_id)


@pytest.fixture
def balance_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URL of every connection test a flow makes.

    Tests to 127.0.0.1 really go out (to the fake panel, or to a closed port); any other
    host is answered as unreachable, so no example ever touches the network.
    """
    calls: list[str] = []
    real_balance = SmmPanelClient.balance

    async def balance(self: SmmPanelClient) -> Balance:
        calls.append(self.url)
        if urlsplit(self.url).hostname == "127.0.0.1":
            return await real_balance(self)
        raise SmmConnectionError(f"{self.host} is not reachable from the tests")

    monkeypatch.setattr(SmmPanelClient, "balance", balance)
    return calls


def _is_schema_refusal(step: str, user_input: dict[str, Any]) -> bool:
    """Whether the form's schema refuses the input: an unknown or missing field, or not text."""
    fields = FLOW_FIELDS[step]
    required = fields if step != "user" else (CONF_API_KEY,)
    return (
        any(name not in fields for name in user_input)
        or any(name not in user_input for name in required)
        or any(not isinstance(value, str) for value in user_input.values())
    )


@pytest.mark.parametrize(
    ("step", "examples"), [("user", 250), ("reauth_confirm", 100), ("reconfigure", 200)]
)
def test_config_flow_never_fails_unexpectedly(
    hass: HomeAssistant,
    panel: FakePanel,
    panel_url: str,
    flow_entries: MockConfigEntry,
    balance_calls: list[str],
    step: str,
    examples: int,
) -> None:
    """Any input: an entry created or updated, the form again with a translated error, an
    abort of the contract, or the schema's refusal. A refused URL contacts nothing."""
    loop = hass.loop
    entry = flow_entries
    original = dict(entry.data)
    port = str(urlsplit(panel_url).port)
    fixed = {other.entry_id for other in hass.config_entries.async_entries(DOMAIN)}
    # The keys whose entry (on the panel's URL) a submission may collide with.
    known_keys = {OLD_KEY, OTHER_KEY} if step == "user" else {OTHER_KEY}
    outcomes: set[str] = set()

    async def start() -> ConfigFlowResult:
        form: ConfigFlowResult
        if step == "user":
            form = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_USER}
            )
        elif step == "reauth_confirm":
            form = await entry.start_reauth_flow(hass)
        else:
            form = await entry.start_reconfigure_flow(hass)
        return form

    async def reset() -> None:
        for other in hass.config_entries.async_entries(DOMAIN):
            if other.entry_id not in fixed:  # created by an earlier example
                await hass.config_entries.async_remove(other.entry_id)
        hass.config_entries.async_update_entry(entry, data=original, title="127.0.0.1")
        await hass.async_block_till_done()
        panel.reset_stats()
        balance_calls.clear()

    async def attempt(raw_input: dict[str, Any]) -> None:
        reseed_random()
        await reset()
        user_input = {
            name: value.replace(PORT, port) if isinstance(value, str) else value
            for name, value in raw_input.items()
        }
        form = await start()
        assert form["type"] is FlowResultType.FORM
        assert form["step_id"] == step
        _shown(hass, form)
        result = await outcome(
            hass.config_entries.flow.async_configure(form["flow_id"], user_input)
        )
        try:
            judge(user_input, result)
        finally:
            with contextlib.suppress(UnknownFlow):  # finished flows are gone already
                hass.config_entries.flow.async_abort(form["flow_id"])

    def judge(user_input: dict[str, Any], result: ConfigFlowResult | Exception) -> None:
        if _is_schema_refusal(step, user_input):
            assert isinstance(result, InvalidData), repr(result)
            assert set(result.schema_errors) <= {*FLOW_FIELDS[step], "base"}, result.schema_errors
            assert_no_key(result)
            assert not balance_calls
            assert sum(panel.counts.values()) == 0
            outcomes.add("schema")
            return
        assert not isinstance(result, Exception), repr(result)
        key = user_input[CONF_API_KEY].strip()
        sent = len(balance_calls)
        if result["type"] is FlowResultType.FORM:
            _shown(hass, result)
            assert result["step_id"] == step
            errors = result["errors"]
            assert errors is not None
            assert set(errors) == {"base"}, errors
            error = errors["base"]
            assert error in CONFIG_ERRORS
            assert error != "unknown", "an unexpected exception in the connection test"
            if error in URL_ERRORS or not key or len(key) > MAX_API_KEY_LENGTH:
                assert error in URL_ERRORS or error == "invalid_auth"
                assert sent == 0, balance_calls
                assert sum(panel.counts.values()) == 0
            else:
                assert error in PANEL_ANSWERED
                assert 1 <= sent <= 2, balance_calls  # a connection error is retried once
                if error == "invalid_auth":
                    assert panel.counts["balance"] == 1
                    assert key != KEY
            outcomes.add(error)
            return
        if result["type"] is FlowResultType.ABORT:
            reason = result["reason"]
            assert reason in CONFIG_ABORTS
            if reason == "already_configured":
                assert key in known_keys
                assert sent == 0
            else:
                assert reason == f"{step.removesuffix('_confirm')}_successful", reason
                _assert_panel_data(entry.data, panel, panel_url)
                assert sent == 1
            outcomes.add(reason)
            return
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert step == "user"
        assert result["title"] == "127.0.0.1"
        _assert_panel_data(result["data"], panel, panel_url)
        assert sent == 1
        outcomes.add("created")

    @_examples(examples)
    @given(raw_input=flow_inputs(step))
    def check(raw_input: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(raw_input))

    for raw_input in FLOW_EXAMPLES[step]:
        check = example(raw_input=raw_input)(check)
    check()
    expected = {"schema", "invalid_url", "insecure_url", "invalid_auth", "cannot_connect"}
    if step == "reauth_confirm":
        expected = {"schema", "invalid_auth", "reauth_successful", "already_configured"}
    elif step == "reconfigure":
        expected |= {"reconfigure_successful", "already_configured"}
    else:
        expected |= {"created", "already_configured"}
    assert expected <= outcomes, outcomes


def _assert_panel_data(data: Any, panel: FakePanel, panel_url: str) -> None:
    """Entry data that can only come from a successful test against the fake panel."""
    assert dict(data) == {CONF_URL: panel_url, CONF_API_KEY: KEY}
    assert panel.counts["balance"] == 1


OPTION_RANGES: dict[str, tuple[float, float]] = {
    CONF_SCAN_INTERVAL: (MIN_SCAN_INTERVAL, MAX_SCAN_INTERVAL),
    CONF_LOW_BALANCE_THRESHOLD: (0, math.inf),
    CONF_MAX_ORDER_COST: (0, math.inf),
    CONF_FINISHED_ORDER_RETENTION: (0, MAX_FINISHED_ORDER_RETENTION),
}
WHOLE_OPTIONS = frozenset({CONF_SCAN_INTERVAL, CONF_FINISHED_ORDER_RETENTION})
OPTION_DEFAULTS: dict[str, float] = {
    CONF_SCAN_INTERVAL: 5,
    CONF_LOW_BALANCE_THRESHOLD: 0.0,
    CONF_MAX_ORDER_COST: 0.0,
    CONF_FINISHED_ORDER_RETENTION: 24,
}
OPTION_JUNK = st.one_of(
    # Integers as large as JSON brings them: orjson (the decoder of the frontend's websocket
    # and of the REST API) reads larger ones as floats or refuses them. An int beyond a
    # float's range can only come from Python code, and Home Assistant's own NumberSelector
    # then raises OverflowError, in every integration.
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e300),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["-1", "-0", "nan", "NaN", "inf", "-inf", "1e400", "0x10", "", " ", "five",
         "Infinity", "5 minutes", "\u0661\u0662"]
    ),
    st.text(max_size=6),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)  # fmt: skip
OPTION_VALUES = mostly(
    st.one_of(
        st.integers(min_value=-5, max_value=1_500),
        st.floats(min_value=-2, max_value=1_500),
        st.sampled_from(["5", " 5 ", "0.5", "1e3", "1_000", "720", "1440", "1441"]),
    ),
    OPTION_JUNK,
)


@st.composite
def option_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Any of the four options with any values; rarely an unknown field too."""
    optional = dict.fromkeys(OPTION_RANGES, OPTION_VALUES)
    user_input: dict[str, Any] = draw(st.fixed_dictionaries({}, optional=optional))
    if draw(st.sampled_from((False, False, False, False, False, True))):
        user_input["extra"] = 1
    return user_input


def _option_number(name: str, value: object) -> float | None:
    """The number an option value stands for, or None when the form must refuse it.

    The oracle: what Python reads as a finite float within the contract's range (§2).
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    low, high = OPTION_RANGES[name]
    return number if math.isfinite(number) and low <= number <= high else None


def test_options_form_never_fails_unexpectedly(
    hass: HomeAssistant, flow_entries: MockConfigEntry, panel: FakePanel
) -> None:
    """Any values: saved exactly when all are numbers within the contract's ranges (whole
    numbers truncated), else the schema refuses precisely the bad fields; nothing is sent."""
    loop = hass.loop
    entry = flow_entries
    outcomes: set[str] = set()

    async def attempt(user_input: dict[str, Any]) -> None:
        reseed_random()
        hass.config_entries.async_update_entry(entry, options={})
        panel.reset_stats()
        form = await hass.config_entries.options.async_init(entry.entry_id)
        assert form["type"] is FlowResultType.FORM
        _shown(hass, form, options=True)
        result = await outcome(
            hass.config_entries.options.async_configure(form["flow_id"], user_input)
        )
        numbers = {
            name: _option_number(name, value)
            for name, value in user_input.items()
            if name in OPTION_RANGES
        }
        # The schema names each bad option; an unknown field is reported under "base".
        bad = {name for name, number in numbers.items() if number is None}
        bad |= {"base"} if "extra" in user_input else set()
        assert sum(panel.counts.values()) == 0
        if bad:
            assert isinstance(result, InvalidData), (user_input, result)
            assert set(result.schema_errors) == bad, result.schema_errors
            assert entry.options == {}
            hass.config_entries.options.async_abort(form["flow_id"])
            outcomes.add("schema")
            return
        assert not isinstance(result, Exception), repr(result)
        assert result["type"] is FlowResultType.CREATE_ENTRY
        expected = {**OPTION_DEFAULTS, **{name: n for name, n in numbers.items() if n is not None}}
        for name in WHOLE_OPTIONS:
            expected[name] = int(expected[name])
            assert isinstance(entry.options[name], int)
        assert entry.options == expected
        outcomes.add("saved")

    @_examples(300)
    @given(user_input=option_inputs())
    @example(user_input={CONF_SCAN_INTERVAL: "1440", CONF_MAX_ORDER_COST: 1e308})
    @example(user_input={CONF_LOW_BALANCE_THRESHOLD: "nan", CONF_FINISHED_ORDER_RETENTION: 721})
    def check(user_input: dict[str, Any]) -> None:
        loop.run_until_complete(attempt(user_input))

    check()
    assert outcomes == {"schema", "saved"}


# -- huge input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_key", "sent"),
    [
        ("k" * 1_000_000, 0),
        ("ключ" * 250_000, 0),
        ("k" * (MAX_API_KEY_LENGTH + 1), 0),
        ("k" * MAX_API_KEY_LENGTH, 1),
    ],
    ids=["1MB-ascii", "1MB-cyrillic", "over-limit", "at-limit"],
)
async def test_huge_api_key_refused_unsent(
    hass: HomeAssistant,
    flow_entries: MockConfigEntry,
    panel: FakePanel,
    panel_url: str,
    api_key: str,
    sent: int,
) -> None:
    """A megabyte API key is refused as invalid_auth without being sent (regression: it was
    posted to the panel; a non-ASCII one outgrew the web server's body limit and was shown as
    invalid_response, pointing at the URL). A key at the limit is still checked with the
    panel. The form comes back at once and the loop is never blocked."""
    panel.reset_stats()
    flows = (
        ("user", {CONF_URL: panel_url, CONF_API_KEY: api_key}),
        ("reconfigure", {CONF_URL: panel_url, CONF_API_KEY: api_key}),
        ("reauth_confirm", {CONF_API_KEY: api_key}),
    )
    for step, user_input in flows:
        if step == "user":
            form = await hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_USER}
            )
        elif step == "reconfigure":
            form = await flow_entries.start_reconfigure_flow(hass)
        else:
            form = await flow_entries.start_reauth_flow(hass)
        watch = LoopWatch()
        result = await watch.measure(
            hass.config_entries.flow.async_configure(form["flow_id"], user_input)
        )
        assert result["type"] is FlowResultType.FORM, result
        assert result["step_id"] == step
        assert result["errors"] == {"base": "invalid_auth"}
        _shown(hass, result)
        watch.assert_responsive()
        hass.config_entries.flow.async_abort(form["flow_id"])
    assert panel.counts["balance"] == sent * len(flows)
    assert flow_entries.data[CONF_API_KEY] == OLD_KEY
