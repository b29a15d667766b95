"""The bench seed: one programme of ten buyers, seeded into the test database, reads back through
the API as the service computes it and meets every fact the workflows check."""

import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, func, select
from typer.testing import CliRunner

from bench.seed import bench_logins, programme_sizes, seed
from bench.seed_engagements import phase_plan
from service.accounts.models import User
from service.analyses import service as analyses
from service.analyses.models import Analysis
from service.audits import service as audits
from service.audits.models import Answer, AnswerIn, Audit
from service.cli import app
from service.engagements.facts import engagement_snapshot
from service.engagements.models import Engagement, Participation
from service.history import Event, EventKind
from service.plans import queries as plans
from service.plans.models import Action, FundingShare, Plan, Review
from service.types import UTCDateTime, name_key, utcnow
from workflows import AuditState, Phase, PlanState
from workflows.engagement import TRANSITIONS

SCALE = 0.005  # one programme of ten buyers
BROKER = "broker@p01.bench.supplierdev.org"
METHOD = [
    Phase.enrolment,
    Phase.supplier_evaluation,
    Phase.round_tables,
    Phase.improvement_analysis,
    Phase.improvement_plans,
    Phase.completed,
]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def seeded(engine: Engine) -> dict[str, int]:
    return seed(engine, SCALE, rng_seed=1, echo=lambda line: None)


