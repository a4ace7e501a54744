"""The README documents every action, field, option, entity and event the code defines."""

from __future__ import annotations

import json
from pathlib import Path
import re
from urllib.parse import quote

import pytest
import yaml

from custom_components.smm_panel import const

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "smm_panel"
README = (ROOT / "README.md").read_text(encoding="utf-8")
MANIFEST = json.loads((COMPONENT / "manifest.json").read_text(encoding="utf-8"))
GITHUB = MANIFEST["documentation"]


def _services() -> dict[str, dict[str, object]]:
    loaded = yaml.safe_load((COMPONENT / "services.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return {name: spec for name, spec in loaded.items() if not name.startswith(".")}


def _fields(service: dict[str, object]) -> set[str]:
    """Field names of an action, including those inside collapsible sections."""
    names: set[str] = set()
    for name, spec in (service.get("fields") or {}).items():  # type: ignore[attr-defined]
        if isinstance(spec, dict) and "fields" in spec:
            names.update(spec["fields"])
        else:
            names.add(name)
    return names


@pytest.mark.parametrize("action", sorted(_services()))
def test_every_action_and_field_is_documented(action: str) -> None:
    """Each action has its own heading, and each of its fields is named in backticks."""
    assert re.search(rf"^###.*`(smm_panel\.)?{action}`", README, re.MULTILINE), action
    missing = {f for f in _fields(_services()[action]) if f"`{f}`" not in README}
    assert not missing, f"{action}: undocumented fields {sorted(missing)}"


def test_every_option_is_documented() -> None:
    """The options table names every option the code reads."""
    options = [value for name, value in vars(const).items() if name.startswith("CONF_")]
    assert options
    for option in options:
        assert f"| `{option}` |" in README, option


def test_every_entity_is_documented() -> None:
    """Every entity translation key appears as an entity id suffix in the README."""
    entity = json.loads((COMPONENT / "translations" / "en.json").read_text(encoding="utf-8"))
    keys = [key for platform in entity["entity"].values() for key in platform]
    assert keys
    for key in keys:
        assert f"_{key}`" in README or f"_{key}_" in README, key


def test_every_event_and_order_state_is_documented() -> None:
    """Event names and the normalised order statuses appear in the README."""
    for event in (
        const.EVENT_ORDER_PLACED,
        const.EVENT_ORDER_STATUS_CHANGED,
        const.EVENT_REFILL_STATUS_CHANGED,
        const.EVENT_CATALOGUE_CHANGED,
    ):
        assert f"`{event}`" in README, event
    states = json.loads((COMPONENT / "translations" / "en.json").read_text(encoding="utf-8"))
    for state in states["entity"]["sensor"]["order"]["state"]:
        assert f"`{state}`" in README, state


def test_every_blueprint_has_an_import_badge() -> None:
    """Each shipped blueprint is offered in the README with a my.home-assistant import badge."""
    blueprints = sorted((ROOT / "blueprints" / "automation" / const.DOMAIN).glob("*.yaml"))
    assert blueprints
    for blueprint in blueprints:
        encoded = quote(
            f"{GITHUB}/blob/main/blueprints/automation/{const.DOMAIN}/{blueprint.name}", ""
        )
        assert f"redirect/blueprint_import/?blueprint_url={encoded})" in README, blueprint.name
