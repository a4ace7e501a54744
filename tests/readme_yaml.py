"""The README's YAML examples as a person copies them, for the tests that run them for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

README = Path(__file__).resolve().parents[1] / "README.md"


def yaml_blocks() -> list[str]:
    """The text of every fenced ```yaml block of README.md, in order."""
    text = README.read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in text.split("```yaml\n")[1:]]


def readme_automation(alias: str) -> dict[str, Any]:
    """The README example automation called `alias`, as a person pastes it into the editor."""
    for block in yaml_blocks():
        loaded = yaml.safe_load(block)
        if isinstance(loaded, dict):
            for automation in loaded.get("automation") or []:
                if automation.get("alias") == alias:
                    found: dict[str, Any] = automation
                    return found
    msg = f"README.md has no automation {alias!r}"
    raise AssertionError(msg)
