"""The README's fenced ```yaml blocks, named and sorted by kind, and what running them needs.

`tests/test_readme_examples.py` runs every block; a block of a kind this module does not know
is classified `unknown`, which fails that module's `test_every_block_is_tested`, so a new
example cannot stay untested. Cards have no backend to run them: `check_card` holds them to
what the frontend's card editors accept and to the entities of the set-up entry. `Bench`
runs automations: the services they call, the notifications and logbook entries they leave.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import timedelta
import json
import logging
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.logbook import LOG_MESSAGE_SCHEMA, async_log_entry
from homeassistant.components.recorder import statistics
from homeassistant.const import CONF_API_KEY, CONF_URL, EVENT_LOGBOOK_ENTRY
from homeassistant.core import Event, HomeAssistant, ServiceCall, ServiceResponse, callback
from homeassistant.helpers.recorder import get_instance
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import parse_yaml
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.smm_panel.const import CONF_LOW_BALANCE_THRESHOLD, DOMAIN
from tests.conftest import API_KEY
from tests.fake_panel import SERVICE_FOLLOWERS, FakePanel
from tests.polling_helpers import fire_poll, state_of
from tests.services_common import call

README = Path(__file__).resolve().parents[1] / "README.md"
PLACEHOLDER_ENTRY_ID = "01JABCDEF0123456789ABCDEFG"
"""The config entry id the README's examples use; a test puts its entry's id in its place."""
LINK = "https://instagram.com/my_account"
"""The README's link."""
FRONTEND_CARDS = frozenset(
    {
        # Built into Home Assistant's frontend (its always-loaded and lazily loaded cards).
        "alarm-panel", "area", "button", "calendar", "conditional", "entities", "entity",
        "entity-filter", "gauge", "glance", "grid", "heading", "history-graph",
        "horizontal-stack", "humidifier", "iframe", "light", "logbook", "map", "markdown",
        "media-control", "picture", "picture-elements", "picture-entity", "picture-glance",
        "plant-status", "sensor", "shopping-list", "statistic", "statistics-graph",
        "thermostat", "tile", "todo-list", "vertical-stack", "weather-forecast",
    }
)  # fmt: skip
_FENCE = re.compile(r"^```(\S*)\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One ```yaml block: where it stands in the README and what it holds."""

    heading: str
    """The nearest heading above the block, without `#` and backticks."""
    line: int
    """The line of README.md where the block's YAML starts."""
    text: str

    def load(self, entry_id: str = PLACEHOLDER_ENTRY_ID) -> Any:
        """The block parsed as Home Assistant parses YAML, with `entry_id` for the placeholder."""
        return parse_yaml(self.text.replace(PLACEHOLDER_ENTRY_ID, entry_id))

    @property
    def kind(self) -> str:
        """`action`, `automation`, `card`, `logger`, or `unknown` (which no test accepts)."""
        data = self.load()
        if not isinstance(data, dict):
            return "unknown"
        if {"action", "data"} <= set(data) and str(data["action"]).startswith(f"{DOMAIN}."):
            return "action"
        if set(data) == {"automation"} and isinstance(data["automation"], list):
            return "automation"
        if data.get("type") in FRONTEND_CARDS:
            return "card"
        return "logger" if set(data) == {"logger"} else "unknown"

    @property
    def name(self) -> str:
        """What the block is about: the action, the automations' aliases, the card's title."""
        data = self.load()
        match self.kind:
            case "action":
                return str(data["action"])
            case "automation":
                return ", ".join(str(automation.get("alias")) for automation in data["automation"])
            case "card":
                return f"{data['type']} {data.get('title', '')}".strip()
            case "logger":
                return "logger"
        return f"{self.heading} (line {self.line})"

    @property
    def test_id(self) -> str:
        """The id of the block's test: its kind and name."""
        return f"{self.kind}: {self.name}"


def readme_blocks() -> list[Block]:
    """Every ```yaml block of README.md, in order."""
    heading, fence, start, body, found = "", None, 0, list[str](), list[Block]()
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), start=1):
        fenced = _FENCE.match(line)
        if fence is None and fenced:
            fence, start, body = fenced.group(1), number + 1, []
        elif fence is not None and fenced and not fenced.group(1):
            if fence == "yaml":
                found.append(Block(heading, start, "\n".join(body) + "\n"))
            fence = None
        elif fence is not None:
            body.append(line)
        elif heading_match := _HEADING.match(line):
            heading = heading_match.group(1).replace("`", "")
    return found


def readme_automation(alias: str) -> dict[str, Any]:
    """The README example automation called `alias`, as plain data: what a person pastes
    into the automation editor (the smoke and browser tests save it in a running demo)."""
    for block in readme_blocks():
        if block.kind == "automation":
            for automation in block.load()["automation"]:
                if automation.get("alias") == alias:
                    plain: dict[str, Any] = json.loads(json.dumps(automation))
                    return plain
    msg = f"README.md has no automation {alias!r}"
    raise AssertionError(msg)


