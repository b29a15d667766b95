"""View data of the reports of the first three phases: a supplier's audit, the candidate
comparison, round-table minutes and an improvement analysis."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from service.analyses.models import Analysis, Finding, FindingLink, KpiSource, KpiValue
from service.audits import service as audits
from service.audits.comparison import compare
from service.audits.models import Audit, AuditPurpose, Evidence
from service.audits.templates import Template, template_registry
from service.engagements.models import Engagement, Participation
from service.errors import NotFound
from service.reports import charts, formats
from service.reports.rendering import translations
from service.reports.views import ReportView, _kpi_rows, _names, currency_of, subtitle_of
from service.roundtables.models import RoundTable
from service.roundtables.service import invitees_of
from service.targets.models import Target, TargetKind
from workflows import AuditState, ParticipationState


def _findings(session: Session, engagement: Engagement, organization_id: Any) -> list[Finding]:
    statement = (
        select(Finding)
        .join(Analysis, col(Analysis.id) == Finding.analysis_id)
        .where(
            Analysis.engagement_id == engagement.id,
            Analysis.organization_id == organization_id,
        )
        .order_by(col(Finding.severity), col(Finding.created_at))
    )
    return list(session.exec(statement).all())


def _section_targets(session: Session, participation_id: Any) -> dict[str, float]:
    if participation_id is None:
        return {}
    statement = select(Target).where(
        Target.participation_id == participation_id, Target.kind == TargetKind.audit_section
    )
    return {
        t.section_id: float(t.value)
        for t in session.exec(statement).all()
        if t.section_id and t.value
    }


def _areas(template: Template | None, language: str) -> dict[str, str]:
    """Section titles by id, of this template or of every supplier template."""
    templates = [template] if template else list(template_registry().values())
    return {s.id: getattr(s.title, language) for t in templates for s in t.sections}


def audit_view(session: Session, audit: Audit, engagement: Engagement, language: str) -> ReportView:
    """A supplier's audit: scores by section on a radar, critical gaps, the gap to its
    section targets, and the findings of its analysis."""
    _ = translations(language).gettext
    template = audits.template_for(audit.template_id, audit.template_version)
    answers = audits.answers_of(session, audit)
    score = audits.score_of(template, answers)
    titles = _areas(template, language)
    targets = _section_targets(session, audit.participation_id)
    sections = [
        {
            "title": titles[s.section_id],
            "score": s.score,
            "target": targets.get(s.section_id),
            "gap": targets[s.section_id] - s.score
            if s.section_id in targets and s.score is not None
            else None,
        }
        for s in score.sections
    ]
    values = {row.question_id: row for row in answers}
    gaps = [
        {"section": titles[section.id], "text": getattr(question.text, language)}
        for section, question in template.questions()
        if question.id in score.critical_gaps
    ]
    unanswered = [
        question
        for _section, question in template.questions()
        if question.id not in values
        or (values[question.id].value is None and not values[question.id].not_applicable)
    ]
    firm = _names(session, {audit.organization_id}).get(audit.organization_id, "")
    chart = charts.radar(
        "",
        [(titles[s.section_id], s.score) for s in score.sections],
        [targets.get(s.section_id) for s in score.sections] if targets else None,
        _("Target"),
        missing=_("n/a"),
    )
    return ReportView(
        template="audit.html",
        title=_("Supplier audit report"),
        subtitle=f"{firm} — {getattr(template.title, language)}",
        firm=firm,
        engagement_id=engagement.id,
        organization_id=audit.organization_id,
        context={
            "audit": audit,
            "score": score,
            "sections": sections,
            "radar": chart,
            "critical_gaps": gaps,
            "answered": len(values) - sum(1 for q in unanswered if q.id in values),
            "questions": sum(1 for _ in template.questions()),
            "draft": audit.state != AuditState.reviewed,
            "unanswered_critical": sum(1 for q in unanswered if q.critical),
            "findings": _finding_rows(session, engagement, audit.organization_id, language),
        },
    )


def _finding_rows(
    session: Session, engagement: Engagement, organization_id: Any, language: str
) -> list[dict[str, Any]]:
    areas = _areas(None, language)
    _ = translations(language).gettext
    findings = _findings(session, engagement, organization_id)
    evidence = _evidence_of(session, [f.id for f in findings], language)
    return [
        {
            "area": areas.get(f.area, _("Other")),
            "severity": f.severity.value,
            "description": f.description,
            "root_cause": f.root_cause,
            "evidence": evidence.get(f.id, []),
        }
        for f in findings
    ]


def _evidence_of(session: Session, finding_ids: list[Any], language: str) -> dict[Any, list[str]]:
    """What each finding rests on: the audit question it links, and the evidence file."""
    statement = (
        select(FindingLink, Audit.template_id, Audit.template_version, Evidence.filename)
        .join(Audit, col(Audit.id) == FindingLink.audit_id)
        .outerjoin(Evidence, col(Evidence.id) == FindingLink.evidence_id)
        .where(col(FindingLink.finding_id).in_(finding_ids))
    )
    found: dict[Any, list[str]] = {}
    for link, template_id, version, filename in session.exec(statement).all():
        question = audits.template_for(template_id, version).question(link.question_id)
        text = getattr(question.text, language) if question else link.question_id
        found.setdefault(link.finding_id, []).append(f"{text} ({filename})" if filename else text)
    return found


def comparison_view(session: Session, engagement: Engagement, language: str) -> ReportView:
    """The candidates of an engagement ranked by their evaluation, for the buyer."""
    _ = translations(language).gettext
    template = _evaluation_template(session, engagement)
    data = compare(session, engagement, template)
    titles = _areas(template, language)
    buyer = _names(session, {engagement.buyer_id}).get(engagement.buyer_id, "")
    states = dict(
        session.exec(
            select(Participation.id, Participation.state).where(
                Participation.engagement_id == engagement.id
            )
        ).all()
    )
    candidates = [
        {
            **row,
            "selection": _selection(states.get(row["participation_id"])),
            "sections": [
                {"title": titles[s["section_id"]], "score": s["score"]} for s in row["sections"]
            ],
        }
        for row in data["candidates"]
    ]
    chart = charts.bars(
        "",
        [(row["name"], row["total"], None) for row in candidates],
        (_("Total score"), ""),
        "%",
        missing=_("n/a"),
    )
    return ReportView(
        template="comparison.html",
        title=_("Candidate comparison"),
        subtitle=subtitle_of(buyer, engagement.title),
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=engagement.buyer_id,
        context={
            "template_title": getattr(template.title, language),
            "candidates": candidates,
            "section_titles": [
                s["title"] for s in (candidates[0]["sections"] if candidates else [])
            ],
            "totals": chart,
        },
    )


def _selection(state: Any) -> str | None:
    """ "selected", "not_selected" or, before the buyer's selection, None."""
    if state is None or state in (ParticipationState.candidate, ParticipationState.evaluated):
        return None
    if state == ParticipationState.not_selected:
        return "not_selected"
    return "dropped" if state == ParticipationState.dropped else "selected"


