"""The demo told through the use cases: its engagements' phases, its plans' health, the
completed engagement, and a history every row of which a use case could have written."""

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlmodel import col, func, select

from service.database import get_engine, read_session
from service.demo import load_demo
from service.engagements.models import Engagement, Participation
from service.history import Event, EventKind, SubjectKind
from service.history_check import ChainReport, verify_all
from service.plans.models import PartnershipDecision, Plan
from service.plans.queries import actions_of, health_of, reviews_of
from service.programmes.calendar import today_in
from service.programmes.models import Organization
from service.types import utcnow
from tests.conftest import empty_all_tables
from workflows import describe
from workflows.audit import TRANSITIONS as AUDIT_TRANSITIONS
from workflows.machine import sources_of
from workflows.plan import TRANSITIONS as PLAN_TRANSITIONS

CALZADO = "Calzado Centroamericano S.A."
CAFE = "Café y Cereales de Matagalpa"


def rows_of(table: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """Every (trigger, from, to) a transitions table allows."""
    return {
        (row["trigger"], str(source.value), str(row["dest"].value))
        for row in table
        for source in sources_of(row)
    }


def described(machine: str) -> set[tuple[str, str, str]]:
    """Every (trigger, from, to) of a machine, as `workflows.describe()` lists it."""
    return {
        (row["trigger"], source, row["dest"])
        for row in describe()[machine]["transitions"]
        for source in row["sources"]
    }


@dataclass(frozen=True)
class Told:
    """What the demo left in the database, read once for the tests of this module."""

    phases: dict[str, str]  # by buyer
    health: dict[str, str]  # by firm, of the plans in progress
    decisions: list[tuple[str, str]]  # (supplier, outcome) of the completed engagement
    events: list[Event]  # oldest first
    plan_states: dict[uuid.UUID, str]
    second_load: tuple[bool, int]  # what loading again answered, and the events then
    chains: list[ChainReport]
    now: datetime


@pytest.fixture(scope="module")
def told(database_url: str) -> Iterator[Told]:
    """The demo loaded once into the emptied test database, and what it wrote."""
    engine = get_engine()
    empty_all_tables(engine)
    assert load_demo() is True
    with read_session(engine) as session:
        names = {o.id: o.name for o in session.exec(select(Organization)).all()}
        engagements = session.exec(select(Engagement)).all()
        phases = {names[e.buyer_id]: e.phase.value for e in engagements}
        plans = session.exec(select(Plan)).all()
        health = {}
        for plan in plans:
            if plan.state == "in_progress":
                today = today_in(session, plan.programme_id)
                actions = actions_of(session, [plan.id])
                report = health_of(plan, actions, reviews_of(session, [plan.id]), today)
                health[names[plan.organization_id]] = report.health.value
        decided = session.exec(
            select(Participation.supplier_id, PartnershipDecision.outcome).join(
                Participation, col(Participation.id) == PartnershipDecision.participation_id
            )
        ).all()
        events = list(session.exec(select(Event).order_by(col(Event.created_at))).all())
        plan_states = {plan.id: plan.state.value for plan in plans}
        chains = verify_all(session)
    again = load_demo()
    with read_session(engine) as session:
        count = session.exec(select(func.count()).select_from(Event)).one()
    yield Told(
        phases=phases,
        health=health,
        decisions=sorted((names[s], o.value) for s, o in decided),
        events=events,
        plan_states=plan_states,
        second_load=(again, count),
        chains=chains,
        now=utcnow(),
    )
    empty_all_tables(engine)


def test_the_demo_engagements_stand_one_in_each_phase_it_shows(told: Told) -> None:
    assert told.phases == {
        "Destilería Ron Caribe": "supplier_evaluation",
        "Lácteos Helados del Valle": "round_tables",
        CALZADO: "improvement_plans",
        CAFE: "completed",
    }


def test_the_plans_in_progress_are_on_track_at_risk_and_off_track(told: Told) -> None:
    assert told.health == {
        "Taller de Calzado Hermanos Ruiz": "on_track",
        "Zapatería La Esperanza": "at_risk",
        CALZADO: "off_track",
    }


def test_the_completed_engagement_has_a_partner_and_a_conditional_partner(told: Told) -> None:
    assert told.decisions == [
        ("Cooperativa Maní de Chinandega", "conditional"),
        ("Envases Plásticos Granada", "partnership"),
    ]


def test_loading_the_demo_again_changes_nothing(told: Told) -> None:
    assert told.second_load == (False, len(told.events))


def chains(told: Told, kind: SubjectKind) -> dict[uuid.UUID, list[Event]]:
    """The state-changing events of each subject of that kind, oldest first."""
    moves: dict[uuid.UUID, list[Event]] = defaultdict(list)
    for event in told.events:
        if event.subject_kind == kind and event.to_state is not None:
            moves[event.subject_id].append(event)
    return moves


def steps(events: list[Event]) -> list[tuple[str | None, str | None, str | None]]:
    return [(event.trigger, event.from_state, event.to_state) for event in events]


def assert_chain(events: list[Event], allowed: set[tuple[str, str, str]], first: str) -> None:
    """The first event creates the subject at `first`; each later one is a row of its
    transitions table, leaving from the state the one before arrived at."""
    assert (events[0].from_state, events[0].to_state) == (None, first), steps(events)
    for before, after in pairwise(events):
        assert after.from_state == before.to_state, steps(events)
        assert (after.trigger, after.from_state, after.to_state) in allowed, steps(events)


def test_every_engagements_history_follows_the_engagement_workflow(told: Told) -> None:
    engagements = chains(told, SubjectKind.engagement)
    assert len(engagements) == 4
    for events in engagements.values():
        assert events[0].kind == EventKind.created
        assert_chain(events, described("engagement"), "enrolment")


def test_every_participations_history_follows_the_participation_workflow(told: Told) -> None:
    participations = chains(told, SubjectKind.participation)
    assert len(participations) == 9
    for events in participations.values():
        assert events[0].kind == EventKind.candidate_added
        assert_chain(events, described("participation"), "candidate")


def test_every_plans_and_audits_history_follows_its_workflow(told: Told) -> None:
    plans = chains(told, SubjectKind.plan)
    # The last approval fires the table's `approve` row, recorded as `approved`.
    allowed = {("approved" if t == "approve" else t, s, d) for t, s, d in rows_of(PLAN_TRANSITIONS)}
    assert set(plans) == set(told.plan_states)
    for plan_id, events in plans.items():
        assert_chain(events, allowed, "draft")
        assert events[-1].to_state == told.plan_states[plan_id]
    audits = chains(told, SubjectKind.audit)
    assert len(audits) == 9 + 3  # every candidate's evaluation, and Café's final audits
    for events in audits.values():
        assert_chain(events, rows_of(AUDIT_TRANSITIONS), "draft")
        assert events[-1].to_state == "reviewed"


def test_the_history_is_back_dated_to_the_days_the_story_tells(told: Told) -> None:
    first, last = told.events[0].created_at, told.events[-1].created_at
    assert last <= told.now
    assert told.now - first > timedelta(days=300)  # Café's engagement opened ten months ago
    completed = [e for e in told.events if e.trigger == "complete"]
    assert len(completed) == 1
    assert timedelta(days=14) < told.now - completed[0].created_at < timedelta(days=30)


def test_the_back_dated_history_still_verifies_as_one_chain(told: Told) -> None:
    [chain] = told.chains
    assert (chain.intact, chain.events, chain.problem) == (True, len(told.events), None)
