"""Translations (CONTRACT §9): en and ar complete, alike, and covering every key the code uses."""

from __future__ import annotations

import ast
from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.selector import Selector
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol
import yaml

from custom_components.smm_panel.api import OrderState
from custom_components.smm_panel.binary_sensor import LOW_BALANCE_KEY
from custom_components.smm_panel.const import DOMAIN
from custom_components.smm_panel.ordering import ORDER_RULE_KEYS
from custom_components.smm_panel.sensor import SUMMARY_SENSORS
from tests.polling_helpers import ORDER_ATTRIBUTES
from tests.services_common import PANEL_ACTION

PACKAGE = Path(__file__).parent.parent / "custom_components" / DOMAIN
LANGUAGES = ("en", "ar")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

CONTRACT_ERRORS = {
    "invalid_url",
    "insecure_url",
    "invalid_auth",
    "cannot_connect",
    "invalid_response",
    "unknown",
}
CONTRACT_ABORTS = {"already_configured", "reauth_successful", "reconfigure_successful"}
CONTRACT_EXCEPTIONS = {
    "panel_error",
    "cannot_connect",
    "invalid_auth",
    "order_outcome_unknown",
    "unknown_service",
    "missing_field",
    "field_not_applicable",
    "quantity_out_of_range",
    "cost_limit_exceeded",
    "insufficient_balance",
    "duplicate_order",
}


def _load(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (PACKAGE / "translations" / f"{language}.json").read_text(encoding="utf-8")
    )
    return data


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


TRANSLATIONS = {language: _load(language) for language in LANGUAGES}
FLAT = {language: _flatten(TRANSLATIONS[language]) for language in LANGUAGES}


def _require(path: str) -> None:
    """The string exists, non-empty, in every language."""
    for language in LANGUAGES:
        value = _get(TRANSLATIONS[language], path)
        assert isinstance(value, str), f"{language}.json lacks {path}"
        assert value.strip(), f"{language}.json has an empty {path}"


# -- the files themselves ------------------------------------------------------------------


def test_same_structure() -> None:
    """ar.json has exactly the keys of en.json, and every value is a non-empty string."""
    assert sorted(FLAT["ar"]) == sorted(FLAT["en"])
    for language in LANGUAGES:
        for path, value in FLAT[language].items():
            assert isinstance(value, str), f"{language}.json {path} is not a string"
            assert value.strip(), f"{language}.json {path} is empty"
            assert "[%key:" not in value, f"{language}.json {path}: references don't resolve"


def test_arabic_is_translated() -> None:
    """The Arabic file is not a copy of the English one."""
    arabic = re.compile(r"[\u0600-\u06ff]")
    names = [path for path in FLAT["ar"] if path.endswith((".name", ".message", ".title"))]
    untranslated = [path for path in names if not arabic.search(FLAT["ar"][path])]
    assert untranslated == []


@pytest.mark.parametrize("path", sorted(FLAT["en"]))
def test_placeholders_match(path: str) -> None:
    """Each Arabic string has the same placeholders as the English one."""
    assert set(PLACEHOLDER.findall(FLAT["ar"].get(path, ""))) == set(
        PLACEHOLDER.findall(FLAT["en"][path])
    )


# -- entities ------------------------------------------------------------------------------


def test_entity_keys() -> None:
    """Names, states and attributes of every entity are translated."""
    for description in SUMMARY_SENSORS:
        _require(f"entity.sensor.{description.translation_key}.name")
    order_key = "order"  # CONTRACT §3
    _require(f"entity.sensor.{order_key}.name")
    assert PLACEHOLDER.findall(FLAT["en"][f"entity.sensor.{order_key}.name"]) == ["order_id"]
    assert set(_get(TRANSLATIONS["en"], f"entity.sensor.{order_key}.state")) == {
        state.value for state in OrderState
    }
    assert set(_get(TRANSLATIONS["en"], f"entity.sensor.{order_key}.state_attributes")) == (
        ORDER_ATTRIBUTES
    )
    for attribute in ORDER_ATTRIBUTES:
        _require(f"entity.sensor.{order_key}.state_attributes.{attribute}.name")
    _require(f"entity.binary_sensor.{LOW_BALANCE_KEY}.name")
    _require(f"entity.binary_sensor.{LOW_BALANCE_KEY}.state_attributes.threshold.name")


