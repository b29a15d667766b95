"""The programme report for the unit and its donors: over a reporting period, the
engagements with their phase and outcome, suppliers served (buyers apart), partnerships
concluded, KPI improvements as medians over the firms measured before and after, the
buyers' local purchases before and after, and cost sharing with the cost per supplier."""

from collections import Counter
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from sqlmodel import Session, col, select

from service.analyses.models import KpiSource, KpiValue
from service.engagements.models import Engagement, Participation
from service.kpis import kpi_catalogue
from service.plans import queries as plans
from service.plans.costs import cost_totals
from service.plans.models import Plan
from service.programmes.models import Programme
from service.reports import charts, formats
from service.reports.rendering import translations
from service.reports.views import ReportView, _names
from service.reports.words import word_function
from workflows import ParticipationState

OUTCOMES = (
    ParticipationState.partner,
    ParticipationState.conditional_partner,
    ParticipationState.no_partnership,
)
NOT_SERVED = {
    ParticipationState.candidate,
    ParticipationState.evaluated,
    ParticipationState.not_selected,
}
Pair = tuple[Decimal, Decimal]


def programme_view(
    session: Session,
    programme: Programme,
    language: str,
    today: date,
    period_from: date | None = None,
    period_to: date | None = None,
) -> ReportView:
    """The donor report over the period (by default from the first engagement to today):
    engagements begun by its end, as they stand, and indicators measured by its end."""
    _ = translations(language).gettext
    word = word_function(_)
    end = period_to or today
    engagements = [
        e
        for e in session.exec(
            select(Engagement)
            .where(Engagement.programme_id == programme.id)
            .order_by(col(Engagement.created_at))
        ).all()
        if e.created_at.date() <= end
    ]
    start = period_from or min((e.created_at.date() for e in engagements), default=end)
    ids = [e.id for e in engagements]
    participations = list(
        session.exec(select(Participation).where(col(Participation.engagement_id).in_(ids))).all()
    )
    served = {p.supplier_id for p in participations if p.state not in NOT_SERVED}
    outcomes = Counter(p.state for p in participations if p.state in OUTCOMES)
    values = [
        v
        for v in session.exec(select(KpiValue).where(col(KpiValue.engagement_id).in_(ids))).all()
        if v.measured_on <= end
    ]
    buyers = {e.buyer_id for e in engagements}
    names = _names(session, buyers)
    costs = cost_totals(plans.cost_lines(session, col(Plan.engagement_id).in_(ids)))
    improvements = _improvements(_pairs(values, exclude=buyers), language, programme.currency)
    purchases = [
        {"name": names.get(firm, ""), "before": before, "after": after}
        for (firm, key), (before, after) in sorted(
            _pairs(values, include=buyers).items(), key=lambda item: names.get(item[0][0], "")
        )
        if key == "local_purchases"
    ]
    return ReportView(
        template="programme.html",
        title=_("Programme report"),
        subtitle=programme.name,
        firm="",
        engagement_id=None,
        organization_id=None,
        context={
            "period_from": start,
            "period_to": end,
            "engagements": [_engagement_row(e, participations, names, word) for e in engagements],
            "buyers": len(buyers),
            "served": len(served),
            "concluded": outcomes[ParticipationState.partner]
            + outcomes[ParticipationState.conditional_partner],
            "outcomes": [(state.value, outcomes[state]) for state in OUTCOMES],
            "improvements": improvements,
            "improvement_chart": _improvement_chart(improvements, _),
            "purchases": purchases,
            "purchases_total": _totals(purchases),
            "costs": costs,
            "cost_chart": _cost_chart(costs, word, _),
            "per_supplier": _per(costs.planned, costs.actual, len(served)),
        },
    )


