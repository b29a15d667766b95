"""Public shapes of tracking and the functions that build them: overdue actions, missed
reviews, month-by-month plan timelines with KPI series, and cost reports."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import SQLModel

from service.analyses.models import KpiSource, KpiValue
from service.kpis import kpi_catalogue
from service.plans.costs import CostTotals, Total
from service.plans.models import Action, Plan
from service.types import MeasureOut
from workflows import PlanState
from workflows.plan_health import ActionFacts, ActionStatus, PlanFacts, add_months, plan_health


class OverdueAction(SQLModel):
    action_id: uuid.UUID
    title: str
    status: ActionStatus
    progress: int
    due_on: date
    days_late: int
    plan_id: uuid.UUID
    engagement_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    buyer_id: uuid.UUID
    broker_id: uuid.UUID | None
    provider_id: uuid.UUID | None


class MissedReview(SQLModel):
    plan_id: uuid.UUID
    engagement_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    buyer_id: uuid.UUID
    broker_id: uuid.UUID | None
    last_review_on: date | None
    months_without_review: int


class MonthPoint(SQLModel):
    month: int
    ends_on: date
    expected_progress: int
    reported_progress: int | None  # by the last review held in that month
    reviewed_on: date | None


class KpiPoint(SQLModel):
    measured_on: date
    value: MeasureOut
    source: KpiSource


class KpiSeries(SQLModel):
    kpi: str
    unit: str
    better: str
    baseline: MeasureOut | None
    target: MeasureOut | None
    values: list[KpiPoint]


# Missed reviews are ranked longest first: the rank grows as the months without review shrink.
NEVER = 1_000_000


def longest_first(row: MissedReview) -> tuple[int, uuid.UUID]:
    """A missed review's place in the list and its plan, for the list's cursors."""
    return NEVER - row.months_without_review, row.plan_id


class PlanTimeline(SQLModel):
    plan_id: uuid.UUID
    firm_id: uuid.UUID
    firm: str
    state: PlanState
    starts_on: date
    ends_on: date
    months: list[MonthPoint]
    kpis: list[KpiSeries]


class CostRow(SQLModel):
    key: str
    name: str | None
    planned: Decimal
    actual: Decimal


class CostReport(SQLModel):
    currency: str
    planned: Decimal
    actual: Decimal
    by_payer: list[CostRow]
    by_category: list[CostRow]
    by_organization: list[CostRow]


def overdue_action(row: Any, today: date) -> OverdueAction:
    """One row of the overdue-actions query, with how many days late it is today."""
    return OverdueAction(
        action_id=row.id,
        title=row.title,
        status=row.status,
        progress=row.progress,
        due_on=row.due_on,
        days_late=(today - row.due_on).days,
        plan_id=row.plan_id,
        engagement_id=row.engagement_id,
        firm_id=row.organization_id,
        firm=row.name,
        buyer_id=row.buyer_id,
        broker_id=row.broker_id,
        provider_id=row.provider_id,
    )


def _facts(plan: Plan, actions: list[Action], progress: dict[str, int]) -> PlanFacts:
    """The plan as if every live action were under way with the progress given."""
    return PlanFacts(
        starts_on=plan.starts_on,
        months=plan.months,
        actions=tuple(
            ActionFacts(
                title=a.title,
                status=ActionStatus.cancelled
                if a.status == ActionStatus.cancelled
                else ActionStatus.in_progress,
                starts_on=a.starts_on,
                due_on=a.due_on,
                progress=progress.get(str(a.id), 0),
            )
            for a in actions
        ),
        review_dates=(),
    )


def month_points(plan: Plan, actions: list[Action], reviews: list[Any]) -> list[MonthPoint]:
    """Each month of the plan: progress expected at its end, and as last reviewed in it."""
    known: dict[str, int] = {}
    points = []
    ordered = sorted(reviews, key=lambda review: review.held_on)
    for month in range(1, plan.months + 1):
        begins, ends = add_months(plan.starts_on, month - 1), add_months(plan.starts_on, month)
        in_month = [r for r in ordered if begins <= r.held_on < ends]
        for review in in_month:
            known.update(review.progress)
        expected = plan_health(_facts(plan, actions, {}), ends).expected_progress
        reported = (
            plan_health(_facts(plan, actions, known), ends).actual_progress if in_month else None
        )
        points.append(
            MonthPoint(
                month=month,
                ends_on=ends,
                expected_progress=expected,
                reported_progress=reported,
                reviewed_on=in_month[-1].held_on if in_month else None,
            )
        )
    return points


def kpi_series(values: list[KpiValue], targets: dict[str, str]) -> list[KpiSeries]:
    """Each KPI measured or targeted: its unit, baseline, target and values over time."""
    catalogue = kpi_catalogue()
    series = []
    for key in sorted({value.kpi for value in values} | set(targets)):
        own = sorted((v for v in values if v.kpi == key), key=lambda v: v.measured_on)
        kpi = catalogue.get(key)
        series.append(
            KpiSeries(
                kpi=key,
                unit=kpi.unit if kpi else "",
                better=kpi.better if kpi else "",
                baseline=next((v.value for v in own if v.source == KpiSource.baseline), None),
                target=targets.get(key),
                values=[
                    KpiPoint(measured_on=v.measured_on, value=v.value, source=v.source) for v in own
                ],
            )
        )
    return series


def cost_report(currency: str, totals: CostTotals, names: dict[str, str]) -> CostReport:
    """Totals as a report: organizations named where known."""

    def rows(totals_: list[Total], named: bool = False) -> list[CostRow]:
        return [
            CostRow(
                key=t.key,
                name=names.get(t.key) if named else None,
                planned=t.planned,
                actual=t.actual,
            )
            for t in totals_
        ]

    return CostReport(
        currency=currency,
        planned=totals.planned,
        actual=totals.actual,
        by_payer=rows(totals.by_payer),
        by_category=rows(totals.by_category),
        by_organization=rows(totals.by_organization, named=True),
    )
