"""Tests of the config flow, the reauth and reconfigure steps and the options flow.

The connection test runs the real client over real HTTP against the fake panel; only the
cases that cannot run here (an https panel, an unexpected exception) patch the client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import json
import math
from pathlib import Path
import re
from typing import Any
from unittest.mock import AsyncMock, patch

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
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import ConfigEntryAuthFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.smm_panel.api import SmmPanelClient
from custom_components.smm_panel.config_flow import (
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
)
from tests.conftest import API_KEY as KEY
from tests.fake_panel import FakePanel, Fault
from tests.flow_json import frontend_json

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
