"""Every read of the access matrix issues the same number of SQL statements however many rows
it reads: no query per row, for any role that may read it."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role, TokenKind
from service.analyses.models import Finding, FindingLink, KpiSource, KpiValue, Severity
from service.audits.models import Answer, Audit, AuditPurpose, Evidence
from service.audits.service import template_for
from service.engagements.models import Participation
from service.history import EventKind, SubjectKind, record_event
from service.notifications.models import Channel, OutboxMessage
from service.plans.models import (
    Action,
    ActionCategory,
    FundingShare,
    Party,
    Payer,
    Plan,
    PlanApproval,
    Review,
)
from service.programmes.calendar import today_in
from service.programmes.models import Organization, OrganizationKind, Programme
from service.providers.models import ProviderProfile, Qualification
from service.roundtables.models import RoundTableInvitee
from service.settings import get_settings
from service.targets.models import TargetRevision
from service.tenders import crypto
from service.tenders.models import Bid, BidVersion, Clarification, Evaluator, Lot, LotAction, Score
from tests.factories import (
    Tenant,
    fill_tenant,
    make_analysis,
    make_engagement,
    make_evidence,
    make_report,
    make_reviewed_audit,
    make_round_table,
    make_superuser,
    make_supplier,
    make_target,
    make_tenant,
    make_tender,
    make_token,
    make_user,
    make_webhook,
)
from tests.service.test_access_matrix import ENDPOINTS, SUPERUSER, Endpoint
from workflows import PlanState
from workflows.plan_health import ActionStatus, add_months

COPIES = 3  # the copies of the world added between the two counts


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class Growth:
    """The role whose response is measured, and how many of its listed rows each copy of the
    world adds (rows: counts them in the response; None for a read that lists nothing)."""

    role: Role | str
    rows: Callable[[Any], int] | None = None
    per_copy: int = 0


def listed(body: Any) -> int:
    return len(body)


def items(body: Any) -> int:
    return len(body["items"])


def fields(*names: str) -> Callable[[Any], int]:
    return lambda body: sum(len(body[name]) for name in names)


ADMIN = Growth(Role.admin)
ENGAGEMENT = "/api/v1/engagements/{engagement_id}"
PARTICIPATION = ENGAGEMENT + "/participations/{participation_id}"
TENDER = "/api/v1/tenders/{tender_id}"
LOT = "/api/v1/lots/{lot_id}"
# Every GET of the access matrix (a test checks it), with the rows it lists.
READS: dict[str, Growth] = {
    "/api/v1/me": ADMIN,
    # The grown world adds no token of the caller's own: this only pins the count.
    "/api/v1/me/tokens": Growth(Role.admin, listed, 0),
    "/api/v1/programmes": Growth(SUPERUSER, items, 1),
    "/api/v1/programmes/{programme_id}": ADMIN,
    # Each copy adds a supplier and a tender's provider.
    "/api/v1/organizations": Growth(Role.admin, items, 2),
    "/api/v1/organizations/{organization_id}": ADMIN,
    "/api/v1/users": Growth(Role.admin, items, 1),
    "/api/v1/users/{user_id}": ADMIN,
    "/api/v1/workflows": ADMIN,
    "/api/v1/engagements": Growth(Role.admin, items, 1),
    ENGAGEMENT: ADMIN,
    ENGAGEMENT + "/transitions": ADMIN,
    ENGAGEMENT + "/events": Growth(Role.admin, items, 1),
    ENGAGEMENT + "/participations": Growth(Role.admin, items, 1),
    PARTICIPATION: ADMIN,
    PARTICIPATION + "/transitions": ADMIN,
    "/api/v1/audit-templates": ADMIN,
    "/api/v1/audit-templates/{template_id}/versions/{version}": ADMIN,
    ENGAGEMENT + "/audits": Growth(Role.admin, items, 2),
    ENGAGEMENT + "/comparison": Growth(Role.admin, fields("candidates", "before_after"), 2),
    "/api/v1/audits/{audit_id}": Growth(Role.admin, fields("answers", "evidence"), 2),
    "/api/v1/audits/{audit_id}/transitions": ADMIN,
    "/api/v1/audits/{audit_id}/evidence/{evidence_id}": ADMIN,
    ENGAGEMENT + "/round-tables": Growth(Role.admin, items, 1),
    "/api/v1/round-tables/{round_table_id}": Growth(Role.admin, fields("invitees"), 1),
    "/api/v1/round-tables/{round_table_id}/calendar.ics": ADMIN,
    PARTICIPATION + "/targets": Growth(Role.admin, items, 1),
    "/api/v1/targets/{target_id}": ADMIN,
    "/api/v1/targets/{target_id}/history": Growth(Role.admin, items, 1),
    ENGAGEMENT + "/analyses": Growth(Role.admin, items, 1),
    "/api/v1/analyses/{analysis_id}": Growth(Role.admin, fields("findings", "baselines"), 2),
    "/api/v1/analyses/{analysis_id}/transitions": ADMIN,
    ENGAGEMENT + "/plans": Growth(Role.admin, items, 1),
    "/api/v1/plans/{plan_id}": Growth(Role.admin, fields("actions", "reviews"), 2),
    "/api/v1/plans/{plan_id}/transitions": ADMIN,
    "/api/v1/actions/{action_id}": Growth(Role.admin, fields("funding"), 1),
    "/api/v1/tracking/overdue-actions": Growth(Role.admin, items, 1),
    "/api/v1/tracking/missed-reviews": Growth(Role.admin, items, 1),
    ENGAGEMENT + "/timeline": Growth(Role.admin, items, 1),
    ENGAGEMENT + "/costs": Growth(Role.admin, fields("by_organization"), 1),
    "/api/v1/programmes/{programme_id}/costs": Growth(Role.admin, fields("by_organization"), 1),
    "/api/v1/reports": Growth(Role.admin, items, 1),
    "/api/v1/reports/{report_id}": ADMIN,
    "/api/v1/reports/{report_id}/pdf": ADMIN,
    "/api/v1/programmes/{programme_id}/events": Growth(Role.admin, items, 1),
    "/api/v1/programmes/{programme_id}/history/verification": ADMIN,
    "/api/v1/me/notification-preferences": ADMIN,
    "/api/v1/webhook-endpoints": Growth(Role.admin, items, 1),
    "/api/v1/webhook-endpoints/{endpoint_id}": ADMIN,
    "/api/v1/webhook-endpoints/{endpoint_id}/deliveries": Growth(Role.admin, items, 1),
    "/api/v1/outbox": Growth(Role.admin, items, 2),
    "/api/v1/outbox/counts": ADMIN,
    "/api/v1/tenders": Growth(Role.admin, items, 1),
    TENDER: Growth(Role.admin, fields("lots"), 1),
    TENDER + "/transitions": ADMIN,
    TENDER + "/notice.pdf": ADMIN,
    TENDER + "/award-report.pdf": ADMIN,
    TENDER + "/clarifications": Growth(Role.admin, items, 1),
    TENDER + "/evaluators": ADMIN,
    TENDER + "/scores": Growth(Role.admin, items, 1),
    LOT + "/bid": Growth(Role.provider, fields("versions"), 0),
    LOT + "/bids": Growth(Role.admin, items, 1),
    LOT + "/ranking": Growth(Role.admin, items, 1),
    LOT + "/result": Growth(Role.provider),
    "/api/v1/programmes/{programme_id}/tender-policy": ADMIN,
    "/api/v1/providers": Growth(Role.admin, items, 1),
    "/api/v1/providers/{organization_id}": Growth(Role.admin, fields("qualifications"), 1),
}
GETS = [endpoint for endpoint in ENDPOINTS if endpoint.method == "GET"]


def grow_accounts(session: Session, tenant: Tenant, tag: str) -> None:
    """A programme (for the superuser), a unit user, a personal token for every user, an
    engagement of the buyer, and an audit event by the new user."""
    session.add(Programme(name=f"Programme {tag}", timezone="UTC", currency="USD"))
    unit = tenant.organizations[OrganizationKind.unit]
    user = make_user(session, f"broker-{tag}@alpha.test", unit, Role.broker)
    for member in tenant.users.values():
        make_token(session, member, kind=TokenKind.personal)
    assert tenant.audit is not None
    record_event(
        session,
        programme_id=tenant.programme.id,
        subject=(SubjectKind.audit, tenant.audit.id),
        engagement_id=tenant.audit.engagement_id,
        participation_id=tenant.audit.participation_id,
        audit_id=tenant.audit.id,
        actor_id=user.id,
        kind=EventKind.audit,
        trigger="add_evidence",
        reason=f"mgmt-01: records {tag}",
    )
    make_engagement(session, tenant, include_tenant_supplier=False)
    grow_webhooks(session, tenant)


def grow_webhooks(session: Session, tenant: Tenant) -> None:
    """A new endpoint with one delivery, and one more delivery of the world's endpoint."""
    assert tenant.webhook is not None
    make_webhook(session, tenant)
    session.add(another_delivery(endpoint_id=tenant.webhook.id, programme_id=tenant.programme.id))
    session.commit()


