"""View data of the reports of phase four: the buyer's monthly progress report over all its
suppliers' plans, and the engagement's final report."""

from datetime import date
from typing import Any

from babel.dates import format_date
from sqlmodel import Session, col, select

from service.analyses.models import KpiSource, KpiValue
from service.audits.comparison import compare
from service.engagements.models import Engagement
from service.kpis import kpi_catalogue
from service.plans import queries as plans
from service.plans.models import PartnershipDecision, Plan
from service.reports import charts
from service.reports.evaluation_views import _areas, _evaluation_template
from service.reports.rendering import LOCALE_OF, translations
from service.reports.views import ReportView, _kpi_rows, _names
from service.targets.models import Target, TargetKind


def _plans(session: Session, engagement: Engagement) -> list[Plan]:
    statement = select(Plan).where(Plan.engagement_id == engagement.id)
    return list(session.exec(statement.order_by(col(Plan.created_at))).all())


def _targets(session: Session, engagement: Engagement) -> dict[Any, dict[str, str]]:
    """KPI targets by participation."""
    by_participation: dict[Any, dict[str, str]] = {}
    statement = select(Target).where(
        Target.engagement_id == engagement.id, Target.kind == TargetKind.kpi
    )
    for target in session.exec(statement).all():
        if target.kpi and target.value:
            by_participation.setdefault(target.participation_id, {})[target.kpi] = target.value
    return by_participation


def _values(session: Session, engagement: Engagement) -> list[KpiValue]:
    statement = select(KpiValue).where(KpiValue.engagement_id == engagement.id)
    return list(session.exec(statement.order_by(col(KpiValue.measured_on))).all())


def monthly_view(
    session: Session, engagement: Engagement, language: str, today: date
) -> ReportView:
    """Every plan of the buyer's engagement this month: health, late actions, progress,
    last review, and each indicator's trend against baseline and target."""
    _ = translations(language).gettext
    locale = LOCALE_OF[language]
    rows = _plans(session, engagement)
    ids = [plan.id for plan in rows]
    actions = plans.actions_of(session, ids)
    reviews = plans.reviews_of(session, ids)
    names = _names(session, {plan.organization_id for plan in rows} | {engagement.buyer_id})
    values = _values(session, engagement)
    targets = _targets(session, engagement)
    catalogue = kpi_catalogue()
    firms = []
    for plan in rows:
        own_actions = [a for a in actions if a.plan_id == plan.id]
        own_reviews = [r for r in reviews if r.plan_id == plan.id]
        health = plans.health_of(plan, own_actions, own_reviews, today)
        own_targets = targets.get(plan.participation_id, {})
        trends = []
        for key in sorted({v.kpi for v in values if v.organization_id == plan.organization_id}):
            kpi = catalogue.get(key)
            points = [
                (v.measured_on, float(v.value))
                for v in values
                if v.organization_id == plan.organization_id and v.kpi == key
            ]
            baseline = next(
                (
                    float(v.value)
                    for v in values
                    if v.organization_id == plan.organization_id
                    and v.kpi == key
                    and v.source == KpiSource.baseline
                ),
                None,
            )
            target = own_targets.get(key)
            trends.append(
                charts.trend(
                    f"{getattr(kpi.name, language)} ({kpi.unit})" if kpi else key,
                    [(names.get(plan.organization_id, ""), points)],
                    baseline,
                    float(target) if target else None,
                    kpi.unit if kpi else "",
                    lambda day: format_date(day, "MMM yy", locale=locale),
                    empty=_("No data"),
                    baseline_label=_("Baseline"),
                    target_label=_("Target"),
                )
            )
        firms.append(
            {
                "name": names.get(plan.organization_id, ""),
                "plan": plan,
                "ends_on": plans.ends_on(plan),
                "health": health,
                "last_review": own_reviews[-1].held_on if own_reviews else None,
                "trends": trends,
            }
        )
    buyer = names.get(engagement.buyer_id, "")
    month = format_date(today, "MMMM y", locale=locale)
    return ReportView(
        template="monthly.html",
        title=_("Monthly progress report"),
        subtitle=f"{buyer} — {engagement.title} — {month}",
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=engagement.buyer_id,
        context={"firms": firms},
    )


def final_view(session: Session, engagement: Engagement, language: str) -> ReportView:
    """The engagement's end: audit scores before and after, indicators before and after,
    and the buyer's partnership decisions."""
    _ = translations(language).gettext
    template = _evaluation_template(session, engagement)
    titles = _areas(template, language)
    data = compare(session, engagement, template)
    names = _names(session, {engagement.buyer_id})
    audits = []
    for firm in data["before_after"]:
        audits.append(
            {
                "name": firm["name"],
                "before": firm["before_total"],
                "after": firm["after_total"],
                "delta": firm["delta_total"],
                "chart": charts.bars(
                    firm["name"],
                    [(titles[s["section_id"]], s["before"], s["after"]) for s in firm["sections"]],
                    (_("Before"), _("After")),
                    "%",
                    missing=_("n/a"),
                ),
            }
        )
    values = _values(session, engagement)
    targets = _targets(session, engagement)
    decisions = list(
        session.exec(
            select(PartnershipDecision)
            .where(PartnershipDecision.engagement_id == engagement.id)
            .order_by(col(PartnershipDecision.decided_at))
        ).all()
    )
    firms = _plans(session, engagement)
    firm_names = _names(session, {plan.organization_id for plan in firms})
    indicators = [
        {
            "name": firm_names.get(plan.organization_id, ""),
            "kpis": _kpi_rows(
                [v for v in values if v.organization_id == plan.organization_id],
                targets.get(plan.participation_id, {}),
                language,
            ),
        }
        for plan in firms
    ]
    participants = {plan.participation_id: plan.organization_id for plan in firms}
    buyer = names.get(engagement.buyer_id, "")
    return ReportView(
        template="final.html",
        title=_("Final engagement report"),
        subtitle=f"{buyer} — {engagement.title}",
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=engagement.buyer_id,
        context={
            "audits": audits,
            "indicators": indicators,
            "decisions": [
                {
                    "name": firm_names.get(participants.get(d.participation_id), ""),
                    "outcome": d.outcome.value,
                    "conditions": d.conditions,
                    "rationale": d.rationale,
                    "decided_at": d.decided_at.date(),
                }
                for d in decisions
            ],
        },
    )
