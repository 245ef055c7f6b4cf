"""The fixed vocabularies of the domain, with their names for people."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from handledare.i18n import N_, _, translate

LABELS: dict[type, dict[Any, str]] = {}


class Labelled:
    """Members have a name for people, translated when it is shown."""

    @property
    def label(self) -> str:
        return _(LABELS[type(self)][self])

    def label_in(self, language: str) -> str:
        """The name in a given language, whichever is active (for bilingual papers)."""
        return translate(LABELS[type(self)][self], language)


class Role(Labelled, StrEnum):
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"
    NURSE = "nurse"


LABELS[Role] = {
    Role.SUPERVISOR: N_("supervisor"),
    Role.MANAGER: N_("unit manager"),
    Role.ADMIN: N_("administrator"),
    Role.NURSE: N_("delegating professional"),
}


class Profession(Labelled, StrEnum):
    """The licensed professions that may delegate a health-care task (SOSFS 1997:14)."""

    NURSE = "nurse"
    PHYSIOTHERAPIST = "physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"


LABELS[Profession] = {
    Profession.NURSE: N_("registered nurse"),
    Profession.PHYSIOTHERAPIST: N_("physiotherapist"),
    Profession.OCCUPATIONAL_THERAPIST: N_("occupational therapist"),
}


class Step(Labelled, StrEnum):
    """When an item is due, in the order of the step model (trappmodell)."""

    BEFORE_FIRST_SHIFT = "before_first_shift"
    SHADOWING = "shadowing"
    BEFORE_ALONE = "before_alone"
    WITHIN_3_MONTHS = "within_3_months"

    @property
    def order(self) -> int:
        return _STEP_ORDER[self]


_STEP_ORDER = {step: index for index, step in enumerate(Step)}

LABELS[Step] = {
    Step.BEFORE_FIRST_SHIFT: N_("before the first shift"),
    Step.SHADOWING: N_("during shadowing shifts"),
    Step.BEFORE_ALONE: N_("before working alone"),
    Step.WITHIN_3_MONTHS: N_("within three months"),
}


class Level(Labelled, StrEnum):
    """Knowledge level of an item, as in Yrkesresan."""

    FAKTA = "fakta"
    FORSTAELSE = "förståelse"
    FARDIGHET = "färdighet"
    FORTROGENHET = "förtrogenhet"


LABELS[Level] = {
    Level.FAKTA: N_("facts"),
    Level.FORSTAELSE: N_("understanding"),
    Level.FARDIGHET: N_("skill"),
    Level.FORTROGENHET: N_("familiarity"),
}


class Evidence(Labelled, StrEnum):
    """What proves that an item was learnt: the supervisor's own eye, or a paper."""

    OBSERVED = "observed"
    CERTIFICATE = "certificate"
    TEST = "test"
    DOCUMENT = "document"


LABELS[Evidence] = {
    Evidence.OBSERVED: N_("shown and seen by the supervisor"),
    Evidence.CERTIFICATE: N_("course certificate"),
    Evidence.TEST: N_("knowledge test"),
    Evidence.DOCUMENT: N_("document read and understood"),
}


class Place(Labelled, StrEnum):
    """Where an item is learnt."""

    WEB_COURSE = "web_course"
    ON_SITE = "on_site"
    CLASSROOM = "classroom"
    ANYWHERE = "anywhere"


LABELS[Place] = {
    Place.WEB_COURSE: N_("web course"),
    Place.ON_SITE: N_("on site only"),
    Place.CLASSROOM: N_("classroom"),
    Place.ANYWHERE: N_("anywhere"),
}


class Mark(Labelled, StrEnum):
    """How far an item has come in a walkthrough before it is signed off."""

    WALKED_THROUGH = "walked_through"
    PRACTISED = "practised"
    NOT_APPLICABLE = "not_applicable"


LABELS[Mark] = {
    Mark.WALKED_THROUGH: N_("walked through"),
    Mark.PRACTISED: N_("practised"),
    Mark.NOT_APPLICABLE: N_("not applicable"),
}


class PlanStatus(Labelled, StrEnum):
    """Where an item stands in a substitute's own plan (trappmodell)."""

    DONE = "done"
    NOT_APPLICABLE = "not_applicable"
    NEXT = "next"
    WAITING = "waiting"
    LATER = "later"


LABELS[PlanStatus] = {
    PlanStatus.DONE: N_("done"),
    PlanStatus.NOT_APPLICABLE: N_("not applicable"),
    PlanStatus.NEXT: N_("next"),
    PlanStatus.WAITING: N_("waiting"),
    PlanStatus.LATER: N_("later"),
}


class EmploymentType(Labelled, StrEnum):
    HOURLY = "hourly"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


LABELS[EmploymentType] = {
    EmploymentType.HOURLY: N_("hourly"),
    EmploymentType.TEMPORARY: N_("temporary"),
    EmploymentType.PERMANENT: N_("permanent"),
}


class OnboardingStatus(Labelled, StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    APPROVED = "approved"


LABELS[OnboardingStatus] = {
    OnboardingStatus.NOT_STARTED: N_("not started"),
    OnboardingStatus.IN_PROGRESS: N_("in progress"),
    OnboardingStatus.WAITING_FOR_APPROVAL: N_("waiting for approval"),
    OnboardingStatus.APPROVED: N_("approved"),
}


class ReviewStatus(Labelled, StrEnum):
    """What a manager needs to know of an onboarding today; expiry outranks the rest."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    APPROVED = "approved"
    HAS_EXPIRED = "has_expired"


LABELS[ReviewStatus] = {
    **{ReviewStatus(status.value): label for status, label in LABELS[OnboardingStatus].items()},
    ReviewStatus.HAS_EXPIRED: N_("has expired items"),
}


class Theme(Labelled, StrEnum):
    """Colour schemes a user can choose; remembered per user."""

    DEFAULT = "default"
    HIGH_CONTRAST = "high-contrast"


LABELS[Theme] = {
    Theme.DEFAULT: N_("standard colours"),
    Theme.HIGH_CONTRAST: N_("high contrast"),
}


class DelegationStatus(Labelled, StrEnum):
    """Where a delegation decision stands; only an accepted one can be valid."""

    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


LABELS[DelegationStatus] = {
    DelegationStatus.AWAITING: N_("awaiting acceptance"),
    DelegationStatus.ACCEPTED: N_("accepted"),
    DelegationStatus.DECLINED: N_("declined"),
    DelegationStatus.REVOKED: N_("revoked"),
}