def another_delivery(**values: Any) -> OutboxMessage:
    return OutboxMessage(
        channel=Channel.webhook,
        topic="plan.submitted",
        dedup_key=f"webhook:{uuid.uuid4()}",
        payload={},
        **values,
    )


def answer_next(session: Session, audit: Audit, tenant: Tenant) -> None:
    """Answer the first scale question of the audit still unanswered, at the top level."""
    template = template_for(audit.template_id, audit.template_version)
    answered = set(session.exec(select(Answer.question_id).where(Answer.audit_id == audit.id)))
    question = next(
        q for _section, q in template.questions() if q.type == "scale" and q.id not in answered
    )
    session.add(
        Answer(
            audit_id=audit.id,
            question_id=question.id,
            value=template.scale.max,
            answered_by=tenant.users[Role.broker].id,
        )
    )
    session.flush()


def grow_audits(session: Session, tenant: Tenant, firm: Tenant) -> Audit:
    """A reviewed evaluation and a reviewed final audit of the new firm, and one more answer
    and evidence file in the world's audit; returns the evaluation."""
    upload_dir = get_settings().upload_dir
    evaluation, _evidence = make_reviewed_audit(session, firm, upload_dir)
    final, _evidence = make_reviewed_audit(session, firm, upload_dir)
    final.purpose = AuditPurpose.final
    session.add(final)
    assert tenant.audit is not None
    for audit in (evaluation, final, tenant.audit):
        answer_next(session, audit, tenant)
    make_evidence(session, tenant.audit, tenant.users[Role.broker], upload_dir, "qa-01")
    session.commit()
    return evaluation


