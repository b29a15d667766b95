"""Cost sharing: who pays how much of the plans, planned against actual, pure arithmetic.

Each funding share is its percentage of the action's estimated cost (planned) and of its
actual cost once recorded (actual), rounded half up to the cent share by share; totals add
the rounded shares, so a total is what the payers were told, cent for cent. Cancelled
actions plan nothing, but what they already cost stays in the actual figures.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from service.plans.models import ActionCategory, Payer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CostLine:
    """One funding share of one action."""

    category: ActionCategory
    payer: Payer
    organization_id: uuid.UUID | None  # who pays, where known
    percent: Decimal
    estimated_cost: Decimal
    actual_cost: Decimal | None
    cancelled: bool


@dataclass(frozen=True)
class Total:
    key: str
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class CostTotals:
    planned: Decimal
    actual: Decimal
    by_payer: list[Total]
    by_category: list[Total]
    by_organization: list[Total]  # key: the organization id, or "unspecified"


def share(amount: Decimal, percent: Decimal) -> Decimal:
    """A percentage of an amount, to the cent, half up: 33.33 % of 100.00 is 33.33."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _planned(line: CostLine) -> Decimal:
    return ZERO if line.cancelled else share(line.estimated_cost, line.percent)


def _actual(line: CostLine) -> Decimal:
    return ZERO if line.actual_cost is None else share(line.actual_cost, line.percent)


def _group(lines: list[CostLine], key: Callable[[CostLine], str]) -> list[Total]:
    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    actual: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        planned[key(line)] += _planned(line)
        actual[key(line)] += _actual(line)
    return [Total(name, planned[name], actual[name]) for name in sorted(planned)]


def cost_totals(lines: Iterable[CostLine]) -> CostTotals:
    """Planned and actual totals, by payer kind, by action category and by organization."""
    rows = list(lines)
    return CostTotals(
        planned=sum((_planned(line) for line in rows), ZERO),
        actual=sum((_actual(line) for line in rows), ZERO),
        by_payer=_group(rows, lambda line: line.payer.value),
        by_category=_group(rows, lambda line: line.category.value),
        by_organization=_group(
            rows, lambda line: str(line.organization_id) if line.organization_id else "unspecified"
        ),
    )