@pytest.fixture
def broker(client: TestClient, seeded: dict[str, int]) -> dict[str, str]:
    """Headers of the bench broker, logged in through the API with the bench password."""
    response = client.post("/api/v1/auth/login", json={"email": BROKER, "password": "bench-pass"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def every_page(
    client: TestClient, url: str, headers: dict[str, str], **filters: object
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {**filters, "limit": 200, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


def bench_broker(session: Session) -> User:
    return session.exec(select(User).where(User.email == BROKER)).one()


def brokered(session: Session, phase: Phase) -> list[Engagement]:
    statement = select(Engagement).where(
        Engagement.broker_id == bench_broker(session).id, Engagement.phase == phase
    )
    return list(session.exec(statement.order_by(col(Engagement.created_at))).all())


def test_scale_one_is_twenty_programmes_of_a_hundred_buyers_and_the_smallest_one_programme() -> (
    None
):
    assert programme_sizes(1) == [100] * 20
    assert programme_sizes(0.1) == [100, 100]
    assert programme_sizes(SCALE) == [10]
    assert programme_sizes(0.001) == [2]


def test_engagements_are_spread_over_the_phases_in_the_stated_shares() -> None:
    counts = {phase: phase_plan(100).count(phase) for phase in Phase}
    assert counts == {
        Phase.enrolment: 0,
        Phase.supplier_evaluation: 25,
        Phase.round_tables: 20,
        Phase.improvement_analysis: 20,
        Phase.improvement_plans: 20,
        Phase.completed: 5,
        Phase.on_hold: 5,
        Phase.withdrawn: 5,
    }
    assert phase_plan(10).count(Phase.completed) == 1


def test_the_tiny_scale_seeds_ten_engagements_of_ten_candidates_each_audited_in_full(
    seeded: dict[str, int], session: Session
) -> None:
    assert (seeded["programme"], seeded["engagement"], seeded["participation"]) == (1, 10, 100)
    evaluations = session.exec(select(Audit).where(Audit.purpose == "evaluation")).all()
    assert len(evaluations) == 100
    answers = session.exec(
        select(Answer.audit_id, func.count()).group_by(col(Answer.audit_id))
    ).all()
    answered = dict(answers)
    for audit in evaluations:
        questions = len(list(audits.template_for(audit.template_id, 1).questions()))
        complete = audit.state != AuditState.draft or answered[audit.id] == questions
        assert complete or answered[audit.id] == questions // 2
    assert bench_logins(1) == [
        ("superuser", "superuser@bench.supplierdev.org"),
        ("admin", "admin@p01.bench.supplierdev.org"),
        ("broker", BROKER),
    ]


def test_the_bench_broker_lists_as_many_engagements_as_were_seeded(
    client: TestClient, broker: dict[str, str], seeded: dict[str, int], session: Session
) -> None:
    assert len(every_page(client, "/api/v1/engagements", broker)) == seeded["engagement"]
    mine = every_page(client, "/api/v1/engagements", broker, broker_id=bench_broker(session).id)
    # Two of the three in evaluation (the first and the third) and the first of each other phase.
    assert len(mine) == 6


def test_an_engagement_in_the_plans_phase_reads_back_with_its_version(
    client: TestClient, broker: dict[str, str], session: Session
) -> None:
    engagement = brokered(session, Phase.improvement_plans)[0]
    response = client.get(f"/api/v1/engagements/{engagement.id}", headers=broker)
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{engagement.version}"'
    assert (response.json()["phase"], response.json()["broker_id"]) == (
        "improvement_plans",
        str(engagement.broker_id),
    )


def test_a_reviewed_audit_reads_back_with_the_score_the_service_computes(
    client: TestClient, broker: dict[str, str], session: Session
) -> None:
    engagement = brokered(session, Phase.round_tables)[0]
    audit = session.exec(select(Audit).where(Audit.engagement_id == engagement.id)).first()
    assert audit is not None
    assert audit.state == AuditState.reviewed
    template = audits.template_for(audit.template_id, audit.template_version)
    expected = audits.score_of(template, audits.answers_of(session, audit))
    response = client.get(f"/api/v1/audits/{audit.id}", headers=broker)
    assert response.status_code == 200
    score = response.json()["score"]
    assert (score["total"], score["band"]) == (expected.total, expected.band)
    assert [s["score"] for s in score["sections"]] == [s.score for s in expected.sections]
    assert len(response.json()["answers"]) == len(list(template.questions()))


def test_a_plan_under_way_reads_back_with_its_actions_reviews_and_shares(
    client: TestClient, broker: dict[str, str], session: Session
) -> None:
    engagement = brokered(session, Phase.improvement_plans)[0]
    plan = session.exec(
        select(Plan).where(Plan.engagement_id == engagement.id, Plan.state == PlanState.in_progress)
    ).first()
    assert plan is not None
    actions = session.exec(select(func.count()).where(Action.plan_id == plan.id)).one()
    reviews = session.exec(select(func.count()).where(Review.plan_id == plan.id)).one()
    response = client.get(f"/api/v1/plans/{plan.id}", headers=broker)
    assert response.status_code == 200
    body = response.json()
    assert (len(body["actions"]), len(body["reviews"])) == (actions, reviews)
    assert 10 <= actions <= 14
    for action in body["actions"]:
        assert sum(Decimal(share["percent"]) for share in action["funding"]) == 100


def test_the_bench_brokers_overdue_actions_are_listed_in_full(
    client: TestClient, broker: dict[str, str], session: Session
) -> None:
    me = bench_broker(session)
    today = plans.today_in(session, me.programme_id)
    overdue = session.exec(
        select(func.count())
        .select_from(Action)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .join(Engagement, col(Engagement.id) == Plan.engagement_id)
        .where(
            Engagement.broker_id == me.id,
            col(Plan.state).in_([PlanState.approved, PlanState.in_progress]),
            col(Action.status).in_(["planned", "in_progress"]),
            Action.due_on < today,
        )
    ).one()
    listed = every_page(client, "/api/v1/tracking/overdue-actions", broker, broker_id=me.id)
    assert len(listed) == overdue
    assert overdue > 0


def test_the_bench_broker_submits_a_draft_audit_that_is_complete(
    client: TestClient, broker: dict[str, str], session: Session
) -> None:
    engagement = brokered(session, Phase.supplier_evaluation)[0]
    drafts = session.exec(
        select(Audit)
        .where(Audit.engagement_id == engagement.id, Audit.state == AuditState.draft)
        .order_by(col(Audit.created_at))
    ).all()
    ready = []
    for audit in drafts:
        checks = client.get(f"/api/v1/audits/{audit.id}/transitions", headers=broker).json()
        if any(check["trigger"] == "submit" and check["allowed"] for check in checks):
            ready.append(audit)
    assert ready
    response = client.post(
        f"/api/v1/audits/{ready[0].id}/transitions/submit",
        headers={**broker, "If-Match": f'"{ready[0].version}"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "submitted"


def test_nothing_is_recorded_later_than_the_moment_it_was_seeded(
    seeded: dict[str, int], session: Session
) -> None:
    moment, latest = utcnow(), {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, UTCDateTime) and column.name != "starts_at":
                latest[f"{table.name}.{column.name}"] = session.execute(
                    select(func.max(column))
                ).scalar()
    assert [name for name, at in latest.items() if at is not None and at > moment] == []
    assert latest["event.created_at"] is not None


def test_seeded_names_and_titles_carry_their_folded_keys(
    seeded: dict[str, int], session: Session
) -> None:
    users = session.exec(select(User.full_name, User.name_key)).all()
    engagements = session.exec(select(Engagement.title, Engagement.title_key)).all()
    actions = session.exec(select(Action.title, Action.title_key)).all()
    assert min(len(users), len(engagements), len(actions)) > 0
    assert [text for text, key in [*users, *engagements, *actions] if key != name_key(text)] == []


def test_every_seeded_engagement_meets_the_facts_of_the_phases_it_has_passed(
    seeded: dict[str, int], session: Session
) -> None:
    assert [
        problem for e in session.exec(select(Engagement)) for problem in passed(session, e)
    ] == []


def passed(session: Session, engagement: Engagement) -> list[str]:
    """What fails of the exit conditions of the phases before the engagement's (its held
    phase when on hold, the phase it left when withdrawn)."""
    moves = phase_moves(session, engagement)
    reached = engagement.held_phase or engagement.phase
    if engagement.phase == Phase.withdrawn:
        reached = Phase(str(moves[-1].from_state))
    snapshot = engagement_snapshot(session, engagement)
    return [
        f"{engagement.title}: {reason}"
        for row in TRANSITIONS
        if row["source"] in METHOD[: METHOD.index(reached)] and row["dest"] in METHOD
        for guard in row["conditions"]
        for reason in guard.reasons(snapshot)
    ]


def phase_moves(session: Session, engagement: Engagement) -> list[Event]:
    statement = select(Event).where(
        Event.engagement_id == engagement.id,
        Event.kind == EventKind.transition,
        col(Event.participation_id).is_(None),
    )
    return list(session.exec(statement.order_by(col(Event.created_at), col(Event.id))).all())


def test_every_state_is_reached_by_the_events_the_service_would_have_written(
    seeded: dict[str, int], session: Session
) -> None:
    chains = defaultdict(list)
    moves = select(Event).where(Event.kind == EventKind.transition)
    for event in session.exec(moves.order_by(col(Event.created_at), col(Event.id))):
        chains[event.participation_id or event.engagement_id].append(event)
    broken = []
    for row in [*session.exec(select(Engagement)), *session.exec(select(Participation))]:
        chain = chains[row.id]
        start = "enrolment" if isinstance(row, Engagement) else "candidate"
        states = [start, *(event.to_state for event in chain)]
        current = row.phase if isinstance(row, Engagement) else row.state
        if [event.from_state for event in chain] != states[:-1] or states[-1] != current:
            broken.append(f"{current}: {states}")
        if isinstance(row, Participation) and row.version != 1 + len(chain):
            broken.append(f"participation version {row.version} after {len(chain)} moves")
    assert broken == []


def test_every_answer_is_valid_for_its_question_and_no_audit_past_draft_lacks_anything(
    seeded: dict[str, int], session: Session
) -> None:
    invalid = []
    for audit in session.exec(select(Audit)):
        template = audits.template_for(audit.template_id, audit.template_version)
        for row in audits.answers_of(session, audit):
            question = template.question(row.question_id)
            assert question is not None
            # A number answer is stored as the digits the client sent as a JSON number.
            sent = json.loads(row.value) if question.type == "number" and row.value else row.value
            answer = AnswerIn(
                question_id=row.question_id,
                value=sent,
                not_applicable=row.not_applicable,
                comment=row.comment,
            )
            if audits._check_value(template, question, answer) != row.value:
                invalid.append(f"{row.question_id}: {row.value!r}")
        engagement = session.get(Engagement, audit.engagement_id)
        assert engagement is not None
        facts = audits.snapshot(session, audit, engagement)
        if audit.state != AuditState.draft and (facts.missing_answers or facts.missing_evidence):
            invalid.append(f"{audit.state} audit lacks {facts}")
    assert invalid == []


def test_every_analysis_and_plan_meets_the_conditions_of_its_state(
    seeded: dict[str, int], session: Session
) -> None:
    unmet = []
    for analysis in session.exec(select(Analysis).where(Analysis.state == "approved")):
        engagement = session.get(Engagement, analysis.engagement_id)
        facts = analyses.snapshot(session, analysis, engagement)  # type: ignore[arg-type]
        if facts.findings == 0 or facts.missing_baselines:
            unmet.append(f"approved analysis: {facts}")
    for plan in session.exec(select(Plan)):
        engagement = session.get(Engagement, plan.engagement_id)
        unmet += plan_conditions(plans.snapshot(session, plan, engagement))  # type: ignore[arg-type]
        for action in plans.actions_of(session, [plan.id]):
            if not plan.starts_on <= action.starts_on <= action.due_on <= plans.ends_on(plan):
                unmet.append(f"action outside its plan: {action.title}")
    totals = session.exec(
        select(func.sum(FundingShare.percent)).group_by(col(FundingShare.action_id))
    ).all()
    assert unmet == []
    assert set(totals) == {100}


def plan_conditions(facts: Any) -> list[str]:
    """The conditions each plan state was reached on, that fail."""
    reached = list(PlanState).index(facts.state)
    conditions = [
        (PlanState.submitted, facts.has_training_or_assistance),
        (PlanState.submitted, not facts.unaddressed_major_findings),
        (PlanState.approved, not facts.missing_approvals),
        (PlanState.in_progress, facts.today >= facts.starts_on),
        (PlanState.final_review, facts.today >= facts.ends_on),
        (PlanState.closed, facts.final_audit_reviewed and not facts.missing_final_kpis),
    ]
    return [
        f"{facts.state} plan of {facts.firm}: {state} condition unmet"
        for state, met in conditions
        if reached >= list(PlanState).index(state) and not met
    ]


def test_the_seed_command_refuses_a_database_that_already_has_programmes(
    seeded: dict[str, int], database_url: str
) -> None:
    command = [sys.executable, "-m", "bench.seed", "--scale", "0.005", "--url", database_url]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1
    assert "already has 1 programme(s)" in result.stderr


def test_the_shipped_cli_has_no_bench_command() -> None:
    result = CliRunner().invoke(app, ["bench", "seed", "--scale", "0.005"])
    assert result.exit_code == 2
    assert "No such command 'bench'" in result.output
