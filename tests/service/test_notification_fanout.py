"""Who is told about each event: the fan-out of an event's outbox row into e-mails (the
words and links are tested in test_notifications_mail)."""

import uuid

import pytest
from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.database import write_session
from service.history import EventKind, SubjectKind, record_event
from service.notifications.models import Channel, OutboxMessage
from service.notifications.worker import Worker
from service.plans.models import Outcome, PartnershipDecision
from tests.factories import Tenant, fill_tenant, make_tenant


def told(session: Session, topic: str) -> list[tuple[str, str | None]]:
    """(recipient, UI path) of each e-mail of a kind."""
    session.rollback()
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.channel == Channel.mail, OutboxMessage.topic == topic
        )
    ).all()
    return sorted(
        (session.get(User, row.recipient_id).email, row.payload["path"])  # type: ignore[union-attr]
        for row in rows
    )


def happen(
    tenant: Tenant, kind: EventKind, subject: tuple[SubjectKind, uuid.UUID], trigger: str
) -> None:
    assert tenant.engagement is not None
    with write_session() as session:
        record_event(
            session,
            actor_id=tenant.users[Role.broker].id,
            programme_id=tenant.programme.id,
            kind=kind,
            subject=subject,
            engagement_id=tenant.engagement.id,
            trigger=trigger,
        )
        session.commit()
    Worker().drain()


@pytest.fixture
def tenant(session: Session) -> Tenant:
    return fill_tenant(session, make_tenant(session, "Alpha"))


@pytest.mark.parametrize("trigger", ["submit", "approved"])
def test_a_plan_submitted_or_approved_is_told_to_its_approvers(
    session: Session, tenant: Tenant, trigger: str
) -> None:
    assert tenant.plan is not None
    happen(tenant, EventKind.plan, (SubjectKind.plan, tenant.plan.id), trigger)
    topic = "plan.submitted" if trigger == "submit" else "plan.approved"
    path = f"/plans/{tenant.plan.id}"
    assert told(session, topic) == [
        ("broker@alpha.test", path),
        ("buyer@alpha.test", path),
        ("supplier@alpha.test", path),
    ]


def test_a_reviewed_audit_is_told_to_the_firm_and_the_buyer(
    session: Session, tenant: Tenant
) -> None:
    assert tenant.audit is not None
    happen(tenant, EventKind.audit, (SubjectKind.audit, tenant.audit.id), "review")
    path = f"/audits/{tenant.audit.id}"
    assert told(session, "audit.reviewed") == [
        ("buyer@alpha.test", path),
        ("supplier@alpha.test", path),
    ]


def test_a_partnership_decision_is_told_to_the_supplier(session: Session, tenant: Tenant) -> None:
    assert tenant.participation is not None
    assert tenant.engagement is not None
    decision = PartnershipDecision(
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        programme_id=tenant.programme.id,
        outcome=Outcome.partnership,
        rationale="Reliable deliveries",
        decided_by=tenant.users[Role.buyer].id,
    )
    session.add(decision)
    session.commit()
    happen(
        tenant,
        EventKind.decision,
        (SubjectKind.partnership_decision, decision.id),
        "decide_partnership",
    )
    assert told(session, "partnership.decided") == [
        ("supplier@alpha.test", f"/engagements/{tenant.engagement.id}")
    ]


def test_events_nobody_is_told_about_leave_no_outbox_row(session: Session, tenant: Tenant) -> None:
    assert tenant.audit is not None
    before = len(session.exec(select(OutboxMessage)).all())
    happen(tenant, EventKind.audit, (SubjectKind.audit, tenant.audit.id), "add_evidence")
    session.rollback()
    assert len(session.exec(select(OutboxMessage)).all()) == before
