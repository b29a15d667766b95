"""The view data of each report, gathered and computed in Python; templates only lay it out."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.analyses.models import KpiSource, KpiValue
from service.engagements.models import Engagement, Participation
from service.plans import queries as plans
from service.plans.costs import CostTotals, cost_totals
from service.plans.models import Action, Plan
from service.programmes.calendar import ends_on
from service.programmes.models import Organization, Programme
from service.reports import charts, formats
from service.reports.rendering import month_names, translations
from service.targets.models import Target, TargetKind
from workflows import ParticipationState, PlanState
from workflows.plan_health import ActionStatus

OPEN_STATUSES = (ActionStatus.planned, ActionStatus.in_progress)
OUTCOMES = (
    ParticipationState.partner,
    ParticipationState.conditional_partner,
    ParticipationState.no_partnership,
)


@dataclass
class ReportView:
    """What a report shows and what it is about."""

    template: str
    title: str
    subtitle: str
    firm: str
    engagement_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    context: dict[str, Any] = field(default_factory=dict)


def subtitle_of(firm: str, title: str, *more: str) -> str:
    """ "Firm — engagement title", without the firm twice when the title names it already."""
    parts = [title, *more] if firm and firm in title else [firm, title, *more]
    return " — ".join(part for part in parts if part)


def _names(session: Session, ids: set[Any]) -> dict[Any, str]:
    statement = select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
    return dict(session.exec(statement).all())


def _costs(session: Session, *conditions: Any) -> CostTotals:
    return cost_totals(plans.cost_lines(session, *conditions))


def currency_of(session: Session, programme_id: Any) -> str:
    """The programme's currency: money units of KPIs and costs are written in it."""
    programme = session.get(Programme, programme_id)
    return programme.currency if programme else ""


def _kpi_rows(
    values: list[KpiValue], targets: dict[str, str], language: str, currency: str
) -> list[dict[str, Any]]:
    """Per KPI: its key, label (name and unit in the report's language), baseline, target,
    latest review value and final value."""
    rows = []
    for key in sorted({v.kpi for v in values} | set(targets)):
        own = sorted((v for v in values if v.kpi == key), key=lambda v: v.measured_on)
        by_source = {source: [v for v in own if v.source == source] for source in KpiSource}
        rows.append(
            {
                "key": key,
                "label": formats.kpi_label(key, language, currency),
                "baseline": _first(by_source[KpiSource.baseline]),
                "target": _decimal(targets[key]) if key in targets else None,
                "latest": _last(by_source[KpiSource.review]),
                "final": _last(by_source[KpiSource.final]),
            }
        )
    return rows


def _first(values: list[KpiValue]) -> Decimal | None:
    return _decimal(values[0].value) if values else None


def _last(values: list[KpiValue]) -> Decimal | None:
    return _decimal(values[-1].value) if values else None


def _decimal(text: str) -> Decimal:
    return Decimal(text)


def standing(plan: Plan, health: Any, outcome: str | None) -> dict[str, Any]:
    """What a report says of a plan: its health while it is in progress; otherwise its
    state, and once closed the supplier's partnership outcome where it was decided. Late
    actions and missed reviews count only while it is in progress."""
    live = plan.state == PlanState.in_progress
    return {
        "live": live,
        "health": health.health.value if live else None,
        "state": plan.state.value,
        "outcome": outcome if plan.state == PlanState.closed else None,
        "late_actions": list(health.late_actions) if live else [],
        "months_without_review": health.months_without_review if live else 0,
        "actual": health.actual_progress,
        "expected": health.expected_progress,
    }


def outcome_of(session: Session, participation_id: Any) -> str | None:
    """The supplier's partnership outcome, once the buyer decided."""
    if participation_id is None:
        return None
    participation = session.get(Participation, participation_id)
    if participation is None or participation.state not in OUTCOMES:
        return None
    return participation.state.value


def plan_view(
    session: Session, plan: Plan, engagement: Engagement, language: str, today: date
) -> ReportView:
    """The improvement plan: schedule with a today line, actions, costs and funding,
    KPI baselines and targets, reviews, health and warnings."""
    actions = plans.actions_of(session, [plan.id])
    reviews = plans.reviews_of(session, [plan.id])
    names = _names(
        session,
        {plan.organization_id, engagement.buyer_id}
        | {a.provider_id for a in actions if a.provider_id},
    )
    health = plans.health_of(plan, actions, reviews, today)
    ends = ends_on(plan)
    values = list(
        session.exec(
            select(KpiValue).where(
                KpiValue.engagement_id == engagement.id,
                KpiValue.organization_id == plan.organization_id,
            )
        ).all()
    )
    targets = {
        t.kpi: t.value
        for t in session.exec(
            select(Target).where(
                Target.participation_id == plan.participation_id, Target.kind == TargetKind.kpi
            )
        ).all()
        if t.kpi and t.value and plan.participation_id
    }
    costs = _costs(session, Action.plan_id == plan.id)
    chart = charts.gantt(
        "",
        plan.starts_on,
        ends,
        [(a.title, a.starts_on, a.due_on, a.progress, a.status.value) for a in actions],
        today,
        month_names(language, plan.starts_on, plan.months + 1),
    )
    firm = names.get(plan.organization_id, "")
    _ = translations(language).gettext
    return ReportView(
        template="plan.html",
        title=_("Improvement plan"),
        subtitle=subtitle_of(firm, engagement.title),
        firm=firm,
        engagement_id=engagement.id,
        organization_id=plan.organization_id,
        context={
            "plan": plan,
            "ends_on": ends,
            "standing": standing(plan, health, outcome_of(session, plan.participation_id)),
            "early_investments": [a.title for a in plans.early_investments(plan, actions)],
            "schedule": chart,
            "actions": [
                {
                    "action": a,
                    "provider": names.get(a.provider_id) if a.provider_id else None,
                    "to_tender": a.provider_id is None and a.status in OPEN_STATUSES,
                }
                for a in actions
            ],
            "costs": costs,
            "kpis": _kpi_rows(values, targets, language, currency_of(session, plan.programme_id)),
            "reviews": reviews,
        },
    )
