"""The README's dashboard cards, stored as the Overview dashboard and looked at."""

from __future__ import annotations

from typing import Any, Final

from playwright.sync_api import Locator, Page, expect
import yaml

from tests.fake_panel.catalogue import default_catalogue
from tests.readme_blocks import readme_blocks

from .ui import ENTRY_SLUG, ENTRY_TITLE, ORDER_SERVICE, Person

README_CARDS: Final = {"entities": "hui-entities-card", "todo-list": "hui-todo-list-card"}
"""The README's cards that the test shows, by type, and the frontend's element of each."""
STATISTICS_TIMEOUT_MS: Final = 360_000
"""Long enough for the next 5-minute statistics after the order, and some seconds."""
ORDER_SPEND: Final = 0.09
"""What the order cost: 100 x 0.90 / 1000."""


def show_readme_cards(person: Person, order_id: str) -> dict[str, Locator]:
    """Store the README's cards as the Overview dashboard, open it; each card by its type."""
    page = person.page
    cards = {kind: readme_card(kind, ENTRY_SLUG, order_id) for kind in README_CARDS}
    _show_dashboard(page, list(cards.values()))
    shown = {
        kind: page.locator(README_CARDS[kind]).filter(
            has=page.get_by_text(card["title"], exact=True)
        )
        for kind, card in cards.items()
    }
    for card in shown.values():
        expect(card).to_be_visible()
    return shown


def show_spend_statistics(person: Person, order_id: str) -> Locator:
    """The README's statistics card of the spend sensor, once it has the order's spend.

    In 5-minute periods, not the README's days: a day's statistics are summed from hourly
    ones, which the recorder compiles at the top of each hour, while 5-minute ones come 5
    minutes apart (at :00, :05, … and some seconds). Waits for the first that holds the
    order, then reloads the dashboard: the card itself fetches again only 5 minutes later.
    """
    page = person.page
    card = {**readme_card("statistics-graph", ENTRY_SLUG, order_id), "period": "5minute"}
    _show_dashboard(page, [card])
    spent = page.wait_for_function(
        """([id, period]) => {
            const probe = (window.smmStatistics ??= {asking: false, spent: 0});
            const hass = document.querySelector("home-assistant")?.hass;
            if (hass && !probe.asking) {
                probe.asking = true;
                hass.callWS({
                    type: "recorder/statistics_during_period", statistic_ids: [id], period,
                    start_time: new Date(Date.now() - 86400000).toISOString(),
                    types: ["change"],
                }).then((found) => {
                    probe.spent = (found[id] ?? []).reduce((sum, row) => sum + row.change, 0);
                }).finally(() => { probe.asking = false; });
            }
            return probe.spent > 0 && probe.spent;
        }""",
        arg=[card["entities"][0], card["period"]],
        polling=5_000,
        timeout=STATISTICS_TIMEOUT_MS,
    ).json_value()
    assert round(spent, 2) == ORDER_SPEND, spent
    page.reload()
    shown = page.locator("hui-statistics-graph-card").filter(
        has=page.get_by_text(card["title"], exact=True)
    )
    expect(shown.locator("ha-chart-base canvas")).to_be_visible()
    legend = f"{ENTRY_TITLE} {person.entity_name('spent')}"
    expect(shown.get_by_text(legend, exact=True)).to_be_visible()
    no_data = person.ha["ui.components.statistics_charts.no_statistics_found"]
    expect(shown.get_by_text(no_data)).to_have_count(0)
    return shown


def _show_dashboard(page: Page, cards: list[dict[str, Any]]) -> None:
    """Store `cards` as the Overview dashboard, over the frontend's own websocket connection
    (as the card editor stores them), and open it."""
    page.evaluate(
        """(config) => document.querySelector("home-assistant").hass.callWS(
            {type: "lovelace/config/save", config})""",
        {"views": [{"path": "smm", "cards": cards}]},
    )
    page.locator("ha-sidebar a[href='/lovelace']").click()
    page.wait_for_url("**/lovelace/**")
    page.reload()  # the open frontend keeps the dashboard it had before


def completed_order_item(person: Person, card: Locator, order_id: str) -> Locator:
    """The order's item on the to-do list card: at 100 %, ticked, under "Completed".

    Its summary is todo.py's `"<order id> · <service name> · <progress> %"`.
    """
    service = default_catalogue()[ORDER_SERVICE].name
    summary = f"{order_id} · {service} · 100 %"
    header = person.ha["ui.panel.lovelace.cards.todo-list.checked_items"]
    completed = (
        card.locator("[role=separator]")
        .filter(has=person.page.get_by_text(header, exact=True))
        .locator("xpath=following-sibling::ha-check-list-item")
    )
    item = completed.filter(has=person.page.get_by_text(summary, exact=True))
    expect(item).to_have_count(1)
    expect(item.get_by_role("checkbox")).to_be_checked()
    return item


def readme_card(card_type: str, entry_slug: str, order_id: str) -> dict[str, Any]:
    """The README's dashboard card of `card_type`, for this entry and order."""
    found: list[dict[str, Any]] = [
        yaml.safe_load(block.text.replace("smmpllus_com", entry_slug).replace("23501", order_id))
        for block in readme_blocks()
        if block.kind == "card" and block.load()["type"] == card_type
    ]
    assert len(found) == 1, f"README.md shows {len(found)} {card_type} cards"
    return found[0]
