"""The blueprints of `blueprints/automation/smm_panel/` (CONTRACT.md §10), run in Home Assistant.

Every file under `blueprints/` must be a valid blueprint of the domain its folder names, with
a description, a `source_url` pointing at itself in the GitHub repository (what the README's
import badges open) and a selector on every input.

Each blueprint is then used the way a user would: the repository's file is copied into the test
instance's `blueprints/automation/smm_panel/`, an automation is set up with `use_blueprint`, and
the integration, set up against the fake panel, sees orders end and the balance move through its
ordinary polls. The follow-up actions are a mock `test.notify` action, whose calls show what the
blueprint ran and with which variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.components.blueprint import importer
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from tests.fake_panel import (
    SERVICE_FOLLOWERS,
    SERVICE_LIKES_DRIPFEED,
    SERVICE_TIKTOK_FOLLOWERS,
    FakePanel,
    Fault,
)
from tests.polling_helpers import BALANCE, fire_poll, state_of
from tests.services_common import ENTRY_ID, FOLLOWERS, LINK, call, runtime

pytestmark = pytest.mark.usefixtures("runs_cleanly")  # tests/conftest.py

REPOSITORY = Path(__file__).parent.parent
BLUEPRINTS = REPOSITORY / "blueprints"
BLUEPRINT_FILES = sorted(BLUEPRINTS.rglob("*.yaml"))
GITHUB = "https://github.com/smm-panel-ha/smm-panel-ha/blob/main/"
RAW_GITHUB = "https://raw.githubusercontent.com/smm-panel-ha/smm-panel-ha/main/"
REFILL = "refill_partial_orders.yaml"
LOW_BALANCE = "low_balance_alert.yaml"
REORDER = "reorder_remains.yaml"
AUTOMATION = "automation.blueprint_under_test"
TIKTOK_LINK = "https://www.tiktok.com/@example"
NOTIFY = "test.notify"

BLUEPRINT_SCHEMAS = {"automation": AUTOMATION_BLUEPRINT_SCHEMA}
"""The schema of each blueprint domain the repository ships (its folder under blueprints/)."""


def notify_with(message: str) -> list[dict[str, Any]]:
    """A blueprint's action input: the mock notify action with a message template."""
    return [{"action": NOTIFY, "data": {"message": message}}]


def messages(calls: list[ServiceCall]) -> list[str]:
    """The rendered messages of the mock notify action's calls."""
    return [str(notify_call.data["message"]) for notify_call in calls]


