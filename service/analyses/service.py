"""Analysis use cases: open, summarise, add findings and baselines, approve, reopen."""

from typing import Any

from sqlmodel import Session, select

from service.accounts.models import Role, User
from service.analyses.models import (
    Analysis,
    AnalysisCreate,
    AnswerLink,
    BaselineCreate,
    EvidenceLink,
    Finding,
    FindingCreate,
    FindingLink,
    KpiSource,
    KpiValue,
)
from service.analyses.queries import baselines_of, findings_of
from service.audits.models import Audit, Evidence
from service.audits.templates import template_registry
from service.engagements.models import Engagement, Participation
from service.engagements.steps import follow
from service.errors import Conflict, Forbidden, NotFound
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.programmes.models import Organization
from service.targets.queries import targeted_kpis
from service.types import number_text, utcnow
from service.versioning import bump_version, check_version
from workflows import AnalysisSnapshot, AnalysisState, ParticipationState, Phase, apply_to_analysis
from workflows.states import SELECTED_TRACK


def _event(
    session: Session,
    analysis: Analysis,
    actor: User,
    trigger: str,
    source: str | None,
    dest: str | None,
    reason: str | None = None,
) -> None:
    record_event(
        session,
        actor_id=actor.id,
        programme_id=analysis.programme_id,
        kind=EventKind.analysis,
        subject=(SubjectKind.analysis, analysis.id),
        engagement_id=analysis.engagement_id,
        participation_id=analysis.participation_id,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        reason=reason,
    )


def open_analysis(
    *, session: Session, actor: User, engagement: Engagement, data: AnalysisCreate
) -> Analysis:
    """One analysis per selected supplier and one for the buyer."""
    if data.participation_id is None:
        organization_id = engagement.buyer_id
    else:
        participation = session.get(Participation, data.participation_id)
        if participation is None or participation.engagement_id != engagement.id:
            raise NotFound("no such participation in this engagement", field="participation_id")
        if participation.state not in SELECTED_TRACK:
            raise Conflict(
                f"only selected suppliers are analysed; this one is {participation.state.value}",
                field="participation_id",
            )
        organization_id = participation.supplier_id
    existing = select(Analysis.id).where(
        Analysis.engagement_id == engagement.id, Analysis.organization_id == organization_id
    )
    if session.exec(existing).first() is not None:
        raise Conflict(
            "this firm already has an analysis in this engagement", field="participation_id"
        )
    analysis = Analysis(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        participation_id=data.participation_id,
        organization_id=organization_id,
        summary=data.summary,
        created_by=actor.id,
    )
    session.add(analysis)
    session.flush()
    _event(session, analysis, actor, "open_analysis", None, "draft")
    session.commit()
    return analysis


def _require_draft(analysis: Analysis) -> None:
    if analysis.state != AnalysisState.draft:
        reason = "the analysis is approved; reopen it to change it"
        raise Conflict(reason, blocked_by=[reason])


def update_summary(*, session: Session, analysis: Analysis, summary: str, version: int) -> Analysis:
    """A new summary for a draft analysis; the summary it has changes nothing."""
    check_version(analysis.version, version)
    if summary == analysis.summary:
        return analysis
    _require_draft(analysis)
    bump_version(session, Analysis, analysis.id, version, summary=summary)
    session.commit()
    session.refresh(analysis)
    return analysis


def add_finding(
    *, session: Session, actor: User, analysis: Analysis, data: FindingCreate, version: int
) -> Finding:
    """A finding in an audit-section area (or "other"), resting on the firm's audit answers or
    evidence files in this engagement; the analysis's version moves on."""
    check_version(analysis.version, version)
    _require_draft(analysis)
    links = [_link(session, analysis, link, f"links.{n}") for n, link in enumerate(data.links)]
    finding = Finding.model_validate(
        data.model_dump(mode="json", exclude={"links"}),
        update={"analysis_id": analysis.id, "created_by": actor.id},
    )
    session.add(finding)
    session.flush()
    for link in links:
        link.finding_id = finding.id
        session.add(link)
    bump_version(session, Analysis, analysis.id, version)
    _event(
        session, analysis, actor, "add_finding", None, None, f"{data.severity.value} in {data.area}"
    )
    session.commit()
    return finding


