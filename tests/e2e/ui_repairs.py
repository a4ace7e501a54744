"""The panel drops the order's service: a catalogue refresh, and the repair it raises."""

from __future__ import annotations

import json
import re
from typing import Final
import urllib.request

from playwright.sync_api import Locator, expect

from tests.develop_process import Develop
from tests.fake_panel.control import CONTROL_PATH

from .ui import ENTRY_TITLE, ORDER_SERVICE, Person

ACTION: Final = "smm_panel.get_services"


def change_catalogue(develop: Develop, **change: list[str]) -> list[str]:
    """The running fake panel drops (`remove`) or brings back (`restore`) services, as real
    panels do; the ids it offers afterwards."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{develop.panel_port}{CONTROL_PATH}",
        data=json.dumps(change).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - 127.0.0.1
        offered: list[str] = json.loads(answer.read())["services"]
    return offered


def refresh_catalogue(person: Person) -> None:
    """Developer tools → Actions → `smm_panel.get_services`, Refresh on: a catalogue fetch."""
    page, ha = person.page, person.ha
    page.locator("ha-sidebar a[href='/developer-tools']").click()
    page.get_by_role("tab", name=ha["ui.panel.developer-tools.tabs.actions.title"]).click()
    page.wait_for_url("**/developer-tools/action")
    page.locator("ha-service-picker input").fill(ACTION)
    page.get_by_role("option").filter(has_text=ACTION).click()

    action = person.ours["services"]["get_services"]
    expect(page.get_by_text(action["description"])).to_be_visible()

    def row(field_name: str) -> Locator:
        return page.locator("ha-settings-row").filter(
            has=page.get_by_text(action["fields"][field_name]["name"], exact=True)
        )

    row("config_entry_id").locator("ha-config-entry-picker").click()
    page.get_by_role("option").filter(has_text=ENTRY_TITLE).click()
    refresh = row("refresh")
    refresh.get_by_role("checkbox").check()  # optional, ticked already: it has a default
    refresh.get_by_role("switch").check()
    expect(refresh.get_by_role("switch")).to_be_checked()
    page.get_by_role(
        "button", name=ha["ui.panel.developer-tools.tabs.actions.call_service"]
    ).click()
    # The catalogue as fetched now: it starts with service 2, service 1 is gone.
    response = page.locator("ha-code-editor .cm-content").last
    expect(response).to_contain_text('service: "2"')
    expect(response).not_to_contain_text(re.compile(rf'service: "{ORDER_SERVICE}"\s'))


def service_gone_repair(person: Person) -> Locator:
    """The panel drops the order's service; a catalogue fetch; Settings → System → Repairs
    lists the issue, titled in the person's language. Returns the repairs card."""
    page = person.page
    assert ORDER_SERVICE not in change_catalogue(person.develop, remove=[ORDER_SERVICE])
    refresh_catalogue(person)
    person.open_settings("ui.panel.config.dashboard.system.main", "**/config/system")
    page.get_by_text(person.ha["ui.panel.config.repairs.caption"], exact=True).click()
    page.wait_for_url("**/config/repairs")
    title: str = person.ours["issues"]["service_removed"]["title"]
    for placeholder, value in (("{service}", ORDER_SERVICE), ("{panel}", ENTRY_TITLE)):
        title = title.replace(placeholder, value)
    repairs = page.locator("ha-config-repairs")
    issue = repairs.locator("ha-md-list-item").filter(has=page.get_by_text(title, exact=True))
    expect(issue).to_have_count(1)
    expect(issue).to_be_visible()
    return page.locator("ha-card").filter(has=repairs)
