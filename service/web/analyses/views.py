"""What the analysis pages show: the engagement's firms with their analyses, and one analysis
with its findings (and the audit answers and files they rest on), its baselines within the
KPI's bounds, and whether it can be approved (with what is missing, in words)."""

from collections.abc import Mapping
from typing import Any

from service.analyses import queries, service, views
from service.analyses.models import Analysis, FindingArea, Severity
from service.audits import queries as audit_queries
from service.audits.service import template_for
from service.engagements import access as engagement_access
from service.engagements import queries as engagement_queries
from service.engagements import views as engagement_views
from service.engagements.models import Engagement
from service.kpis import kpi_catalogue
from service.targets.queries import targeted_kpis
from service.web.audits.views import text
from service.web.labels import N_
from service.web.reasons import all_translated
from service.web.sessions import Viewer
from service.web.targets.views import bounds_text, number, section_titles
from workflows import Phase, available_for_analysis
from workflows.states import SELECTED_TRACK

SEVERITIES = {
    "major": N_("Major"),
    "minor": N_("Minor"),
    "observation": N_("Observation"),
}
ANALYSIS_STATES = {"draft": N_("Draft"), "approved": N_("Approved")}
ANALYSIS_TRIGGERS = {"approve": N_("Approve the analysis"), "reopen": N_("Reopen the analysis")}


def analyses_page(page: Viewer, engagement: Engagement) -> dict[str, Any]:
    """The buyer and every selected supplier, each with its analysis or the form to open it."""
    session, user = page.session, page.user
    rows = engagement_queries.participations_of(session, user, engagement)
    firms = [
        row for row in engagement_views.participations(session, rows) if row.state in SELECTED_TRACK
    ]
    analyses = queries.analyses_of(session, user, engagement)
    by_firm = {analysis.organization_id: analysis for analysis in analyses}
    buyer = engagement_views.engagement_public(session, engagement).buyer_name
    return {
        "engagement": engagement,
        "firms": [(None, engagement.buyer_id, buyer)]
        + [(firm.id, firm.supplier_id, firm.supplier_name) for firm in firms],
        "analyses": by_firm,
        "may_open": engagement_access.may_act(user, engagement)
        and engagement.phase == Phase.improvement_analysis,
        "analysis_state_label": ANALYSIS_STATES,
    }


def analysis_page(page: Viewer, analysis: Analysis, engagement: Engagement) -> dict[str, Any]:
    """One analysis: findings with their links, baselines, the firm's audit answers and files
    a finding can rest on, and its transitions with what blocks them."""
    session, language = page.session, page.language
    public = views.public(session, analysis)
    audits = [
        audit
        for audit in audit_queries.audits_of(session, page.user, engagement)
        if audit.organization_id == analysis.organization_id
    ]
    ids = [audit.id for audit in audits]
    questions = _questions(audits, audit_queries.answered_questions(session, ids), language)
    files = audit_queries.evidence_of_audits(session, ids)
    firm_kind = "supplier" if analysis.participation_id else "buyer"
    targeted = (
        targeted_kpis(session, analysis.participation_id) if analysis.participation_id else set()
    )
    measured = {row.kpi for row in public.baselines}
    checks = available_for_analysis(service.snapshot(session, analysis, engagement))
    catalogue = kpi_catalogue()
    return {
        "analysis": public,
        "engagement": engagement,
        "firm": _firm_name(page, analysis, engagement),
        "questions": questions,
        "evidence": {row.id: row for row in files},
        "areas": [("other", ""), *section_titles(language).items()],
        "area_titles": section_titles(language),
        "severities": SEVERITIES,
        "kpis": [
            (kpi.key, f"{getattr(kpi.name, language)} ({bounds_text(kpi, language)})")
            for kpi in catalogue.values()
            if firm_kind in kpi.applies_to
        ],
        "kpi_catalogue": catalogue,
        "missing": sorted(targeted - measured),
        "checks": [(check, all_translated(check.blocked_by, language)) for check in checks],
        "may_write": engagement_access.may_act(page.user, engagement),
        "analysis_state_label": ANALYSIS_STATES,
        "analysis_trigger_label": ANALYSIS_TRIGGERS,
    }


def _firm_name(page: Viewer, analysis: Analysis, engagement: Engagement) -> str:
    names = engagement_views.organization_names(page.session, [analysis.organization_id])
    return names.get(analysis.organization_id, "")


def _questions(audits: list[Any], answered: list[Any], language: str) -> dict[tuple[Any, str], str]:
    """The answered questions of the firm's audits by (audit, question), worded."""
    templates = {a.id: template_for(a.template_id, a.template_version) for a in audits}
    found: dict[tuple[Any, str], str] = {}
    for row in answered:
        question = templates[row.audit_id].question(row.question_id)
        if question is not None:
            found[(row.audit_id, row.question_id)] = text(question.text, language)
    return found


def finding_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The API's body of a finding, from its form: each ticked `link-…` box is an answer
    (`answer:<audit>:<question>`) or a file (`evidence:<id>`)."""
    links = [value for name, value in form.items() if name.startswith("link-")]
    body: dict[str, Any] = {
        "area": form.get("area", ""),
        "description": form.get("description", ""),
        "severity": form.get("severity", ""),
        "links": [],
    }
    if form.get("root_cause", "").strip():
        body["root_cause"] = form["root_cause"]
    for link in links:
        kind, _, rest = link.partition(":")
        if kind == "evidence":
            body["links"].append({"evidence_id": rest})
        else:
            audit_id, _, question_id = rest.partition(":")
            body["links"].append({"audit_id": audit_id, "question_id": question_id})
    return body


def baseline_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The API's body of a baseline, from its form."""
    body: dict[str, Any] = {
        "kpi": form.get("kpi", ""),
        "value": number(form.get("value", "")),
        "measured_on": form.get("measured_on", ""),
    }
    if form.get("how_measured", "").strip():
        body["how_measured"] = form["how_measured"]
    return body


AREAS = [area.value for area in FindingArea]
SEVERITY_VALUES = [severity.value for severity in Severity]
