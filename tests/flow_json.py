"""A flow step as the frontend receives it: through Home Assistant's own flow views.

The views turn a form's schema into the JSON the frontend renders (with
voluptuous_serialize on 2025.x, probatio on 2026.x) and drop a created entry's data.
"""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.config.config_entries import (
    ConfigManagerFlowIndexView,
    OptionManagerFlowIndexView,
)
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant


def frontend_json(hass: HomeAssistant, result: ConfigFlowResult, *, options: bool = False) -> str:
    """The JSON text the config (or options) flow view would send for `result`."""
    step: Any = result  # the views' parameter types differ between Home Assistant versions
    if options:
        return json.dumps(
            OptionManagerFlowIndexView(hass.config_entries.options)._prepare_result_json(step),
            default=str,
        )
    return json.dumps(
        ConfigManagerFlowIndexView(hass.config_entries.flow)._prepare_result_json(step),
        default=str,
    )
