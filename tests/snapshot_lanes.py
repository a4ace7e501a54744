"""One snapshot directory per test lane.

Home Assistant renders the same entity differently from one release to another: 2026.x
adds `object_id_base` and `suggested_object_id` to entity registry entries, stores
`aliases` as a list, and keys state attributes and capabilities by enum members. So each
lane keeps its own snapshots next to the test modules:

- `snapshots/`         the main lane, Home Assistant 2025.4 (`scripts/test`);
- `snapshots-latest/`  any other Home Assistant (`scripts/test --latest`).

Update each with its own lane: `scripts/test --snapshot-update ...` and
`scripts/test --latest --snapshot-update ...`.
"""

from __future__ import annotations

from pathlib import Path

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.location import PyTestLocation

MAIN_LANE_HA = (2025, 4)  # the release requirements_test.txt pins
LATEST_LANE_DIRNAME = "snapshots-latest"


def _latest_lane_dirname(cls: type[object], *, test_location: PyTestLocation) -> str:
    return str(Path(test_location.filepath).parent / LATEST_LANE_DIRNAME)


def select_snapshot_lane() -> None:
    """Point Home Assistant's snapshot extension at this lane's directory.

    Set on the extension class rather than in a `snapshot` fixture, so that every use of
    it (the plugin's fixture, modules that re-apply the extension) and syrupy's
    end-of-session bookkeeping (unused snapshots, `--snapshot-update` deletions) see the
    same directory: the latest lane never reads, rewrites or deletes the main lane's files.
    """
    if (MAJOR_VERSION, MINOR_VERSION) != MAIN_LANE_HA:
        HomeAssistantSnapshotExtension.dirname = classmethod(_latest_lane_dirname)