def test_icons_match_translations() -> None:
    """icons.json names only translated entities, states and actions."""
    icons: dict[str, Any] = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
    for platform, keys in icons["entity"].items():
        for key, icon in keys.items():
            _require(f"entity.{platform}.{key}.name")
            for state in icon.get("state", {}):
                if platform != "binary_sensor":  # on/off come from Home Assistant
                    _require(f"entity.{platform}.{key}.state.{state}")
    assert set(icons["services"]) == set(TRANSLATIONS["en"]["services"])


# -- exceptions ----------------------------------------------------------------------------


def _calls_with_translation_keys() -> Iterator[tuple[str, str, ast.expr | None]]:
    """(file, key, placeholders expression) of every literal exception translation key."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name.endswith(("EntityDescription", "async_create_issue")):
                    continue  # entity names and repair issues: see their own tests
                keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
                key = keywords.get("translation_key")
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield path.name, key.value, keywords.get("translation_placeholders")
            elif isinstance(node, ast.Dict):
                entries = {
                    k.value: v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
                key = entries.get("translation_key")
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield path.name, key.value, entries.get("translation_placeholders")


def test_exception_keys() -> None:
    """Every translation key raised in code (and each of the contract) has a message."""
    used = {key for _, key, _ in _calls_with_translation_keys()}
    assert used  # the scan found the code's keys
    for key in used | CONTRACT_EXCEPTIONS | ORDER_RULE_KEYS:
        _require(f"exceptions.{key}.message")


def test_issue_keys() -> None:
    """Every repair issue raised in code has a title and a description in both languages,
    using exactly the placeholders the code gives."""
    found = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("async_create_issue"):
                keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
                key = keywords["translation_key"]
                placeholders = keywords["translation_placeholders"]
                assert isinstance(key, ast.Constant)
                assert isinstance(key.value, str)
                assert isinstance(placeholders, ast.Dict)
                given = {k.value for k in placeholders.keys if isinstance(k, ast.Constant)}
                for part in ("title", "description"):
                    _require(f"issues.{key.value}.{part}")
                    wanted = set(PLACEHOLDER.findall(FLAT["en"][f"issues.{key.value}.{part}"]))
                    assert wanted <= given, f"{path.name}: {key.value}.{part} uses {wanted}"
                found += 1
    assert found  # the scan found the issue


def test_exception_placeholders() -> None:
    """Literal placeholders given with a key are exactly those its message uses."""
    for file, key, placeholders in _calls_with_translation_keys():
        message = FLAT["en"][f"exceptions.{key}.message"]
        wanted = set(PLACEHOLDER.findall(message))
        if placeholders is None:
            assert not wanted, f"{file}: {key} needs placeholders {wanted}"
        elif isinstance(placeholders, ast.Dict) and all(
            isinstance(k, ast.Constant) for k in placeholders.keys
        ):
            given = {k.value for k in placeholders.keys if isinstance(k, ast.Constant)}
            assert given == wanted, f"{file}: {key} gets {given}, its message uses {wanted}"


# -- config flow ---------------------------------------------------------------------------


def _config_flow_strings() -> tuple[set[str], set[str]]:
    """Error and abort reasons written literally in config_flow.py."""
    tree = ast.parse((PACKAGE / "config_flow.py").read_text(encoding="utf-8"))
    errors: set[str] = set()
    aborts: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "base"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    errors.add(value.value)
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            reasons = [kw.value for kw in node.keywords if kw.arg == "reason"]
            if name.endswith(("AbortFlow", "async_abort")) and node.args:
                reasons.append(node.args[0])
            aborts.update(
                r.value for r in reasons if isinstance(r, ast.Constant) and isinstance(r.value, str)
            )
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.endswith("_successful")
        ):
            aborts.add(node.value)
    return errors, aborts


def test_config_flow_errors_and_aborts() -> None:
    """Every error and abort reason of the flow (and of the contract) is translated."""
    errors, aborts = _config_flow_strings()
    assert errors
    for error in errors | CONTRACT_ERRORS:
        _require(f"config.error.{error}")
    for abort in aborts | CONTRACT_ABORTS:
        _require(f"config.abort.{abort}")


def _schema_fields(schema: vol.Schema) -> set[str]:
    return {str(marker) for marker in schema.schema}


async def test_flow_forms(hass: HomeAssistant) -> None:
    """The fields of every form have a label and a description, in both languages."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="smmpllus.com",
        data={"url": "https://smmpllus.com/api/v2", "api_key": "k"},
    )
    entry.add_to_hass(hass)
    forms: list[tuple[str, ConfigFlowResult]] = [
        (
            "config",
            await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER}),
        ),
        ("config", await entry.start_reauth_flow(hass)),
        ("config", await entry.start_reconfigure_flow(hass)),
        ("options", await hass.config_entries.options.async_init(entry.entry_id)),
    ]
    for section, result in forms:
        assert result["type"] is FlowResultType.FORM
        step = f"{section}.step.{result['step_id']}"
        _require(f"{step}.title")
        _require(f"{step}.description")
        given = set(result.get("description_placeholders") or {})
        for part in ("title", "description"):
            assert set(PLACEHOLDER.findall(FLAT["en"][f"{step}.{part}"])) <= given
        schema = result["data_schema"]
        assert schema is not None
        for field in _schema_fields(schema):
            _require(f"{step}.data.{field}")
            _require(f"{step}.data_description.{field}")
        assert not _units(schema), f"{step}: units the frontend shows untranslated"