def _engagement_row(
    engagement: Engagement, participations: list[Participation], names: dict[Any, str], word: Any
) -> dict[str, Any]:
    own = [p for p in participations if p.engagement_id == engagement.id]
    decided = Counter(p.state for p in own if p.state in OUTCOMES)
    return {
        "buyer": names.get(engagement.buyer_id, ""),
        "phase": engagement.phase.value,
        "suppliers": sum(1 for p in own if p.state not in NOT_SERVED),
        "candidates": len(own),
        "outcome": ", ".join(
            f"{decided[state]} × {word('outcome', state.value)}"
            for state in OUTCOMES
            if decided[state]
        ),
    }


def _pairs(
    values: list[KpiValue],
    *,
    include: set[Any] | None = None,
    exclude: frozenset[Any] | set[Any] = frozenset(),
) -> dict[tuple[Any, str], Pair]:
    """Per firm and KPI, the first baseline and the last final value, where both exist."""
    series: dict[tuple[Any, str], list[KpiValue]] = {}
    for value in sorted(values, key=lambda v: v.measured_on):
        if value.organization_id in exclude or (
            include is not None and value.organization_id not in include
        ):
            continue
        series.setdefault((value.organization_id, value.kpi), []).append(value)
    pairs = {}
    for key, own in series.items():
        before = [v for v in own if v.source == KpiSource.baseline]
        after = [v for v in own if v.source == KpiSource.final]
        if before and after:
            pairs[key] = (Decimal(before[0].value), Decimal(after[-1].value))
    return pairs


def _improvements(
    pairs: dict[tuple[Any, str], Pair], language: str, currency: str
) -> list[dict[str, Any]]:
    """Per KPI: the firms measured before and after, the medians, how many improved, and the
    median change as a share of the baseline, positive when better."""
    catalogue = kpi_catalogue()
    by_kpi: dict[str, list[Pair]] = {}
    for (_firm, key), pair in pairs.items():
        by_kpi.setdefault(key, []).append(pair)
    rows = []
    for key in sorted(by_kpi):
        sign = 1 if catalogue[key].better == "higher" else -1
        firm_pairs = by_kpi[key]
        changes = [sign * (a - b) / b * 100 for b, a in firm_pairs if b]
        rows.append(
            {
                "key": key,
                "label": formats.kpi_label(key, language, currency),
                "name": formats.kpi_name(key, language),
                "firms": len(firm_pairs),
                "before": median(b for b, _ in firm_pairs),
                "after": median(a for _, a in firm_pairs),
                "improved": sum(1 for b, a in firm_pairs if sign * (a - b) > 0),
                "change": float(median(changes)) if changes else None,
            }
        )
    return rows


def _totals(purchases: list[dict[str, Any]]) -> dict[str, Decimal]:
    return {
        "before": sum((row["before"] for row in purchases), Decimal(0)),
        "after": sum((row["after"] for row in purchases), Decimal(0)),
    }


def _per(planned: Decimal, actual: Decimal, suppliers: int) -> dict[str, Decimal | None]:
    if not suppliers:
        return {"planned": None, "actual": None}
    return {"planned": planned / suppliers, "actual": actual / suppliers}


def _improvement_chart(rows: list[dict[str, Any]], _: Any) -> str:
    """The median improvement of each KPI relative to its baseline: what the table's
    absolute medians in different units cannot compare."""
    shown: list[tuple[str, float | None, float | None]] = [
        (row["name"], None, row["change"]) for row in rows if row["change"] is not None
    ]
    if not shown:
        return ""
    return charts.bars("", shown, ("", _("Median improvement")), "%", decimals=0)


def _cost_chart(costs: Any, word: Any, _: Any) -> str:
    """Each payer's share of the cost, planned against actual: the split the donor reads."""
    if not costs.planned and not costs.actual:
        return ""
    rows = [
        (
            word("payer", row.key),
            float(row.planned / costs.planned * 100) if costs.planned else None,
            float(row.actual / costs.actual * 100) if costs.actual else None,
        )
        for row in costs.by_payer
    ]
    return charts.bars("", rows, (_("Planned"), _("Actual")), "%", decimals=0, scale_max=100)