@dataclass
class Bench:
    """The integration set up against the fake panel, for an automation using a blueprint."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    entry: MockConfigEntry
    panel: FakePanel
    notified: list[ServiceCall]
    """The calls of the mock notify action."""

    async def automate(self, name: str, inputs: dict[str, Any]) -> None:
        """Set up an automation using one of the repository's blueprints, with `inputs`."""
        hass = self.hass
        target = Path(hass.config.path("blueprints", "automation", "smm_panel", name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BLUEPRINTS / "automation" / "smm_panel" / name, target)
        config = {
            "alias": "Blueprint under test",
            "use_blueprint": {"path": f"smm_panel/{name}", "input": inputs},
        }
        assert await async_setup_component(hass, "automation", {"automation": config})
        await hass.async_block_till_done()
        assert state_of(hass, AUTOMATION).state == "on"  # it loaded and validated

    def last_triggered(self) -> object:
        """When the automation under test last ran (None: never, its trigger did not match)."""
        return state_of(self.hass, AUTOMATION).attributes.get("last_triggered")

    async def place(self, order: dict[str, object]) -> str:
        """Place an order through `add_order` and let a poll see it (no event yet): its id."""
        placed = await call(self.hass, "add_order", order)
        assert isinstance(placed, dict)
        await fire_poll(self.hass, self.freezer)
        return str(placed["order"])

    async def end(self, order_id: str, status: str, *, remains: int | None = None) -> None:
        """Reset the panel's statistics, end the order on the panel, and poll.

        The poll sees it end and fires `smm_panel_order_status_changed`, which the blueprint
        under test acts on.
        """
        self.panel.reset_stats()
        self.panel.set_order_status(order_id, status, remains=remains)
        await fire_poll(self.hass, self.freezer)

    async def place_and_end(
        self, order: dict[str, object], status: str, *, remains: int | None = None
    ) -> str:
        """`place` an order, then `end` it: its id."""
        order_id = await self.place(order)
        await self.end(order_id, status, remains=remains)
        return order_id

    async def poll_with_balance(self, balance: str) -> None:
        """Set the panel's balance and let a poll bring it to the balance sensor."""
        self.panel.balance = balance
        await fire_poll(self.hass, self.freezer)
        assert float(state_of(self.hass, BALANCE).state) == float(balance)

    def assert_did_nothing(self, action: str, *, triggered: bool) -> None:
        """The panel was sent no `action` and nothing was notified; the automation ran or not."""
        assert self.panel.counts[action] == 0
        assert self.notified == []
        assert (self.last_triggered() is not None) is triggered


@pytest.fixture
def bench(
    hass: HomeAssistant,
    tmp_path: Path,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
    panel: FakePanel,
) -> Bench:
    """The set-up integration, a mock `test.notify` action, and a fresh config dir.

    The config dir becomes a fresh temporary one, so the blueprint copies do not land in
    the test plugin's shared `testing_config` folder.
    """
    hass.config.config_dir = str(tmp_path)
    notified: list[ServiceCall] = async_mock_service(hass, "test", "notify")
    return Bench(hass, freezer, setup_integration, panel, notified)


# -- every file is a blueprint ------------------------------------------------------------


def test_the_contract_blueprints_ship() -> None:
    """The three blueprints of CONTRACT.md §10, and nothing else, are in the repository."""
    assert [path.relative_to(BLUEPRINTS).as_posix() for path in BLUEPRINT_FILES] == [
        f"automation/smm_panel/{name}" for name in sorted((LOW_BALANCE, REFILL, REORDER))
    ]


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda path: path.name)
def test_every_file_is_a_valid_blueprint(path: Path) -> None:
    """Valid for its folder's domain, runs on 2025.4, describes itself, points at itself."""
    domain = path.relative_to(BLUEPRINTS).parts[0]
    data = yaml_util.load_yaml(path)
    assert isinstance(data, dict)
    blueprint = Blueprint(
        data, expected_domain=domain, path=path.name, schema=BLUEPRINT_SCHEMAS[domain]
    )

    assert blueprint.validate() is None  # min_version is satisfied by this Home Assistant
    metadata = blueprint.metadata
    assert metadata["homeassistant"]["min_version"] == "2025.4.0"
    assert metadata["source_url"] == GITHUB + path.relative_to(REPOSITORY).as_posix()
    assert metadata["name"].startswith("SMM Panel")
    assert len(metadata["description"]) > 200
    assert blueprint.inputs
    for name, spec in blueprint.inputs.items():
        assert spec is not None, name
        assert spec.get("name"), name
        assert spec.get("description"), name
        assert spec.get("selector"), name
    assert yaml_util.extract_inputs(data) == set(blueprint.inputs)  # each input is used
    assert "mode" in data  # chosen, not left to the default


