"""What the plan pages show, gathered from the plan, engagement, tracking and history reads the
API uses: an engagement's plans, one plan with its actions, approvals, health, reviews and
KPIs, and the choices of the action and review forms."""

import uuid
from decimal import Decimal
from typing import Any

from service.engagements import access as engagement_access
from service.engagements import queries as engagement_queries
from service.engagements import views as engagement_views
from service.engagements.models import Engagement
from service.errors import Forbidden
from service.history_views import actor_names
from service.messages import translate
from service.plans import access, queries, views
from service.plans.models import Plan, PlanTrigger
from service.programmes.calendar import ends_on, today_in
from service.programmes.models import OrganizationKind, Programme
from service.reports.formats import kpi_label
from service.tracking import queries as tracking_queries
from service.tracking.views import kpi_series
from service.web import pages
from service.web.plans.labels import ALL
from service.web.sessions import Viewer
from workflows import ParticipationState, PlanState, available_for_plan

# The plan triggers a page offers as buttons (approvals have their own form).
BUTTONS = frozenset(trigger.value for trigger in PlanTrigger)
REVIEWED = (PlanState.in_progress, PlanState.final_review)


def plans_page(page: Viewer, engagement: Engagement) -> dict[str, Any]:
    """The engagement's plans the viewer may see, and the firms a plan can be opened for."""
    session, user = page.session, page.user
    plans = views.publics(session, queries.visible_plans_of(session, user, engagement))
    candidates = engagement_queries.participations_of(session, user, engagement)
    names = engagement_views.organization_names(
        session, [engagement.buyer_id, *(row.supplier_id for row in candidates)]
    )
    planned = {plan.organization_id for plan in plans}
    openable = [
        (str(row.id), names.get(row.supplier_id, ""))
        for row in candidates
        if row.state == ParticipationState.analysed and row.supplier_id not in planned
    ]
    if engagement.buyer_id not in planned:
        openable.append(("buyer", names.get(engagement.buyer_id, "")))
    return {
        "engagement": engagement,
        "plans": plans,
        "names": names,
        "openable": openable,
        "may_act": engagement_access.may_act(user, engagement),
        "today": today_in(session, engagement.programme_id),
        **ALL,
    }


def reasons_in(reasons: Any, language: str) -> list[str]:
    """The service's English reasons in the page's language (the `errors` catalogue)."""
    return [translate(str(reason), language) for reason in reasons if reason]


def my_party(page: Viewer, engagement: Engagement, plan: Plan) -> str | None:
    """In whose name the viewer approves this plan, if at all."""
    try:
        return access.party_of(page.user, engagement, plan).value
    except Forbidden:
        return None


def plan_page(page: Viewer, plan: Plan, engagement: Engagement) -> dict[str, Any]:
    """One plan as its page shows it."""
    session, language = page.session, page.language
    public = views.public(session, plan)
    names = engagement_views.organization_names(
        session,
        [
            plan.organization_id,
            *(a.provider_id for a in public.actions if a.provider_id),
            *(s.organization_id for a in public.actions for s in a.funding if s.organization_id),
        ],
    )
    checks = [
        (check, reasons_in(check.blocked_by, language))
        for check in available_for_plan(queries.snapshot(session, plan, engagement))
        if check.trigger in BUTTONS
    ]
    return {
        "plan": public,
        "engagement": engagement,
        "firm": names.get(plan.organization_id, ""),
        "names": names,
        "checks": checks,
        "may_write": access.may_write(page.user, engagement, plan),
        "may_act": engagement_access.may_act(page.user, engagement),
        "health_reasons": reasons_in(public.health.reasons, language),
        "warnings": reasons_in(public.warnings, language),
        "late": set(public.health.late_actions),
        "totals": totals(public.actions),
        "kpis": kpis_of(page, plan, engagement, public.currency),
        "final_open": plan.state == PlanState.final_review,
        **approvals_of(page, plan, engagement, public.reviews),
        **ALL,
    }


def approvals_of(
    page: Viewer, plan: Plan, engagement: Engagement, reviews: list[Any]
) -> dict[str, Any]:
    """Who approved the plan and when, whose approval is awaited, whether the viewer may
    approve it now; and the names of the people behind approvals and reviews."""
    approvals = queries.approvals_of(page.session, [plan.id])
    people = actor_names(
        page.session, [row.user_id for row in approvals] + [row.broker_id for row in reviews]
    )
    party = my_party(page, engagement, plan)
    approved = {row.party.value for row in approvals}
    return {
        "people": people,
        "approvals": approvals,
        "awaited": [p.value for p in access.approvals_needed(plan) if p.value not in approved],
        "may_approve": plan.state == PlanState.submitted and party and party not in approved,
        "my_party": party,
    }


def totals(actions: list[Any]) -> dict[str, Decimal]:
    """The plan's estimated and actual cost, cancelled actions left out of the estimate."""
    live = [a for a in actions if a.status != "cancelled"]
    return {
        "estimated": sum((a.estimated_cost for a in live), Decimal(0)),
        "actual": sum((a.actual_cost for a in actions if a.actual_cost is not None), Decimal(0)),
    }


def kpis_of(page: Viewer, plan: Plan, engagement: Engagement, currency: str) -> list[Any]:
    """The firm's KPIs with baseline, target, the values measured and the final value."""
    values = tracking_queries.kpi_values_of(page.session, engagement, [plan.organization_id])
    targets = {
        row.kpi: row.value
        for row in tracking_queries.kpi_targets_of(page.session, engagement)
        if row.kpi and row.value is not None and row.participation_id == plan.participation_id
    }
    rows = []
    for series in kpi_series(values, targets):
        finals = [point.value for point in series.values if point.source == "final"]
        readings = [point for point in series.values if point.source == "review"]
        rows.append(
            {
                "kpi": series.kpi,
                "label": kpi_label(series.kpi, page.language, currency),
                "baseline": series.baseline,
                "target": series.target,
                "latest": readings[-1].value if readings else None,
                "final": finals[-1] if finals else None,
            }
        )
    return rows


def action_choices(page: Viewer, plan: Plan) -> dict[str, Any]:
    """The providers an action can go to and the findings of the firm it can address."""
    providers = pages.organizations(page.session, page.user, OrganizationKind.provider)
    return {
        "providers": [(str(row.id), row.name) for row in providers],
        "findings": queries.findings_of_firm(page.session, plan),
        **ALL,
    }


def provider_name(page: Viewer, provider_id: uuid.UUID | None) -> str:
    """The provider's name, or nothing while the action is to be tendered."""
    if provider_id is None:
        return ""
    return engagement_views.organization_names(page.session, [provider_id]).get(provider_id, "")


def plan_window(page: Viewer, plan: Plan) -> dict[str, Any]:
    """The plan as an action's page needs it: its state, window and currency."""
    programme = page.session.get(Programme, plan.programme_id)
    return {
        "id": plan.id,
        "state": plan.state.value,
        "starts_on": plan.starts_on,
        "ends_on": ends_on(plan),
        "currency": programme.currency if programme else "USD",
    }