def latest_audit(
    session: Session, engagement: Engagement, organization_id: Any, language: str
) -> dict[str, Any] | None:
    """A firm's latest reviewed audit in the engagement: total, band and section scores."""
    statement = (
        select(Audit)
        .where(
            Audit.engagement_id == engagement.id,
            Audit.organization_id == organization_id,
            Audit.state == AuditState.reviewed,
        )
        .order_by(col(Audit.reviewed_at).desc())
    )
    audit = session.exec(statement).first()
    if audit is None:
        return None
    template = audits.template_for(audit.template_id, audit.template_version)
    score = audits.score_of(template, audits.answers_of(session, audit))
    titles = _areas(template, language)
    return {
        "template": getattr(template.title, language),
        "total": score.total,
        "band": score.band,
        "reviewed_on": audit.reviewed_at.date() if audit.reviewed_at else None,
        "sections": [{"title": titles[s.section_id], "score": s.score} for s in score.sections],
    }


def _evaluation_template(session: Session, engagement: Engagement) -> Template:
    """The template of the engagement's evaluation audits (the most used one)."""
    statement = select(Audit.template_id, Audit.template_version).where(
        Audit.engagement_id == engagement.id, Audit.purpose == AuditPurpose.evaluation
    )
    used: list[tuple[str, int]] = [(row[0], row[1]) for row in session.exec(statement).all()]
    if not used:
        raise NotFound("this engagement has no evaluation audit yet", field="subject_id")
    template_id, version = max(set(used), key=used.count)
    return audits.template_for(template_id, version)


