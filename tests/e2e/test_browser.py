"""A person sets the integration up and uses it: a real browser, a real Home Assistant.

`scripts/develop` (Home Assistant 2025.4 and the fake panel) and Debian's Chromium, driven
by Playwright; once in English, once in Arabic (server and user language), right to left.
The steps, all in the UI: onboarding; Settings → Devices & services → Add integration →
SMM Panel, a wrong key, then the right one; the device page; the options (polling every
minute); the README's first automation example pasted into a new automation's YAML mode and
saved; Developer tools → Actions → `smm_panel.add_order`; the order on the device page,
which is seen to reach Completed at a later poll (the demo's 20-second one), and the
automation's notification under Notifications; the options again
(a low-balance threshold) and the low-balance sensor; the README's dashboard cards (the
entities card, and the orders to-do list with the order ticked at 100 %); a new
automation's trigger on the order update event entity, offering its event types (not saved);
the panel dropping the order's service (its control endpoint), `smm_panel.get_services` with
Refresh, and the repair under Settings → System → Repairs (the service back afterwards);
last, in English only, the README's spend statistics card, once the recorder has compiled
the statistics that hold the order (5-minute ones: up to 5 minutes' wait).

Run with `scripts/test-e2e`; `SMM_E2E_SCREENSHOTS=docs/images scripts/test-e2e` refreshes
the README's pictures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="scripts/test-e2e installs Playwright")

from playwright.sync_api import Page, expect

from tests.develop_process import NEEDS_REPO_VENV, Develop
from tests.readme_blocks import readme_automation

from .harness import PHASE_REPORTS, README_PICTURES, core_state_text
from .ui import ENTRY_TITLE, ORDER_SERVICE, POLL_TIMEOUT_MS, Person, Shots, open_browser
from .ui_automation import (
    expect_notification,
    leave_unsaved,
    new_automation,
    order_update_trigger,
    pick_event_type,
    save_from_yaml,
)
from .ui_dashboard import completed_order_item, show_readme_cards, show_spend_statistics
from .ui_repairs import change_catalogue, service_gone_repair

README_AUTOMATION = "SMM order finished"
"""The README example a person creates: a notification when an order completes."""

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("socket_enabled"),
    NEEDS_REPO_VENV,
]


@pytest.fixture
def page(
    develop: Develop, language: str, tmp_path: Path, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser profile; on failure, a picture of the last screen."""
    with open_browser(tmp_path / "chromium-profile") as context:
        page = context.pages[0] if context.pages else context.new_page()
        yield page
        call = request.node.stash.get(PHASE_REPORTS, {}).get("call")
        if call is not None and call.failed:
            page.screenshot(path=artifacts / f"{language}-FAILED.png")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_person_sets_up_and_uses_the_panel(
    language: str,
    page: Page,
    develop: Develop,
    artifacts: Path,
    readme_images: Path | None,
) -> None:
    """Onboard, add the panel, order, watch it, set options, see the cards, start a trigger,
    see the repair of a dropped service, and (in English) the spend's statistics."""
    shots = Shots(artifacts, language, readme_images, README_PICTURES[language])
    person = Person(page, develop, language, shots)
    person.onboard()
    person.add_integration()

    person.open_device_page()
    balance, active = person.entity_name("balance"), person.entity_name("active_orders")
    expect(person.entity_row(balance)).to_contain_text("100.00")
    person.expect_state(active, "0")

    person.set_options(scan_interval="1")
    # A person's first automation: the README's example, pasted in YAML mode, saved.
    save_from_yaml(person, readme_automation(README_AUTOMATION))
    order_id = person.add_order()

    person.open_device_page()
    order = person.entity_name("order", order_id=order_id)
    # The order's row is there at once; whether it still reads Pending depends on how soon
    # the next poll comes (the demo polls every 20 s), so only its arrival is certain.
    expect(person.entity_row(order)).to_be_visible()
    expect(person.entity_row(balance)).to_contain_text("99.91")  # 100 - 100 x 0.90 / 1000
    # The fake panel finishes the order 75 s after it was placed; a later poll (the demo's
    # every 20 s, or the scheduled one a minute after the order) brings it in, and the
    # automation tells of it.
    person.expect_state(order, person.order_state("completed"), timeout=POLL_TIMEOUT_MS)
    person.expect_state(active, "0")
    expect_notification(person, f"Order {order_id} is completed (0 remaining).")

    person.set_options(shot="options", low_balance_threshold="150")
    person.open_device_page()
    low_balance = person.entity_name("low_balance", "binary_sensor")
    person.expect_state(low_balance, core_state_text("binary_sensor", "problem", "on", language))
    shots.take(page, "device-page")

    cards = show_readme_cards(person, order_id)
    card = cards["entities"]
    expect(card.get_by_text(f"{ENTRY_TITLE} {person.entity_name('balance')}")).to_be_visible()
    expect(
        card.get_by_text(f"{ENTRY_TITLE} {person.entity_name('low_balance', 'binary_sensor')}")
    ).to_be_visible()
    shots.take(page, "dashboard-card", element=card)
    completed_order_item(person, cards["todo-list"], order_id)
    shots.take(page, "todo-card", element=cards["todo-list"])

    # Never saved: a trigger on the order update event entity, its types offered.
    new_automation(person)
    trigger = order_update_trigger(person)
    shots.take(page, "automation-trigger")
    pick_event_type(person, trigger, "completed")
    leave_unsaved(person, "/developer-tools")

    # The panel drops the order's service: the next catalogue fetch raises a repair.
    shots.take(page, "repair", element=service_gone_repair(person))
    assert ORDER_SERVICE in change_catalogue(develop, restore=[ORDER_SERVICE])

    if language == "en":  # once is enough: it waits for the recorder's next statistics
        shots.take(page, "spend-statistics", element=show_spend_statistics(person, order_id))
