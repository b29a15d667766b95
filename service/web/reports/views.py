"""What the reports page offers: every report the engagement can issue (its comparison,
monthly and final reports, and one per audit, round table, analysis and plan), worded in the
page's language, and the reports issued so far, newest first."""

from typing import Any

from service.analyses import queries as analysis_queries
from service.audits import queries as audit_queries
from service.engagements.models import Engagement
from service.engagements.views import organization_names
from service.plans import queries as plan_queries
from service.reports import queries
from service.roundtables import queries as round_table_queries
from service.web.labels import N_
from service.web.sessions import Viewer
from service.web.templating import gettext

LIST_LIMIT = 50
KINDS = {
    "audit": N_("Audit report: %(name)s"),
    "comparison": N_("Candidate comparison for the buyer"),
    "round_table": N_("Round-table minutes: %(name)s"),
    "analysis": N_("Improvement analysis: %(name)s"),
    "plan": N_("Improvement plan: %(name)s"),
    "monthly": N_("Monthly progress report for the buyer"),
    "final": N_("Final engagement report"),
    "programme": N_("Programme report"),
}


def subjects(page: Viewer, engagement: Engagement) -> list[tuple[str, str]]:
    """The reports the engagement offers, as form choices (`kind:subject_id`, title)."""
    session, user, language = page.session, page.user, page.language
    audits = audit_queries.audits_of(session, user, engagement)
    analyses = analysis_queries.analyses_of(session, user, engagement)
    plans = plan_queries.visible_plans_of(session, user, engagement)
    round_tables = round_table_queries.round_tables_of(session, user, engagement)
    firms = [row.organization_id for row in audits]
    firms += [row.organization_id for row in analyses] + [row.organization_id for row in plans]
    names = organization_names(session, firms)

    def title(kind: str, name: str = "") -> str:
        return gettext(language, KINDS[kind], name=name) if name else gettext(language, KINDS[kind])

    choices = [(f"comparison:{engagement.id}", title("comparison"))]
    choices += [
        (f"audit:{row.id}", title("audit", names.get(row.organization_id, ""))) for row in audits
    ]
    choices += [(f"round_table:{row.id}", title("round_table", row.title)) for row in round_tables]
    choices += [
        (f"analysis:{row.id}", title("analysis", names.get(row.organization_id, "")))
        for row in analyses
    ]
    choices += [
        (f"plan:{row.id}", title("plan", names.get(row.organization_id, ""))) for row in plans
    ]
    choices += [
        (f"monthly:{engagement.id}", title("monthly")),
        (f"final:{engagement.id}", title("final")),
    ]
    return choices


def reports_page(page: Viewer, engagement: Engagement) -> dict[str, Any]:
    """The issue form's choices and the engagement's issued reports, newest first."""
    issued = queries.engagement_reports(
        page.session, page.user, engagement.id, cursor=None, limit=LIST_LIMIT
    )
    return {
        "engagement": engagement,
        "subjects": subjects(page, engagement),
        "reports": issued.items,
        "more": issued.next_cursor is not None,
    }