def _units(schema: vol.Schema) -> dict[str, str]:
    """The `unit_of_measurement` of each selector of a form (shown as it stands, untranslated)."""
    units: dict[str, str] = {}
    for marker, validator in schema.schema.items():
        parts = validator.validators if isinstance(validator, vol.All) else [validator]
        for part in parts:
            if isinstance(part, Selector) and "unit_of_measurement" in part.config:
                units[str(marker)] = part.config["unit_of_measurement"]
    return units


def test_options_labels_name_their_units() -> None:
    """The units the number boxes do not show are in the labels, in each language."""
    labels = {
        "en": {"scan_interval": "(minutes)", "finished_order_retention": "(hours)"},
        "ar": {"scan_interval": "(بالدقائق)", "finished_order_retention": "(بالساعات)"},
    }
    for language, units in labels.items():
        for option, unit in units.items():
            assert FLAT[language][f"options.step.init.data.{option}"].endswith(unit)


# -- actions -------------------------------------------------------------------------------


def _services_yaml() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PACKAGE / "services.yaml").read_text(encoding="utf-8"))
    return {name: spec for name, spec in loaded.items() if not name.startswith(".")}


def test_action_keys() -> None:
    """Every action, field and section of services.yaml is translated, and nothing else."""
    services = _services_yaml()
    assert set(services) == set(PANEL_ACTION)  # the actions of CONTRACT §4
    assert set(TRANSLATIONS["en"]["services"]) == set(services)
    for name, spec in services.items():
        _require(f"services.{name}.name")
        _require(f"services.{name}.description")
        fields: set[str] = set()
        sections: set[str] = set()
        for field, field_spec in (spec or {}).get("fields", {}).items():
            if isinstance(field_spec, dict) and "fields" in field_spec:
                sections.add(field)
                fields.update(field_spec["fields"])
            else:
                fields.add(field)
        for field in fields:
            _require(f"services.{name}.fields.{field}.name")
            _require(f"services.{name}.fields.{field}.description")
        for section in sections:
            _require(f"services.{name}.sections.{section}.name")
        translated = TRANSLATIONS["en"]["services"][name]
        assert set(translated.get("fields", {})) == fields
        assert set(translated.get("sections", {})) == sections
        assert ("config_entry_id" in fields) == (name != "find_services")
    assert "unit_of_measurement" not in (PACKAGE / "services.yaml").read_text(encoding="utf-8")
