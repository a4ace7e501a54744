"""Restarts and storage: an order placed just before a restart survives it.

Corrupt and old-/future-version storage files are covered by tests/test_storage.py
(test_corrupt_storage, test_unreadable_storage_reset, test_future_version_reset,
test_other_minor_version_loads) and entry removal by tests/test_init.py
(test_remove_entry_deletes_storage); this module adds the add_order-then-restart path and
damaged files read from a real disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import storage
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel
from tests.polling_helpers import STORAGE_KEY, order_entity, restart_entry, setup_entry
from tests.services_common import LINK, call, runtime


async def test_order_stored_before_add_order_returns(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
    hass_storage: dict[str, Any],
) -> None:
    """The new order is in the storage file when add_order returns, and after a restart."""
    config_entry = setup_integration
    response = await call(
        hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100}
    )
    assert response is not None
    order_id = str(response["order"])
    # No time has passed: no delayed save can have run; the write was immediate.
    stored = [order["order_id"] for order in hass_storage[STORAGE_KEY]["data"]["orders"]]
    assert stored == [order_id]

    await restart_entry(hass, config_entry)  # crash-like: the storage as it is now
    assert config_entry.state is ConfigEntryState.LOADED
    assert order_id in runtime(config_entry).tracker.orders
    state = hass.states.get(order_entity(order_id))
    assert state is not None
    assert state.attributes["link"] == LINK
    assert panel.counts["add"] == 1


async def test_removed_entry_leaves_no_file_after_orders(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removing the entry after actions wrote its file leaves no smm_panel storage behind."""
    await setup_entry(hass, config_entry)
    await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100})
    assert STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(60)  # past any delayed save that could write it again
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not [key for key in hass_storage if key.startswith("smm_panel")]


@pytest.mark.parametrize(
    "content",
    [b'{"version": 1, "key": "smm_panel', b"\x00\x00\x00", b"", "{\u00e9}".encode("latin-1")],
    ids=["truncated", "zeros", "empty", "not-utf8"],
)
async def test_damaged_file_on_disk_is_replaced(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
) -> None:
    """A file cut short by a power loss (read from a real disk): set aside, setup goes on.

    The harness mocks storage reads; here the real read of Home Assistant's Store runs, which
    keeps the damaged file as `<name>.corrupt.<time>` and logs it; the tracker starts empty
    and writes a good file.
    """
    hass.config.config_dir = str(tmp_path)
    (tmp_path / ".storage").mkdir()
    (tmp_path / ".storage" / STORAGE_KEY).write_bytes(content)

    async def read_from_disk(store: storage.Store[Any]) -> Any:
        return await store._async_load_data()  # type: ignore[no-untyped-call]

    with patch.object(storage.Store, "_async_load", read_from_disk):
        await setup_entry(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    assert runtime(config_entry).tracker.orders == {}
    kept = [p.name for p in (tmp_path / ".storage").iterdir() if ".corrupt." in p.name]
    assert len(kept) == 1
    assert (tmp_path / ".storage" / kept[0]).read_bytes() == content
    assert STORAGE_KEY in caplog.text

    await call(hass, "add_order", {"service": SERVICE_FOLLOWERS, "link": LINK, "quantity": 100})
    assert len(hass_storage[STORAGE_KEY]["data"]["orders"]) == 1  # a good file again