def round_table_view(
    session: Session, round_table: RoundTable, engagement: Engagement, language: str
) -> ReportView:
    """Minutes of a round table: when and where, attendance, agenda, minutes, and the targets
    and commitments agreed there."""
    _ = translations(language).gettext
    invitees = invitees_of(session, round_table)
    targets = list(
        session.exec(
            select(Target)
            .where(Target.round_table_id == round_table.id)
            .order_by(col(Target.created_at))
        ).all()
    )
    participations = {
        p.id: p.supplier_id
        for p in session.exec(
            select(Participation).where(Participation.engagement_id == engagement.id)
        ).all()
    }
    names = _names(
        session,
        {i.organization_id for i in invitees}
        | set(participations.values())
        | {engagement.buyer_id},
    )
    areas = _areas(None, language)
    currency = currency_of(session, engagement.programme_id)
    agreed = []
    for t in targets:
        subject = ""
        if t.kind == TargetKind.kpi and t.kpi:
            subject = formats.kpi_label(t.kpi, language, currency)
        elif t.kind == TargetKind.audit_section and t.section_id:
            subject = areas.get(t.section_id, t.section_id)
        agreed.append(
            {
                "firm": names.get(participations.get(t.participation_id), ""),
                "kind": t.kind.value,
                "subject": subject,
                "value": t.value,
                "kpi": t.kpi if t.kind == TargetKind.kpi else None,
                "due_on": t.due_on,
                "party": t.party.value if t.party else None,
                "text": t.text,
            }
        )
    buyer = names.get(engagement.buyer_id, "")
    local = round_table.starts_at.astimezone(ZoneInfo(round_table.timezone))
    return ReportView(
        template="round_table.html",
        title=_("Round-table minutes"),
        subtitle=f"{round_table.title} — {engagement.title}",
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=None,
        context={
            "round_table": round_table,
            "starts_on": local.date(),
            "starts_at": formats.clock(round_table.starts_at, round_table.timezone, language),
            "attendance": [
                {
                    "name": names.get(i.organization_id, ""),
                    "attended": i.attended,
                    "attendees": i.attendees,
                }
                for i in invitees
            ],
            "targets": [row for row in agreed if row["kind"] != "commitment"],
            "commitments": [row for row in agreed if row["kind"] == "commitment"],
        },
    )


def analysis_view(
    session: Session, analysis: Analysis, engagement: Engagement, language: str
) -> ReportView:
    """An improvement analysis: summary, findings by area and severity with root causes,
    and baseline values against the agreed targets."""
    _ = translations(language).gettext
    firm = _names(session, {analysis.organization_id}).get(analysis.organization_id, "")
    values = list(
        session.exec(
            select(KpiValue).where(
                KpiValue.analysis_id == analysis.id, KpiValue.source == KpiSource.baseline
            )
        ).all()
    )
    targets: dict[str, str] = {}
    if analysis.participation_id is not None:
        targets = {
            t.kpi: t.value
            for t in session.exec(
                select(Target).where(
                    Target.participation_id == analysis.participation_id,
                    Target.kind == TargetKind.kpi,
                )
            ).all()
            if t.kpi and t.value
        }
    return ReportView(
        template="analysis.html",
        title=_("Improvement analysis"),
        subtitle=subtitle_of(firm, engagement.title),
        firm=firm,
        engagement_id=engagement.id,
        organization_id=analysis.organization_id,
        context={
            "analysis": analysis,
            "findings": _finding_rows(session, engagement, analysis.organization_id, language),
            "audit": latest_audit(session, engagement, analysis.organization_id, language),
            "kpis": _kpi_rows(
                values, targets, language, currency_of(session, engagement.programme_id)
            ),
        },
    )
