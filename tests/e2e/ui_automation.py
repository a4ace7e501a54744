"""The automation editor: a README example saved from YAML mode, and a trigger on the order
update event entity with its event types."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, expect
import yaml

from .harness import core_text
from .ui import ENTRY_TITLE, Person

EDITOR = "ui.panel.config.automation.editor.triggers"
"""Where the frontend keeps the texts of the automation editor's triggers."""


def new_automation(person: Person) -> None:
    """Settings → Automations & scenes → Create automation → Create new automation."""
    page, ha = person.page, person.ha
    person.open_settings(
        "ui.panel.config.dashboard.automations.main", "**/config/automation/dashboard"
    )
    page.get_by_role("button", name=ha["ui.panel.config.automation.picker.add_automation"]).click()
    page.locator("ha-dialog-new-automation").get_by_role("option").filter(
        has_text=ha["ui.panel.config.automation.dialog_new.create_empty"]
    ).click()
    page.wait_for_url("**/config/automation/edit/new")


def save_from_yaml(person: Person, automation: dict[str, Any]) -> None:
    """Create new automation → ⋮ → Edit in YAML, paste `automation`, Save, keep its name.

    What a person does with a README example: the automation goes to the demo's
    automations.yaml and runs from then on.
    """
    page, ha = person.page, person.ha
    new_automation(person)
    page.get_by_role("button", name=ha["ui.common.menu"]).first.click()
    page.get_by_text(ha["ui.panel.config.automation.editor.edit_yaml"], exact=True).click()
    editor = page.locator("ha-automation-editor ha-code-editor .cm-content").first
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    # As pasted: inserted whole, so the editor's auto-indent does not touch it.
    page.keyboard.insert_text(yaml.safe_dump(automation, sort_keys=False, allow_unicode=True))
    page.locator("ha-automation-editor ha-fab").click()
    dialog = page.locator("ha-dialog-automation-save")
    expect(dialog.locator("input").first).to_have_value(automation["alias"])
    dialog.get_by_role("button", name=ha["ui.panel.config.automation.editor.rename"]).click()
    expect(dialog.locator("input").first).to_be_hidden()
    page.wait_for_url(re.compile(r"/config/automation/edit/(?!new$)[^/]+$"))  # saved: its id


def expect_notification(person: Person, message: str) -> None:
    """Sidebar → Notifications: a notification with `message` is there; close the drawer."""
    page, ha = person.page, person.ha
    page.locator("ha-sidebar").get_by_text(ha["ui.notification_drawer.title"], exact=True).click()
    drawer = page.locator("notification-drawer")
    expect(drawer.get_by_text(message)).to_be_visible()
    drawer.get_by_role("button", name=ha["ui.notification_drawer.close"]).click()
    expect(drawer.get_by_text(message)).to_be_hidden()


def order_update_trigger(person: Person) -> Locator:
    """Add trigger → Entity → State: the order update event entity and its event type.

    Home Assistant 2025.4 has no trigger of its own for event entities: the state trigger
    on the entity's "Event type" attribute is the one, and its "To" list offers the entity's
    event types (in the integration's words). Returns the trigger's form, that list open.
    """
    page, ha = person.page, person.ha
    page.get_by_role("button", name=ha[f"{EDITOR}.add"]).click()
    picker = page.locator("add-automation-element-dialog")
    picker.get_by_text(ha[f"{EDITOR}.groups.entity.label"], exact=True).click()
    picker.get_by_text(ha[f"{EDITOR}.type.state.label"], exact=True).click()

    trigger = page.locator("ha-automation-trigger-state")
    entity = f"{ENTRY_TITLE} {person.entity_name('order_update', 'event')}"
    trigger.locator("ha-entity-picker input").first.click()
    page.get_by_role("option").filter(has_text=entity).click()
    expect(trigger.locator("ha-entity-picker input").first).to_have_value(entity)

    attribute = core_text(
        "event", person.language, "entity_component", "_", "state_attributes", "event_type", "name"
    )
    attribute_field = _field(trigger, ha[f"{EDITOR}.type.state.attribute"])
    attribute_field.click()
    page.get_by_role("option", name=attribute, exact=True).click()
    expect(attribute_field).to_have_value(attribute)

    _field(trigger, ha[f"{EDITOR}.type.state.to"]).click()
    expect(
        page.get_by_role("option", name=event_type_name(person, "placed"), exact=True)
    ).to_be_visible()
    return trigger


def pick_event_type(person: Person, trigger: Locator, event_type: str) -> None:
    """Pick one of the event types the open "To" list offers (scrolled to if need be)."""
    name = event_type_name(person, event_type)
    person.page.get_by_role("option", name=name, exact=True).click()
    expect(_field(trigger, person.ha[f"{EDITOR}.type.state.to"])).to_have_value(name)


def event_type_name(person: Person, event_type: str) -> str:
    """How the order update entity's event type reads, in the integration's translation."""
    entity = person.ours["entity"]["event"]["order_update"]
    name: str = entity["state_attributes"]["event_type"]["state"][event_type]
    return name


def _field(form: Locator, label: str) -> Locator:
    """A picker's text field (a combo box), by its label."""
    return form.get_by_role("combobox", name=label, exact=True)


def leave_unsaved(person: Person, href: str) -> None:
    """Leave the editor by the sidebar link `href`: "Save new automation?" → Don't save."""
    page, ha = person.page, person.ha
    page.locator(f"ha-sidebar a[href='{href}']").click()
    title = ha["ui.panel.config.automation.editor.leave.unsaved_new_title"]
    expect(page.get_by_text(title, exact=True)).to_be_visible()
    page.get_by_role("button", name=ha["ui.common.dont_save"], exact=True).click()
    page.wait_for_url(f"**{href}/**")