def grow_meetings(session: Session, tenant: Tenant, firm: Tenant) -> None:
    """A round table the new firm attended, the new firm at the world's round table, a target
    of the world's supplier and a revision of the world's target."""
    assert firm.participation is not None
    assert tenant.round_table is not None
    assert tenant.target is not None
    round_table = make_round_table(session, tenant)
    for meeting in (round_table, tenant.round_table):
        session.add(
            RoundTableInvitee(
                round_table_id=meeting.id,
                organization_id=firm.participation.supplier_id,
                attended=True,
                attendees=["Ana Pérez"],
            )
        )
    make_target(session, tenant)
    revisions = session.exec(
        select(TargetRevision).where(TargetRevision.target_id == tenant.target.id)
    ).all()
    session.add(
        TargetRevision(
            target_id=tenant.target.id,
            version=len(revisions) + 1,
            value=str(90 + len(revisions)),
            changed_by=tenant.users[Role.broker].id,
            reason="Agreed again",
        )
    )
    session.commit()


def grow_analyses(session: Session, tenant: Tenant, firm: Tenant, audit: Audit) -> None:
    """An analysis of the new firm; it and the world's analysis each gain a finding linked to
    the audit's evidence, and a baseline."""
    assert tenant.analysis is not None
    evidence = session.exec(select(Evidence).where(Evidence.audit_id == audit.id)).first()
    assert evidence is not None
    for analysis in (make_analysis(session, firm), tenant.analysis):
        finding = Finding(
            analysis_id=analysis.id,
            area="delivery",
            description="Orders are planned on paper, weekly.",
            severity=Severity.major,
            created_by=tenant.users[Role.broker].id,
        )
        session.add(finding)
        session.flush()
        session.add(
            FindingLink(
                finding_id=finding.id,
                audit_id=audit.id,
                question_id=evidence.question_id,
                evidence_id=evidence.id,
            )
        )
        session.add(
            KpiValue(
                engagement_id=analysis.engagement_id,
                organization_id=analysis.organization_id,
                analysis_id=analysis.id,
                kpi="lead_time",
                value="14",
                measured_on=add_months(today_in(session, tenant.programme.id), -4),
                source=KpiSource.baseline,
                recorded_by=tenant.users[Role.broker].id,
            )
        )
    session.commit()