def params(kind: str, *, card: str | None = None, other: bool = False) -> list[Any]:
    """The blocks of one kind (of one card type, or of all the others), as test parameters."""
    return [
        pytest.param(block, id=block.test_id)
        for block in readme_blocks()
        if block.kind == kind and (card is None or (block.load()["type"] == card) != other)
    ]


def documented_response(block: Block, entry_id: str = PLACEHOLDER_ENTRY_ID) -> Any:
    """The response an action block's `# {...}` comment shows, as JSON (None: no comment).

    The comment follows `response_variable:` on its line or fills the lines after it.
    """
    parts: list[str] = []
    for line in block.text.replace(PLACEHOLDER_ENTRY_ID, entry_id).splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            parts.append(stripped.removeprefix("#").strip())
        elif stripped.startswith("response_variable:") and "#" in stripped:
            parts.append(stripped.split("#", 1)[1].strip())
    return json.loads(" ".join(parts)) if parts else None


def shape(value: Any) -> Hashable:
    """The keys of a response, of its items, and so on down: what a template can rely on.

    Items of a list, and values of a mapping keyed by ids (`{"23501": {...}}`), count as a
    set of shapes, so the ids themselves and the number of items do not matter.
    """
    if isinstance(value, dict):
        if value and all(str(key).isdigit() for key in value):
            return ("by id", frozenset(shape(item) for item in value.values()))
        return frozenset((key, shape(item)) for key, item in value.items())
    if isinstance(value, list):
        return ("list", frozenset(shape(item) for item in value))
    return "value"


# -- dashboard cards: what the card editors of home-assistant-frontend accept ---------------

_CARD_BASE = {"type", "view_layout", "layout_options", "grid_options", "visibility"}
CARD_OPTIONS: dict[str, set[str]] = {
    "todo-list": {"title", "theme", "entity", "hide_completed", "hide_create", "display_order"},
    "statistics-graph": {"entities", "title", "days_to_show", "period", "chart_type"}
    | {"stat_types", "unit", "hide_legend", "logarithmic_scale", "min_y_axis", "max_y_axis"}
    | {"fit_y_data"},
    "entities": {"title", "entity", "theme", "icon", "show_header_toggle", "state_color"}
    | {"entities", "header", "footer"},
}
"""The options of the card types the README uses; another type needs its line here."""
ROW_OPTIONS: dict[str | None, set[str]] = {
    None: {"entity", "name", "icon", "image", "secondary_info", "format", "state_color"}
    | {"tap_action", "hold_action", "double_tap_action", "confirmation"},
    "attribute": {"type", "entity", "attribute", "prefix", "suffix", "name", "icon", "format"},
}
"""The options of an `entities` card's rows: a plain entity row, an attribute row."""
CHOICES: dict[str, set[str]] = {
    "display_order": {"none", "alpha_asc", "alpha_desc", "duedate_asc", "duedate_desc"},
    "period": {"5minute", "hour", "day", "week", "month"},
    "chart_type": {"bar", "line"},
}
_SUMS, _MEANS = {"total", "total_increasing"}, {"measurement"}
STAT_TYPES = {"sum": _SUMS, "change": _SUMS, "state": _SUMS}
STAT_TYPES |= {"mean": _MEANS, "min": _MEANS, "max": _MEANS}
"""A statistics type, and the state classes whose statistics have it."""


