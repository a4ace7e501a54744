"""The README's dashboard cards, stored as the Overview dashboard and looked at."""

from __future__ import annotations

import re
from typing import Any, Final

from playwright.sync_api import Locator, expect
import yaml

from tests.develop_process import REPO
from tests.fake_panel.catalogue import default_catalogue

from .ui import ENTRY_SLUG, ORDER_SERVICE, Person

README_CARDS: Final = {"entities": "hui-entities-card", "todo-list": "hui-todo-list-card"}
"""The README's cards that the test shows, by type, and the frontend's element of each."""


def show_readme_cards(person: Person, order_id: str) -> dict[str, Locator]:
    """Store the README's cards as the Overview dashboard, open it; each card by its type.

    Stored over the frontend's own websocket connection, as the card editor stores them.
    """
    page = person.page
    cards = {kind: readme_card(kind, ENTRY_SLUG, order_id) for kind in README_CARDS}
    page.evaluate(
        """(config) => document.querySelector("home-assistant").hass.callWS(
            {type: "lovelace/config/save", config})""",
        {"views": [{"path": "smm", "cards": list(cards.values())}]},
    )
    page.locator("ha-sidebar a[href='/lovelace']").click()
    page.wait_for_url("**/lovelace/**")
    page.reload()  # the open frontend keeps the dashboard it had generated
    shown = {
        kind: page.locator(README_CARDS[kind]).filter(
            has=page.get_by_text(card["title"], exact=True)
        )
        for kind, card in cards.items()
    }
    for card in shown.values():
        expect(card).to_be_visible()
    return shown


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
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^### Dashboard card\n(.*?)(?=^#)", readme, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no '### Dashboard card' section"
    blocks = re.findall(r"^```yaml\n(.*?)^```", section[1], re.MULTILINE | re.DOTALL)
    cards: list[dict[str, Any]] = [
        yaml.safe_load(block.replace("smmpllus_com", entry_slug).replace("23501", order_id))
        for block in blocks
    ]
    found = [card for card in cards if card.get("type") == card_type]
    assert len(found) == 1, f"README.md's '### Dashboard card' shows {len(found)} {card_type} cards"
    return found[0]
