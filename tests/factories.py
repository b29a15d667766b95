"""Builders for test data, written straight through the models."""

import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import PIL.Image
import pypdf
from sqlmodel import Session, select

from service.accounts.models import ApiToken, Role, TokenKind, User
from service.analyses.models import Analysis, Finding, KpiSource, KpiValue, Severity
from service.audits.models import Audit, AuditPurpose, Evidence
from service.engagements.models import Engagement, Participation
from service.notifications.models import Channel, Delivery, OutboxMessage, WebhookEndpoint
from service.notifications.webhooks import new_secret
from service.plans.models import Action, ActionCategory, FundingShare, Payer, Plan
from service.programmes.models import Organization, OrganizationKind, Programme
from service.reports import store as report_store
from service.reports.models import IssuedReport, ReportKind
from service.roundtables.models import RoundTable, RoundTableInvitee
from service.security import hash_password, new_token, token_digest
from service.settings import get_settings
from service.targets.models import Target, TargetKind
from service.tenders import crypto
from service.tenders.models import (
    Bid,
    BidVersion,
    Clarification,
    Evaluator,
    Lot,
    LotOutcome,
    Score,
    Tender,
)
from service.types import Language, utcnow
from workflows import AnalysisState, AuditState, ParticipationState, Phase

PASSWORD = "correct horse battery"

# The organization kind each test user of a role belongs to.
HOME_KIND = {
    Role.admin: OrganizationKind.unit,
    Role.broker: OrganizationKind.unit,
    Role.buyer: OrganizationKind.buyer,
    Role.supplier: OrganizationKind.supplier,
    Role.provider: OrganizationKind.provider,
    Role.observer: OrganizationKind.donor,
}