def add_action(session: Session, tenant: Tenant, plan: Plan, overdue: bool) -> Action:
    """An action of the plan delivered by the tenant's provider, paid half by the firm and
    half by the buyer; overdue: due ten days ago and in progress."""
    today = today_in(session, tenant.programme.id)
    action = Action(
        programme_id=tenant.programme.id,
        plan_id=plan.id,
        category=ActionCategory.technical_assistance,
        title="Layout assistance",
        provider_id=tenant.organizations[OrganizationKind.provider].id,
        starts_on=plan.starts_on,
        due_on=today - timedelta(days=10) if overdue else add_months(plan.starts_on, 2),
        status=ActionStatus.in_progress if overdue else ActionStatus.planned,
        estimated_cost=Decimal("800.00"),
    )
    session.add(action)
    session.flush()
    session.add(FundingShare(action_id=action.id, payer=Payer.firm, percent=Decimal(50)))
    session.add(
        FundingShare(action_id=action.id, payer=Payer.buyer, percent=Decimal(50), position=1)
    )
    return action


def add_review(session: Session, tenant: Tenant, plan: Plan, action: Action, days_ago: int) -> None:
    session.add(
        Review(
            plan_id=plan.id,
            held_on=today_in(session, tenant.programme.id) - timedelta(days=days_ago),
            broker_id=tenant.users[Role.broker].id,
            notes="Monthly review",
            progress={str(action.id): 40},
        )
    )


def grow_plans(session: Session, tenant: Tenant, firm: Tenant) -> None:
    """A plan of the new firm in progress for three months, approved by every party, with an
    overdue action, a review 40 days ago and a report; the world's plan gains an action and a
    review, the world's action a (zero) funding share."""
    assert firm.participation is not None
    assert tenant.plan is not None
    assert tenant.action is not None
    plan = Plan(
        programme_id=tenant.programme.id,
        engagement_id=firm.participation.engagement_id,
        participation_id=firm.participation.id,
        organization_id=firm.participation.supplier_id,
        starts_on=add_months(today_in(session, tenant.programme.id), -3),
        state=PlanState.in_progress,
        created_by=tenant.users[Role.broker].id,
    )
    session.add(plan)
    session.flush()
    add_review(session, tenant, plan, add_action(session, tenant, plan, overdue=True), 40)
    for party in Party:
        session.add(PlanApproval(plan_id=plan.id, party=party, user_id=tenant.users[Role.admin].id))
    add_review(session, tenant, tenant.plan, add_action(session, tenant, tenant.plan, False), 5)
    shares = session.exec(
        select(FundingShare).where(FundingShare.action_id == tenant.action.id)
    ).all()
    session.add(
        FundingShare(
            action_id=tenant.action.id, payer=Payer.donor, percent=Decimal(0), position=len(shares)
        )
    )
    session.commit()
    make_report(session, replace(firm, plan=plan))


def grow_tenders(session: Session, tenant: Tenant, tag: str) -> None:
    """A new tender; a lot and a question in the world's tender; a bid, scored, in the awarded
    lot; a new registered provider and a qualification of the world's provider."""
    assert tenant.tender is not None
    assert tenant.lot is not None
    assert tenant.awarded_tender is not None
    assert tenant.awarded_lot is not None
    assert tenant.action is not None
    make_tender(session, tenant)
    lot = Lot(**{**tenant.lot.model_dump(exclude={"id"}), "title": f"Lot {tag}"})
    session.add(lot)
    session.flush()
    session.add(LotAction(lot_id=lot.id, action_id=tenant.action.id))
    session.add(
        Clarification(
            tender_id=tenant.tender.id,
            asked_by=tenant.organizations[OrganizationKind.provider].id,
            question=f"Question {tag}?",
        )
    )
    provider = Organization(
        programme_id=tenant.programme.id, name=f"Provider {tag}", kind=OrganizationKind.provider
    )
    session.add(provider)
    session.flush()
    session.add(ProviderProfile(organization_id=provider.id, programme_id=tenant.programme.id))
    session.add(
        Qualification(
            programme_id=tenant.programme.id,
            organization_id=tenant.organizations[OrganizationKind.provider].id,
            name=f"Qualification {tag}",
        )
    )
    bid = Bid(
        tender_id=tenant.awarded_tender.id,
        lot_id=tenant.awarded_lot.id,
        organization_id=provider.id,
        versions=1,
    )
    session.add(bid)
    session.flush()
    nonce, ciphertext = crypto.seal(tenant.awarded_tender.id, bid.id, 1, {"price": "5000.00"})
    session.add(
        BidVersion(
            bid_id=bid.id,
            number=1,
            nonce=nonce,
            ciphertext=ciphertext,
            submitted_by=tenant.users[Role.provider].id,
            submitted_at=tenant.awarded_tender.deadline_at - timedelta(hours=1),
        )
    )
    evaluator = session.exec(
        select(Evaluator).where(Evaluator.tender_id == tenant.awarded_tender.id)
    ).one()
    session.add(Score(evaluator_id=evaluator.id, bid_id=bid.id, criterion="approach", points=70))
    session.commit()


