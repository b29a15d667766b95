"""View data of the buyer's monthly progress report over all its suppliers' plans, and the
helpers the final report shares with it."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.analyses.models import KpiSource, KpiValue
from service.engagements.models import Engagement, Participation
from service.kpis import kpi_catalogue
from service.plans import queries as plans
from service.plans.costs import cost_totals
from service.plans.models import Action, Plan
from service.programmes.calendar import ends_on
from service.reports import charts, formats
from service.reports.rendering import translations
from service.reports.views import (
    OUTCOMES,
    ReportView,
    _names,
    currency_of,
    standing,
    subtitle_of,
)
from service.targets.models import Target, TargetKind
from workflows import ParticipationState


def plans_of(session: Session, engagement: Engagement) -> list[Plan]:
    statement = select(Plan).where(Plan.engagement_id == engagement.id)
    return list(session.exec(statement.order_by(col(Plan.created_at))).all())


def targets_of(session: Session, engagement: Engagement) -> dict[Any, dict[str, str]]:
    """KPI targets by participation."""
    by_participation: dict[Any, dict[str, str]] = {}
    statement = select(Target).where(
        Target.engagement_id == engagement.id, Target.kind == TargetKind.kpi
    )
    for target in session.exec(statement).all():
        if target.kpi and target.value:
            by_participation.setdefault(target.participation_id, {})[target.kpi] = target.value
    return by_participation


def values_of(session: Session, engagement: Engagement) -> list[KpiValue]:
    statement = select(KpiValue).where(KpiValue.engagement_id == engagement.id)
    return list(session.exec(statement.order_by(col(KpiValue.measured_on))).all())


def outcomes_of(session: Session, engagement: Engagement) -> dict[Any, str]:
    """The partnership outcome of each participation, where decided."""
    statement = select(Participation.id, Participation.state).where(
        Participation.engagement_id == engagement.id
    )
    rows = session.exec(statement).all()
    return {pid: ParticipationState(state).value for pid, state in rows if state in OUTCOMES}


def span_of(key: str, values: list[float]) -> tuple[float, float | None]:
    """The smallest value range a KPI's trend axis shows, and its floor: 20 points for
    percentages, a fifth of the largest value otherwise, so that a small change looks small."""
    kpi = kpi_catalogue().get(key)
    if kpi is not None and kpi.unit == "%":
        return 20.0, 0.0
    return max(abs(v) for v in values) / 5 if values else 0.0, 0.0


def _trend(
    key: str,
    firm: str,
    own: list[KpiValue],
    target: str | None,
    language: str,
    currency: str,
) -> str:
    _ = translations(language).gettext
    data = [(v.measured_on, float(v.value)) for v in own]
    baseline = next((float(v.value) for v in own if v.source == KpiSource.baseline), None)
    shown = [v for _, v in data] + ([float(target)] if target else [])
    min_span, floor = span_of(key, shown)
    return charts.trend(
        formats.kpi_label(key, language, currency),
        [(firm, data)],
        baseline,
        float(target) if target else None,
        formats.kpi_unit(key, language, currency),
        lambda day: formats.month(day, language),
        empty=_("No data"),
        baseline_label=_("Baseline"),
        target_label=_("Target"),
        min_span=min_span,
        floor=floor,
    )


def monthly_view(
    session: Session, engagement: Engagement, language: str, today: date
) -> ReportView:
    """Every plan of the buyer's engagement this month: its standing (health while in
    progress), late actions, last review, costs, and each indicator's trend."""
    _ = translations(language).gettext
    rows = plans_of(session, engagement)
    ids = [plan.id for plan in rows]
    actions = plans.actions_of(session, ids)
    reviews = plans.reviews_of(session, ids)
    names = _names(session, {plan.organization_id for plan in rows} | {engagement.buyer_id})
    values = values_of(session, engagement)
    targets = targets_of(session, engagement)
    outcomes = outcomes_of(session, engagement)
    currency = currency_of(session, engagement.programme_id)
    firms: list[dict[str, Any]] = []
    for plan in rows:
        own_actions = [a for a in actions if a.plan_id == plan.id]
        own_reviews = [r for r in reviews if r.plan_id == plan.id]
        health = plans.health_of(plan, own_actions, own_reviews, today)
        name = names.get(plan.organization_id, "")
        own_values = [v for v in values if v.organization_id == plan.organization_id]
        own_targets = targets.get(plan.participation_id, {})
        costs = cost_totals(plans.cost_lines(session, Action.plan_id == plan.id))
        firms.append(
            {
                "name": name,
                "plan": plan,
                "ends_on": ends_on(plan),
                "standing": standing(plan, health, outcomes.get(plan.participation_id)),
                "last_review": own_reviews[-1].held_on if own_reviews else None,
                "planned": costs.planned,
                "actual": costs.actual,
                "trends": [
                    _trend(
                        key,
                        name,
                        [v for v in own_values if v.kpi == key],
                        own_targets.get(key),
                        language,
                        currency,
                    )
                    for key in sorted({v.kpi for v in own_values})
                ],
            }
        )
    buyer = names.get(engagement.buyer_id, "")
    month = formats.month_year(today, language)
    return ReportView(
        template="monthly.html",
        title=_("Monthly progress report"),
        subtitle=subtitle_of(buyer, engagement.title, month),
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=engagement.buyer_id,
        context={
            "firms": firms,
            "costs": cost_totals(plans.cost_lines(session, col(Action.plan_id).in_(ids))),
            "cost_total": {
                "planned": sum((f["planned"] for f in firms), Decimal(0)),
                "actual": sum((f["actual"] for f in firms), Decimal(0)),
            },
        },
    )