@dataclass
class Tenant:
    """A programme with one organization of each kind and one user per role."""

    programme: Programme
    organizations: dict[OrganizationKind, Organization] = field(default_factory=dict)
    users: dict[Role, User] = field(default_factory=dict)
    tokens: dict[Role, str] = field(default_factory=dict)
    engagement: "Engagement | None" = None
    participation: "Participation | None" = None
    audit: "Audit | None" = None
    evidence: "Evidence | None" = None
    round_table: "RoundTable | None" = None
    target: "Target | None" = None
    analysis: "Analysis | None" = None
    plan: "Plan | None" = None
    action: "Action | None" = None
    report: "IssuedReport | None" = None
    webhook: "WebhookEndpoint | None" = None
    delivery: "OutboxMessage | None" = None
    tender: "Tender | None" = None
    lot: "Lot | None" = None
    clarification: "Clarification | None" = None
    awarded_tender: "Tender | None" = None
    awarded_lot: "Lot | None" = None

    def headers(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def make_user(
    session: Session,
    email: str,
    organization: Organization | None,
    role: Role | None,
    superuser: bool = False,
) -> User:
    user = User(
        email=email,
        full_name=email.split("@")[0].title(),
        programme_id=organization.programme_id if organization else None,
        organization_id=organization.id if organization else None,
        role=role,
        is_superuser=superuser,
        password_hash=hash_password(PASSWORD),
    )
    session.add(user)
    session.flush()
    return user


def make_token(
    session: Session, user: User, hours: int = 1, kind: TokenKind = TokenKind.session
) -> str:
    raw = new_token()
    session.add(
        ApiToken(
            user_id=user.id,
            kind=kind,
            name="test",
            token_hash=token_digest(raw),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    return raw


def make_tenant(session: Session, name: str) -> Tenant:
    """A programme with an organization of every kind and a logged-in user of every role."""
    programme = Programme(name=name, timezone="America/Managua", currency="NIO")
    session.add(programme)
    session.flush()
    tenant = Tenant(programme=programme)
    for kind in OrganizationKind:
        organization = Organization(programme_id=programme.id, name=f"{name} {kind}", kind=kind)
        session.add(organization)
        tenant.organizations[kind] = organization
    session.flush()
    slug = name.lower().replace(" ", "-")
    for role, kind in HOME_KIND.items():
        user = make_user(session, f"{role}@{slug}.test", tenant.organizations[kind], role)
        tenant.users[role] = user
        tenant.tokens[role] = make_token(session, user)
    session.commit()
    return tenant


def make_superuser(session: Session) -> tuple[User, str]:
    user = make_user(session, "root@platform.test", None, None, superuser=True)
    token = make_token(session, user)
    session.commit()
    return user, token


def make_supplier(session: Session, tenant: Tenant, name: str) -> Organization:
    supplier = Organization(
        programme_id=tenant.programme.id, name=name, kind=OrganizationKind.supplier
    )
    session.add(supplier)
    session.commit()
    return supplier


def make_engagement(
    session: Session,
    tenant: Tenant,
    candidates: tuple[str, ...] = (),
    with_broker: bool = True,
    include_tenant_supplier: bool = True,
) -> Engagement:
    """An engagement of the tenant's buyer at enrolment, with candidates listed."""
    engagement = Engagement(
        programme_id=tenant.programme.id,
        buyer_id=tenant.organizations[OrganizationKind.buyer].id,
        broker_id=tenant.users[Role.broker].id if with_broker else None,
        title=f"{tenant.programme.name} linkage",
    )
    session.add(engagement)
    session.flush()
    suppliers = [tenant.organizations[OrganizationKind.supplier]] if include_tenant_supplier else []
    suppliers += [make_supplier(session, tenant, name) for name in candidates]
    for supplier in suppliers:
        session.add(Participation(engagement_id=engagement.id, supplier_id=supplier.id))
    session.commit()
    return engagement


def make_reviewed_audit(
    session: Session, tenant: Tenant, upload_dir: Path
) -> tuple[Audit, Evidence]:
    """A reviewed evaluation audit of the tenant's supplier, with one stored evidence file."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    audit = Audit(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        template_id="supplier-evaluation",
        template_version=1,
        purpose=AuditPurpose.evaluation,
        state=AuditState.reviewed,
        created_by=tenant.users[Role.broker].id,
    )
    session.add(audit)
    session.flush()
    evidence = make_evidence(session, audit, tenant.users[Role.broker], upload_dir)
    session.commit()
    return audit, evidence


def make_evidence(
    session: Session, audit: Audit, uploader: User, upload_dir: Path, question_id: str = "mgmt-01"
) -> Evidence:
    """A small PDF stored as evidence of the audit for a question (added, not committed)."""
    key = uuid.uuid4().hex
    storage_key = f"{key[:2]}/{key}"
    (upload_dir / key[:2]).mkdir(parents=True, exist_ok=True)
    (upload_dir / storage_key).write_bytes(TINY_PDF)
    evidence = Evidence(
        audit_id=audit.id, question_id=question_id, filename="records.pdf",
        media_type="application/pdf", size=15, sha256="0" * 64, storage_key=storage_key,
        uploaded_by=uploader.id,
    )  # fmt: skip
    session.add(evidence)
    return evidence


def make_round_table(session: Session, tenant: Tenant, days_ago: int = 1) -> RoundTable:
    """A scheduled round table of the tenant's engagement, inviting its buyer and supplier."""
    assert tenant.engagement is not None
    round_table = RoundTable(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        title="First round table",
        starts_at=utcnow() - timedelta(days=days_ago),
        timezone="America/Managua",
        duration_minutes=120,
        place="Cámara de Industria, sala 2",
        agenda=["Welcome", "Quality requirements"],
        created_by=tenant.users[Role.broker].id,
    )
    session.add(round_table)
    session.flush()
    for kind in (OrganizationKind.buyer, OrganizationKind.supplier):
        session.add(
            RoundTableInvitee(
                round_table_id=round_table.id, organization_id=tenant.organizations[kind].id
            )
        )
    session.commit()
    return round_table


def make_target(session: Session, tenant: Tenant) -> Target:
    """An on-time delivery target of the tenant's supplier, agreed at its round table."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    assert tenant.round_table is not None
    target = Target(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        round_table_id=tenant.round_table.id,
        kind=TargetKind.kpi,
        kpi="on_time_delivery",
        value="95",
        due_on=date(2027, 6, 30),
        created_by=tenant.users[Role.broker].id,
    )
    session.add(target)
    session.commit()
    return target


def make_analysis(session: Session, tenant: Tenant) -> Analysis:
    """A draft analysis of the tenant's supplier."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    analysis = Analysis(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        summary="Deliveries late for lack of planning.",
        created_by=tenant.users[Role.broker].id,
    )
    session.add(analysis)
    session.commit()
    return analysis


def fill_tenant(session: Session, tenant: Tenant) -> Tenant:
    """One of everything: an engagement with the tenant's supplier as candidate, a reviewed
    audit with evidence, a round table, a target, an analysis, a plan with an action, a report."""
    tenant.engagement = make_engagement(session, tenant)
    tenant.participation = session.exec(
        select(Participation).where(Participation.engagement_id == tenant.engagement.id)
    ).one()
    tenant.audit, tenant.evidence = make_reviewed_audit(session, tenant, get_settings().upload_dir)
    tenant.round_table = make_round_table(session, tenant)
    tenant.target = make_target(session, tenant)
    tenant.analysis = make_analysis(session, tenant)
    tenant.plan, tenant.action = make_plan(session, tenant)
    tenant.report = make_report(session, tenant)
    tenant.webhook, tenant.delivery = make_webhook(session, tenant)
    tenant.tender, tenant.lot, tenant.clarification = make_tender(session, tenant, with_bid=True)
    tenant.awarded_tender, tenant.awarded_lot = make_awarded_tender(session, tenant)
    return tenant


def make_webhook(session: Session, tenant: Tenant) -> tuple[WebhookEndpoint, OutboxMessage]:
    """A webhook endpoint of the programme with one delivery sent."""
    endpoint = WebhookEndpoint(
        programme_id=tenant.programme.id,
        url="https://hooks.example.org/supplierdev",
        event_types=["plan.submitted"],
        secret=new_secret(),
        created_by=tenant.users[Role.admin].id,
    )
    session.add(endpoint)
    session.flush()
    delivery = OutboxMessage(
        programme_id=tenant.programme.id,
        channel=Channel.webhook,
        topic="plan.submitted",
        dedup_key=f"webhook:{uuid.uuid4()}",
        endpoint_id=endpoint.id,
        payload={"type": "plan.submitted", "data": {}},
        state=Delivery.sent,
        attempts=1,
        response_code=200,
        duration_ms=12,
        sent_at=utcnow(),
    )
    session.add(delivery)
    session.commit()
    return endpoint, delivery


def make_plan_ready(session: Session, tenant: Tenant) -> Finding:
    """The tenant's engagement in improvement_plans, its supplier analysed with an approved
    analysis holding one major finding and a lead-time baseline; returns the finding."""
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.improvement_plans
    participation = session.exec(
        select(Participation).where(Participation.engagement_id == tenant.engagement.id)
    ).one()
    participation.state = ParticipationState.analysed
    session.add_all([tenant.engagement, participation])
    tenant.participation = participation
    analysis = make_analysis(session, tenant)
    analysis.state = AnalysisState.approved
    finding = Finding(
        analysis_id=analysis.id,
        area="delivery",
        description="Orders are planned on paper, weekly.",
        severity=Severity.major,
        created_by=tenant.users[Role.broker].id,
    )
    baseline = KpiValue(
        engagement_id=tenant.engagement.id,
        organization_id=participation.supplier_id,
        analysis_id=analysis.id,
        kpi="lead_time",
        value="14",
        measured_on=date(2026, 10, 1),
        source=KpiSource.baseline,
        recorded_by=tenant.users[Role.broker].id,
    )
    session.add_all([analysis, finding, baseline])
    session.commit()
    tenant.analysis = analysis
    return finding


def make_plan(session: Session, tenant: Tenant) -> tuple[Plan, Action]:
    """A draft plan of the tenant's supplier with one training action its provider delivers."""
    assert tenant.engagement is not None
    assert tenant.participation is not None
    plan = Plan(
        programme_id=tenant.programme.id,
        engagement_id=tenant.engagement.id,
        participation_id=tenant.participation.id,
        organization_id=tenant.participation.supplier_id,
        starts_on=date(2027, 1, 1),
        created_by=tenant.users[Role.broker].id,
    )
    session.add(plan)
    session.flush()
    action = Action(
        programme_id=tenant.programme.id,
        plan_id=plan.id,
        category=ActionCategory.training,
        title="Production planning course",
        provider_id=tenant.organizations[OrganizationKind.provider].id,
        starts_on=date(2027, 1, 10),
        due_on=date(2027, 3, 31),
        estimated_cost=Decimal("1500.00"),
    )
    session.add(action)
    session.flush()
    session.add(FundingShare(action_id=action.id, payer=Payer.programme, percent=Decimal(100)))
    session.commit()
    return plan, action


def make_report(session: Session, tenant: Tenant) -> IssuedReport:
    """An issued plan report of the tenant's supplier, its bytes in the reports folder."""
    assert tenant.plan is not None
    pdf = b"%PDF-1.7\n% a stored report\n%%EOF\n"
    sha256, key = report_store.store(pdf)
    report = IssuedReport(
        programme_id=tenant.programme.id,
        engagement_id=tenant.plan.engagement_id,
        organization_id=tenant.plan.organization_id,
        kind=ReportKind.plan,
        subject_id=tenant.plan.id,
        language=Language.en,
        title="Plan",
        sha256=sha256,
        size=len(pdf),
        storage_key=key,
        issued_by=tenant.users[Role.broker].id,
    )
    session.add(report)
    session.commit()
    return report


def make_tender(
    session: Session, tenant: Tenant, with_bid: bool = False
) -> tuple[Tender, Lot, Clarification]:
    """A tender open to every provider, published with a deadline ten days away, one lot and
    one unanswered question (and, with_bid, the tenant's provider's sealed bid on the lot)."""
    from workflows.tender import TenderState

    now = utcnow()
    tender = Tender(
        programme_id=tenant.programme.id,
        title="Training call",
        description="Training for the programme's suppliers.",
        state=TenderState.published,
        deadline_at=now + timedelta(days=10),
        clarification_ends_at=now + timedelta(days=5),
        open_to_all=True,
        criteria=[
            {"key": "price", "name": "Price", "weight": 40, "price": True},
            {"key": "approach", "name": "Approach", "weight": 60, "price": False},
        ],
        created_by=tenant.users[Role.admin].id,
        published_at=now,
    )
    session.add(tender)
    session.flush()
    lot = Lot(
        tender_id=tender.id,
        programme_id=tenant.programme.id,
        title="Lot 1",
        category=ActionCategory.training,
        scope="Courses.",
        deliverables="Material.",
        starts_on=date(2027, 2, 1),
        due_on=date(2027, 4, 30),
        budget_ceiling=Decimal("9000.00"),
    )
    session.add(lot)
    session.flush()
    question = Clarification(
        tender_id=tender.id,
        asked_by=tenant.organizations[OrganizationKind.provider].id,
        question="May courses be on Saturdays?",
    )
    session.add(question)
    if with_bid:
        add_bid(session, tenant, tender, lot, now - timedelta(hours=1))
    session.commit()
    return tender, lot, question


def add_bid(session: Session, tenant: Tenant, tender: Tender, lot: Lot, at: datetime) -> Bid:
    """The tenant's provider's bid on the lot, one sealed version submitted at `at`."""
    bid = Bid(
        tender_id=tender.id,
        lot_id=lot.id,
        organization_id=tenant.organizations[OrganizationKind.provider].id,
        versions=1,
    )
    session.add(bid)
    session.flush()
    content = {"price": "4000.00", "approach": "Courses on site.", "team": "Two trainers."}
    nonce, ciphertext = crypto.seal(tender.id, bid.id, 1, content)
    session.add(
        BidVersion(
            bid_id=bid.id,
            number=1,
            nonce=nonce,
            ciphertext=ciphertext,
            submitted_by=tenant.users[Role.provider].id,
            submitted_at=at,
        )
    )
    return bid


def make_awarded_tender(session: Session, tenant: Tenant) -> tuple[Tender, Lot]:
    """An awarded tender: its lot won by the tenant's provider, scored by the tenant's broker
    (a declared evaluator)."""
    from workflows.tender import TenderState

    tender, lot, _question = make_tender(session, tenant)
    past = utcnow() - timedelta(days=20)
    tender.title, tender.state = "Awarded call", TenderState.awarded
    tender.deadline_at, tender.clarification_ends_at = past, past - timedelta(days=5)
    tender.closed_at = tender.awarded_at = past
    tender.standstill_ends_at = past + timedelta(days=10)
    bid = add_bid(session, tenant, tender, lot, past - timedelta(days=1))
    evaluator = Evaluator(
        tender_id=tender.id,
        user_id=tenant.users[Role.broker].id,
        declared_at=past,
        declaration="No conflict.",
        submitted_at=past,
    )
    session.add(evaluator)
    session.flush()
    session.add(Score(evaluator_id=evaluator.id, bid_id=bid.id, criterion="approach", points=80))
    lot.outcome, lot.awarded_bid_id, lot.rationale = LotOutcome.awarded, bid.id, "Only bid."
    session.add_all([tender, lot])
    session.commit()
    return tender, lot


def tiny_pdf() -> bytes:
    """A real one-page PDF, as a PDF parser opens it."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tiny_jpeg() -> bytes:
    """A real 2 × 2 JPEG that decodes."""
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (2, 2), "white").save(buffer, "JPEG")
    return buffer.getvalue()


TINY_PDF = tiny_pdf()
