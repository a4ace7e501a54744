"""What the browser tests need besides the browser and `scripts/develop`: the texts to expect.

Kept free of Playwright so that `conftest.py` imports it on every lane.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from importlib import resources
import json
from typing import Any

import pytest

from tests.develop_process import REPO

COMPONENT = REPO / "custom_components" / "smm_panel"
README_PICTURES: dict[str, frozenset[str]] = {
    "en": frozenset(
        {
            "config-form",
            "action-response",
            "device-page",
            "dashboard-card",
            "todo-card",
            "automation-trigger",
            "repair",
            "spend-statistics",
        }
    ),
    "ar": frozenset({"config-form", "device-page", "repair"}),
}
"""The screenshots the README shows, by language: docs/images/<name>[-<language>].png."""
PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
"""Each test's reports by phase ("setup", "call", "teardown"), kept by conftest.py."""


# -- texts --------------------------------------------------------------------------------


def integration_strings(language: str) -> dict[str, Any]:
    """The integration's own translations (what the tests expect to see)."""
    path = COMPONENT / "translations" / f"{language}.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


class FrontendStrings:
    """The texts of the installed Home Assistant frontend in one language.

    The tests find buttons and tabs by the words a person reads, in the person's language;
    where the frontend has no translation it shows (and these return) the English text.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self._own = self._load(language)
        self._english = self._own if language == "en" else self._load("en")

    @staticmethod
    def _load(language: str) -> Mapping[str, str]:
        folder = resources.files("hass_frontend") / "static" / "translations"
        texts: dict[str, str] = {}
        for directory in (folder, *(item for item in folder.iterdir() if item.is_dir())):
            for item in directory.iterdir():
                # "<language>-<hash>.json" (not "en-GB-<hash>.json", nor .gz / .br copies)
                stem, _, suffix = item.name.rpartition(".")
                if suffix == "json" and stem.rpartition("-")[0] == language:
                    texts.update(json.loads(item.read_text(encoding="utf-8")))
        if not texts:
            msg = f"the installed frontend has no {language!r} translation"
            raise AssertionError(msg)
        return texts

    def __getitem__(self, key: str) -> str:
        """The text of `key` as the frontend shows it."""
        return self._own.get(key) or self._english[key]


def core_state_text(domain: str, device_class: str, state: str, language: str) -> str:
    """How Home Assistant names a state of a device class (English where it has no text)."""
    return core_text(domain, language, "entity_component", device_class, "state", state)


def core_text(domain: str, language: str, *keys: str) -> str:
    """A text of one of Home Assistant's own integrations (English where it has none)."""
    folder = resources.files("homeassistant") / "components" / domain / "translations"
    for candidate in (language, "en"):
        path = folder / f"{candidate}.json"
        if path.is_file():
            text: Any = json.loads(path.read_text(encoding="utf-8"))
            with suppress(KeyError):
                for key in keys:
                    text = text[key]
                if isinstance(text, str):
                    return text
    msg = f"no text for {domain} {' '.join(keys)}"
    raise AssertionError(msg)
