"""A believable demo municipality, made through the same services as real work.

The data is generated from a fixed seed, so every demo looks the same and
screenshots and tests can rely on it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from handledare.domain.actor import Actor
from handledare.domain.enums import EmploymentType, Evidence, Mark, Place, Role
from handledare.domain.evidence import Proof
from handledare.domain.template import Item
from handledare.services import onboarding, people, pins, review, signoff, templates
from handledare.store.eventlog import Store

SEED = 20261122

UNITS = ("Hemtjänst Norr", "Hemtjänst Söder", "Solgårdens vård- och omsorgsboende")

# (name, role, unit indexes, PIN, language)
USERS = (
    ("Ingrid Admin", Role.ADMIN, (), "482916", "sv"),
    ("Karin Berg", Role.MANAGER, (0, 1, 2), "735184", "sv"),
    ("Anna Lindqvist", Role.SUPERVISOR, (0,), "4827", "sv"),
    ("Mehmet Yilmaz", Role.SUPERVISOR, (1,), "5931", "sv"),
    ("Sara Nilsson", Role.SUPERVISOR, (2,), "7346", "en"),
)

FIRST_NAMES = (
    "Amina",
    "Johan",
    "Fatima",
    "Erik",
    "Leila",
    "Oskar",
    "Hanna",
    "Yusuf",
    "Elin",
    "Dawit",
    "Maja",
    "Ali",
    "Sofia",
    "Nils",
    "Zeynep",
    "Linnea",
    "Omar",
    "Ebba",
    "Tariq",
    "Agnes",
    "Hiwot",
    "Viktor",
    "Noor",
    "Alva",
    "Rasmus",
    "Shirin",
    "Ida",
    "Ahmed",
    "Klara",
    "Juan",
)
LAST_NAMES = (
    "Hassan",
    "Andersson",
    "Ali",
    "Johansson",
    "Karimi",
    "Persson",
    "Svensson",
    "Abdi",
    "Eriksson",
    "Tesfaye",
    "Larsson",
    "Mohammed",
    "Olsson",
    "Nyström",
    "Demir",
    "Holm",
    "Said",
    "Lundgren",
    "Khan",
    "Bergström",
    "Gebre",
    "Wallin",
    "Rahimi",
    "Ek",
    "Sandberg",
    "Ahmadi",
    "Lind",
    "Osman",
    "Forsberg",
    "García",
)
TEMPLATE_BY_UNIT = ("hemtjanst-omsorg", "hemtjanst-omsorg", "sabo-omsorg")

# How far each demo substitute has come: the share of items signed, and whether approved.
# Approved a year ago: their yearly items (medication, lifting) have expired or soon will.
VETERANS = (("Greta Sundberg", 372), ("Omar Haddad", 352), ("Tove Lindberg", 342))

STAGES = (
    ("new", 0.0),
    ("early", 0.15),
    ("midway", 0.45),
    ("late", 0.8),
    ("required_done", 1.0),
    ("approved", 1.0),
)


# Substitutes who read English better than Swedish: their own plan is in both.
ENGLISH_READERS = ("Leila Forsberg", "Dawit Johansson", "Juan Ek")
SESSION_SIZE = 20


@dataclass(frozen=True)
class DemoLogin:
    """A demo user as the sign-in screen lists them: the PIN is public, it is a demo."""

    name: str
    role: Role
    pin: str
    units: tuple[str, ...]
    language: str


# Called after each step of the build with (steps done, steps in all).
Progress = Callable[[int, int], None]


def demo_logins() -> list[DemoLogin]:
    """Who can sign in to the demo, with role, units, language and PIN."""
    return [
        DemoLogin(name, role, pin, tuple(UNITS[i] for i in unit_indexes), language)
        for name, role, unit_indexes, pin, language in USERS
    ]


class _Timeline:
    """Actions with their simulated times, run in time order on a store whose clock follows."""

    def __init__(self) -> None:
        self.actions: list[tuple[datetime, int, Callable[[], None]]] = []

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.actions.append((when, len(self.actions), action))

    def run(self, store: Store, progress: Progress | None = None) -> None:
        real_now = store.now
        ordered = sorted(self.actions, key=lambda a: (a[0], a[1]))
        try:
            for done, (when, _order, action) in enumerate(ordered, start=1):
                store.now = partial(_fixed, when)
                action()
                if progress is not None:
                    progress(done, len(ordered))
        finally:
            store.now = real_now


def _fixed(when: datetime) -> datetime:
    return when


def fill_demo(
    store: Store, today: datetime | None = None, progress: Progress | None = None
) -> list[DemoLogin]:
    """Create units, users, both bundled templates and 30 substitutes at different stages.

    Made through the services one step at a time, it takes a while on a slow computer:
    `progress` hears of each step, for a progress bar.
    """
    rng = random.Random(SEED)
    today = today or datetime.now(UTC)
    # Users exist from well over a year back, so that some yearly items have expired.
    origin = datetime.combine((today - timedelta(days=400)).date(), time(7, 0), tzinfo=UTC)
    recent = origin + timedelta(days=250)
    store.now = lambda: origin
    try:
        (admin_name, _role, _units, admin_pin, admin_language), *staff = USERS
        first = people.add_user(store, None, admin_name, Role.ADMIN, admin_pin, [], admin_language)
        admin = pins.sign_in(store, first.id, admin_pin).actor
        units = [people.add_unit(store, admin, name) for name in UNITS]
        templates.import_bundled(store, admin)
        # Each user proves their PIN once; the demo's sign-offs are then recorded as checked.
        signers: dict[str, Actor] = {}
        for name, role, unit_indexes, pin, language in staff:
            user = people.add_user(
                store, admin, name, role, pin, [units[i].id for i in unit_indexes], language
            )
            signers[name] = pins.sign_in(store, user.id, pin).actor
    finally:
        store.now = lambda: datetime.now(UTC)

    supervisors = [signers["Anna Lindqvist"], signers["Mehmet Yilmaz"], signers["Sara Nilsson"]]
    manager = signers["Karin Berg"]
    timeline = _Timeline()
    for index in range(30):
        unit_index = index % 3
        stage, share = STAGES[index % len(STAGES)]
        start = recent + timedelta(days=rng.randint(5, 140), hours=rng.randint(0, 8))
        _plan_person(
            timeline,
            store,
            rng,
            name=f"{FIRST_NAMES[index]} {LAST_NAMES[(index * 7) % len(LAST_NAMES)]}",
            unit_id=units[unit_index].id,
            template_id=TEMPLATE_BY_UNIT[unit_index],
            supervisor=supervisors[unit_index],
            manager=manager,
            start=min(start, today - timedelta(days=1)),
            today=today,
            stage=stage,
            share=share,
            # Every other new substitute has a checklist started, not yet gone through.
            started=stage != "new" or index % (2 * len(STAGES)) == 0,
        )
    for index, (name, days_ago) in enumerate(VETERANS):
        _plan_person(
            timeline,
            store,
            rng,
            name=name,
            unit_id=units[index].id,
            template_id=TEMPLATE_BY_UNIT[index],
            supervisor=supervisors[index],
            manager=manager,
            start=today - timedelta(days=days_ago),
            today=today,
            stage="approved",
            share=1.0,
        )
    timeline.run(store, progress)
    return demo_logins()


def _plan_person(
    timeline: _Timeline,
    store: Store,
    rng: random.Random,
    *,
    name: str,
    unit_id: str,
    template_id: str,
    supervisor: Actor,
    manager: Actor,
    start: datetime,
    today: datetime,
    stage: str,
    share: float,
    started: bool = True,
) -> None:
    state: dict[str, str] = {}
    template = templates.get_template(store, template_id)
    items = sorted(template.items(), key=lambda item: item.step.order)
    if stage == "required_done":
        chosen = [item for item in items if item.required_before_alone]
    else:
        chosen = items[: round(len(items) * share)]

    def create() -> None:
        person = people.add_person(
            store,
            supervisor,
            name,
            unit_id,
            start.date(),
            EmploymentType.HOURLY,
            employee_number=f"V{rng.randint(10000, 99999)}",
            language="en" if name in ENGLISH_READERS else "sv",
        )
        state["person"] = person.id
        if started:
            state["onboarding"] = onboarding.start_onboarding(
                store, supervisor, person.id, template_id
            )

    timeline.at(start, create)
    span = max((today - start).days - 1, 1)
    sessions = plan_sessions(chosen)
    for number, batch in enumerate(sessions):
        when = start + timedelta(days=min(span, 1 + number * 3), hours=1 + number % 3)

        def walk(batch: list[Item] = batch, number: int = number) -> None:
            for item in batch:
                mark = Mark.PRACTISED if item.needs_practical else Mark.WALKED_THROUGH
                proof = proof_for(item, store.now().date(), rng)
                onboarding.mark_item(
                    store, supervisor, state["onboarding"], item.key, mark, evidence=proof
                )
            if number == 0:
                onboarding.add_note(
                    store,
                    supervisor,
                    state["onboarding"],
                    "Gick bra. Vill repetera larmrutinen nästa pass.",
                    item_key=batch[-1].key,
                )
            signoff.record_sign_off(
                store,
                supervisor,
                state["onboarding"],
                [item.key for item in batch],
                acknowledged_name=name,
            )

        timeline.at(when, walk)

    last = start + timedelta(days=min(span, 3 * len(sessions) + 2))
    if stage == "approved":
        timeline.at(last, lambda: review.record_approval(store, manager, state["onboarding"]))
    elif stage == "late" and chosen:
        timeline.at(
            last,
            lambda: signoff.record_revocation(
                store,
                supervisor,
                state["onboarding"],
                chosen[0].key,
                "Fel person kvitterade; gås igenom igen nästa pass.",
            ),
        )


def plan_sessions(chosen: list[Item], already: Iterable[str] = ()) -> list[list[Item]]:
    """Sessions of at most 20 items, each after the sessions that sign what it waits for;
    an item whose prerequisites are neither `already` signed nor chosen is left out."""
    sessions: list[list[Item]] = []
    signed: set[str] = set(already)
    current: list[Item] = []
    for item in chosen:
        keys = {entry.key for entry in current}
        if any(key not in signed and key not in keys for key in item.after):
            continue
        if len(current) == SESSION_SIZE or keys.intersection(item.after):
            sessions.append(current)
            signed |= keys
            current = []
        current.append(item)
    return [*sessions, current] if current else sessions


def proof_for(item: Item, today: date, rng: random.Random) -> Proof | None:
    """Believable proof for the item's kind of evidence."""
    if item.evidence is Evidence.CERTIFICATE:
        issuer = "Socialstyrelsen" if item.where is Place.WEB_COURSE else "Kommunens utbildning"
        return Proof(
            Evidence.CERTIFICATE,
            issuer=issuer,
            issued_on=today - timedelta(days=rng.randint(1, 20)),
            number=str(rng.randint(100000, 999999)),
        )
    if item.evidence is Evidence.TEST:
        out_of = item.out_of or 20
        pass_mark = item.pass_mark or round(out_of * 0.8)
        score = rng.randint(pass_mark, out_of)
        return Proof(Evidence.TEST, score=score, out_of=out_of, pass_mark=pass_mark)
    if item.evidence is Evidence.DOCUMENT:
        return Proof(Evidence.DOCUMENT, document=item.title.get("sv"), version="2025:1")
    if item.observer and rng.random() < 0.5:
        return Proof(Evidence.OBSERVED, observer_name="Lena Holm", observer_role="undersköterska")
    return None
