"""The view data of each report, gathered and computed in Python; templates only lay it out."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.analyses.models import KpiSource, KpiValue
from service.engagements.models import Engagement, Participation
from service.kpis import kpi_catalogue
from service.plans import queries as plans
from service.plans.costs import CostTotals, cost_totals
from service.plans.models import Action, Plan
from service.programmes.models import Organization, Programme
from service.reports import charts
from service.reports.rendering import month_names, translations
from service.reports.words import word_function
from service.targets.models import Target, TargetKind
from workflows import ParticipationState, Phase

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


def _names(session: Session, ids: set[Any]) -> dict[Any, str]:
    statement = select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
    return dict(session.exec(statement).all())


def _costs(session: Session, *conditions: Any) -> CostTotals:
    return cost_totals(plans.cost_lines(session, *conditions))


def _kpi_rows(
    values: list[KpiValue], targets: dict[str, str], language: str
) -> list[dict[str, Any]]:
    """Per KPI: its name, unit, baseline, target, latest review value and final value."""
    catalogue = kpi_catalogue()
    rows = []
    for key in sorted({v.kpi for v in values} | set(targets)):
        own = sorted((v for v in values if v.kpi == key), key=lambda v: v.measured_on)
        by_source = {source: [v for v in own if v.source == source] for source in KpiSource}
        kpi = catalogue.get(key)
        rows.append(
            {
                "name": getattr(kpi.name, language) if kpi else key,
                "unit": kpi.unit if kpi else "",
                "baseline": _decimal(by_source[KpiSource.baseline][0].value)
                if by_source[KpiSource.baseline]
                else None,
                "target": _decimal(targets[key]) if key in targets else None,
                "latest": _decimal(by_source[KpiSource.review][-1].value)
                if by_source[KpiSource.review]
                else None,
                "final": _decimal(by_source[KpiSource.final][-1].value)
                if by_source[KpiSource.final]
                else None,
            }
        )
    return rows


def _decimal(text: str) -> Decimal:
    return Decimal(text)


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
    ends = plans.ends_on(plan)
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
        subtitle=f"{firm} — {engagement.title}",
        firm=firm,
        engagement_id=engagement.id,
        organization_id=plan.organization_id,
        context={
            "plan": plan,
            "ends_on": ends,
            "health": health,
            "early_investments": [a.title for a in plans.early_investments(plan, actions)],
            "schedule": chart,
            "actions": [
                {
                    "action": a,
                    "provider": names.get(a.provider_id) if a.provider_id else None,
                }
                for a in actions
            ],
            "costs": costs,
            "kpis": _kpi_rows(values, targets, language),
            "reviews": reviews,
        },
    )


def programme_view(
    session: Session, programme: Programme, language: str, today: date
) -> ReportView:
    """The programme for the unit and its donors: engagements by phase, suppliers served,
    outcomes, KPI improvements, cost shares by payer, planned against actual."""
    engagements = list(
        session.exec(select(Engagement).where(Engagement.programme_id == programme.id)).all()
    )
    by_phase = Counter(e.phase for e in engagements)
    participations = list(
        session.exec(
            select(Participation).where(
                col(Participation.engagement_id).in_([e.id for e in engagements])
            )
        ).all()
    )
    served = {
        p.supplier_id
        for p in participations
        if p.state
        not in {
            ParticipationState.candidate,
            ParticipationState.evaluated,
            ParticipationState.not_selected,
        }
    }
    outcomes = Counter(p.state for p in participations if p.state in OUTCOMES)
    values = list(
        session.exec(
            select(KpiValue).where(col(KpiValue.engagement_id).in_([e.id for e in engagements]))
        ).all()
    )
    costs = _costs(session, Plan.programme_id == programme.id)
    phases = [phase for phase in Phase if by_phase[phase]]
    _ = translations(language).gettext
    word = word_function(_)
    return ReportView(
        template="programme.html",
        title=_("Programme report"),
        subtitle=programme.name,
        firm="",
        engagement_id=None,
        organization_id=None,
        context={
            "engagements": len(engagements),
            "by_phase": [(phase.value, by_phase[phase]) for phase in phases],
            "portfolio": charts.portfolio(
                "", [(word("phase", phase.value), by_phase[phase]) for phase in phases]
            ),
            "served": len(served),
            "outcomes": [(state.value, outcomes[state]) for state in OUTCOMES],
            "improvements": _improvements(values, language),
            "costs": costs,
            "today": today,
        },
    )


def _improvements(values: list[KpiValue], language: str) -> list[dict[str, Any]]:
    """Per KPI, over the firms measured both at baseline and at the end: how many, the mean
    before and after, and how many improved in the KPI's better direction."""
    catalogue = kpi_catalogue()
    pairs: dict[str, list[tuple[Decimal, Decimal]]] = {}
    series: dict[tuple[Any, Any, str], list[KpiValue]] = {}
    for value in values:
        series.setdefault((value.engagement_id, value.organization_id, value.kpi), []).append(value)
    for (_engagement, _organization, key), own in sorted(series.items(), key=str):
        own.sort(key=lambda v: v.measured_on)
        before = [v for v in own if v.source == KpiSource.baseline]
        after = [v for v in own if v.source == KpiSource.final]
        if before and after:
            pairs.setdefault(key, []).append((Decimal(before[0].value), Decimal(after[-1].value)))
    rows = []
    for key in sorted(pairs):
        kpi = catalogue[key]
        firms_pairs = pairs[key]
        better = (lambda b, a: a > b) if kpi.better == "higher" else (lambda b, a: a < b)
        rows.append(
            {
                "name": getattr(kpi.name, language),
                "unit": kpi.unit,
                "firms": len(firms_pairs),
                "before": sum(b for b, _ in firms_pairs) / len(firms_pairs),
                "after": sum(a for _, a in firms_pairs) / len(firms_pairs),
                "improved": sum(1 for b, a in firms_pairs if better(b, a)),
            }
        )
    return rows
