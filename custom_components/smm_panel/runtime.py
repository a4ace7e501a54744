"""What a loaded entry keeps: its client, tracker, coordinator and order desk.

Its own module so that the parts it names need not know of it: nothing here imports the
platforms, and none of the parts imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .api import SmmPanelClient
from .coordinator import SmmCoordinator
from .orders import OrderDesk
from .tracking import OrderTracker


@dataclass(slots=True)
class SmmRuntimeData:
    """The parts of one loaded entry (`entry.runtime_data`)."""

    client: SmmPanelClient
    tracker: OrderTracker
    coordinator: SmmCoordinator
    desk: OrderDesk


type SmmConfigEntry = ConfigEntry[SmmRuntimeData]