def grow_world(session: Session, tenant: Tenant, copies: int) -> None:
    """Add copies of everything the world has: each copy is a new supplier (a candidate of the
    world's engagement) with its audits, round table, analysis, plan and report, and one more
    of every row inside the world's own audit, round table, target, analysis, plan and action."""
    assert tenant.engagement is not None
    for _copy in range(copies):
        tag = uuid.uuid4().hex[:8]
        grow_accounts(session, tenant, tag)
        supplier = make_supplier(session, tenant, f"Supplier {tag}")
        participation = Participation(engagement_id=tenant.engagement.id, supplier_id=supplier.id)
        session.add(participation)
        session.commit()
        firm = replace(tenant, participation=participation)
        audit = grow_audits(session, tenant, firm)
        grow_meetings(session, tenant, firm)
        grow_analyses(session, tenant, firm, audit)
        grow_plans(session, tenant, firm)
        grow_tenders(session, tenant, tag)


@dataclass
class Read:
    status: int
    statements: list[str]
    response: httpx.Response


def measure(client: TestClient, engine: sa.Engine, url: str, headers: dict[str, str]) -> Read:
    """The statements of one request, after a first request has warmed the caches (templates,
    catalogue)."""
    client.get(url, headers=headers)
    with counting(engine) as statements:
        response = client.get(url, headers=headers)
    return Read(response.status_code, statements, response)


@dataclass
class World:
    """The tenant with one of everything, grown once so that every list has rows, and the
    platform superuser's token."""

    tenant: Tenant
    superuser_token: str

    def headers(self, role: Role | str) -> dict[str, str]:
        if role == SUPERUSER:
            return {"Authorization": f"Bearer {self.superuser_token}"}
        return self.tenant.headers(Role(role))


@pytest.fixture
def world(session: Session) -> World:
    _user, token = make_superuser(session)
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    grow_world(session, tenant, 1)
    return World(tenant, token)


def test_every_get_of_the_access_matrix_is_counted() -> None:
    assert set(READS) == {endpoint.path for endpoint in GETS}


@pytest.mark.parametrize("endpoint", GETS, ids=lambda endpoint: endpoint.path)
def test_reads_issue_as_many_statements_however_many_rows(
    client: TestClient, session: Session, engine: sa.Engine, world: World, endpoint: Endpoint
) -> None:
    url = endpoint.path.format(**endpoint.fill(world.tenant))
    roles = [role for role, status in endpoint.expected.items() if status == 200]
    few = {role: measure(client, engine, url, world.headers(role)) for role in roles}
    grow_world(session, world.tenant, COPIES)
    many = {role: measure(client, engine, url, world.headers(role)) for role in roles}
    assert {result.status for result in [*few.values(), *many.values()]} == {200}
    grown = [role for role in roles if len(many[role].statements) != len(few[role].statements)]
    assert grown == [], "\n\n".join(
        f"as {role}, {len(few[role].statements)} statements became {len(many[role].statements)}:\n"
        + "\n".join(many[role].statements)
        for role in grown
    )
    growth = READS[endpoint.path]
    if growth.rows is not None:
        before, after = (growth.rows(r[growth.role].response.json()) for r in (few, many))
        assert after - before == COPIES * growth.per_copy