def _firm_audit(session: Session, analysis: Analysis, audit_id: Any) -> Audit | None:
    audit = session.get(Audit, audit_id)
    if (
        audit is None
        or audit.engagement_id != analysis.engagement_id
        or audit.organization_id != analysis.organization_id
    ):
        return None
    return audit


def _link(
    session: Session, analysis: Analysis, link: AnswerLink | EvidenceLink, where: str
) -> FindingLink:
    """The stored link, or 404 naming the answer or file that is not the firm's."""
    if isinstance(link, EvidenceLink):
        evidence = session.get(Evidence, link.evidence_id)
        if evidence is None or _firm_audit(session, analysis, evidence.audit_id) is None:
            raise NotFound(
                "no evidence of this firm's audits in this engagement",
                field=f"{where}.evidence_id",
            )
        return FindingLink(
            finding_id=analysis.id,
            audit_id=evidence.audit_id,
            question_id=evidence.question_id,
            evidence_id=evidence.id,
        )
    audit = _firm_audit(session, analysis, link.audit_id)
    if audit is None:
        raise NotFound("no audit of this firm in this engagement", field=f"{where}.audit_id")
    template = template_registry()[(audit.template_id, audit.template_version)]
    if template.question(link.question_id) is None:
        raise NotFound(
            f"no question {link.question_id!r} in this audit", field=f"{where}.question_id"
        )
    return FindingLink(finding_id=analysis.id, audit_id=audit.id, question_id=link.question_id)


def add_baseline(
    *, session: Session, actor: User, analysis: Analysis, data: BaselineCreate, version: int
) -> KpiValue:
    """A baseline KPI value (the request type keeps it within the catalogue's bounds); the
    analysis's version moves on."""
    check_version(analysis.version, version)
    _require_draft(analysis)
    measured = number_text(data.value)
    value = KpiValue(
        engagement_id=analysis.engagement_id,
        organization_id=analysis.organization_id,
        analysis_id=analysis.id,
        kpi=data.kpi,
        value=measured,
        measured_on=data.measured_on,
        how_measured=data.how_measured,
        source=KpiSource.baseline,
        recorded_by=actor.id,
    )
    session.add(value)
    bump_version(session, Analysis, analysis.id, version)
    _event(
        session,
        analysis,
        actor,
        "record_baseline",
        None,
        None,
        f"{data.kpi} = {measured} on {data.measured_on}",
    )
    session.commit()
    return value


def snapshot(session: Session, analysis: Analysis, engagement: Engagement) -> AnalysisSnapshot:
    """What the analysis's guards read: findings, missing baselines, the engagement's phase."""
    targeted = (
        targeted_kpis(session, analysis.participation_id) if analysis.participation_id else set()
    )
    measured = {row.kpi for row in baselines_of(session, [analysis.id])}
    firm = session.get(Organization, analysis.organization_id)
    return AnalysisSnapshot(
        firm=firm.name if firm else "the firm",
        state=analysis.state,
        findings=len(findings_of(session, [analysis.id])),
        missing_baselines=tuple(sorted(targeted - measured)),
        in_analysis_phase=engagement.phase == Phase.improvement_analysis,
    )


def transition(
    *,
    session: Session,
    actor: User,
    engagement: Engagement,
    analysis: Analysis,
    trigger: str,
    reason: str | None,
    version: int,
) -> Analysis:
    """Approve (lists what is missing) or reopen (administrators, with a reason)."""
    check_version(analysis.version, version)
    if trigger == "reopen" and actor.role != Role.admin:
        raise Forbidden("only an administrator may reopen an analysis")
    destination = decide(
        lambda: apply_to_analysis(snapshot(session, analysis, engagement), trigger, reason)
    )
    source = analysis.state
    approved_at = utcnow() if destination == AnalysisState.approved else None
    bump_version(
        session, Analysis, analysis.id, version, state=destination, approved_at=approved_at
    )
    _event(session, analysis, actor, trigger, source.value, destination.value, reason)
    if destination == AnalysisState.approved:
        follow(
            session,
            actor,
            engagement,
            analysis.participation_id,
            (ParticipationState.selected, ParticipationState.analysed, "analyse"),
            "its analysis was approved",
        )
    session.commit()
    session.refresh(analysis)
    return analysis