async def test_the_blueprint_integration_loads_them_all(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """Home Assistant's own loader lists every blueprint copied into its folder, none failing."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINTS, tmp_path / "blueprints")
    assert await async_setup_component(hass, "automation", {})

    loaded = await async_get_blueprints(hass).async_get_blueprints()

    assert sorted(loaded) == [
        f"smm_panel/{name}" for name in sorted((LOW_BALANCE, REFILL, REORDER))
    ]
    for path, blueprint in loaded.items():
        assert isinstance(blueprint, Blueprint), (path, blueprint)


@pytest.mark.parametrize("name", [REFILL, LOW_BALANCE, REORDER])
async def test_the_source_url_imports(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, name: str
) -> None:
    """The source URL (the import badge's) is what Home Assistant's importer fetches."""
    path = BLUEPRINTS / "automation" / "smm_panel" / name
    url = GITHUB + path.relative_to(REPOSITORY).as_posix()
    raw = path.read_text(encoding="utf-8")
    aioclient_mock.get(RAW_GITHUB + path.relative_to(REPOSITORY).as_posix(), text=raw)

    imported = await importer.fetch_blueprint_from_url(hass, url)

    assert imported.raw_data == raw
    assert imported.suggested_filename == f"smm-panel-ha/{path.stem}"
    assert imported.blueprint.domain == "automation"
    assert imported.blueprint.metadata["source_url"] == url


# -- refill_partial_orders ----------------------------------------------------------------


async def test_refill_a_partial_order_of_a_refillable_service(bench: Bench) -> None:
    """A partial order whose service offers refill: one refill request, tracked, then notify."""
    await bench.automate(
        REFILL,
        {
            "config_entry": ENTRY_ID,
            "notify": notify_with(
                "{{ order }}|{{ service_name }}|{{ remains }}|{{ refill_id }}|{{ refill_error }}"
            ),
        },
    )

    order_id = await bench.place_and_end(FOLLOWERS, "Partial", remains=250)

    panel = bench.panel
    assert panel.counts["refill"] == 1
    (request,) = [request for request in panel.requests if request.action == "refill"]
    assert request.ids == (order_id,)
    (refill_id,) = panel.refills
    assert runtime(bench.entry).tracker.orders[order_id].refill_id == refill_id
    assert messages(bench.notified) == [
        f"{order_id}|Instagram Followers [Refill 30D]|250|{refill_id}|None"
    ]


async def test_refill_refused_by_the_panel_reaches_the_follow_up(bench: Bench) -> None:
    """The panel's refusal (a refill still running) comes to the follow-up as `refill_error`."""
    await bench.automate(
        REFILL,
        {"config_entry": ENTRY_ID, "notify": notify_with("{{ refill_id }}|{{ refill_error }}")},
    )
    order_id = await bench.place(FOLLOWERS)
    bench.panel.create_refill(order_id)  # unfinished: the panel refuses another one
    await bench.end(order_id, "Partial", remains=100)

    assert bench.panel.counts["refill"] == 1
    (message,) = messages(bench.notified)
    refill_id, refill_error = message.split("|")
    assert refill_id == "None"
    assert refill_error not in {"", "None"}


@pytest.mark.parametrize(
    ("entry_id", "order", "status", "remains", "triggered"),
    [
        pytest.param(
            ENTRY_ID,
            {"service": SERVICE_TIKTOK_FOLLOWERS, "link": TIKTOK_LINK, "quantity": 1000},
            "Partial",
            None,
            True,
            id="partial-of-a-service-without-refill",
        ),
        pytest.param(ENTRY_ID, FOLLOWERS, "Completed", None, False, id="completed"),
        pytest.param(ENTRY_ID, FOLLOWERS, "Canceled", None, False, id="canceled"),
        # Another account's partial orders are not its business.
        pytest.param(
            "01JSOMEOTHERSMMPANELENTRY0", FOLLOWERS, "Partial", 250, False, id="another-entry"
        ),
    ],
)
async def test_refill_leaves_other_orders_alone(
    bench: Bench,
    entry_id: str,
    order: dict[str, object],
    status: str,
    remains: int | None,
    triggered: bool,
) -> None:
    """No refill for a service without refill (the run stops), nor for another ending, nor
    for another entry's order."""
    await bench.automate(REFILL, {"config_entry": entry_id, "notify": notify_with("refilled")})

    await bench.place_and_end(order, status, remains=remains)

    bench.assert_did_nothing("refill", triggered=triggered)
    assert bench.panel.refills == {}


async def test_refill_leaves_an_order_of_an_unknown_service_alone(bench: Bench) -> None:
    """An order only tracked (placed on the website): its service is unknown, no refill."""
    await bench.automate(REFILL, {"config_entry": ENTRY_ID, "notify": notify_with("refilled")})
    order_id = bench.panel.create_order(SERVICE_FOLLOWERS, LINK, 1000)
    await call(bench.hass, "track_orders", {"orders": order_id})
    await fire_poll(bench.hass, bench.freezer)
    await bench.end(order_id, "Partial", remains=300)

    bench.assert_did_nothing("refill", triggered=True)


# -- reorder_remains ----------------------------------------------------------------------


@pytest.mark.parametrize("cost_limit", [0.225, 5])
async def test_reorder_places_exactly_the_remains_within_the_limit(
    bench: Bench, cost_limit: float
) -> None:
    """250 of 1000 followers undelivered: 250 re-ordered (0.225 USD, the limit included)."""
    await bench.automate(
        REORDER,
        {
            "config_entry": ENTRY_ID,
            "cost_limit": cost_limit,
            "notify": notify_with(
                "{{ order }}|{{ new_order }}|{{ remains }}|{{ service_name }}"
                "|{{ estimated_cost }}|{{ currency }}"
            ),
        },
    )

    order_id = await bench.place_and_end(FOLLOWERS, "Partial", remains=250)

    panel = bench.panel
    adds = [request for request in panel.requests if request.action == "add"]
    assert [request.fields for request in adds] == [
        {"action": "add", "service": SERVICE_FOLLOWERS, "link": LINK, "quantity": "250"}
    ]
    new_order = next(reversed(panel.orders))
    assert new_order != order_id
    tracked = runtime(bench.entry).tracker.orders[new_order]
    assert (tracked.service_id, tracked.link, tracked.quantity) == (SERVICE_FOLLOWERS, LINK, 250)
    assert messages(bench.notified) == [
        f"{order_id}|{new_order}|250|Instagram Followers [Refill 30D]|0.225|USD"
    ]


@pytest.mark.parametrize(
    ("cost_limit", "order", "status", "remains", "triggered"),
    [
        # It runs, and stops at its condition:
        pytest.param(0.224, FOLLOWERS, "Partial", 250, True, id="over-the-limit"),
        pytest.param(0, FOLLOWERS, "Partial", 250, True, id="limit-zero"),
        pytest.param(10, FOLLOWERS, "Partial", 20, True, id="below-the-service-minimum"),
        pytest.param(
            10,
            {"service": SERVICE_LIKES_DRIPFEED, "link": LINK, "quantity": 30000}
            | {"runs": 2, "interval": 5},
            "Partial",
            55000,
            True,
            id="above-the-service-maximum",
        ),
        # No remains to deliver (a partial one that delivered nothing: charge 0): no run at all.
        pytest.param(100, FOLLOWERS, "Completed", None, False, id="completed"),
        pytest.param(100, FOLLOWERS, "Partial", 1000, False, id="nothing-delivered"),
    ],
)
async def test_reorder_places_nothing_it_may_not(
    bench: Bench,
    cost_limit: float,
    order: dict[str, object],
    status: str,
    remains: int | None,
    triggered: bool,
) -> None:
    """Over the cost limit, remains the service would refuse, or no remains: no order, no
    follow-up."""
    await bench.automate(
        REORDER,
        {"config_entry": ENTRY_ID, "cost_limit": cost_limit, "notify": notify_with("re-ordered")},
    )

    await bench.place_and_end(order, status, remains=remains)

    bench.assert_did_nothing("add", triggered=triggered)


# -- low_balance_alert --------------------------------------------------------------------


async def test_low_balance_alert_fires_once_per_crossing(bench: Bench) -> None:
    """Below 5: one alert; still below, or back after a failed poll: none; up and down: one."""
    await bench.automate(
        LOW_BALANCE,
        {
            "balance_entity": BALANCE,
            "amount": 5,
            "notify": notify_with(
                "{{ balance }} {{ currency }} < {{ amount }} ({{ balance_entity }})"
            ),
        },
    )
    notified = bench.notified

    await bench.poll_with_balance("50")
    assert notified == []

    await bench.poll_with_balance("4.5")
    assert messages(notified) == [f"4.5 USD < 5 ({BALANCE})"]

    await bench.poll_with_balance("3.25")  # still below: no second alert
    assert len(notified) == 1

    bench.panel.inject(Fault.HTTP_503, action="balance", times=2)  # reads are retried once
    await fire_poll(bench.hass, bench.freezer)
    assert state_of(bench.hass, BALANCE).state == STATE_UNAVAILABLE
    await bench.poll_with_balance("3.25")  # back, still below: no alert
    assert len(notified) == 1

    await bench.poll_with_balance("5")  # the amount itself is not below
    assert len(notified) == 1

    await bench.poll_with_balance("4.99")
    assert messages(notified)[1:] == [f"4.99 USD < 5 ({BALANCE})"]


async def test_low_balance_alert_default_is_a_persistent_notification(bench: Bench) -> None:
    """Without a notification of the user's own, a persistent notification tells the balance."""
    created: list[ServiceCall] = async_mock_service(bench.hass, "persistent_notification", "create")
    await bench.automate(LOW_BALANCE, {"balance_entity": BALANCE, "amount": 10.5})

    await bench.poll_with_balance("7.5")

    assert [notification.data for notification in created] == [
        {
            "title": "SMM panel balance low",
            "message": "The balance of 127.0.0.1 Balance is 7.5 USD, below 10.5 USD.",
        }
    ]
