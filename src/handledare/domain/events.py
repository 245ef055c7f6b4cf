"""The kinds of event in the log. Their names are part of the sync format: never rename one."""

from enum import StrEnum


class EventType(StrEnum):
    UNIT_CREATED = "unit.created"
    USER_CREATED = "user.created"
    USER_PIN_CHANGED = "user.pin_changed"
    USER_LANGUAGE_CHANGED = "user.language_changed"
    USER_THEME_CHANGED = "user.theme_changed"
    USER_LOCKED_OUT = "user.locked_out"
    USER_UNLOCKED = "user.unlocked"
    PERSON_CREATED = "person.created"
    PERSON_ERASED = "person.erased"
    PERSON_LANGUAGE_CHANGED = "person.language_changed"
    TEMPLATE_IMPORTED = "template.imported"
    ONBOARDING_STARTED = "onboarding.started"
    ITEM_MARKED = "item.marked"
    NOTE_ADDED = "note.added"
    ACKNOWLEDGED = "onboarding.acknowledged"
    ITEMS_SIGNED_OFF = "items.signed_off"
    SIGN_OFF_REVOKED = "item.sign_off_revoked"
    APPROVED = "onboarding.approved"
    CONFLICT_RESOLVED = "onboarding.conflict_resolved"
    WORKSTATION_APPROVED = "workstation.approved"
    WORKSTATION_REJECTED = "workstation.rejected"
    WORKSTATION_REVOKED = "workstation.revoked"
