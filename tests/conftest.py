"""Shared fixtures: the real integration in a test Home Assistant, against the fake panel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import logging
from typing import Any
from unittest.mock import patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY, CONF_URL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Imported before anything else: the test plugin ships its own `custom_components`
# package, and whichever is imported first wins (HA-GUIDE §2).
from custom_components.smm_panel.const import DOMAIN
from tests.develop_process import refused_port
from tests.fake_panel import FakePanel, RunningFakePanel, start_fake_panel
from tests.polling_helpers import ENTRY_ID, PlatformSnapshot, setup_entry, setup_with_order
from tests.snapshot_lanes import select_snapshot_lane

select_snapshot_lane()  # snapshots/ on HA 2025.4, snapshots-latest/ on a newer HA

API_KEY = "canary-0f3a9c2e-key-never-logged"
AUTOMATION_LOGGERS = (
    "homeassistant.components.automation",
    "homeassistant.components.blueprint",
    "homeassistant.components.script",
    "homeassistant.helpers.script",
    "homeassistant.helpers.template",
    "homeassistant.helpers.condition",
)
"""Where a failed or dropped automation or script run is logged."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Home Assistant's serializer, stored under the lane's snapshot folder (see above)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from this repository."""


@pytest.fixture
def entity_registry_enabled_by_default() -> None:
    """Not provided by the test plugin; our entities are all enabled by default anyway."""


@pytest.fixture
def panel() -> FakePanel:
    """A fresh simulated panel account with the test key."""
    return FakePanel(key=API_KEY)


@pytest.fixture
async def running_panel(panel: FakePanel, socket_enabled: None) -> AsyncIterator[RunningFakePanel]:
    """The fake panel served over HTTP on 127.0.0.1."""
    running = await start_fake_panel(panel)
    yield running
    await running.close()


@pytest.fixture
def panel_url(running_panel: RunningFakePanel) -> str:
    """The API URL of the running fake panel (whose key is API_KEY)."""
    return running_panel.url


@pytest.fixture
def closed_url(socket_enabled: None) -> Iterator[str]:
    """An API URL on 127.0.0.1 that refuses connections for the whole test."""
    with refused_port() as port:
        yield f"http://127.0.0.1:{port}/api/v2"


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A caller-owned aiohttp session (closed here, never by the client given it)."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Options of the test entry; override in a module to change them."""
    return {}


@pytest.fixture
def config_entry(running_panel: RunningFakePanel, entry_options: dict[str, Any]) -> MockConfigEntry:
    """A config entry for the running fake panel."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="127.0.0.1",
        data={CONF_URL: running_panel.url, CONF_API_KEY: API_KEY},
        options=entry_options,
        entry_id=ENTRY_ID,
    )


@pytest.fixture
async def setup_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """The entry set up on a frozen clock (so coordinator timers follow `freezer`)."""
    await setup_entry(hass, config_entry)
    return config_entry


@pytest.fixture
async def setup_order(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> str:
    """One order placed on the panel and stored as tracked, then the entry set up: its id.

    On a frozen clock, as `setup_integration`; `config_entry` is the entry, set up.
    """
    return await setup_with_order(hass, config_entry, panel, hass_storage)


@pytest.fixture
def platform_snapshot(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> PlatformSnapshot:
    """Set the entry up with only `platform` loaded; snapshot its registry entries and states."""

    async def set_up_and_snapshot(platform: Platform) -> None:
        with patch("custom_components.smm_panel.PLATFORMS", [platform]):
            await setup_entry(hass, config_entry)
        await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)

    return set_up_and_snapshot


@pytest.fixture
def runs_cleanly(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No automation, script or template warning or error: "did nothing" means by choice.

    A template that fails, a variable that is undefined, an action that raises or a run
    dropped as "already running" would also leave the panel alone; this tells those apart
    from a condition that said no.
    """
    yield
    noisy = [
        record.getMessage()
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING and record.name.startswith(AUTOMATION_LOGGERS)
    ]
    assert noisy == []