def card_entities(card: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The (entity id, attribute or None) pairs a card shows."""
    named: list[tuple[str, str | None]] = [(str(card["entity"]), None)] if "entity" in card else []
    for row in card.get("entities", []):
        if isinstance(row, str):
            named.append((row, None))
        else:
            named.append((str(row["entity"]), row.get("attribute")))
    return named


def check_card(hass: HomeAssistant, card: dict[str, Any]) -> None:
    """Fail unless the frontend has the card and its options, and every entity and attribute
    it names exists in `hass` (with the statistics a statistics graph asks for)."""
    kind = card["type"]
    assert kind in FRONTEND_CARDS, kind
    assert kind in CARD_OPTIONS, f"card type {kind}: list its options in CARD_OPTIONS"
    assert set(card) <= CARD_OPTIONS[kind] | _CARD_BASE, set(card) - CARD_OPTIONS[kind]
    for option, allowed in CHOICES.items():
        assert option not in card or card[option] in allowed, (option, card[option])
    for row in card.get("entities", []):
        if isinstance(row, dict):
            assert set(row) <= ROW_OPTIONS[row.get("type")], row
    for entity_id, attribute in card_entities(card):
        state = hass.states.get(entity_id)
        assert state is not None, f"{entity_id} does not exist"
        if attribute is not None:
            assert state.attributes.get(attribute) is not None, (entity_id, attribute)
        if kind == "todo-list":
            assert entity_id.startswith("todo."), entity_id
        for stat_type in card.get("stat_types", []) if kind == "statistics-graph" else []:
            state_class = state.attributes.get("state_class")
            assert state_class in STAT_TYPES[stat_type], (entity_id, stat_type, state_class)


# -- running the blocks --------------------------------------------------------------------


def readme_entry(url: str, title: str, entry_id: str) -> MockConfigEntry:
    """An entry for the fake panel at `url`, with a low-balance threshold of 10 (so the
    low-balance sensor the README names exists)."""
    data = {CONF_URL: url, CONF_API_KEY: API_KEY}
    options = {CONF_LOW_BALANCE_THRESHOLD: 10}
    return MockConfigEntry(
        domain=DOMAIN, title=title, data=data, options=options, entry_id=entry_id
    )


async def long_term_statistics(
    hass: HomeAssistant, since: str, card: dict[str, Any]
) -> dict[str, list[Any]]:
    """The statistics a statistics-graph card shows: its entities, period and types."""
    return await get_instance(hass).async_add_executor_job(
        statistics.statistics_during_period,
        hass,
        dt_util.parse_datetime(since),
        None,
        set(card["entities"]),
        card["period"],
        None,
        set(card["stat_types"]),
    )


async def run_as_script(hass: HomeAssistant, step: dict[str, Any]) -> ServiceResponse:
    """Run an action block as the one step of a script that returns its response variable."""
    sequence = [step, {"stop": "done", "response_variable": step["response_variable"]}]
    config = {"script": {"readme_example": {"sequence": sequence}}}
    assert await async_setup_component(hass, "script", config)
    # A script that fails validation is still an (unavailable) entity: "off" means it loaded.
    assert state_of(hass, "script.readme_example").state == "off"
    return await hass.services.async_call(
        "script", "readme_example", blocking=True, return_response=True
    )


async def track_named_orders(hass: HomeAssistant, panel: FakePanel, card: Any) -> None:
    """Place, with `add_order`, each order whose sensor the card names, under that id."""
    for entity_id, _attribute in card_entities(card):
        if match := re.fullmatch(r"sensor\.smmpllus_com_order_(\d+)", entity_id):
            panel.number_next(order=int(match.group(1)))
            order = {"service": SERVICE_FOLLOWERS, "link": f"{LINK}/{match.group(1)}"}
            await call(hass, "add_order", order | {"quantity": 1000})


class KeptLogging:
    """Puts back the levels of some loggers, and the logger class, that a test changes."""

    def __init__(self, names: list[str]) -> None:
        """Remember the loggers' levels and the logger class now."""
        self.levels = {name: logging.getLogger(name).level for name in names}
        self.logger_class = logging.getLoggerClass()

    def restore(self) -> None:
        """Set them back as they were."""
        logging.setLoggerClass(self.logger_class)
        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)


def actions_in(node: Any) -> set[str]:
    """Every action an automation calls, wherever it is nested (`if`/`then` and so on)."""
    if isinstance(node, dict):
        found = {str(node["action"])} if "action" in node else set()
        return found.union(*(actions_in(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(actions_in(item) for item in node))
    return set()


@dataclass
class Bench:
    """The README's entry set up on the fake panel, and what automations leave behind."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    panel: FakePanel
    notifications: list[str] = field(default_factory=list)
    """The messages of the persistent notifications created."""
    logbook: list[Event] = field(default_factory=list)

    async def provide(self, actions: set[str]) -> None:
        """Load what `actions` need; `logbook.log` as the logbook's own stand-in.

        The logbook integration needs the frontend, which the latest lane does not install:
        `logbook.log` here validates with the logbook's schema and writes the entry as it does.
        """
        hass = self.hass
        for domain in sorted({action.split(".")[0] for action in actions} - {DOMAIN, "logbook"}):
            assert await async_setup_component(hass, domain, {})

        @callback
        def log(call: ServiceCall) -> None:
            domain, entity_id = call.data.get("domain"), call.data.get("entity_id")
            if domain is None and entity_id is None:
                domain = "logbook"
            name, message = call.data["name"], call.data["message"]
            async_log_entry(hass, name, message, domain, entity_id, call.context)

        hass.services.async_register("logbook", "log", log, schema=LOG_MESSAGE_SCHEMA)
        self.logbook = async_capture_events(hass, EVENT_LOGBOOK_ENTRY)

        @callback
        def notified(kind: Any, notifications: dict[str, Any]) -> None:
            if kind == persistent_notification.UpdateType.ADDED:
                self.notifications.extend(str(item["message"]) for item in notifications.values())

        persistent_notification.async_register_callback(hass, notified)

    async def place(self, service: str = SERVICE_FOLLOWERS, link: str = LINK) -> str:
        """Place 1000 of `service` for `link` with `add_order`: the order id."""
        placed = await call(self.hass, "add_order", {"service": service, "link": link} | {
            "quantity": 1000
        })  # fmt: skip
        assert isinstance(placed, dict)
        return str(placed["order"])

    async def poll(self, panel_seconds: float = 0) -> None:
        """Let `panel_seconds` pass at the panel, then poll."""
        self.panel.advance(panel_seconds)
        await fire_poll(self.hass, self.freezer)

    async def at(self, hour: int) -> None:
        """Move the clock to the next `hour` o'clock local time: time triggers fire."""
        now = dt_util.now()
        target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if target <= now:
            target += timedelta(days=1)
        self.freezer.move_to(target)
        async_fire_time_changed(self.hass, target)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def logged(self) -> list[tuple[str, str]]:
        """The logbook entries written: (name, message)."""
        return [(event.data["name"], event.data["message"]) for event in self.logbook]
